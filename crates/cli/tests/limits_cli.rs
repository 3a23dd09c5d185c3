//! Every count from the user is bounded, and every argument error is one line with exit code 2.

mod common;

use common::ponder;

/// Asserts a refusal: exit code 2, one line on stderr starting with `error:` that mentions `needle`,
/// nothing on stdout.
fn refused(args: &[&str], needle: &str) {
    let (code, out, err) = ponder(args);
    assert_eq!(code, 2, "{args:?}: {err}");
    assert!(out.is_empty(), "{args:?} printed {out}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "{args:?}: not one line:\n{err}"
    );
    assert!(err.starts_with("error:"), "{args:?}: {err}");
    assert!(
        err.contains(needle),
        "{args:?}: {err} (expected {needle:?})"
    );
}

#[test]
fn threads_are_bounded_in_every_command_that_takes_them() {
    for command in [
        &["solve", "--threads"][..],
        &["bench", "postflop", "--threads"],
        &["scale", "kuhn", "--threads"],
    ] {
        for bad in ["100000", "0", "many"] {
            let mut args = command.to_vec();
            args.push(bad);
            refused(&args, "--threads");
        }
        // clap takes a negative number for an unknown flag; its error names it.
        let mut args = command.to_vec();
        args.push("-3");
        refused(&args, "'-3'");
    }
}

#[test]
fn huge_counts_are_refused_at_once() {
    let max = "18446744073709551615";
    for (args, flag) in [
        (vec!["equity", "AhKh", "QQ", "--samples", max], "--samples"),
        (
            vec!["cards", "strength", "AhKh", "--samples", max],
            "--samples",
        ),
        (vec!["cards", "strength", "AhKh", "--bins", max], "--bins"),
        (vec!["match", "call", "call", "--hands", max], "--hands"),
        (vec!["bench", "holdem", "--hands", max], "--hands"),
        (
            vec!["bench", "holdem", "--pokerkit-hands", max],
            "--pokerkit-hands",
        ),
        (vec!["acpc", "dealer", "--hands", max], "--hands"),
        (
            vec!["acpc", "dealer", "--time-limit-ms", max],
            "--time-limit-ms",
        ),
        (
            vec!["game", "solve", "kuhn", "--iterations", max],
            "--iterations",
        ),
        (
            vec!["game", "solve", "kuhn", "--report-every", "0"],
            "--report-every",
        ),
        (vec!["bench", "game", "--seconds", "1e9"], "--seconds"),
        (vec!["solve", "--max-iterations", max], "--max-iterations"),
        (vec!["solve", "--check-every", "0"], "--check-every"),
        (
            vec!["bench", "postflop", "--max-iterations", "0"],
            "--max-iterations",
        ),
        (
            vec!["scale", "kuhn", "--reference-max", max],
            "--reference-max",
        ),
    ] {
        refused(&args, flag);
    }
}

#[test]
fn argument_errors_are_one_line() {
    // Each of these made clap print a message, a tip, the usage and a pointer to --help.
    refused(&["solve", "--target", "-1"], "--target");
    refused(&["solve", "--no-such-flag"], "--no-such-flag");
    refused(&["game", "solve", "kuhn", "--iterations"], "--iterations");
    refused(&["no-such-command"], "no-such-command");
    refused(&["solve", "--spots", "x.json"], "--spot");
}

#[test]
fn help_and_version_still_print_normally() {
    let (code, out, _) = ponder(&["--version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("ponder "), "{out}");
    let (code, out, _) = ponder(&["bench", "--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("PONDER_PYTHON"),
        "the oracle lookup is documented: {out}"
    );
}
