//! Property tests over generated game strings: every registered game with parameters in range (spelled
//! with aliases, spaces, OpenSpiel's capitalised booleans and the turn-based wrapper) reads to the game
//! its canonical string names, and that string reads back to itself; out-of-range values, unknown
//! parameters and damaged syntax are errors whose columns point inside the string.

use ponder_games::{parse_game, GameError, GameStringError};
use proptest::prelude::*;

/// A game string, the canonical string it must give, and its number of players.
fn valid() -> impl Strategy<Value = (String, String, usize)> {
    let kuhn =
        (prop::sample::select(vec!["kuhn_poker", "kuhn"]), 2i64..=5).prop_map(|(name, players)| {
            let canonical = if players == 2 {
                "kuhn_poker()".to_string()
            } else {
                format!("kuhn_poker(players={players})")
            };
            (
                format!("{name}(players={players})"),
                canonical,
                players as usize,
            )
        });
    let leduc = prop::sample::select(vec![
        "leduc_poker",
        "leduc",
        "leduc_poker(players=2)",
        "leduc_poker()",
    ])
    .prop_map(|text| (text.to_string(), "leduc_poker()".to_string(), 2));
    let dice = (
        prop::sample::select(vec!["liars_dice", "liars", "dice"]),
        1i64..=2,
        2i64..=6,
        any::<bool>(),
    )
        .prop_map(|(name, dice, sides, alias)| {
            let key = if alias { "numdice" } else { "dice" };
            let text = format!("{name}({key}={dice},dice_sides={sides})");
            let mut params = Vec::new();
            if dice != 1 {
                params.push(format!("dice={dice}"));
            }
            if sides != 6 {
                params.push(format!("dice_sides={sides}"));
            }
            (text, format!("liars_dice({})", params.join(",")), 2)
        });
    let goof = (2i64..=6, any::<bool>(), any::<bool>()).prop_map(|(cards, wrapped, capital)| {
        let imp = if capital { "True" } else { "true" };
        let inner = format!(
            "goofspiel(imp_info={imp},num_cards={cards},points_order=descending,players=2)"
        );
        let text = if wrapped {
            format!("turn_based_simultaneous_game(game={inner})")
        } else {
            inner
        };
        (text, format!("goofspiel(num_cards={cards})"), 2)
    });
    prop_oneof![kuhn, leduc, dice, goof]
}

/// Spaces around names, `(`, `=`, `,` and `)`.
fn spaced(text: &str, spaces: &[u8]) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        let pad = " ".repeat(spaces[i % spaces.len()] as usize % 3);
        if "(=,)".contains(c) {
            out.push_str(&pad);
            out.push(c);
            out.push_str(&pad);
        } else {
            out.push(c);
        }
    }
    out
}

fn column(error: &GameError) -> Option<usize> {
    match error {
        GameError::Syntax(
            GameStringError::MissingName { column }
            | GameStringError::Unexpected { column, .. }
            | GameStringError::UnexpectedEnd { column, .. }
            | GameStringError::DuplicateParameter { column, .. },
        ) => Some(*column),
        _ => None,
    }
}

proptest! {
    #[test]
    fn registered_games_read_to_their_canonical_string(
        (text, canonical, players) in valid(),
        spaces in proptest::collection::vec(any::<u8>(), 1..6),
    ) {
        for text in [text.clone(), spaced(&text, &spaces)] {
            let game = parse_game(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
            prop_assert_eq!(game.game_string(), canonical.clone(), "{}", text);
            prop_assert_eq!(game.num_players(), players);
            let again = parse_game(&canonical).unwrap();
            prop_assert_eq!(again.game_string(), canonical.clone());
        }
    }

    #[test]
    fn out_of_range_values_are_refused(value in prop_oneof![i64::MIN..1, 7i64..i64::MAX], which in 0usize..3) {
        let text = match which {
            0 => format!("kuhn_poker(players={value})"),
            1 => format!("liars_dice(dice_sides={value})"),
            _ => format!("goofspiel(num_cards={value})"),
        };
        prop_assert!(matches!(parse_game(&text), Err(GameError::BadValue { .. })), "{}", text);
    }

    #[test]
    fn unknown_parameters_are_named(name in "[a-z_]{1,12}") {
        prop_assume!(!["players", "dice", "numdice", "dice_sides"].contains(&name.as_str()));
        let text = format!("liars_dice({name}=1)");
        match parse_game(&text) {
            Err(GameError::UnknownParameter { parameter, .. }) => prop_assert_eq!(parameter, name),
            other => prop_assert!(false, "{}: {:?}", text, other.map(|g| g.game_string())),
        }
    }

    #[test]
    fn damaged_strings_point_inside(
        (text, _, _) in valid(),
        at in any::<prop::sample::Index>(),
        junk in "[()=, a-z0-9é]{1,3}",
        cut in any::<bool>(),
    ) {
        let at = at.index(text.len() + 1);
        let damaged = if cut {
            text[..at].to_string()
        } else {
            format!("{}{}{}", &text[..at], junk, &text[at..])
        };
        if let Err(error) = parse_game(&damaged) {
            if let Some(column) = column(&error) {
                prop_assert!(column >= 1 && column <= damaged.chars().count() + 1, "{} {}", damaged, error);
            }
        }
    }

    #[test]
    fn nested_unknown_games_are_errors(depth in 1usize..200) {
        let text = format!("{}x{}", "turn_based_simultaneous_game(game=".repeat(depth), ")".repeat(depth));
        prop_assert!(parse_game(&text).is_err());
    }
}
