//! The web app in a real browser: `ponder serve` on a free port, Debian's headless Chromium driven
//! through chromedriver's WebDriver protocol (a minimal JSON-over-HTTP client below). It runs the
//! default turn spot from the form, clicks grid cells at two nodes and compares the frequencies the page
//! shows with `ponder show --json` on the solve file the server saved, plays a hand against `call`,
//! checks the browser logged no console error, and saves screenshots under target/tmp/.
//!
//! Chromium and chromedriver come from Debian (`apt-get install chromium chromium-driver`; `.ci/run`
//! installs them). Without them this test fails saying so, unless `PONDER_SKIP_BROWSER=1`.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// One HTTP/1.1 request with a JSON body; returns the parsed JSON reply.
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Value {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to chromedriver");
    stream
        .set_read_timeout(Some(Duration::from_secs(180)))
        .unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    // Read the head, then exactly Content-Length bytes (chromedriver may keep the connection open).
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let lower = head.to_ascii_lowercase();
    let content = if let Some(length) = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|n| n.trim().parse::<usize>().ok())
    {
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).unwrap();
        String::from_utf8_lossy(&body).into_owned()
    } else if lower.contains("transfer-encoding: chunked") {
        let mut out = Vec::new();
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).unwrap();
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            let mut chunk = vec![0u8; n + 2];
            reader.read_exact(&mut chunk).unwrap();
            out.extend_from_slice(&chunk[..n]);
        }
        String::from_utf8_lossy(&out).into_owned()
    } else {
        let mut rest = String::new();
        reader.read_to_string(&mut rest).unwrap();
        rest
    };
    serde_json::from_str(&content).unwrap_or_else(|e| panic!("{e}: {head}\n{content}"))
}

struct Browser {
    port: u16,
    session: String,
    driver: Child,
}

impl Browser {
    fn start(chromedriver: &Path, chromium: &Path, profile: &Path) -> Browser {
        let port = free_port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "chromedriver did not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": chromium.display().to_string(),
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", "--window-size=1500,1100",
                         format!("--user-data-dir={}", profile.display())]
            }
        }}});
        let reply = http(port, "POST", "/session", Some(&capabilities));
        let session = reply["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {reply}"))
            .to_string();
        Browser {
            port,
            session,
            driver,
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let reply = http(
            self.port,
            method,
            &format!("/session/{}{path}", self.session),
            body.as_ref(),
        );
        if reply["value"].get("error").is_some() {
            panic!("{method} {path}: {reply}");
        }
        reply["value"].clone()
    }

    fn go(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({"url": url})));
    }

    fn find(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element for `{css}`: {v}"))
            .to_string()
    }

    fn click(&self, css: &str) {
        let id = self.find(css);
        self.cmd("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    fn script(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Polls `script` (which returns a value or null) until it is not null.
    fn wait_for(&self, script: &str, timeout: Duration) -> Value {
        let start = Instant::now();
        loop {
            let v = self.script(script);
            if !v.is_null() && v != json!(false) {
                return v;
            }
            assert!(start.elapsed() < timeout, "timed out waiting for: {script}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn screenshot(&self, path: &Path) {
        self.screenshot_of("", path);
    }

    /// A screenshot of the element `css` (the whole window when empty).
    fn screenshot_of(&self, css: &str, path: &Path) {
        let endpoint = if css.is_empty() {
            "/screenshot".to_string()
        } else {
            format!("/element/{}/screenshot", self.find(css))
        };
        let data = self.cmd("GET", &endpoint, None);
        let bytes = decode_base64(data.as_str().unwrap());
        std::fs::write(path, bytes).unwrap();
    }

    /// Severe entries of the browser console (errors), via chromedriver's log endpoint.
    fn console_errors(&self) -> Vec<String> {
        let logs = self.cmd("POST", "/se/log", Some(json!({"type": "browser"})));
        logs.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["level"] == json!("SEVERE"))
            .map(|e| e["message"].to_string())
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = http(
            self.port,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        );
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            _ => 63,
        }
    };
    let clean: Vec<u8> = text
        .bytes()
        .filter(|&c| c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c) << (18 - 6 * i);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(data: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ponder"))
            .args(["serve", "--bind", "127.0.0.1:0", "--data"])
            .arg(data)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("ponder serve starts");
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut line).unwrap();
        // Keep reading: a closed pipe would end the server at its next line (ponder dies on SIGPIPE).
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                eprintln!("server: {line}");
            }
        });
        let url = line
            .trim()
            .strip_prefix("ponder serve: ")
            .unwrap_or_else(|| panic!("first line names the URL: {line}"))
            .to_string();
        Server { child, url }
    }

    fn port(&self) -> u16 {
        self.url
            .rsplit(':')
            .next()
            .unwrap()
            .trim_end_matches('/')
            .parse()
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The class frequencies `ponder show --json` gives for `class` at `line`, formatted as the page
/// shows them (`action 12.3%`), aggregated as `ponder show` does (weight-averaged over the class).
fn cli_class_frequencies(
    file: &Path,
    line: &str,
    class: &str,
) -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let (code, out, err) =
        common::ponder(&["show", file.to_str().unwrap(), "--line", line, "--json"]);
    assert_eq!(code, 0, "{err}");
    let report = common::json(&out);
    let actions: Vec<String> = report["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    let mut weight = 0.0f64;
    let mut sums = vec![0.0f64; actions.len()];
    let mut hands = Vec::new();
    for hand in report["hands"].as_array().unwrap() {
        if hand["class"] != json!(class) {
            continue;
        }
        let w = hand["weight"].as_f64().unwrap();
        weight += w;
        let strategy: Vec<f64> = hand["strategy"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_f64().unwrap())
            .collect();
        for (sum, s) in sums.iter_mut().zip(&strategy) {
            *sum += w * s;
        }
        hands.push((
            hand["hand"].as_str().unwrap().to_string(),
            strategy
                .iter()
                .map(|s| format!("{:.1}%", s * 100.0))
                .collect(),
        ));
    }
    assert!(weight > 0.0, "{class} is in the range at `{line}`");
    let freqs = actions
        .iter()
        .zip(&sums)
        .map(|(a, s)| format!("{a} {:.1}%", s / weight * 100.0))
        .collect();
    (freqs, hands)
}

/// What the page shows for the clicked cell: the class frequencies and each hand's row.
fn page_class_frequencies(browser: &Browser) -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let v = browser.script(
        "return { freqs: [...document.querySelectorAll('#cell-freqs .freq')].map(e => e.textContent),
                  hands: [...document.querySelectorAll('#hands tbody tr')].map(tr => [tr.dataset.hand,
                     [...tr.children].slice(4).map(td => td.textContent)]) };",
    );
    let freqs = v["freqs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    let hands = v["hands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h[0].as_str().unwrap().to_string(),
                h[1].as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect();
    (freqs, hands)
}

#[test]
fn the_web_app_solves_browses_and_plays_in_chromium() {
    let chromium = find_program(&["chromium", "chromium-browser"]);
    let chromedriver = find_program(&["chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        if std::env::var("PONDER_SKIP_BROWSER").is_ok_and(|v| v == "1") {
            eprintln!("browser test SKIPPED (PONDER_SKIP_BROWSER=1)");
            return;
        }
        panic!(
            "the browser test needs Debian's Chromium and chromedriver: `apt-get install chromium chromium-driver` \
             (.ci/run installs them); set PONDER_SKIP_BROWSER=1 to skip it"
        );
    };
    let dir = common::scratch("serve_browser", "app");
    let data = dir.join("data");
    let artefacts = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("serve-screenshots");
    std::fs::create_dir_all(&artefacts).unwrap();
    let server = Server::start(&data);
    let _ = std::fs::remove_dir_all(dir.join("profile"));
    let browser = Browser::start(&chromedriver, &chromium, &dir.join("profile"));
    browser.go(&server.url);
    browser.wait_for(
        "return document.body.dataset.ready === '1' || null;",
        Duration::from_secs(30),
    );
    // The live combo count of the default ranges.
    let combos = browser.wait_for(
        "const t = document.getElementById('oop-combos').textContent; return t.includes('combos') ? t : null;",
        Duration::from_secs(30),
    );
    assert!(
        combos.as_str().unwrap().contains("combos on this board"),
        "{combos}"
    );

    // Solve the default turn spot (100 iterations at most) from the form.
    browser.script("document.getElementById('iterations').value = '100'; return null;");
    browser.click("#solve");
    let solve_ms = browser.wait_for(
        "return window.ponderTimings && window.ponderTimings.solveToGrid || null;",
        Duration::from_secs(300),
    );
    let grid_ms = browser.script("return window.ponderTimings.grid;");
    eprintln!("default turn spot: solve + first grid {solve_ms} ms after clicking solve; grid drawn in {grid_ms} ms");
    let solves = http(server.port(), "GET", "/api/solves", None);
    let solve = &solves[0];
    let id = solve["id"].as_str().unwrap();
    eprintln!(
        "iterations {} exploitability {}% pot",
        solve["iteration"], solve["exploitability_pct"]
    );
    let file = data.join(format!("{id}.solve"));
    assert!(
        file.is_file(),
        "the finished solve was saved as {}",
        file.display()
    );

    // Root: click a cell and compare with `ponder show --json`.
    for (line, class) in [("", "AKs"), ("check", "QQ")] {
        if !line.is_empty() {
            browser.click(&format!("#next button[data-action='{line}']"));
            browser.wait_for(
                &format!("return [...document.querySelectorAll('#line li')].length === 2 && document.getElementById('cell-{class}') ? true : null;"),
                Duration::from_secs(60),
            );
        }
        browser.click(&format!("#cell-{class}"));
        browser.wait_for(
            "return document.querySelectorAll('#cell-freqs .freq').length > 0 || null;",
            Duration::from_secs(10),
        );
        let page = page_class_frequencies(&browser);
        let cli = cli_class_frequencies(&file, line, class);
        assert_eq!(
            page.0, cli.0,
            "class {class} at `{line}`: page vs ponder show --json"
        );
        assert_eq!(page.1, cli.1, "hands of {class} at `{line}`");
        eprintln!("{class} at `{line}`: {:?}", page.0);
    }
    browser.screenshot(&artefacts.join("solve.png"));
    browser.screenshot_of("#node", &artefacts.join("node.png"));

    // Play a hand against `call`, checking and calling down.
    browser.click("#tab-play");
    let solve_page_hidden =
        browser.script("return getComputedStyle(document.getElementById('page-solve')).display;");
    assert_eq!(
        solve_page_hidden,
        json!("none"),
        "the Play tab hides the solve page"
    );
    browser.script("document.getElementById('bot').value = 'call'; document.getElementById('seed').value = '7'; return null;");
    browser.click("#play-start");
    browser.wait_for(
        "return document.getElementById('table').hidden ? null : true;",
        Duration::from_secs(10),
    );
    for _ in 0..20 {
        let over = browser.script("return document.getElementById('moves').hidden;");
        if over == json!(true) {
            break;
        }
        browser.click("#act-call");
        std::thread::sleep(Duration::from_millis(100));
    }
    let result = browser.wait_for(
        "const t = document.getElementById('pot-text').textContent; return /won|lost/.test(t) ? t : null;",
        Duration::from_secs(10),
    );
    let matched = browser.script("return document.getElementById('match').textContent;");
    assert!(matched.as_str().unwrap().contains("1 hands"), "{matched}");
    let bot_cards = browser.script("return document.getElementById('bot-cards').textContent;");
    assert_ne!(
        bot_cards,
        json!("?? ??"),
        "the bot's cards are shown after the hand"
    );
    eprintln!("hand against call: {result}; {matched}");
    browser.screenshot(&artefacts.join("play.png"));

    let errors = browser.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:?}");
    eprintln!("screenshots in {}", artefacts.display());
}
