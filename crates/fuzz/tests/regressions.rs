//! Replays every saved failing input (`regressions/<target>/<hash>`) through its target: none may
//! panic. Inputs listed in `regressions/known-open.txt` (bugs found but not fixed yet) are skipped; the
//! test also fails if that list names a file that does not exist or a target that does not.

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use ponder_fuzz::{input_hash, known_open, target};

#[test]
fn saved_inputs_do_not_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
    let open = known_open();
    for entry in &open {
        let (name, _) = entry
            .split_once('/')
            .expect("known-open entries are TARGET/HASH");
        assert!(target(name).is_some(), "known-open.txt: no target `{name}`");
        assert!(
            root.join(entry).is_file(),
            "known-open.txt: no file regressions/{entry}"
        );
    }
    let mut replayed = 0;
    let mut failures = Vec::new();
    for dir in std::fs::read_dir(&root).expect("regressions/ exists") {
        let dir = dir.expect("readable").path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8 name")
            .to_string();
        let target = target(&name).unwrap_or_else(|| panic!("regressions/{name}: no such target"));
        for file in std::fs::read_dir(&dir).expect("readable") {
            let path = file.expect("readable").path();
            let hash = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("UTF-8 name")
                .to_string();
            let input = std::fs::read(&path).expect("readable");
            assert!(
                input.len() <= 4096,
                "{}: saved inputs stay under 4 KB",
                path.display()
            );
            assert_eq!(
                input_hash(&input),
                hash,
                "{}: the file name is its hash",
                path.display()
            );
            if open.contains(&format!("{name}/{hash}").as_str()) {
                continue;
            }
            replayed += 1;
            if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(|| (target.run)(&input))) {
                let message = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!("regressions/{name}/{hash}: {message}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "saved inputs panic again:\n{}",
        failures.join("\n")
    );
    eprintln!(
        "replayed {replayed} saved inputs ({} known open)",
        open.len()
    );
}

#[test]
fn every_target_accepts_its_seeds() {
    // Seeds are valid inputs: a seed refused means the target or the seed has drifted from ponder.
    let mut refused = Vec::new();
    for t in ponder_fuzz::targets() {
        for (i, seed) in (t.seeds)().iter().enumerate() {
            if let Err(message) = (t.run)(seed) {
                refused.push(format!("{} seed {i}: {message}", t.name));
            }
        }
    }
    assert!(refused.is_empty(), "seeds refused:\n{}", refused.join("\n"));
}

/// Which known-open inputs are fixed: run with `--ignored` after merging a fix, then delete their lines
/// from `known-open.txt` (entries noted as aborts or hangs are not run: they would kill the test).
#[test]
#[ignore = "for the lead after merging fixes: lists known-open inputs that no longer panic"]
fn known_open_inputs_still_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
    let mut fixed = Vec::new();
    for line in ponder_fuzz::KNOWN_OPEN.lines() {
        let entry = line.split('#').next().unwrap_or("").trim();
        if entry.is_empty() || !line.contains("# panic") {
            continue;
        }
        let (name, _) = entry.split_once('/').expect("TARGET/HASH");
        let input = std::fs::read(root.join(entry)).expect("listed files exist");
        let run = target(name).expect("listed targets exist").run;
        if panic::catch_unwind(AssertUnwindSafe(|| run(&input))).is_ok() {
            fixed.push(entry);
        }
    }
    assert!(
        fixed.is_empty(),
        "fixed, remove from known-open.txt: {fixed:?}"
    );
}
