//! `ponder solve` with node locks: `[[lock]]` tables and `--lock`, the locked-solve notice, the saved
//! lock seen by `ponder show`, and one-line located errors with exit code 2.

mod common;

use common::{json, ponder};

const SPOT: &str = "board = \"QsJh2h8d3c\"\noop_range = \"AA,KK,QJs,T9s,A5s,87s,JTs\"\n\
ip_range = \"QQ,JJ,AK,KQs,T9s,54s,A2s\"\nstarting_pot = 200\neffective_stack = 900\n\
[bet_sizes]\nbet = \"75%\"\nraise = \"a\"\n";

fn write_spot(name: &str, extra: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ponder-lock-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, format!("{SPOT}{extra}")).unwrap();
    path
}

#[test]
fn a_locked_spot_solves_and_says_so() {
    let path = write_spot(
        "locked.toml",
        "[[lock]]\nline = \"check\"\nstrategy = { check = 1.0 }\n",
    );
    let out = path.with_extension("solve");
    let (code, stdout, stderr) = ponder(&[
        "solve",
        path.to_str().unwrap(),
        "--lock",
        "check,bet 150 | fold=0.25, call=0.75",
        "--target",
        "0.1",
        "--json",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let value = json(&stdout);
    assert_eq!(value["locked"], true);
    assert_eq!(value["locks"], 2);
    assert_eq!(value["locked_nodes"], 2);
    // IP never betting and OOP calling a fixed 75% give chips away once the locks are lifted.
    let locked = value["exploitability_pct"].as_f64().unwrap();
    let full = value["full_game_exploitability_pct"].as_f64().unwrap();
    assert!(
        locked <= 0.1 && full > 1.0,
        "locked {locked}%, full game {full}%"
    );
    let (code, stdout, _) = ponder(&["solve", path.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(stdout.contains("LOCKED"), "{stdout}");
    assert!(stdout.contains("full game "), "{stdout}");
    // Without locks there is no second figure.
    let free = write_spot("free.toml", "");
    let (code, stdout, stderr) = ponder(&["solve", free.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(json(&stdout)["full_game_exploitability_pct"].is_null());
    // The saved solve keeps both locks: IP never bets (locked), OOP calls 75% facing the bet.
    let (code, stdout, stderr) =
        ponder(&["show", out.to_str().unwrap(), "--line", "check", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let report = json(&stdout);
    assert_eq!(report["frequencies"][0], 1.0);
    assert_eq!(
        report["locked_hands"],
        report["hands"].as_array().unwrap().len()
    );
    let (code, stdout, stderr) = ponder(&[
        "show",
        out.to_str().unwrap(),
        "--line",
        "check,bet 150",
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let report = json(&stdout);
    let call = report["frequencies"][1].as_f64().unwrap();
    assert!((call - 0.75).abs() < 1e-6, "{call}");
}

#[test]
fn bad_locks_are_one_line_errors_with_their_place() {
    let path = write_spot(
        "bad.toml",
        "[[lock]]\nline = \"check,bet 10\"\nstrategy = { call = 1.0 }\n",
    );
    let (code, _, stderr) = ponder(&["solve", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: {}:10:15: lock line: `bet 10` is not an action here",
            path.display()
        )),
        "{stderr}"
    );
    let good = write_spot("good.toml", "");
    let (code, _, stderr) = ponder(&[
        "solve",
        good.to_str().unwrap(),
        "--lock",
        "check,bet 150 | call=0.5, fold=0.4",
    ]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr.trim(),
        "error: --lock 1, column 17: lock strategy: frequencies sum to 0.9, not 1 (±1e-6)"
    );
    let (code, _, stderr) = ponder(&[
        "solve",
        good.to_str().unwrap(),
        "--lock",
        "check | check=1 | 72o",
    ]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr.trim(),
        "error: --lock 1, column 19: lock hands: `72o` has no hand in IP's range"
    );
}
