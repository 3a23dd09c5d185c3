//! Access to the Python oracles (OpenSpiel 2.0.2, PokerKit) pinned in `tools/requirements-oracles.txt`.
//!
//! Tests and benchmarks call [`python`] to get an interpreter that has the oracles installed. When none is
//! found the caller skips, unless `PONDER_REQUIRE_ORACLES=1` (set by `.ci/run`), in which case a missing
//! oracle is a failure: CI must never pass by silently skipping the cross-checks.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Root of the workspace (the folder holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/oracles sits two levels below the workspace root")
        .to_path_buf()
}

/// Path of `../shared/` beside the project root, where reference facts and benchmark inputs live.
pub fn shared_dir() -> PathBuf {
    workspace_root().join("..").join("shared")
}

/// Whether a missing oracle must fail the run instead of skipping (`PONDER_REQUIRE_ORACLES=1`).
pub fn oracles_required() -> bool {
    std::env::var("PONDER_REQUIRE_ORACLES").is_ok_and(|value| value == "1")
}

/// A Python interpreter with the oracles installed: `$PONDER_PYTHON`, else `.venv-oracles/bin/python`
/// (made by `tools/setup-oracles.sh`). `None` when neither exists and oracles are not required.
///
/// # Panics
/// When no interpreter is found and [`oracles_required`] is true, so CI cannot skip a cross-check.
pub fn python() -> Option<PathBuf> {
    let candidate = std::env::var_os("PONDER_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv-oracles/bin/python"));
    if candidate.exists() {
        return Some(candidate);
    }
    assert!(
        !oracles_required(),
        "PONDER_REQUIRE_ORACLES=1 but no oracle interpreter at {}; run tools/setup-oracles.sh",
        candidate.display()
    );
    eprintln!(
        "skipping oracle cross-check: no interpreter at {} (run tools/setup-oracles.sh)",
        candidate.display()
    );
    None
}

/// Runs `script` (Python source) with the oracle interpreter and the given arguments, returning stdout.
///
/// # Panics
/// When the script exits non-zero; its stderr is included in the message.
pub fn run_python(python: &Path, script: &str, args: &[&str]) -> String {
    let output = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("failed to start the oracle interpreter");
    assert!(
        output.status.success(),
        "oracle script failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("oracle output is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_reference_files_are_reachable() {
        assert!(shared_dir().join("reference/games.json").is_file());
        assert!(shared_dir().join("reference/cards.json").is_file());
    }
}
