//! `ponder abstraction build|info` on bad input: every count out of range and every file that is
//! not a valid abstraction ends with a one-line error and exit code 2, never a panic. (Building is
//! covered by `crates/abstraction/tests/abstraction.rs`; a build takes tens of seconds.)

mod common;

use common::{ponder, refused, scratch};

#[test]
fn bucket_counts_and_k_means_settings_are_bounded() {
    let out = "/nonexistent-dir/never-written.abs";
    for (buckets, street) in [
        ("170,8,8,8", "preflop"),
        ("0,8,8,8", "preflop"),
        ("169,0,8,8", "flop"),
        ("169,8,65536,8", "turn"),
        ("169,8,8,1982", "river"),
        ("169,8,8,-3", "river"),
    ] {
        let line = refused(&["abstraction", "build", "--buckets", buckets, "--out", out]);
        assert!(line.contains(street), "{buckets}: {line}");
    }
    let line = refused(&["abstraction", "build", "--buckets", "169,8,8", "--out", out]);
    assert!(line.contains("four counts"), "{line}");
    for (flag, value) in [
        ("--bins", "1"),
        ("--bins", "65"),
        ("--sample", "0"),
        ("--sample", "2000001"),
        ("--iterations", "0"),
        ("--threads", "0"),
        ("--method", "magic"),
    ] {
        refused(&["abstraction", "build", flag, value, "--out", out]);
    }
    // A sample smaller than the bucket count is refused by the config check, before any work.
    let line = refused(&[
        "abstraction",
        "build",
        "--buckets",
        "169,50,50,50",
        "--method",
        "potential",
        "--sample",
        "10",
        "--out",
        out,
    ]);
    assert!(line.contains("kmeans_sample"), "{line}");
}

#[test]
fn info_refuses_files_that_are_not_abstractions() {
    let dir = scratch("abstraction-cli", "info");
    let missing = dir.join("missing.abs");
    let line = refused(&["abstraction", "info", missing.to_str().unwrap()]);
    assert!(line.contains("missing.abs"), "{line}");

    let cases: [(&str, Vec<u8>, &str); 4] = [
        (
            "text.abs",
            b"hello, world".to_vec(),
            "not a ponder abstraction",
        ),
        ("short.abs", b"PONDA".to_vec(), "truncated"),
        (
            "version.abs",
            [
                b"PONDABS\0".as_slice(),
                &99u32.to_le_bytes(),
                &0u32.to_le_bytes(),
            ]
            .concat(),
            "format version 99",
        ),
        (
            "header.abs",
            [
                b"PONDABS\0".as_slice(),
                &1u32.to_le_bytes(),
                &1000u32.to_le_bytes(),
                b"{}",
            ]
            .concat(),
            "truncated",
        ),
    ];
    for (name, bytes, expected) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let line = refused(&["abstraction", "info", path.to_str().unwrap()]);
        assert!(
            line.contains(expected) && line.contains(name),
            "{name}: {line}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn help_explains_the_methods_and_the_spread() {
    let (code, out, _) = ponder(&["abstraction", "build", "--help"]);
    assert_eq!(code, 0);
    for needle in [
        "lossless",
        "earth mover",
        "EHS std",
        "--seed",
        "169,50,50,50",
    ] {
        assert!(out.contains(needle), "{needle} missing from:\n{out}");
    }
}
