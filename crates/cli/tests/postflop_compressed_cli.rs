//! `--compressed` (16-bit storage) through the CLI: solve, save, show, resume (also converting a 32-bit
//! solve), and the benchmark's JSON.

mod common;

use common::{json, ponder, scratch};

const RIVER: &str = "board = \"Qs9h5c2d2s\"\n\
oop_range = \"AA,KK,QJs,T9s,87s,A5s\"\n\
ip_range = \"QQ,AK,KQs,JTs\"\n\
starting_pot = 100\n\
effective_stack = 200\n\
\n\
[bet_sizes]\n\
bet = \"50%, a\"\n\
raise = \"3x\"\n";

fn run_json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = ponder(args);
    assert_eq!(code, 0, "{args:?}\nstdout: {out}\nstderr: {err}");
    json(&out)
}

#[test]
fn compressed_solve_saves_shows_and_resumes() {
    let dir = scratch("compressed", "solve");
    let spot = dir.join("river.toml");
    std::fs::write(&spot, RIVER).unwrap();
    let (spot, file) = (spot.to_str().unwrap(), dir.join("river.solve"));
    let file = file.to_str().unwrap();
    let first = run_json(&[
        "solve",
        spot,
        "--compressed",
        "--target",
        "0.3",
        "--output",
        file,
        "--json",
    ]);
    assert_eq!(first["compressed"], true);
    assert!(first["exploitability_pct"].as_f64().unwrap() <= 0.3);
    assert!(first["memory_bytes_16bit"].as_u64() < first["memory_bytes"].as_u64());
    let iterations = first["iterations"].as_u64().unwrap();

    let shown = run_json(&["show", file, "--json"]);
    assert_eq!(shown["compressed"], true);
    assert_eq!(shown["iterations"].as_u64(), Some(iterations));
    let frequencies: f64 = shown["frequencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_f64().unwrap())
        .sum();
    assert!((frequencies - 1.0).abs() < 1e-4, "{shown}");
    let (code, table, err) = ponder(&["show", file, "--line", "check"]);
    assert_eq!(code, 0, "{err}");
    assert!(table.contains("16-bit storage"), "{table}");

    // Resuming keeps the file's storage and continues from its iteration count.
    let resumed = run_json(&[
        "solve", "--resume", file, "--target", "0.1", "--output", file, "--json",
    ]);
    assert_eq!(resumed["compressed"], true);
    assert!(resumed["iterations"].as_u64().unwrap() > iterations);
    assert!(resumed["exploitability_pct"].as_f64().unwrap() <= 0.1);
}

#[test]
fn a_32_bit_solve_resumes_compressed_only_when_asked() {
    let dir = scratch("compressed", "convert");
    let spot = dir.join("river.toml");
    std::fs::write(&spot, RIVER).unwrap();
    let full = dir.join("full.solve");
    let full = full.to_str().unwrap();
    let first = run_json(&[
        "solve",
        spot.to_str().unwrap(),
        "--max-iterations",
        "20",
        "--output",
        full,
        "--json",
    ]);
    assert_eq!(first["compressed"], false);
    let kept = run_json(&[
        "solve",
        "--resume",
        full,
        "--max-iterations",
        "30",
        "--json",
    ]);
    assert_eq!(kept["compressed"], false);
    assert_eq!(kept["iterations"], 30);
    let half = dir.join("half.solve");
    let converted = run_json(&[
        "solve",
        "--resume",
        full,
        "--compressed",
        "--max-iterations",
        "30",
        "--output",
        half.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(converted["compressed"], true);
    assert_eq!(converted["iterations"], 30);
    let shown = run_json(&["show", half.to_str().unwrap(), "--json"]);
    assert_eq!(shown["compressed"], true);
}

#[test]
fn bench_json_reports_compressed_storage() {
    let full = run_json(&["bench", "postflop", "--spot", "river_qsjh2h8d3c", "--json"]);
    let half = run_json(&[
        "bench",
        "postflop",
        "--spot",
        "river_qsjh2h8d3c",
        "--compressed",
        "--json",
    ]);
    assert_eq!(full["compressed"], false);
    assert_eq!(half["compressed"], true);
    assert_eq!(half["tree_nodes"], full["tree_nodes"]);
    assert!(half["memory_bytes"].as_u64() < full["memory_bytes"].as_u64());
    for key in ["0.5", "0.3"] {
        assert!(
            half["iterations_to_target"][key].as_u64().is_some(),
            "{half}"
        );
    }
    assert!(half["final_exploitability_pct"].as_f64().unwrap() <= 0.3);
}

#[test]
fn bench_reports_each_spots_own_peak_memory() {
    // All the small spots in one process: each line's peak is its own spot's, not the largest so far
    // (turn_td9d6hqc runs after the larger turn_qsjh2h8d and must still report less).
    let (code, out, err) = ponder(&["bench", "postflop", "--json"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = out.lines().map(json).collect();
    let field = |spot: &str, key: &str| -> u64 {
        let line = lines.iter().find(|l| l["spot"] == spot).unwrap();
        line[key].as_u64().unwrap()
    };
    let order: Vec<&str> = lines.iter().map(|l| l["spot"].as_str().unwrap()).collect();
    let (big, small) = ("turn_qsjh2h8d", "turn_td9d6hqc");
    let position = |s: &str| order.iter().position(|&x| x == s).unwrap();
    assert!(position(big) < position(small), "{order:?}");
    // The peaks differ by about what the spots' own (private) memory differs by.
    let peaks = field(big, "peak_rss_bytes") as f64 - field(small, "peak_rss_bytes") as f64;
    let privates = field(big, "private_bytes") as f64 - field(small, "private_bytes") as f64;
    assert!(
        privates > 0.0 && peaks > privates / 2.0,
        "peaks {peaks}, private {privates}"
    );
    for spot in order {
        // Private memory (storage, tree, heap) is part of the peak and close to the estimate.
        let (peak, private) = (field(spot, "peak_rss_bytes"), field(spot, "private_bytes"));
        let estimate = field(spot, "memory_bytes");
        assert!(0 < private && private < peak, "{spot}: {private} of {peak}");
        assert!(
            private < estimate + (4 << 20),
            "{spot}: {private} vs estimate {estimate}"
        );
    }
}
