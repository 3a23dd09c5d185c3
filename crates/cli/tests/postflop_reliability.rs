//! `ponder solve` and `ponder show` against hostile input and kills (issue 15): deep betting trees, spots
//! without a compatible pair of hands, output paths that cannot be written, checkpoints on their own
//! interval, solve files naming huge spots or carrying extra bytes. Every refusal is one line with exit
//! code 2, never an abort (134) or a panic (101).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{json, ponder, refused, scratch};
use ponder_postflop::spot::SpotFile;
use ponder_postflop::Solver;
use ponder_postflop::{file, PreparedSpot};

fn river(stack: u32, size: &str, oop: &str, ip: &str) -> String {
    format!(
        "board = \"Qs9h5c2d2s\"\noop_range = \"{oop}\"\nip_range = \"{ip}\"\nstarting_pot = 100\n\
         effective_stack = {stack}\n\n[bet_sizes]\nbet = \"{size}\"\nraise = \"{size}\"\n"
    )
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// A solve file of a small spot that records `spot` as its spot (as a crafted or old file could).
fn file_naming(dir: &Path, name: &str, spot: &str) -> String {
    let small = SpotFile::from_toml(&river(200, "50%, a", "AA,KK", "QQ,AK"), "small").unwrap();
    let solver = Solver::new(PreparedSpot::new(small).unwrap().game());
    let named = SpotFile::from_toml(spot, "named").unwrap();
    let path = dir.join(name);
    file::save(&path, &named, &solver, None).unwrap();
    path.display().to_string()
}

#[test]
fn deep_trees_are_refused_not_aborted() {
    let dir = scratch("reliability", "deep");
    for stack in [1_100, 20_000] {
        let spot = write(&dir, "deep.toml", &river(stack, "+1", "AA,KK", "QQ,AK"));
        let error = refused(&["solve", &spot, "--max-iterations", "1"]);
        assert!(
            error.starts_with(&format!("error: {spot}:5:19: effective_stack: ")),
            "{error}"
        );
        assert!(error.contains("actions deep"), "{error}");
        let file = file_naming(&dir, "deep.solve", &river(stack, "+1", "AA,KK", "QQ,AK"));
        for command in [&["show", &file][..], &["solve", "--resume", &file][..]] {
            let error = refused(command);
            assert!(error.contains("actions deep"), "{command:?}: {error}");
        }
    }
}

#[test]
fn spots_without_a_compatible_pair_are_refused_not_nan() {
    let dir = scratch("reliability", "nan");
    let spot = write(&dir, "blocked.toml", &river(200, "50%", "AcAd", "AcAh"));
    let error = refused(&["solve", &spot, "--max-iterations", "1"]);
    assert!(
        error.contains("the two ranges have no compatible pair of hands"),
        "{error}"
    );
    let bunched = write(
        &dir,
        "bunched.toml",
        "board = \"Td9d6hQc\"\noop_range = \"AcAd\"\nip_range = \"AhAs\"\nstarting_pot = 100\n\
         effective_stack = 100\nfolded_ranges = [\"AA\"]\n\n[bet_sizes]\nbet = \"50%\"\nraise = \"\"\n",
    );
    let error = refused(&["solve", &bunched, "--max-iterations", "1"]);
    assert!(error.contains("folded ranges"), "{error}");
}

#[test]
fn an_output_path_that_cannot_be_written_is_refused_before_solving() {
    let dir = scratch("reliability", "output");
    let spot = write(&dir, "spot.toml", &river(200, "50%, a", "AA,KK", "QQ,AK"));
    let missing = dir.join("missing-directory").join("out.solve");
    // `refused` also checks that nothing was printed: no solve ran.
    let error = refused(&["solve", &spot, "-o", missing.to_str().unwrap()]);
    assert!(error.contains("missing-directory"), "{error}");
}

#[test]
fn checkpoints_are_written_between_measurements() {
    let dir = scratch("reliability", "checkpoint");
    let spot = write(
        &dir,
        "spot.toml",
        &river(200, "50%, a", "AA,KK,QJs", "QQ,AK"),
    );
    let out = dir.join("out.solve");
    // Measured only at the start: before, checkpoints waited for a measurement and none was written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_ponder"))
        .args([
            "solve",
            &spot,
            "--target",
            "0",
            "--max-iterations",
            "1000000000",
        ])
        .args([
            "--check-every",
            "1000000000",
            "--checkpoint-every",
            "50",
            "--json",
        ])
        .arg("-o")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !out.exists() && start.elapsed() < Duration::from_secs(60) {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            panic!("the solve stopped ({status}) before any checkpoint: {err}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(out.exists(), "no checkpoint within 60 s");
    let (code, stdout, err) = ponder(&["show", out.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let iterations = json(&stdout)["iterations"].as_u64().unwrap();
    assert!(
        iterations >= 50 && iterations % 50 == 0,
        "{iterations} iterations"
    );
}

#[test]
fn solve_files_naming_huge_spots_respect_max_memory() {
    let dir = scratch("reliability", "huge");
    let huge = "board = \"Td9d6h\"\noop_range = \"22+,A2+,K2+,Q2+,J2+,T2+\"\n\
                ip_range = \"22+,A2+,K2+,Q2+\"\nstarting_pot = 100\neffective_stack = 10000\n\n\
                [bet_sizes]\nbet = \"33%,75%,a\"\nraise = \"2.5x,a\"\n";
    let file = file_naming(&dir, "huge.solve", huge);
    for command in [
        &["show", &file, "--max-memory", "64MiB"][..],
        &["solve", "--resume", &file, "--max-memory", "64MiB"][..],
    ] {
        let start = Instant::now();
        let error = refused(command);
        assert!(error.contains("--max-memory allows 64.0 MiB"), "{error}");
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{command:?} took long"
        );
    }
}

#[test]
fn bytes_after_a_solve_file_are_refused() {
    let dir = scratch("reliability", "trailing");
    let spot = write(&dir, "spot.toml", &river(200, "50%, a", "AA,KK", "QQ,AK"));
    let out: PathBuf = dir.join("out.solve");
    let out_text = out.to_str().unwrap();
    let (code, _, err) = ponder(&[
        "solve",
        &spot,
        "--max-iterations",
        "3",
        "-o",
        out_text,
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let mut bytes = std::fs::read(&out).unwrap();
    bytes.extend_from_slice(b"appended");
    std::fs::write(&out, &bytes).unwrap();
    for command in [
        &["show", out_text][..],
        &["solve", "--resume", out_text][..],
    ] {
        let error = refused(command);
        assert!(
            error.contains("bytes after the end"),
            "{command:?}: {error}"
        );
    }
}

#[test]
fn errors_neither_echo_long_input_nor_repeat_their_cause() {
    let dir = scratch("reliability", "wording");
    let long = "9".repeat(100_000);
    for command in [
        &["solve", "--max-memory", &long][..],
        &["solve", "--lock", &long][..],
    ] {
        let error = refused(command);
        assert!(
            error.len() < 300,
            "{} bytes: {}",
            error.len(),
            &error[..300]
        );
    }
    let missing = dir.join("missing.toml");
    let error = refused(&["solve", missing.to_str().unwrap()]);
    assert_eq!(error.matches("os error 2").count(), 1, "{error}");
}
