//! `ponder solve` and `ponder show` on bad input: every mistake is one line `error: ...` saying what and
//! where (file:line:column for spot files, the column for `--line`), exit code 2, never a panic; solve
//! files that are damaged or from another format version are refused, never misread.

mod common;

use std::path::PathBuf;

use common::{ponder, refused, scratch};

const RIVER: &str = "board = \"Qs9h5c2d2s\"\n\
oop_range = \"AA,KK,QJs\"\n\
ip_range = \"QQ,AK\"\n\
starting_pot = 100\n\
effective_stack = 200\n\
\n\
[bet_sizes]\n\
bet = \"50%, a\"\n\
raise = \"3x\"\n";

/// Writes `RIVER` with `from` replaced by `to` and returns the error `ponder solve` gives for it.
fn solve_error(dir: &std::path::Path, from: &str, to: &str) -> String {
    let text = RIVER.replacen(from, to, 1);
    assert_ne!(text, RIVER, "`{from}` is in the spot");
    let path = dir.join("spot.toml");
    std::fs::write(&path, text).unwrap();
    refused(&["solve", path.to_str().unwrap(), "--max-iterations", "1"])
}

#[test]
fn spot_file_mistakes_point_at_file_line_and_column() {
    let dir = scratch("bad-input", "spot");
    let file = dir.join("spot.toml").display().to_string();
    let at = |line: usize, column: usize| format!("error: {file}:{line}:{column}: ");
    let cases: &[(&str, &str, usize, usize, &str)] = &[
        // Bet sizes: negative, unitless, garbage, a raise multiple as a bet, an empty entry.
        ("50%, a", "50%, -5%", 8, 13, "must be positive"),
        ("3x", "3x, 2.5", 9, 14, "no unit"),
        ("3x", "x", 9, 10, "is not one of"),
        ("50%, a", "2.5x", 8, 8, "only allowed in raise sizes"),
        ("50%, a", "50%,,a", 8, 12, "empty bet size"),
        // Boards: a card twice, too many cards, a bad card.
        ("Qs9h5c2d2s", "Qs9h5c2d2d", 1, 18, "duplicate card 2d"),
        ("Qs9h5c2d2s", "Qs9h5c2d2s3c", 1, 9, "3, 4 or 5"),
        ("Qs9h5c2d2s", "Qs9h5c2d2z", 1, 19, "expected a suit"),
        // Ranges: bad syntax, a weight out of range, a combo using a board card, nothing left.
        ("AA,KK,QJs", "AA,KK,QX", 2, 21, "expected a rank"),
        ("AA,KK,QJs", "AA,KK:1.5", 2, 20, "weight"),
        ("QQ,AK", "QQ,AK,QsJs", 3, 19, "uses a card of the board"),
        ("QQ,AK", "QsQh", 3, 13, "uses a card of the board"),
        ("QQ,AK", "AA:0", 3, 12, "no hand of this range"),
        // Numbers and unsupported fields.
        (
            "starting_pot = 100",
            "starting_pot = 0",
            4,
            16,
            "must be positive",
        ),
        ("effective_stack = 200", "effective_stack = -200", 5, 19, ""),
        ("starting_pot = 100", "starting_pot = \"100\"", 4, 16, ""),
        (
            "starting_pot = 100",
            "starting_pot = 100\nrake = 0.05",
            5,
            8,
            "rake",
        ),
        (
            "starting_pot = 100",
            "starting_pot = 100\nrakee = 0",
            5,
            1,
            "unknown field",
        ),
        (
            "starting_pot = 100\n",
            "",
            1,
            1,
            "missing field `starting_pot`",
        ),
        ("raise = \"3x\"", "raise = \"3x", 9, 12, ""),
        // Chip counts whose sums would not fit.
        (
            "effective_stack = 200",
            "effective_stack = 4000000000",
            5,
            19,
            "at most",
        ),
    ];
    for &(from, to, line, column, what) in cases {
        let error = solve_error(&dir, from, to);
        assert!(
            error.starts_with(&at(line, column)),
            "{to}: expected {}…, got {error}",
            at(line, column)
        );
        assert!(error.contains(what), "{to}: expected `{what}` in {error}");
    }
}

#[test]
fn json_spot_mistakes_point_at_file_line_and_column() {
    let dir = scratch("bad-input", "json");
    let path = dir.join("spot.json");
    let text = "{\n  \"board\": \"Qs9h5c2d2s\",\n  \"oop_range\": \"AA,KK\",\n  \"ip_range\": \"QQ,AK\",\n  \
                \"starting_pot\": 100,\n  \"effective_stack\": 200,\n  \
                \"bet_sizes\": {\"bet\": \"50%\", \"raise\": \"3x\"}\n}\n";
    std::fs::write(&path, text.replacen("3x", "3x, 2.5", 1)).unwrap();
    let error = refused(&["solve", path.to_str().unwrap()]);
    let file = path.display().to_string();
    assert!(
        error.starts_with(&format!("error: {file}:7:45: bet_sizes.raise")),
        "{error}"
    );
    std::fs::write(&path, text.replacen("\"AA,KK\"", "\"AA,KK,Q\"", 1)).unwrap();
    let error = refused(&["solve", path.to_str().unwrap()]);
    assert!(
        error.starts_with(&format!("error: {file}:3:24: oop_range")),
        "{error}"
    );
    std::fs::write(&path, text.replacen("100,", "100", 1)).unwrap();
    let error = refused(&["solve", path.to_str().unwrap()]);
    assert!(
        error.contains(&format!("{file}: line 6, column 3")),
        "{error}"
    );
}

#[test]
fn absurd_trees_are_refused_before_they_are_built() {
    // 39 bet and 39 raise sizes with 10,000 pots behind: the betting tree alone would not fit anywhere.
    let dir = scratch("bad-input", "absurd");
    let sizes: Vec<String> = (1..40).map(|k| format!("{}%", 5 * k)).collect();
    let text = RIVER
        .replacen("Qs9h5c2d2s", "Qs9h5c", 1)
        .replacen("effective_stack = 200", "effective_stack = 1000000", 1)
        .replacen("50%, a", &sizes.join(", "), 1)
        .replacen("\"3x\"", &format!("\"{}\"", sizes.join(", ")), 1);
    let path = dir.join("spot.toml");
    std::fs::write(&path, text).unwrap();
    let error = refused(&["solve", path.to_str().unwrap()]);
    assert!(error.contains("betting tree has more than"), "{error}");
    // A large but sane flop spot is refused by --max-memory before the cards are dealt.
    let text = RIVER
        .replacen("Qs9h5c2d2s", "Qs9h5c", 1)
        .replacen("50%, a", "33%, 75%, a", 1);
    std::fs::write(&path, text).unwrap();
    let error = refused(&["solve", path.to_str().unwrap(), "--max-memory", "1MiB"]);
    assert!(error.contains("--max-memory"), "{error}");
}

#[test]
fn boards_are_counted_in_cards_not_characters() {
    // `10d10h9c` is a flop (eight characters, three cards): it must not be solved as a turn.
    let dir = scratch("bad-input", "ten");
    let path = dir.join("spot.toml");
    let text = RIVER
        .replacen("Qs9h5c2d2s", "10d10h9c", 1)
        .replacen("AA,KK,QJs", "AA", 1)
        .replacen("QQ,AK", "KK", 1);
    std::fs::write(&path, text).unwrap();
    let (code, out, err) = ponder(&["solve", path.to_str().unwrap(), "--max-iterations", "0"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("flop"), "{out}");
    let tree = out.lines().find(|l| l.starts_with("tree")).unwrap();
    assert!(!tree.contains("(flop 0,"), "{tree}");
}

#[test]
fn class_ranges_touching_the_board_are_blocked_not_refused() {
    // `QQ` on a board with Qs means the three other queens pairs; only a combo written out (`QsQh`) that
    // uses a board card is a mistake.
    let dir = scratch("bad-input", "blocked");
    let path = dir.join("spot.toml");
    std::fs::write(&path, RIVER.replacen("QQ,AK", "QQ,AK,QJs", 1)).unwrap();
    let (code, out, err) = ponder(&[
        "solve",
        path.to_str().unwrap(),
        "--max-iterations",
        "2",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"exploitability_pct\""), "{out}");
}

#[test]
fn command_line_mistakes_are_refused() {
    let dir = scratch("bad-input", "args");
    let missing = dir.join("no-such-spot.toml");
    let error = refused(&["solve", missing.to_str().unwrap()]);
    assert!(error.contains("no-such-spot.toml"), "{error}");
    let error = refused(&["solve", "--spot", "no_such_spot"]);
    assert!(
        error.contains("turn_td9d6hqc"),
        "lists the known spots: {error}"
    );
    let path = dir.join("spot.toml");
    std::fs::write(&path, RIVER).unwrap();
    let spot = path.to_str().unwrap();
    let error = refused(&["solve", spot, "--max-memory", "lots"]);
    assert!(error.contains("--max-memory"), "{error}");
    let error = refused(&["solve", spot, "--max-memory", "1KiB"]);
    assert!(error.contains("--max-memory"), "{error}");
    let error = refused(&["solve", spot, "--target=-1"]);
    assert!(error.contains("--target"), "{error}");
    let error = refused(&["solve", spot, "--threads", "0"]);
    assert!(error.contains("--threads"), "{error}");
}

/// Solves the river spot for a few iterations into `dir/spot.solve`.
fn solve_file(dir: &std::path::Path) -> PathBuf {
    let spot = dir.join("spot.toml");
    std::fs::write(&spot, RIVER).unwrap();
    let solve = dir.join("spot.solve");
    let (code, _, err) = ponder(&[
        "solve",
        spot.to_str().unwrap(),
        "--max-iterations",
        "3",
        "--output",
        solve.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    solve
}

#[test]
fn show_line_mistakes_carry_their_column() {
    let dir = scratch("bad-input", "line");
    let solve = solve_file(&dir);
    let file = solve.to_str().unwrap();
    let (code, _, err) = ponder(&["show", file, "--line", "check, bet 50, call"]);
    assert_eq!(code, 0, "{err}");
    let cases = [
        (
            "bet 999",
            1,
            "not an action here; expected one of: check, bet 50, bet 200",
        ),
        ("check, raise 7", 8, "not an action here"),
        ("check,check,call", 13, "after the hand is over"),
        ("bet 50,fold,Qs", 13, "after the hand is over"),
        ("check, Qs", 8, "not an action here"),
    ];
    for (line, column, what) in cases {
        let error = refused(&["show", file, "--line", line]);
        assert!(
            error.contains(&format!("column {column}:"))
                && error.contains(what.split(';').next().unwrap()),
            "{line}: {error}"
        );
    }
    let error = refused(&["show", file, "--hand", "AhAh"]);
    assert!(error.contains("--hand"), "{error}");
    let error = refused(&["show", file, "--hand", "Ah"]);
    assert!(error.contains("--hand"), "{error}");
}

#[test]
fn show_line_mistakes_at_dealt_cards() {
    let dir = scratch("bad-input", "turn");
    let spot = dir.join("turn.toml");
    std::fs::write(&spot, RIVER.replacen("Qs9h5c2d2s", "Qs9h5c2d", 1)).unwrap();
    let solve = dir.join("turn.solve");
    let (code, _, err) = ponder(&[
        "solve",
        spot.to_str().unwrap(),
        "--max-iterations",
        "1",
        "--output",
        solve.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let file = solve.to_str().unwrap();
    let (code, _, err) = ponder(&["show", file, "--line", "check,check,7h", "--json"]);
    assert_eq!(code, 0, "{err}");
    for (line, what) in [
        ("check,check,Qs", "it is on the board"),
        ("check,check,Zz", "expected a rank"),
        ("check,check,check", "a card is dealt here"),
        ("check,check,7h7d", "a card is dealt here"),
    ] {
        let error = refused(&["show", file, "--line", line]);
        assert!(
            error.contains("column 13:") && error.contains(what),
            "{line}: {error}"
        );
    }
}

#[test]
fn damaged_and_foreign_solve_files_are_refused() {
    let dir = scratch("bad-input", "files");
    let solve = solve_file(&dir);
    let bytes = std::fs::read(&solve).unwrap();
    let write = |name: &str, data: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, data).unwrap();
        path.display().to_string()
    };
    let mut other_version = bytes.clone();
    other_version[8..12].copy_from_slice(&7u32.to_le_bytes());
    let mut flipped = bytes.clone();
    let middle = bytes.len() / 2;
    flipped[middle] ^= 0x55;
    let cases = [
        (write("version.solve", &other_version), "version 7"),
        (write("half.solve", &bytes[..bytes.len() / 2]), ""),
        (write("head.solve", &bytes[..10]), "truncated"),
        (write("empty.solve", b""), "not a ponder solve file"),
        (
            write("text.solve", RIVER.as_bytes()),
            "not a ponder solve file",
        ),
        (write("flipped.solve", &flipped), ""),
        (
            dir.join("missing.solve").display().to_string(),
            "cannot open",
        ),
    ];
    for (path, what) in cases {
        for command in [
            &["show", path.as_str()][..],
            &["solve", "--resume", path.as_str()][..],
        ] {
            let error = refused(command);
            assert!(error.contains(&path), "{command:?}: {error}");
            assert!(
                error.contains(what),
                "{command:?}: expected `{what}`: {error}"
            );
        }
    }
}
