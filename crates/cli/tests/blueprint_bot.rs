//! The blueprint bot wherever bots are named: a `tiny` blueprint trained here plays a full ACPC match
//! over loopback against ponder's dealer without a corrected action, is refused at a table of another
//! game, plays `ponder match` at its own table, answers `bot policy` and is evaluated by LBR.

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use common::{json, ponder, refused, scratch};

/// A `tiny` blueprint, trained once for all tests of this file.
fn blueprint() -> &'static str {
    static DIR: OnceLock<String> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir: PathBuf = scratch("blueprint_bot", "tiny").join("bp");
        let dir = dir.to_str().unwrap().to_string();
        let (code, _, err) = ponder(&[
            "train",
            "hunl",
            "--preset",
            "tiny",
            "--iterations",
            "20000",
            "--out",
            &dir,
        ]);
        assert_eq!(code, 0, "{err}");
        dir
    })
}

#[test]
fn plays_a_full_acpc_match_without_a_corrected_action() {
    let bot = format!("blueprint:{}", blueprint());
    let (code, out, err) = ponder(&[
        "acpc",
        "dealer",
        "--hands",
        "300",
        "--duplicate",
        "--bots",
        &format!("{bot},equity"),
        "--players",
        "blueprint,equity",
        "--time-limit-ms",
        "2000",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let report = json(&out);
    assert_eq!(report["hands"], 300);
    assert_eq!(report["invalid_actions"], 0, "{report}");
    assert!(report["forfeited"].is_null(), "{report}");
}

#[test]
fn a_blueprint_is_refused_at_a_table_of_another_game() {
    let dir = scratch("blueprint_bot", "mismatch");
    let game = dir.join("short.game");
    std::fs::write(
        &game,
        "GAMEDEF\nnolimit\nnumPlayers = 2\nnumRounds = 4\nstack = 10000 10000\nblind = 100 50\n\
         firstPlayer = 2 1 1 1\nnumSuits = 4\nnumRanks = 13\nnumHoleCards = 2\n\
         numBoardCards = 0 3 1 1\nEND GAMEDEF\n",
    )
    .unwrap();
    let game = game.to_str().unwrap();
    let bot = format!("blueprint:{}", blueprint());
    let line = refused(&["acpc", "dealer", game, "--bots", &format!("{bot},call")]);
    assert!(line.contains("was built for"), "{line}");
    assert!(line.contains("10000"), "{line}");
    // The client refuses before it connects (nothing listens on this port).
    let line = refused(&[
        "acpc",
        "client",
        "127.0.0.1",
        "9",
        "--bot",
        &bot,
        "--game",
        game,
    ]);
    assert!(line.contains("was built for"), "{line}");
    let line = refused(&["match", &bot, "call", "--stack", "100"]);
    assert!(line.contains("--stack does not apply"), "{line}");
    let line = refused(&["eval", "lbr", "--bot", &bot, "--game", game]);
    assert!(line.contains("was built for"), "{line}");
    let line = refused(&["match", "blueprint:/nonexistent/bp", "call"]);
    assert!(line.contains("blueprint:/nonexistent/bp"), "{line}");
}

#[test]
fn plays_matches_answers_policies_and_is_evaluated_by_lbr() {
    let bot = format!("blueprint:{}", blueprint());
    let (code, out, err) = ponder(&[
        "match",
        &bot,
        "call",
        "--hands",
        "2000",
        "--duplicate",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let report = json(&out);
    assert_eq!(report["big_blind"], 100);
    assert_eq!(report["hands"], 2000);
    let (code, out, err) = ponder(&[
        "bot",
        "policy",
        "--bot",
        &bot,
        "--state",
        "MATCHSTATE:0:0:r250:|AhKs",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let answer = json(&out);
    let policy = answer["policy"].as_object().unwrap();
    // Every pair but those touching the cards the line shows for the other position (AhKs).
    assert_eq!(policy.len(), 1326 - 101);
    for row in policy.values() {
        let sum: f64 = row
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_f64().unwrap())
            .sum();
        assert!((sum - 1.0).abs() < 1e-9, "{row}");
    }
    let (code, out, err) = ponder(&["eval", "lbr", "--bot", &bot, "--hands", "200", "--json"]);
    assert_eq!(code, 0, "{err}");
    let report = json(&out);
    assert_eq!(report["hands"], 200);
    assert!(report["mbb_per_game"].as_f64().unwrap().is_finite());
}
