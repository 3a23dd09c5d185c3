//! `ponder train hunl`: bad input refused in one line, and the tiny preset trains, survives a kill
//! (SIGKILL after a checkpoint) and resumes bit-identically with one thread; the trained directory
//! loads as a `Blueprint` whose actions are legal.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{ponder, refused, scratch};
use ponder_blueprint::file::{read_payload, Kind};
use ponder_blueprint::Blueprint;
use ponder_holdem::{Action, HandState};

#[test]
fn bad_input_is_refused() {
    let dir = scratch("train", "bad");
    let out = dir.join("out");
    let out = out.to_str().unwrap();
    let line = refused(&[
        "train",
        "hunl",
        "--preset",
        "tiny",
        "--minutes",
        "0",
        "--out",
        out,
    ]);
    assert!(line.contains("--minutes"), "{line}");
    let line = refused(&[
        "train",
        "hunl",
        "--preset",
        "huge",
        "--iterations",
        "10",
        "--out",
        out,
    ]);
    assert!(line.contains("unknown preset \"huge\""), "{line}");
    let line = refused(&["train", "hunl", "--preset", "tiny", "--out", out]);
    assert!(line.contains("--minutes M or --iterations N"), "{line}");
    let tiny = ponder_blueprint::config::PRESETS[0].1;
    for (from, to, message) in [
        ("\"pot\"", "\"-33%\"", "bet size \"-33%\" must be positive"),
        (
            "players = 2",
            "players = 7",
            "the trainer seats 2 to 6 players",
        ),
        ("[169, 8, 8, 8]", "[169, 0, 8, 8]", "buckets"),
    ] {
        let text = tiny.replacen(from, to, 1);
        let path = dir.join("bad.toml");
        std::fs::write(&path, &text).unwrap();
        let line = refused(&[
            "train",
            "hunl",
            path.to_str().unwrap(),
            "--iterations",
            "10",
            "--out",
            out,
        ]);
        let row = text.lines().position(|l| l.contains(to)).unwrap() + 1;
        assert!(
            line.starts_with(&format!("error: {}:{row}:", path.display())),
            "{line}"
        );
        assert!(line.contains(message), "{line}");
    }
    assert!(!Path::new(out).join("checkpoint.bin").exists());
}

fn payload(path: &Path, kind: Kind) -> (u64, Vec<u8>) {
    let (header, bytes) = read_payload(path, kind).unwrap();
    (header.iteration, bytes)
}

#[test]
fn tiny_trains_survives_a_kill_and_resumes_bit_identically() {
    const ITERATIONS: &str = "300000";
    let dir = scratch("train", "resume");
    let straight = dir.join("straight");
    let killed = dir.join("killed");
    let (code, out, err) = ponder(&[
        "train",
        "hunl",
        "--preset",
        "tiny",
        "--iterations",
        ITERATIONS,
        "--threads",
        "1",
        "--out",
        straight.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("information sets: 5932 (15209 regret slots)"),
        "{out}"
    );
    assert!(out.contains("trained 300000 iterations"), "{out}");
    // The second run reuses the card abstraction (it is refused if built from another config).
    std::fs::create_dir_all(&killed).unwrap();
    std::fs::copy(
        straight.join("abstraction.bin"),
        killed.join("abstraction.bin"),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ponder"))
        .args([
            "train",
            "hunl",
            "--preset",
            "tiny",
            "--iterations",
            ITERATIONS,
            "--threads",
            "1",
            "--checkpoint-minutes",
            "0.002",
            "--out",
            killed.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let checkpoint = killed.join("checkpoint.bin");
    let start = Instant::now();
    while !checkpoint.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no checkpoint within 2 minutes"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap();
    child.wait().unwrap();
    let (stopped_at, _) = payload(&checkpoint, Kind::Checkpoint);
    assert!(
        stopped_at > 0 && stopped_at < 300_000,
        "the kill must land mid-run (checkpoint at iteration {stopped_at}); the machine was too fast or too slow"
    );
    let (code, out, err) = ponder(&[
        "train",
        "hunl",
        "--iterations",
        ITERATIONS,
        "--threads",
        "1",
        "--resume",
        "--out",
        killed.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains(&format!("resuming at iteration {stopped_at}")),
        "{out}"
    );
    for (file, kind) in [
        ("checkpoint.bin", Kind::Checkpoint),
        ("strategy.bin", Kind::Strategy),
    ] {
        let a = payload(&straight.join(file), kind);
        let b = payload(&killed.join(file), kind);
        assert_eq!(a.0, 300_000);
        assert!(
            a == b,
            "{file} differs between the straight and the killed-and-resumed run"
        );
    }
    // Training again into a trained directory without --resume is refused.
    let line = refused(&[
        "train",
        "hunl",
        "--preset",
        "tiny",
        "--iterations",
        "10",
        "--out",
        straight.to_str().unwrap(),
    ]);
    assert!(line.contains("already holds a training"), "{line}");
    // The directory plays: every action at the first decision is legal.
    let blueprint = Blueprint::load(&straight).unwrap();
    assert_eq!(blueprint.iterations(), 300_000);
    let table = blueprint.table().clone();
    assert_eq!(table.config().stacks, vec![20_000, 20_000]);
    let hand = HandState::new(&table, ponder_holdem::Deal::shuffled(2, 3)).unwrap();
    let range = blueprint.range_policy(&[], &[]).unwrap();
    assert!(!range.off_tree);
    for action in range.actions {
        let mut copy = hand;
        copy.apply(action).unwrap();
        assert_ne!(action, Action::RaiseTo(0));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
