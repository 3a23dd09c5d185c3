//! `ponder serve` on the command line: bad arguments are one-line errors with exit code 2, and SIGTERM
//! stops the server gracefully, saving the solve it was running.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn bad_serve_arguments_are_one_line_errors() {
    for args in [
        &["serve", "--max-solves", "0"][..],
        &["serve", "--max-solves", "65"],
        &["serve", "--max-memory", "lots"],
        &["serve", "--bind", "localhost"],
    ] {
        common::refused(args);
    }
}

/// One HTTP/1.1 request; the reply's body.
fn request(port: u16, method: &str, path: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    reply.split_once("\r\n\r\n").unwrap().1.to_string()
}

#[cfg(unix)]
#[test]
fn sigterm_saves_the_running_solve_and_exits_cleanly() {
    let dir = common::scratch("serve_cli", "sigterm");
    let data = dir.join("data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ponder"))
        .args(["serve", "--bind", "127.0.0.1:0", "--data"])
        .arg(&data)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let port: u16 = line
        .trim()
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("a URL with a port: {line}"));
    let spot = request(port, "GET", "/api/spots/default", "");
    let body = format!(
        "{{\"spot\": {spot}, \"max_iterations\": 100000, \"target_pct\": 0, \"check_every\": 1}}"
    );
    let started = common::json(&request(port, "POST", "/api/solves", &body));
    let id = started["id"].as_str().unwrap().to_string();
    let start = Instant::now();
    loop {
        let status = common::json(&request(port, "GET", &format!("/api/solves/{id}"), ""));
        if status["iteration"].as_u64().unwrap_or(0) >= 2 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(120), "{status}");
        std::thread::sleep(Duration::from_millis(20));
    }
    // kill(1) rather than libc: no unsafe code in the tests.
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "exit {status:?}: {rest}");
    assert!(rest.contains("stopped"), "{rest}");
    let (code, out, err) = common::ponder(&[
        "show",
        data.join(format!("{id}.solve")).to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, 0, "the cancelled solve was saved: {err}");
    assert!(common::json(&out)["iterations"].as_u64().unwrap() >= 2);
}
