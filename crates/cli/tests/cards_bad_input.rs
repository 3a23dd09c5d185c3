//! `ponder cards ...`, `ponder range` and `ponder equity` on hostile arguments (issue 15 §1, §11):
//! every one ends with a one-line error and exit code 2, never a panic (exit 101), and echoes of
//! user text in errors are cut to a bounded length.

mod common;

use common::ponder;

/// Every card except those of `keep`, as one argument.
fn all_but(keep: &str) -> String {
    let keep: Vec<String> = keep
        .split_whitespace()
        .flat_map(|w| {
            w.as_bytes()
                .chunks(2)
                .map(|c| String::from_utf8(c.to_vec()).unwrap())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut cards = Vec::new();
    for rank in "23456789TJQKA".chars() {
        for suit in "cdhs".chars() {
            let card = format!("{rank}{suit}");
            if !keep.contains(&card) {
                cards.push(card);
            }
        }
    }
    cards.join("")
}

fn assert_one_line_error(args: &[&str]) -> String {
    let (code, out, err) = ponder(args);
    let shown: Vec<String> = args.iter().map(|a| a.chars().take(40).collect()).collect();
    assert_eq!(code, 2, "{shown:?}: {err}");
    assert!(out.is_empty(), "{shown:?}");
    assert!(
        err.starts_with("error: ") && err.trim_end().lines().count() == 1,
        "{shown:?}: {err}"
    );
    err
}

#[test]
fn too_few_cards_left_for_a_board_is_an_error() {
    let dead = all_but("AhKh QsQd");
    let err = assert_one_line_error(&["equity", "AhKh", "QsQd", "--dead", &dead]);
    assert!(
        err.contains("needs 5 more card(s) but only 0 are left"),
        "{err}"
    );
    assert_one_line_error(&["equity", "AhKh", "QsQd", "--dead", &dead, "--monte-carlo"]);
    let dead = all_but("2c3c AhKh QsQd 4d5d");
    assert_one_line_error(&["equity", "AhKh", "QsQd", "--board", "2c3c", "--dead", &dead]);
    // Ranges take the sweep or the sampler instead of the hand-vs-hand loop.
    let dead = all_but("AhKh AcKc QsQd 2s3s");
    for extra in [&[][..], &["--monte-carlo"]] {
        let mut args = vec!["equity", "AhKh,AcKc", "QsQd", "--dead", &dead];
        args.extend_from_slice(extra);
        assert_one_line_error(&args);
    }
}

#[test]
fn other_hostile_arguments_are_one_line_errors() {
    let dead_all = all_but("");
    for args in [
        // Empty and fully blocked ranges.
        &["equity", "", "QQ"][..],
        &["equity", "AhKh", "QQ", "--dead", &dead_all],
        &["cards", "strength", "AhKh", "--range", ""],
        &[
            "cards", "strength", "AhKh", "--range", "AdKd", "--board", "Ad2c3c",
        ],
        // Duplicate cards everywhere cards are read.
        &["cards", "eval", "AhAh", "KdQdJd"],
        &["cards", "index", "AhAh"],
        &["cards", "strength", "AhAh"],
        &["equity", "AhKh", "QQ", "--dead", "2c2c"],
        // Too many or too few cards.
        &["cards", "eval", "AhKhQhJhTh9h8h7h"],
        &["cards", "eval", ""],
        &["cards", "index"],
        &["cards", "index", "AhKhQhJhTh9h8h7h"],
        &["cards", "index", "--board-only", "AhKh"],
        &[
            "cards",
            "index",
            "--unindex",
            "1000000000000",
            "--round",
            "3",
        ],
        &["cards", "index", "--unindex", "0", "--round", "4"],
        &["cards", "strength", "AhKhQh"],
        &["cards", "strength", "AhKh", "--board", "2c3c4c5c6c7c"],
        &["range", "AA", "--board", "2c3c4c5c6c7c"],
        &["cards", "census", "0"],
        &["cards", "census", "52"],
    ] {
        assert_one_line_error(args);
    }
}

#[test]
fn long_user_text_is_not_echoed_whole() {
    let long_range = "AA,".repeat(33_333) + "KX";
    let long_weight = format!("AA:{}", "9".repeat(100_000));
    let long_board = "2c".repeat(50_000);
    for args in [
        &["range", &long_range][..],
        &["range", &long_weight],
        &["range", "AA", "--board", &long_board],
        &["equity", &long_range, "QQ"],
        &["equity", "QQ", &long_weight],
        &["equity", "QQ", "AA", "--dead", &long_board],
        &["cards", "eval", &long_board],
        &["cards", "strength", &long_board],
    ] {
        let err = assert_one_line_error(args);
        assert!(
            err.len() < 400,
            "{} bytes: {}",
            err.len(),
            err.chars().take(400).collect::<String>()
        );
    }
}
