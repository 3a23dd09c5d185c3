//! `ponder bot policy` and `ponder eval lbr`: the policy JSON reads back into the library's policy,
//! `--stdin` answers one line per state, bad states are one-line errors, and LBR beats a calling
//! station by a wide margin.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{json, ponder, refused};
use ponder_acpc::{replay_actions, to_engine, AcpcAction, GameDef, MatchState};
use ponder_bots::{BotSpec, Observation};
use ponder_cards::HandIndex;

/// The action an ACPC string means at `state` (the inverse of the printed form).
fn engine_action(state: &str, text: &str) -> ponder_holdem::Action {
    let table = GameDef::heads_up_no_limit().table().unwrap();
    let (hand, _) = replay_actions(&table, &MatchState::parse(state).unwrap()).unwrap();
    let action = match text {
        "f" => AcpcAction::Fold,
        "c" => AcpcAction::Call,
        raise => AcpcAction::Raise(Some(raise[1..].parse().unwrap())),
    };
    to_engine(&hand, action).unwrap()
}

#[test]
fn policy_json_reads_back_into_the_library_policy() {
    for (bot, state) in [
        ("equity", "MATCHSTATE:0:0:cr300:|AhKs"),
        ("random", "MATCHSTATE:1:0:cc/r200:|AhKs/2c3d4h"),
        ("equity", "MATCHSTATE:1:3:cc/cc/cr400:|9c9d/Ks7h2d/Qs"),
    ] {
        let (code, out, err) = ponder(&["bot", "policy", "--bot", bot, "--state", state, "--json"]);
        assert_eq!(code, 0, "{err}");
        let answer = json(&out);
        assert_eq!(answer["state"], state);
        // The library's answer at the same state.
        let table = GameDef::heads_up_no_limit().table().unwrap();
        let (hand, history) = replay_actions(&table, &MatchState::parse(state).unwrap()).unwrap();
        let view = Observation::of(&hand, &history).unwrap();
        assert_eq!(answer["seat"], view.seat);
        let expected = BotSpec::parse(bot).unwrap().make(0).range_policy(&view);
        let actions: Vec<ponder_holdem::Action> = answer["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| engine_action(state, a.as_str().unwrap()))
            .collect();
        assert_eq!(actions, expected.actions);
        let policy = answer["policy"].as_object().unwrap();
        // Hands the seat to act could hold: avoiding the board and other positions' shown cards.
        let parsed = MatchState::parse(state).unwrap();
        let mut blocked = ponder_cards::CardSet::from_cards(hand.board());
        for (position, cards) in parsed.hole.iter().enumerate() {
            if position != view.seat {
                blocked = blocked.union(ponder_cards::CardSet::from_cards(cards));
            }
        }
        let possible = HandIndex::all()
            .filter(|h| !h.card_set().intersects(blocked))
            .count();
        assert_eq!(policy.len(), possible, "{state}");
        for (name, row) in policy {
            let cards = ponder_cards::parse_cards(name).unwrap();
            let hand = HandIndex::from_cards(cards[0], cards[1]).unwrap();
            let row: Vec<f64> = row
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_f64().unwrap())
                .collect();
            let library: Vec<f64> = expected
                .probabilities
                .iter()
                .map(|p| p[hand.as_usize()])
                .collect();
            // JSON floats round-trip exactly (serde_json float_roundtrip).
            assert_eq!(row, library, "{bot} {state} {name}");
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }
}

#[test]
fn stdin_answers_one_line_per_state_and_marks_bad_lines() {
    let good = "MATCHSTATE:0:0:cr300:|AhKs";
    let long = format!("MATCHSTATE:0:0:{}:|", "c".repeat(10_000));
    let lines = [
        good.to_string(),
        "MATCHSTATE:1:0:cc/:|AhKs/2c3d".to_string(),
        String::new(),
        "not a state".to_string(),
        long,
        "MATCHSTATE:0:0:cr300:|AhKs".to_string(),
        "MATCHSTATE:0:0:f:|AhKs".to_string(),
        "MATCHSTATE:0:0:r5:|AhKs".to_string(),
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_ponder"))
        .args(["bot", "policy", "--bot", "call", "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    for line in &lines {
        writeln!(input, "{line}").unwrap();
    }
    drop(input);
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let answers: Vec<serde_json::Value> = stdout.lines().map(json).collect();
    // The blank line gets no answer; every other line one, in order.
    assert_eq!(answers.len(), lines.len() - 1, "{stdout}");
    let errors: Vec<&str> = answers.iter().filter_map(|a| a["error"].as_str()).collect();
    assert_eq!(answers[0]["actions"], serde_json::json!(["c"]));
    assert_eq!(answers[4]["state"], good);
    assert!(errors[0].contains("board cards"), "{errors:?}");
    assert!(errors[1].contains("expected `MATCHSTATE:`"), "{errors:?}");
    assert!(errors[2].contains("longer than 4096 bytes"), "{errors:?}");
    assert!(errors[3].contains("the hand is over"), "{errors:?}");
    assert!(errors[4].contains("is illegal"), "{errors:?}");
    assert_eq!(errors.len(), 5);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("5 of 8 input lines were refused"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn bad_states_and_arguments_are_one_line_errors() {
    for (args, expected) in [
        (
            vec![
                "bot",
                "policy",
                "--bot",
                "call",
                "--state",
                "MATCHSTATE:0:0:cz:|AhKs",
            ],
            "is not a betting action",
        ),
        (
            vec![
                "bot",
                "policy",
                "--bot",
                "call",
                "--state",
                "MATCHSTATE:0:0::|AhAh",
            ],
            "appears twice",
        ),
        (
            vec![
                "bot",
                "policy",
                "--bot",
                "nit",
                "--state",
                "MATCHSTATE:0:0::|AhKs",
            ],
            "unknown bot `nit`",
        ),
        (vec!["bot", "policy", "--bot", "call"], "--state"),
        (
            vec!["eval", "lbr", "--bot", "call", "--hands", "0"],
            "--hands",
        ),
        (vec!["eval", "lbr", "--bot", "nit"], "unknown bot `nit`"),
        (
            vec!["eval", "lbr", "--bot", "call", "--threads", "100000"],
            "--threads",
        ),
    ] {
        let line = refused(&args);
        assert!(line.contains(expected), "{args:?}: {line}");
    }
}

#[test]
fn lbr_wins_big_against_a_calling_station() {
    let (code, out, err) = ponder(&["eval", "lbr", "--bot", "call", "--hands", "400", "--json"]);
    assert_eq!(code, 0, "{err}");
    let report = json(&out);
    let mbb = report["mbb_per_game"].as_f64().unwrap();
    let ci = report["ci95"].as_f64().unwrap();
    assert_eq!(report["hands"], 400);
    // A calling station pays off every value bet: LBR wins tens of big blinds a game (folding every
    // hand would lose 750 mbb/g).
    assert!(mbb - ci > 10_000.0, "{mbb} ± {ci}");
    // Same seed, same figure, whatever the thread count.
    let (_, again, _) = ponder(&[
        "eval",
        "lbr",
        "--bot",
        "call",
        "--hands",
        "400",
        "--json",
        "--threads",
        "1",
    ]);
    assert_eq!(json(&again)["mbb_per_game"].as_f64().unwrap(), mbb);
}
