//! Helpers shared by the CLI tests: run the built `ponder` binary and read its JSON.
// Each test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// Runs `ponder ARGS` and returns (exit code, stdout, stderr).
pub fn ponder(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_ponder"))
        .args(args)
        .output()
        .expect("ponder runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Parses JSON output, showing the text when it is not JSON.
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("{error}: {text}"))
}

/// A fresh directory for one test's files: `ponder-<file>-<pid>-<test>` under the system temp dir.
pub fn scratch(file: &str, test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ponder-{file}-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `ponder ARGS`, asserts a one-line error with exit code 2 (no panic), and returns that line.
pub fn refused(args: &[&str]) -> String {
    let (code, out, err) = ponder(args);
    assert_eq!(
        code, 2,
        "{args:?} exits with 2\nstdout: {out}\nstderr: {err}"
    );
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{args:?}: one line expected: {err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    lines[0].to_string()
}
