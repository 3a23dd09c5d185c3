//! Training directories: resume after a stop is bit-identical to an uninterrupted run (one thread),
//! and damaged, foreign or mismatched files are refused with a message.

mod common;

use std::path::{Path, PathBuf};

use ponder_blueprint::file::{read_payload, Kind};
use ponder_blueprint::session::{CHECKPOINT_FILE, STRATEGY_FILE};
use ponder_blueprint::{Blueprint, BlueprintConfig, BlueprintError, TrainOptions, Training};

const BETTING: &str = "stack = 20000\n[betting]\npreflop = [[\"2.5bb\", \"all-in\"], [\"3x\", \"all-in\"], [\"all-in\"]]\nflop = [[\"pot\", \"all-in\"], [\"all-in\"]]\nturn = [[\"pot\", \"all-in\"]]\nriver = [[\"pot\", \"all-in\"]]";

fn fresh(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("blueprint-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn options(iterations: u64) -> TrainOptions {
    TrainOptions {
        iterations: Some(iterations),
        minutes: None,
        threads: 1,
        checkpoint_minutes: 1000.0,
        max_memory: None,
    }
}

fn train(dir: &Path, config: &BlueprintConfig, resume: bool, iterations: u64) {
    let config = Training::settle_config(dir, Some(config.clone()), resume).unwrap();
    let cards = common::TestBuckets::for_config(&config);
    let training = Training::with_cards(dir, config, resume, cards).unwrap();
    training.run(&options(iterations), &mut |_| {}).unwrap();
}

fn payload(path: &Path, kind: Kind) -> (u64, Vec<u8>) {
    let (header, bytes) = read_payload(path, kind).unwrap();
    (header.iteration, bytes)
}

#[test]
fn resume_is_bit_identical() {
    let config = common::config(BETTING, [169, 4, 4, 4]);
    let straight = fresh("straight");
    train(&straight, &config, false, 5_500);
    let stopped = fresh("stopped");
    train(&stopped, &config, false, 2_300);
    assert_eq!(
        payload(&stopped.join(CHECKPOINT_FILE), Kind::Checkpoint).0,
        2_300
    );
    train(&stopped, &config, true, 5_500);
    for (file, kind) in [
        (CHECKPOINT_FILE, Kind::Checkpoint),
        (STRATEGY_FILE, Kind::Strategy),
    ] {
        let a = payload(&straight.join(file), kind);
        let b = payload(&stopped.join(file), kind);
        assert_eq!(a.0, 5_500);
        assert!(a == b, "{file} differs after resume");
    }
    // Starting again over a trained directory without --resume is refused.
    let again = Training::settle_config(&straight, Some(config.clone()), false).unwrap_err();
    assert!(
        again.to_string().contains("already holds a training"),
        "{again}"
    );
    // Resuming with another config is refused.
    let other = common::config(BETTING, [169, 4, 4, 5]);
    let error = Training::settle_config(&straight, Some(other), true).unwrap_err();
    assert!(matches!(error, BlueprintError::Mismatch { .. }), "{error}");
}

#[test]
fn damaged_files_are_refused() {
    let config = common::config(BETTING, [169, 4, 4, 4]);
    let dir = fresh("damaged");
    train(&dir, &config, false, 500);
    let load = || {
        Blueprint::with_cards(
            &dir,
            config.clone(),
            common::TestBuckets::for_config(&config),
        )
    };
    assert!(load().is_ok());
    let path = dir.join(STRATEGY_FILE);
    let good = std::fs::read(&path).unwrap();
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x10;
    std::fs::write(&path, &flipped).unwrap();
    let error = load().err().unwrap().to_string();
    assert!(error.contains("checksum mismatch"), "{error}");
    std::fs::write(&path, &good[..good.len() - 7]).unwrap();
    let error = load().err().unwrap().to_string();
    assert!(error.contains("truncated or extended"), "{error}");
    let mut version = good.clone();
    version[8] = 9;
    std::fs::write(&path, &version).unwrap();
    let error = load().err().unwrap().to_string();
    assert!(error.contains("format version 9"), "{error}");
    std::fs::write(&path, b"hello").unwrap();
    assert!(matches!(load(), Err(BlueprintError::Damaged { .. })));
    std::fs::write(&path, &good).unwrap();
    // Another card abstraction (other bucket counts on the same config) or another config.
    let other = common::config(BETTING, [169, 4, 4, 5]);
    let error = Blueprint::with_cards(&dir, other.clone(), common::TestBuckets::for_config(&other))
        .err()
        .unwrap();
    assert!(matches!(error, BlueprintError::Mismatch { .. }), "{error}");
    // A damaged checkpoint is refused on resume.
    let checkpoint = dir.join(CHECKPOINT_FILE);
    let mut bytes = std::fs::read(&checkpoint).unwrap();
    let at = bytes.len() - 100;
    bytes[at] ^= 1;
    std::fs::write(&checkpoint, &bytes).unwrap();
    let config2 = Training::settle_config(&dir, None, true).unwrap();
    let training = Training::with_cards(
        &dir,
        config2.clone(),
        true,
        common::TestBuckets::for_config(&config2),
    )
    .unwrap();
    let error = training
        .run(&options(1000), &mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(error.contains("checksum mismatch"), "{error}");
}

#[test]
fn memory_estimate_refuses_before_allocating() {
    let config = common::config(BETTING, [169, 4, 4, 4]);
    let dir = fresh("memory");
    let config = Training::settle_config(&dir, Some(config), false).unwrap();
    let cards = common::TestBuckets::for_config(&config);
    let training = Training::with_cards(&dir, config, false, cards).unwrap();
    let mut small = options(10);
    small.max_memory = Some(1 << 20);
    let error = training.run(&small, &mut |_| {}).unwrap_err().to_string();
    assert!(error.starts_with("training needs about"), "{error}");
    assert!(!dir.join(CHECKPOINT_FILE).exists());
}
