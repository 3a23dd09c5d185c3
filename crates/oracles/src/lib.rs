//! The reference facts ponder is checked against, and access to the Python oracles (OpenSpiel 2.0.2,
//! PokerKit) pinned in `tools/requirements-oracles.txt`.
//!
//! The facts ([`GAMES_JSON`], [`CARDS_JSON`]) are vendored in `crates/oracles/data/` and compiled in, so
//! tests read no file outside the repository. Tests and benchmarks call [`python`] to get an interpreter
//! that has the oracles installed. When none is found the caller skips, unless `PONDER_REQUIRE_ORACLES=1`
//! (set by `.ci/run`), in which case a missing oracle is a failure: CI must never pass by silently
//! skipping the cross-checks. The `ponder` binary finds its interpreter with [`find_python`].

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Reference facts of the games (tree counts, uniform-policy values, conventions), from OpenSpiel 2.0.2.
pub const GAMES_JSON: &str = include_str!("../data/games.json");

/// Reference facts of the cards (hand counts per category, distinct ranks, suit-isomorphism classes).
pub const CARDS_JSON: &str = include_str!("../data/cards.json");

/// Folder, relative to a project directory, of the oracle virtual environment `tools/setup-oracles.sh` makes.
pub const VENV_DIR: &str = ".venv-oracles";

/// Whether a missing oracle must fail the run instead of skipping (`PONDER_REQUIRE_ORACLES=1`).
pub fn oracles_required() -> bool {
    std::env::var("PONDER_REQUIRE_ORACLES").is_ok_and(|value| value == "1")
}

/// The one interpreter lookup for the oracles: `$PONDER_PYTHON` if set, else
/// `.venv-oracles/bin/python` in the current directory or the nearest ancestor that has one.
/// `None` when neither exists (a set `$PONDER_PYTHON` that does not exist is `None` too, so a typo
/// is not silently replaced by another interpreter).
pub fn find_python() -> Option<PathBuf> {
    if let Some(explicit) = std::env::var_os("PONDER_PYTHON") {
        let explicit = PathBuf::from(explicit);
        return explicit.exists().then_some(explicit);
    }
    let current = std::env::current_dir().ok()?;
    venv_python_above(&current)
}

/// `.venv-oracles/bin/python` in `start` or the nearest ancestor that has one.
fn venv_python_above(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(VENV_DIR).join("bin").join("python"))
        .find(|candidate| candidate.exists())
}

/// A Python interpreter with the oracles installed, for tests: [`find_python`], and `None` (with a
/// note on stderr) when it finds none and oracles are not required.
///
/// # Panics
/// When no interpreter is found and [`oracles_required`] is true, so CI cannot skip a cross-check.
pub fn python() -> Option<PathBuf> {
    if let Some(found) = find_python() {
        return Some(found);
    }
    let looked = match std::env::var_os("PONDER_PYTHON") {
        Some(explicit) => format!("$PONDER_PYTHON = {}", PathBuf::from(explicit).display()),
        None => format!("no {VENV_DIR}/bin/python in the current directory or above"),
    };
    assert!(
        !oracles_required(),
        "PONDER_REQUIRE_ORACLES=1 but no oracle interpreter ({looked}); run tools/setup-oracles.sh"
    );
    eprintln!("skipping oracle cross-check: {looked} (run tools/setup-oracles.sh)");
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
    fn vendored_facts_are_the_expected_documents() {
        assert!(GAMES_JSON.contains("\"games\""), "games.json lists games");
        assert!(GAMES_JSON.contains("kuhn_poker"));
        assert!(CARDS_JSON.contains("\"five_card_hands\""));
        assert!(CARDS_JSON.contains("\"suit_isomorphism_classes\""));
    }

    #[test]
    fn the_venv_is_found_in_the_nearest_ancestor() {
        let root = std::env::temp_dir().join(format!("ponder-oracles-venv-{}", std::process::id()));
        let nested = root.join("a").join("b");
        std::fs::create_dir_all(&nested).unwrap();
        assert_eq!(venv_python_above(&nested), None);
        let bin = root.join("a").join(VENV_DIR).join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::write(bin.join("python"), "").unwrap();
        assert_eq!(venv_python_above(&nested), Some(bin.join("python")));
        assert_eq!(venv_python_above(&root), None);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
