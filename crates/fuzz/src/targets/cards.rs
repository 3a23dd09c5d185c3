//! Cards and boards, ranges (ponder-cards) and game strings (ponder-games registry).

use ponder_cards::{parse_board, parse_cards, Card, CardSet, Range};
use ponder_games::{parse_game, registry::GAMES, GameError, GameStringError};

use super::{assert_column, texts};
use crate::{text, Outcome, Target};

/// Card lists, boards, single cards and card sets: each accepted value prints back to itself.
pub(crate) const CARDS: Target = Target {
    name: "cards",
    about: "parse_cards / parse_board / Card / CardSet: print(parse(x)) parses to the same cards; error columns inside the text",
    run: run_cards,
    seeds: || texts(&["Td9d6h", "Td 9d 6h 2c", "10d,9D", "AsKsQsJsTs", "2c", "Ah Kh-Qh", ""]),
    dictionary: &["10", "T", "A", "K", "Q", "J", "2", "s", "h", "d", "c", " ", ",", "-", "Ah", "2c"],
    mutate: None,
};

fn run_cards(bytes: &[u8]) -> Outcome {
    let text = text(bytes)?;
    let cards = parse_cards(text);
    if let Ok(cards) = &cards {
        let printed: String = cards.iter().map(Card::to_string).collect();
        assert_eq!(
            parse_cards(&printed).as_ref(),
            Ok(cards),
            "{text:?} printed as {printed:?}"
        );
        let spaced = cards
            .iter()
            .map(Card::to_string)
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(
            parse_cards(&spaced).as_ref(),
            Ok(cards),
            "{text:?} printed as {spaced:?}"
        );
    }
    match parse_board(text) {
        Ok(board) => {
            let printed = board.to_string();
            assert_eq!(
                parse_board(&printed),
                Ok(board),
                "{text:?} printed as {printed:?}"
            );
            assert!(
                board.len() <= 5,
                "{text:?}: a board of {} cards",
                board.len()
            );
        }
        Err(error) => assert_column(error.column, text, "parse_board"),
    }
    if let Ok(card) = text.parse::<Card>() {
        assert_eq!(card.to_string().parse::<Card>(), Ok(card), "{text:?}");
    }
    if let Ok(set) = text.parse::<CardSet>() {
        assert_eq!(set.to_string().parse::<CardSet>(), Ok(set), "{text:?}");
    }
    cards.map(|_| ()).map_err(|e| {
        assert_column(e.column, text, "parse_cards");
        e.to_string()
    })
}

/// Ranges: the canonical printing parses back to the same weights and prints the same.
pub(crate) const RANGE: Target = Target {
    name: "range",
    about: "Range::parse (and the postflop glue): parse(print(r)) == r, print is a fixed point, error columns inside the text",
    run: run_range,
    seeds: || {
        texts(&[
            "AA,KK,AKs",
            "QQ+,AJs+,KQo:0.5",
            "22-55,A2s-A5s",
            "AhKh,QsQd:0.25",
            "66+,A8s+,A5s-A4s,AJo+,K9s+,KQo,QTs+,JTs,96s+,85s+,75s+,65s,54s",
            "AKs:0.75, T9s: 1, 32o",
            "",
        ])
    },
    dictionary: &[
        "AA", "KK", "22", "AKs", "AKo", "AK", "T9s", "32o", "+", "-", ",", ":", ":0.5", ":0", ":1", "AhKh",
        "10", "s", "o", "x", " ", "random", "Qs", "0.", "e-7", "1e3",
    ],
    mutate: None,
};

fn run_range(bytes: &[u8]) -> Outcome {
    let text = text(bytes)?;
    // The postflop crate reads ranges through its glue: it must agree with the card layer.
    let glue = ponder_postflop::cards_glue::parse_range(text);
    match Range::parse(text) {
        Ok(range) => {
            let printed = range.to_string();
            let back = Range::parse(&printed)
                .unwrap_or_else(|e| panic!("{text:?} printed as {printed:?}, which fails: {e}"));
            assert!(
                back == range,
                "{text:?} printed as {printed:?} reads other weights"
            );
            assert_eq!(
                back.to_string(),
                printed,
                "printing {text:?} is not a fixed point"
            );
            assert!(
                range.iter().all(|(_, w)| w.is_finite() && w >= 0.0),
                "{text:?}: a weight that is negative or not finite"
            );
            assert!(
                glue.is_ok(),
                "{text:?}: the card layer accepts, the glue refuses"
            );
            Ok(())
        }
        Err(error) => {
            assert_column(error.column, text, "Range::parse");
            assert!(
                glue.is_err(),
                "{text:?}: the card layer refuses, the glue accepts"
            );
            Err(error.to_string())
        }
    }
}

/// Game strings: syntax, the registry, and the canonical strings games print.
pub(crate) const GAME_STRING: Target = Target {
    name: "game_string",
    about: "parse_game (syntax and registry): syntax error columns inside the text; a game's canonical string reads back to the same game",
    run: run_game_string,
    seeds: || {
        texts(&[
            "kuhn_poker",
            "kuhn_poker(players=3)",
            "leduc",
            "liars_dice(dice=2,dice_sides=4)",
            "goofspiel(num_cards=5,imp_info=true,points_order=descending)",
            "turn_based_simultaneous_game(game=goofspiel(num_cards=4,players=2))",
            "dice( numdice = 1 )",
            "leduc_poker(players=2)",
        ])
    },
    dictionary: &[
        "kuhn_poker", "leduc_poker", "liars_dice", "goofspiel", "turn_based_simultaneous_game", "(", ")", "=",
        ",", "players", "dice", "numdice", "dice_sides", "num_cards", "imp_info", "points_order", "game",
        "returns_type", "egocentric", "num_turns", "true", "True", "false", "descending", "win_loss", " ",
        "game=goofspiel(", "kuhn", "leduc",
    ],
    mutate: None,
};

fn run_game_string(bytes: &[u8]) -> Outcome {
    let text = text(bytes)?;
    let game = match parse_game(text) {
        Ok(game) => game,
        Err(error) => {
            if let GameError::Syntax(syntax) = &error {
                let column = match syntax {
                    GameStringError::MissingName { column }
                    | GameStringError::Unexpected { column, .. }
                    | GameStringError::UnexpectedEnd { column, .. }
                    | GameStringError::DuplicateParameter { column, .. } => *column,
                };
                assert_column(column, text, "parse_game");
            }
            return Err(error.to_string());
        }
    };
    // The canonical string reads back to the same game, and is a fixed point.
    let canonical = game.game_string();
    let again = parse_game(&canonical)
        .unwrap_or_else(|e| panic!("{text:?}: canonical string {canonical:?} fails: {e}"));
    assert_eq!(again.game_string(), canonical, "{text:?}");
    assert_eq!(again.num_players(), game.num_players(), "{text:?}");
    assert!(
        GAMES.iter().any(|entry| canonical.starts_with(entry.name)),
        "{text:?}: canonical string {canonical:?} names no registered game"
    );
    Ok(())
}
