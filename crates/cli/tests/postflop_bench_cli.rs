//! `ponder bench postflop`: `--all` runs the flop spots too, and `--anchor`/`--anchors` give the figures
//! the bench divides its time and memory by (none are built in).

mod common;

use common::{json, ponder, refused, scratch};

/// A bench file with one small flop spot (all-in only, a few combos) and one river spot.
fn bench_file(dir: &std::path::Path) -> String {
    let spot = |board: &str| {
        serde_json::json!({
            "board": board,
            "oop_range": "AA,KQs,T9s",
            "ip_range": "QQ,AK,JTs",
            "starting_pot": 100,
            "effective_stack": 100,
            "bet_sizes": {"bet": "a", "raise": "a"},
            "targets_pct_pot": [0.5, 0.3],
        })
    };
    let file = serde_json::json!({
        "about": "test spots",
        "spots": {"flop_small": spot("Td9d6h"), "river_small": spot("Td9d6hQc2s")},
    });
    let path = dir.join("bench.json");
    std::fs::write(&path, file.to_string()).unwrap();
    path.to_str().unwrap().to_string()
}

fn lines(args: &[&str]) -> Vec<serde_json::Value> {
    let (code, out, err) = ponder(args);
    assert_eq!(code, 0, "{args:?}\nstdout: {out}\nstderr: {err}");
    out.lines().map(json).collect()
}

#[test]
fn all_runs_the_flop_spots_and_anchors_give_the_ratios() {
    let dir = scratch("bench", "all");
    let file = bench_file(&dir);
    let spots = |rows: &[serde_json::Value]| -> Vec<String> {
        rows.iter()
            .map(|r| r["spot"].as_str().unwrap().to_string())
            .collect()
    };
    let default = lines(&["bench", "postflop", "--spots", &file, "--json"]);
    assert_eq!(spots(&default), ["river_small"]);
    assert!(default[0]["anchor"].is_null());
    assert!(default[0]["anchor_time_ratio"].is_null());
    let anchors = dir.join("anchors.toml");
    std::fs::write(
        &anchors,
        "host = \"test host\"\n[spots.flop_small]\nseconds = 2.5\nmemory = \"100MiB\"\n\
         [spots.river_small]\nseconds = 0.5\n",
    )
    .unwrap();
    let all = lines(&[
        "bench",
        "postflop",
        "--spots",
        &file,
        "--all",
        "--anchors",
        anchors.to_str().unwrap(),
        "--anchor",
        "river_small=0.25,1MiB",
        "--json",
    ]);
    assert_eq!(spots(&all), ["flop_small", "river_small"]);
    for (row, seconds, memory, host) in [
        (&all[0], 2.5, 100u64 << 20, "test host"),
        (&all[1], 0.25, 1 << 20, "given with --anchor"),
    ] {
        assert_eq!(row["anchor"]["seconds"], seconds, "{row}");
        assert_eq!(row["anchor"]["memory_bytes"], memory, "{row}");
        assert_eq!(row["anchor"]["host"], host, "{row}");
        let time = row["seconds_to_target"]["0.3"].as_f64().unwrap();
        let ratio = row["anchor_time_ratio"].as_f64().unwrap();
        assert!(
            (ratio - time / seconds).abs() < 1e-9 * ratio.max(1.0),
            "{row}"
        );
        let measured = row["memory_measured_bytes"].as_u64().unwrap() as f64;
        let ratio = row["anchor_memory_ratio"].as_f64().unwrap();
        assert!((ratio - measured / memory as f64).abs() < 1e-9, "{row}");
    }
    // Tables name the anchors and where they come from.
    let (code, out, _) = ponder(&[
        "bench",
        "postflop",
        "--spots",
        &file,
        "--anchor",
        "river_small=0.25",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("anchor river_small: 0.25 s"), "{out}");
    assert!(out.contains("time x"), "{out}");
}

#[test]
fn bad_anchors_are_refused_in_one_line() {
    let dir = scratch("bench", "bad");
    let file = bench_file(&dir);
    let line = refused(&["bench", "postflop", "--spots", &file, "--anchor", "nope=1"]);
    assert!(line.contains("nope"), "{line}");
    for bad in [
        "river_small",
        "river_small=0",
        "river_small=1,huge",
        "river_small=inf",
    ] {
        refused(&["bench", "postflop", "--spots", &file, "--anchor", bad]);
    }
    let anchors = dir.join("typo.toml");
    std::fs::write(&anchors, "[spots.river_small]\nsecond = 1\n").unwrap();
    let line = refused(&[
        "bench",
        "postflop",
        "--spots",
        &file,
        "--anchors",
        anchors.to_str().unwrap(),
    ]);
    assert!(line.contains("typo.toml"), "{line}");
    refused(&[
        "bench",
        "postflop",
        "--anchors",
        "/nonexistent/anchors.toml",
    ]);
    refused(&["bench", "postflop", "--all", "--spot", "turn_td9d6hqc"]);
}
