//! `ponder acpc` and `ponder match` on hostile input (issue 15): tables the engine cannot deal, stacks
//! past the chip limit, names that would break a log or a PHH file, garbage logs, a dealer that resets
//! the connection, and a client meeting a 3-player dealer without `--game`.

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{json, ponder, scratch};

const HUNL: &str = "GAMEDEF\nnolimit\nnumPlayers = 2\nnumRounds = 4\nstack = 20000 20000\n\
blind = 100 50\nfirstPlayer = 2 1 1 1\nnumSuits = 4\nnumRanks = 13\nnumHoleCards = 2\n\
numBoardCards = 0 3 1 1\nEND GAMEDEF\n";

const LIMIT: &str = "GAMEDEF\nlimit\nnumPlayers = 2\nnumRounds = 4\nblind = 10 5\n\
raiseSize = 10 10 20 20\nfirstPlayer = 2 1 1 1\nmaxRaises = 3 4 4 4\nnumSuits = 4\nnumRanks = 13\n\
numHoleCards = 2\nnumBoardCards = 0 3 1 1\nEND GAMEDEF\n";

/// Asserts a bad-input exit: code 2 and a one-line error containing `expected`.
fn assert_refused((code, _, stderr): (i32, String, String), expected: &str) {
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(expected), "{stderr}");
}

#[test]
fn tables_the_engine_cannot_deal_are_refused_before_dealing() {
    let dir = scratch("acpc_cli", "tables");
    for (name, text, expected) in [
        (
            "zero-stacks.game",
            HUNL.replace("stack = 20000 20000", "stack = 0 0"),
            "line 5: `stack`: 0 is outside 1..=",
        ),
        (
            "zero-sizes.game",
            LIMIT.replace("raiseSize = 10 10 20 20", "raiseSize = 0 0 0 0"),
            "line 6: `raiseSize`: 0 is outside 1..=",
        ),
        (
            "huge-stacks.game",
            HUNL.replace("stack = 20000 20000", "stack = 18446744073709551615 5"),
            "line 5: `stack`: 18446744073709551615 is outside 1..=281474976710656",
        ),
        (
            "wrapped-cap.game",
            LIMIT.replace("maxRaises = 3 4 4 4", "maxRaises = 255 0 0 0"),
            "not playable",
        ),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let game = path.to_str().unwrap();
        assert_refused(
            ponder(&[
                "acpc",
                "dealer",
                game,
                "--bots",
                "call,call",
                "--hands",
                "5",
            ]),
            expected,
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn match_stacks_are_bounded_and_the_largest_keep_chips_and_rates_in_step() {
    assert_refused(
        ponder(&[
            "match",
            "call",
            "call",
            "--stack",
            "18446744073709551615",
            "--hands",
            "10",
        ]),
        "--stack must be 1..=140737488355328",
    );
    let (code, stdout, stderr) = ponder(&[
        "match",
        "raise",
        "random",
        "--stack",
        "140737488355328",
        "--hands",
        "2000",
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let report = json(&stdout);
    let mut sum = 0i128;
    for bot in report["bots"].as_array().unwrap() {
        let chips = bot["chips"].as_i64().unwrap();
        let rate = bot["bb_per_100"].as_f64().unwrap();
        // Same figure twice: the same sign, and the same size (2,000 hands, big blind 2).
        let from_chips = chips as f64 / 2.0 / 2000.0 * 100.0;
        assert!(
            (rate - from_chips).abs() <= 1e-9 * from_chips.abs(),
            "{bot}"
        );
        sum += i128::from(chips);
    }
    assert_eq!(sum, 0);
}

#[test]
fn names_are_escaped_in_phh_and_refused_where_acpc_logs_cannot_hold_them() {
    let dir = scratch("acpc_cli", "names");
    let log = dir.join("quote.log");
    let out = dir.join("hands");
    let (code, _, stderr) = ponder(&[
        "acpc",
        "dealer",
        "--bots",
        "random,call",
        "--players",
        "a\"b,c\\d",
        "--hands",
        "20",
        "--log",
        log.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = ponder(&[
        "acpc",
        "to-phh",
        log.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("wrote 20 PHH files"), "{stdout}");
    for entry in std::fs::read_dir(&out).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        // Valid TOML that ponder reads back (a literal string needs no escapes; the holdem tests
        // parse the names back), where the old writer put `"a"b"`.
        ponder_holdem::phh::from_phh(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let players = text.lines().find(|l| l.starts_with("players = ")).unwrap();
        assert!(
            players == r#"players = ['a"b', 'c\d']"# || players == r#"players = ['c\d', 'a"b']"#,
            "{players}"
        );
    }
    for players in ["a|b,c:d", "a b,c", "x,"] {
        assert_refused(
            ponder(&[
                "acpc",
                "dealer",
                "--bots",
                "call,call",
                "--players",
                players,
                "--hands",
                "5",
            ]),
            "player name",
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn to_phh_refuses_a_garbage_log_naming_the_line() {
    let dir = scratch("acpc_cli", "garbage");
    let log = dir.join("garbage.log");
    let out = dir.join("hands");
    std::fs::write(&log, "# comment\nthis is not a log\n").unwrap();
    let args = [
        "acpc",
        "to-phh",
        log.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    assert_refused(
        ponder(&args),
        "log line 2: expected a `STATE:` or `SCORE:` line",
    );
    std::fs::write(&log, "").unwrap();
    assert_refused(ponder(&args), "no `STATE:` lines");
    assert!(!out.exists(), "nothing is written for a bad log");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_connection_reset_is_reported_once() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let dealer = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        // Closing with the client's hello unread makes the kernel reset the connection.
        std::thread::sleep(Duration::from_millis(300));
        drop(stream);
    });
    let (code, _, stderr) = ponder(&["acpc", "client", "127.0.0.1", &port]);
    dealer.join().unwrap();
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(stderr.matches("reset by peer").count(), 1, "{stderr}");
}

#[test]
fn a_client_without_game_plays_a_three_player_dealer() {
    let dir = scratch("acpc_cli", "three");
    let game = dir.join("holdem.nolimit.3p.game");
    std::fs::write(
        &game,
        HUNL.replace("numPlayers = 2", "numPlayers = 3")
            .replace("stack = 20000 20000", "stack = 20000 20000 20000")
            .replace("blind = 100 50", "blind = 50 100 0")
            .replace("firstPlayer = 2 1 1 1", "firstPlayer = 3 1 1 1"),
    )
    .unwrap();
    let mut dealer = Command::new(env!("CARGO_BIN_EXE_ponder"))
        .args(["acpc", "dealer", game.to_str().unwrap(), "--hands", "60"])
        .args(["--json", "--time-limit-ms", "20000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(dealer.stdout.take().unwrap());
    let mut ports = String::new();
    stdout.read_line(&mut ports).unwrap();
    let clients: Vec<_> = ports
        .split_whitespace()
        .map(|port| {
            Command::new(env!("CARGO_BIN_EXE_ponder"))
                .args(["acpc", "client", "127.0.0.1", port, "--bot", "random"])
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    assert_eq!(clients.len(), 3, "{ports}");
    for client in clients {
        let output = client.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(stderr.contains("played 60 hands"), "{stderr}");
    }
    let mut report = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut report).unwrap();
    assert!(dealer.wait().unwrap().success());
    let report = json(&report);
    assert_eq!(report["hands"], 60);
    assert_eq!(report["forfeited"], serde_json::Value::Null);
    std::fs::remove_dir_all(&dir).ok();
}
