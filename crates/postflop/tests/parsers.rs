//! Property tests for the three parsers users type into: spot files (TOML), bet-size lists and `show
//! --line`. Random text never panics; every error points at a position inside the text, at the offending
//! entry; valid input round-trips through the printers.

use std::sync::OnceLock;

use ponder_postflop::bet_size::{parse_bet_sizes, BetSize, BetSizeError, SizeKind};
use ponder_postflop::cards_glue::card_name;
use ponder_postflop::game::{NodeId, NodeKind};
use ponder_postflop::report::{follow_line, LineError};
use ponder_postflop::spot::{line_column, locate_field, locate_json_field, SpotError, SpotFile};
use ponder_postflop::Solver;
use ponder_postflop::{PreparedSpot, SolveError};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------------------
// Bet sizes.

/// A valid size and how it is written, the text built independently of the crate's printer.
fn size() -> impl Strategy<Value = (BetSize, String)> {
    prop_oneof![
        (1u32..5000, 0u32..10).prop_map(|(whole, tenth)| {
            let text = if tenth == 0 {
                format!("{whole}")
            } else {
                format!("{whole}.{tenth}")
            };
            let value: f64 = text.parse().unwrap();
            (BetSize::PotRelative(value / 100.0), format!("{text}%"))
        }),
        (2u32..100, 0u32..10).prop_map(|(whole, tenth)| {
            let text = format!("{whole}.{tenth}");
            (
                BetSize::PrevBetRelative(text.parse().unwrap()),
                format!("{text}x"),
            )
        }),
        Just((BetSize::Geometric, "e".to_string())),
        Just((BetSize::AllIn, "a".to_string())),
        (1u32..100_000).prop_map(|n| (BetSize::Additive(n), format!("+{n}"))),
    ]
}

/// Entries that are not sizes, with the error each must give.
fn bad_size() -> impl Strategy<Value = (&'static str, &'static str)> {
    proptest::sample::select(vec![
        ("-5%", "not positive"),
        ("2.5", "no unit"),
        ("x", "invalid"),
        ("0%", "not positive"),
        ("1x", "multiple too small"),
        ("+", "invalid"),
        ("+1.5", "invalid"),
        ("50%%", "invalid"),
        ("", "empty"),
        ("ä", "invalid"),
    ])
}

/// The kind of a bet-size error, named as in [`bad_size`].
fn kind(error: &BetSizeError) -> &'static str {
    match error {
        BetSizeError::Empty { .. } => "empty",
        BetSizeError::MissingUnit { .. } => "no unit",
        BetSizeError::NotPositive { .. } => "not positive",
        BetSizeError::Invalid { .. } => "invalid",
        BetSizeError::MultipleInBet { .. } => "multiple in bet",
        BetSizeError::MultipleTooSmall { .. } => "multiple too small",
        BetSizeError::TooPrecise { .. } => "too precise",
    }
}

/// Random spacing around entries (the parser trims it).
fn spaced(entries: &[String], spaces: &[(usize, usize)]) -> String {
    entries
        .iter()
        .zip(spaces)
        .map(|(entry, &(before, after))| {
            format!("{}{entry}{}", " ".repeat(before), " ".repeat(after))
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// 1-based character column where entry `k` starts in `spaced(entries, spaces)`.
fn entry_column(entries: &[String], spaces: &[(usize, usize)], k: usize) -> usize {
    let before: usize = (0..k)
        .map(|i| spaces[i].0 + entries[i].chars().count() + spaces[i].1 + 1)
        .sum();
    before + spaces[k].0 + 1
}

proptest! {
    #[test]
    fn sizes_round_trip(
        sizes in proptest::collection::vec(size(), 1..7),
        spaces in proptest::collection::vec((0usize..3, 0usize..3), 7),
    ) {
        let (expected, texts): (Vec<BetSize>, Vec<String>) = sizes.into_iter().unzip();
        let parsed = parse_bet_sizes(&spaced(&texts, &spaces), SizeKind::Raise).unwrap();
        prop_assert_eq!(&parsed, &expected);
        // Printing gives the canonical spelling, which parses back to the same sizes.
        let printed: Vec<String> = parsed.iter().map(|s| s.to_string()).collect();
        prop_assert_eq!(parse_bet_sizes(&printed.join(", "), SizeKind::Raise).unwrap(), expected);
        // Upper case is accepted too.
        let upper = spaced(&texts, &spaces).to_ascii_uppercase();
        prop_assert_eq!(parse_bet_sizes(&upper, SizeKind::Raise).unwrap(), parsed);
    }

    #[test]
    fn a_bad_entry_is_reported_at_its_column(
        sizes in proptest::collection::vec(size(), 1..6),
        spaces in proptest::collection::vec((0usize..3, 0usize..3), 7),
        bad in bad_size(),
        position in 0usize..6,
    ) {
        let mut texts: Vec<String> = sizes.into_iter().map(|(_, t)| t).collect();
        let k = position.min(texts.len());
        texts.insert(k, bad.0.to_string());
        let text = spaced(&texts, &spaces);
        let error = parse_bet_sizes(&text, SizeKind::Raise).unwrap_err();
        prop_assert_eq!(kind(&error), bad.1, "{:?}: {:?}", text, error);
        // An empty entry's column is where its spaces end; any other entry's is its first character.
        let first = entry_column(&texts, &spaces, k);
        let last = if bad.0.is_empty() { first + spaces[k].1 } else { first };
        prop_assert!((first..=last).contains(&error.column()), "{}: {}", text, error);
        let column = format!("column {}", error.column());
        prop_assert!(error.to_string().contains(&column));
    }

    #[test]
    fn raise_multiples_are_refused_in_bets(sizes in proptest::collection::vec(size(), 1..6)) {
        let text: Vec<String> = sizes.iter().map(|(_, t)| t.clone()).collect();
        let result = parse_bet_sizes(&text.join(","), SizeKind::Bet);
        match sizes.iter().position(|(s, _)| matches!(s, BetSize::PrevBetRelative(_))) {
            Some(k) => {
                let error = result.unwrap_err();
                prop_assert_eq!(kind(&error), "multiple in bet");
                let column: usize = text[..k].iter().map(|t| t.chars().count() + 1).sum::<usize>() + 1;
                prop_assert_eq!(error.column(), column);
            }
            None => prop_assert!(result.is_ok()),
        }
    }

    #[test]
    fn random_size_text_never_panics_and_points_inside(text in "[-+%xXeaA0-9., é]{0,24}") {
        for kind in [SizeKind::Bet, SizeKind::Raise] {
            if let Err(error) = parse_bet_sizes(&text, kind) {
                prop_assert!((1..=text.chars().count() + 1).contains(&error.column()), "{:?}: {}", text, error);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Spot files.

const RIVER_SPOT: &str = "board = \"Qs9h5c2d2s\"\n\
oop_range = \"AA,KK,QJs\"\n\
ip_range = \"QQ,AK\"\n\
starting_pot = 100\n\
effective_stack = 200\n\
\n\
[bet_sizes]\n\
bet = \"50%, a\"\n\
raise = \"3x\"\n";

/// Prepares a spot from text the way `ponder solve FILE` does (errors located in the file).
fn prepare(text: &str) -> Result<PreparedSpot, SolveError> {
    let file = SpotFile::from_toml(text, "spot.toml")?;
    PreparedSpot::new(file).map_err(|error| error.located(text, "spot.toml"))
}

/// The character at a 1-based line and column of `text`.
fn char_at(text: &str, line: usize, column: usize) -> Option<char> {
    text.lines().nth(line - 1)?.chars().nth(column - 1)
}

#[test]
fn located_errors_point_at_the_offending_characters() {
    let cases = [
        ("bet = \"50%, a\"", "bet = \"50%, -5%\"", '-'),
        ("raise = \"3x\"", "raise = \"3x, 2.5\"", '2'),
        ("raise = \"3x\"", "raise = 'x'", 'x'),
        ("\"QQ,AK\"", "\"QQ,AK,QsJs\"", 'Q'),
        ("\"AA,KK,QJs\"", "\"AA,KK,QX\"", 'X'),
        ("\"Qs9h5c2d2s\"", "\"Qs9h5c2d2d\"", '2'),
        ("\"Qs9h5c2d2s\"", "\"Qs9h5c2d2s3c\"", '"'),
        ("starting_pot = 100", "starting_pot = 0", '0'),
        ("\"QQ,AK\"", "\"QQ:0\"", '"'),
    ];
    for (from, to, expected) in cases {
        let text = RIVER_SPOT.replacen(from, to, 1);
        let error = prepare(&text)
            .err()
            .unwrap_or_else(|| panic!("{to} is accepted"));
        let SolveError::InFile { line, column, .. } = error else {
            panic!("{to}: not located: {error}");
        };
        assert_eq!(
            char_at(&text, line, column),
            Some(expected),
            "{to}: {line}:{column}"
        );
        assert!(error
            .to_string()
            .starts_with(&format!("spot.toml:{line}:{column}: ")));
    }
    // The second of two same-named fields in different tables.
    let text = "board = \"Qs9h5c2d\"\noop_range = \"AA\"\nip_range = \"KK\"\nstarting_pot = 10\n\
                effective_stack = 100\n[bet_sizes_by_street.turn]\noop = { bet = \"50%\", raise = \"3x\" }\n\
                ip = { bet = \"50%\" }\n[bet_sizes_by_street.river]\noop = { bet = \"50%\" }\n\
                ip = { bet = \"50%\", raise = \"3x, 2\" }\n";
    let error = prepare(text).err().unwrap();
    let SolveError::InFile { line, column, .. } = error else {
        panic!("not located: {error}");
    };
    assert_eq!((line, column), (11, 34), "{error}");
    // Escapes make string columns and file columns differ: the value's start is given instead.
    let text = RIVER_SPOT.replacen("raise = \"3x\"", "raise = \"\\u0033x, 2.5\"", 1);
    let error = prepare(&text).err().unwrap();
    let SolveError::InFile { line, column, .. } = error else {
        panic!("not located: {error}");
    };
    assert_eq!(char_at(&text, line, column), Some('"'));
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let text = RIVER_SPOT.replacen("starting_pot = 100", "starting_pot = \"100\"", 1);
    let error = SpotFile::from_toml(&text, "spot.toml").unwrap_err();
    let SpotError::Toml { line, column, .. } = error else {
        panic!("{error}");
    };
    assert_eq!((line, char_at(&text, line, column)), (4, Some('"')));
    let text = RIVER_SPOT.replacen("effective_stack", "effective_stak", 1);
    let error = SpotFile::from_toml(&text, "spot.toml").unwrap_err();
    let SpotError::Toml { line, column, .. } = error else {
        panic!("{error}");
    };
    assert_eq!((line, column), (5, 1), "{error}");
    assert!(!error.to_string().contains('\n'));
}

/// Text that looks a little like a spot file.
fn tomlish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("board = \"Qs9h5c2d2s\"\n".to_string()),
            Just("oop_range = \"AA,KK\"\n".to_string()),
            Just("ip_range = \"QQ\"\n".to_string()),
            Just("starting_pot = 100\n".to_string()),
            Just("effective_stack = 150\n".to_string()),
            Just("[bet_sizes]\n".to_string()),
            Just("bet = \"50%\"\n".to_string()),
            Just("[bet_sizes_by_street.river]\n".to_string()),
            Just("oop = { bet = \"33%\" }\n".to_string()),
            "[a-z_]{1,12} = \"[^\"\\\\\n]{0,12}\"\n",
            "[a-z_]{1,12} = -?[0-9.e]{1,6}\n",
            "\\PC{0,16}\n",
        ],
        0..12,
    )
    .prop_map(|lines| lines.concat())
}

proptest! {
    #[test]
    fn random_spot_text_never_panics_and_errors_point_inside(text in tomlish()) {
        match prepare(&text) {
            Ok(_) => {}
            Err(SolveError::InFile { line, column, .. }) | Err(SolveError::Spot(SpotError::Toml { line, column, .. })) => {
                let lines = text.split('\n').count();
                prop_assert!((1..=lines).contains(&line), "{:?}: line {}", text, line);
                let width = text.split('\n').nth(line - 1).unwrap().chars().count();
                prop_assert!((1..=width + 1).contains(&column), "{:?}: {}:{}", text, line, column);
            }
            Err(_) => {}
        }
    }

    #[test]
    fn bad_field_values_are_located(
        board in prop_oneof![Just("Qs9h5c2d2s".to_string()), "[2-9TJQKA][cdhs]{1,2}[2-9TJQKAX ]{0,9}"],
        range in "[2-9TJQKAso,+:.0-9-]{0,12}",
        bet in "[-+%x0-9., ea]{0,10}",
    ) {
        let text = RIVER_SPOT
            .replacen("Qs9h5c2d2s", &board, 1)
            .replacen("QQ,AK", &range, 1)
            .replacen("50%, a", &bet, 1);
        match prepare(&text) {
            Ok(_) => {}
            Err(SolveError::InFile { line, column, error, .. }) => {
                // Every field error of this file is about a one-line string: the position is inside it.
                let row = text.lines().nth(line - 1).unwrap();
                let width = row.chars().count();
                prop_assert!((1..=width).contains(&column), "{:?}: {}:{}: {}", text, line, column, error);
                prop_assert!(row.contains('"'));
            }
            Err(error) => prop_assert!(false, "not located: {} in {:?}", error, text),
        }
    }
}

#[test]
fn line_column_counts_characters() {
    let text = "ab\ncé d\n\nx";
    assert_eq!(line_column(text, 0), (1, 1));
    assert_eq!(line_column(text, 3), (2, 1));
    assert_eq!(line_column(text, text.find('d').unwrap()), (2, 4));
    assert_eq!(line_column(text, text.len()), (4, 2));
    assert_eq!(
        locate_field("a = 1\n[b]\nc = \"xyz\"\n", "b.c", Some(2)),
        Some((3, 7))
    );
    assert_eq!(locate_field("a = 1\n", "b.c", None), None);
}

#[test]
fn json_fields_are_located() {
    let text = "{\n  \"board\": \"Qs9h5c2d2s\",\n  \"bet_sizes\": {\"bet\": \"50%\", \"raise\" :\"3x, 2.5\"},\n  \
                \"bet_sizes_by_street\": {\"river\": {\"oop\": {\"bet\": \"a\"}, \"ip\": {\"bet\": \"x\"}}},\n  \
                \"n\": [1, {\"a\": \"b\"}], \"starting_pot\": 0\n}";
    let at = |field: &str, inner: Option<usize>| {
        let (line, column) = locate_json_field(text, field, inner).unwrap();
        char_at(text, line, column).unwrap()
    };
    assert_eq!(at("board", None), '"');
    assert_eq!(at("board", Some(3)), '9');
    assert_eq!(at("bet_sizes.raise", Some(5)), '2');
    assert_eq!(at("bet_sizes_by_street.river.ip.bet", Some(1)), 'x');
    assert_eq!(at("starting_pot", None), '0');
    assert_eq!(locate_json_field(text, "bet_sizes.donk", None), None);
    assert_eq!(locate_json_field(text, "board.x", None), None);
}

proptest! {
    #[test]
    fn json_locations_point_at_the_values(spaces in proptest::collection::vec(0usize..3, 8), pot in 1u32..1000) {
        // A spot as serde_json writes it, with random extra spacing after each comma and colon.
        let mut spot = SpotFile::from_toml(RIVER_SPOT, "spot.toml").unwrap();
        spot.starting_pot = pot;
        let mut text = serde_json::to_string(&spot).unwrap();
        for (k, &n) in spaces.iter().enumerate() {
            let pattern = if k % 2 == 0 { "\",\"" } else { "\":" };
            if let Some(at) = text.match_indices(pattern).nth(k / 2).map(|(i, _)| i + pattern.len() - 1) {
                text.insert_str(at, &"\n ".repeat(n));
            }
        }
        for (field, value) in [("board", "Qs9h5c2d2s"), ("oop_range", "AA,KK,QJs"), ("bet_sizes.bet", "50%, a")] {
            let (line, column) = locate_json_field(&text, field, Some(1)).unwrap();
            prop_assert_eq!(char_at(&text, line, column), value.chars().next(), "{} in {}", field, text);
        }
        let (line, column) = locate_json_field(&text, "starting_pot", None).unwrap();
        prop_assert_eq!(char_at(&text, line, column), pot.to_string().chars().next());
    }

    #[test]
    fn json_locator_never_panics(text in "[{}\\[\\]\",: a-z0-9\\\\]{0,40}", field in "[a-z]{1,3}(\\.[a-z]{1,3}){0,2}") {
        if let Some((line, column)) = locate_json_field(&text, &field, Some(2)) {
            prop_assert!(line >= 1 && column >= 1);
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// `show --line`.

fn turn_solver() -> &'static Solver {
    static SOLVER: OnceLock<Solver> = OnceLock::new();
    SOLVER.get_or_init(|| {
        let text = "board = \"Td9d6hQc\"\noop_range = \"AA,KJs,87s\"\nip_range = \"QQ,AK,J8s\"\n\
                    starting_pot = 100\neffective_stack = 300\n[bet_sizes]\nbet = \"50%, a\"\nraise = \"3x\"\n";
        let prepared = PreparedSpot::new(SpotFile::from_toml(text, "turn.toml").unwrap()).unwrap();
        let mut solver = Solver::new(prepared.game());
        for _ in 0..3 {
            solver.iterate();
        }
        solver
    })
}

/// A line walked from the root by choosing child `choice % children` at every node, written in the
/// user's syntax (actions by name with random case and spacing, cards by name), and the node reached.
fn walk(solver: &Solver, choices: &[(usize, bool)]) -> (String, NodeId, Vec<String>) {
    let game = &solver.game;
    let mut id = NodeId(0);
    let mut board = game.board.clone();
    let mut steps = Vec::new();
    let mut canonical = Vec::new();
    for &(choice, shout) in choices {
        let node = &game.nodes[id.0 as usize];
        match node.kind {
            NodeKind::Player(_) => {
                let actions = &game.tree.node(node.action_node).actions;
                let k = choice % actions.len();
                let name = actions[k].to_string();
                canonical.push(name.clone());
                steps.push(if shout {
                    format!("  {} ", name.to_uppercase().replace(' ', "   "))
                } else {
                    name
                });
                id = NodeId(node.first_child + k as u32);
            }
            NodeKind::Chance => {
                let data = &game.chances[node.chance as usize];
                // Any card not on the board, isomorphic or not.
                let cards: Vec<_> = data.dealt.iter().collect();
                let dealt = cards[choice % cards.len()];
                board.push(dealt.card);
                canonical.push(card_name(dealt.card));
                steps.push(card_name(dealt.card));
                id = NodeId(node.first_child + dealt.child);
            }
            NodeKind::Fold(_) | NodeKind::Showdown(_) => break,
        }
    }
    (steps.join(","), id, canonical)
}

proptest! {
    #[test]
    fn lines_round_trip(choices in proptest::collection::vec((0usize..50, any::<bool>()), 0..8)) {
        let solver = turn_solver();
        let (line, id, canonical) = walk(solver, &choices);
        let view = follow_line(solver, &line).unwrap();
        prop_assert_eq!(view.id, id, "{}", line);
        prop_assert_eq!(&view.steps, &canonical);
        // The printed steps are a line that reaches the same node.
        let again = follow_line(solver, &view.steps.join(", ")).unwrap();
        prop_assert_eq!(again.id, id);
        prop_assert_eq!(again.board, view.board);
    }

    #[test]
    fn bad_steps_are_reported_at_their_column(
        choices in proptest::collection::vec((0usize..50, any::<bool>()), 0..6),
        bad in prop_oneof![
            Just("bet 7".to_string()),
            Just("raise".to_string()),
            Just("Zz".to_string()),
            Just("Td".to_string()),
            Just("5".to_string()),
            "[a-z]{1,6}",
        ],
    ) {
        let solver = turn_solver();
        let (line, _, canonical) = walk(solver, &choices);
        let prefix = if canonical.is_empty() { String::new() } else { format!("{line}, ") };
        let text = format!("{prefix}{bad}");
        match follow_line(solver, &text) {
            Ok(view) => {
                // Only a real action or card may pass: then it is the last step.
                prop_assert_eq!(view.steps.len(), canonical.len() + 1, "{}", text);
            }
            Err(error) => {
                let column = match &error {
                    LineError::UnknownAction { column, .. }
                    | LineError::BadCard { column, .. }
                    | LineError::PastTerminal { column, .. } => *column,
                };
                prop_assert_eq!(column, prefix.chars().count() + 1, "{}: {}", text, error);
            }
        }
    }

    #[test]
    fn random_lines_never_panic(text in "[a-zA-Z0-9 ,]{0,40}") {
        let solver = turn_solver();
        if let Err(error) = follow_line(solver, &text) {
            let column = match &error {
                LineError::UnknownAction { column, .. }
                | LineError::BadCard { column, .. }
                | LineError::PastTerminal { column, .. } => *column,
            };
            prop_assert!((1..=text.chars().count()).contains(&column), "{:?}: {}", text, error);
        }
    }
}
