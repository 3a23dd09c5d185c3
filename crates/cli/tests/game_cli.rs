//! `ponder game info|solve|eval`: JSON keys, values and one-line errors with exit code 2.

mod common;

use common::{json, ponder};

#[test]
fn info_prints_the_reference_counts() {
    let (code, out, _) = ponder(&["game", "info", "leduc", "--json"]);
    assert_eq!(code, 0);
    let value = json(&out);
    assert_eq!(value["total_nodes"], 9457);
    assert_eq!(
        value["infostates_per_player"],
        serde_json::json!([468, 468])
    );
    assert!(value["bytes"].as_u64().unwrap() < 1 << 20);
}

#[test]
fn solve_reports_every_field_and_writes_a_policy_eval_reads_back() {
    let dir = std::env::temp_dir().join(format!("ponder-game-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policy = dir.join("kuhn.policy.json");
    let policy = policy.to_str().unwrap();
    let (code, out, err) = ponder(&[
        "game",
        "solve",
        "kuhn",
        "--algo",
        "cfr+",
        "--iterations",
        "1000",
        "--report-every",
        "500",
        "--out",
        policy,
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let solved = json(&out);
    for key in [
        "game",
        "algorithm",
        "iterations",
        "nash_conv",
        "exploitability",
        "on_policy_value",
        "best_response_value",
        "seconds",
        "iterations_per_second",
        "curve",
    ] {
        assert!(solved.get(key).is_some(), "missing {key}: {out}");
    }
    assert_eq!(solved["curve"].as_array().unwrap().len(), 2);
    assert!((solved["on_policy_value"][0].as_f64().unwrap() + 1.0 / 18.0).abs() < 1e-3);
    let (code, out, err) = ponder(&["game", "eval", "kuhn", "--policy", policy, "--json"]);
    assert_eq!(code, 0, "{err}");
    let evaluated = json(&out);
    let difference =
        evaluated["nash_conv"].as_f64().unwrap() - solved["nash_conv"].as_f64().unwrap();
    assert!(difference.abs() < 1e-12);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn every_registry_game_is_accepted_and_huge_ones_are_refused_at_once() {
    for (game, nodes) in [
        ("leduc_poker(players=3)", 1_831_601),
        ("shapley_3x3(weighted=true)", 13),
    ] {
        let (code, out, err) = ponder(&["game", "info", game, "--json"]);
        assert_eq!(code, 0, "{game}: {err}");
        assert_eq!(json(&out)["total_nodes"], nodes, "{game}");
    }
    // Before the tree was counted first, this built 6.8 GB for 36 s before refusing at the node cap.
    for (game, count) in [
        ("liars_dice(numdice=2)", "43486542835 nodes"),
        ("leduc_poker(players=4)", "nodes, more than the 50000000"),
    ] {
        let started = std::time::Instant::now();
        let (code, out, err) = ponder(&["game", "info", game]);
        assert_eq!(code, 2, "{game}");
        assert!(out.is_empty(), "{game}: {out}");
        assert_eq!(err.lines().count(), 1, "{game}: {err}");
        assert!(err.contains(count), "{game}: {err}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{game}: {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn bad_input_is_one_line_and_exit_code_two() {
    let bad_policy =
        std::env::temp_dir().join(format!("ponder-bad-policy-{}.json", std::process::id()));
    std::fs::write(&bad_policy, r#"{"0pb": [0.5, 0.6]}"#).unwrap();
    for args in [
        vec!["game", "info", "chess"],
        vec!["game", "info", "kuhn_poker(players=9)"],
        vec!["game", "solve", "leduc", "--iterations", "0"],
        vec!["game", "solve", "leduc", "--algo", "magic"],
        vec![
            "game",
            "eval",
            "kuhn",
            "--policy",
            bad_policy.to_str().unwrap(),
        ],
        vec!["game", "eval", "kuhn", "--policy", "/no/such/file.json"],
    ] {
        let (code, out, err) = ponder(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
    }
    std::fs::remove_file(&bad_policy).ok();
}
