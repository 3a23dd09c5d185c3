//! The table of known games and [`parse_game`], which turns a game string into a compilable game.

use crate::params::{parse_game_string, ParamValue, Params};
use crate::{
    Game, GameDescription, GameStringError, Goofspiel, KuhnPoker, LeducPoker, LiarsDice,
    ShapleyGame, LEDUC_MAX_PLAYERS, MAX_NODES,
};

/// Why a game string does not name a playable game.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GameError {
    /// The string is malformed.
    #[error("bad game string: {0}")]
    Syntax(GameStringError),
    /// No game of that name.
    #[error("unknown game '{name}' (known: {known})")]
    UnknownGame {
        /// The name given.
        name: String,
        /// Comma-separated list of known names.
        known: String,
    },
    /// The game has no such parameter.
    #[error("{game} has no parameter '{parameter}' (parameters: {known})")]
    UnknownParameter {
        /// Game name.
        game: &'static str,
        /// Parameter name given.
        parameter: String,
        /// Parameters the game accepts.
        known: &'static str,
    },
    /// A parameter value of the wrong kind or outside its range.
    #[error("{game} parameter '{parameter}' = {value} is invalid: expected {expected}")]
    BadValue {
        /// Game name.
        game: &'static str,
        /// Parameter name.
        parameter: String,
        /// Value given.
        value: String,
        /// What is accepted.
        expected: String,
    },
    /// A valid parameter value (OpenSpiel accepts it) whose game ponder cannot hold in memory.
    #[error("{game}: {why}")]
    TooLarge {
        /// Canonical game string of the refused game.
        game: String,
        /// Why, with the tree size.
        why: String,
    },
}

// Not `#[from]`: that would also make the inner error the `source`, printing it twice in error chains.
impl From<GameStringError> for GameError {
    fn from(error: GameStringError) -> Self {
        GameError::Syntax(error)
    }
}

/// One row of the game table.
pub struct GameEntry {
    /// Canonical (OpenSpiel) name.
    pub name: &'static str,
    /// Short names also accepted.
    pub aliases: &'static [&'static str],
    /// Parameters accepted, for error messages and help.
    pub parameters: &'static str,
    /// Builds the game from its parameters, checking names and ranges.
    pub build: fn(&ParamReader) -> Result<Box<dyn GameDescription>, GameError>,
}

/// Every game ponder knows. Adding a game: one file implementing [`crate::Game`] and one row here.
pub static GAMES: &[GameEntry] = &[
    GameEntry {
        name: "kuhn_poker",
        aliases: &["kuhn"],
        parameters: "players (2..=5)",
        build: |params| {
            let players = params.int("players", 2, 2, 5)?;
            Ok(Box::new(KuhnPoker::new(players as usize)))
        },
    },
    GameEntry {
        name: "leduc_poker",
        aliases: &["leduc"],
        parameters: "players (2..=3)",
        build: |params| {
            // OpenSpiel accepts any count; from 4 players on the tree outgrows the compiler, which is
            // said with the count instead of a bare range error.
            if let Some(&ParamValue::Int(players)) = params.params.values.get("players") {
                if players > 3 {
                    let counted = LeducPoker::new(LEDUC_MAX_PLAYERS);
                    let nodes = Game::tree_size(&counted).unwrap_or(u64::MAX);
                    let size = if players as usize == LEDUC_MAX_PLAYERS {
                        format!("the game tree has {nodes} nodes")
                    } else {
                        format!(
                            "the game tree is larger than the {LEDUC_MAX_PLAYERS}-player game's \
                             {nodes} nodes"
                        )
                    };
                    return Err(GameError::TooLarge {
                        game: format!("leduc_poker(players={players})"),
                        why: format!(
                            "{size}, more than the {MAX_NODES} ponder builds (2 or 3 players fit)"
                        ),
                    });
                }
            }
            let players = params.int("players", 2, 2, 3)?;
            Ok(Box::new(LeducPoker::new(players as usize)))
        },
    },
    GameEntry {
        name: "liars_dice",
        aliases: &["liars", "dice"],
        parameters: "dice (1..=2), numdice (alias of dice), dice_sides (2..=6), players (2)",
        build: |params| {
            params.int("players", 2, 2, 2)?;
            let dice = if params.has("numdice") {
                params.int("numdice", 1, 1, 2)?
            } else {
                params.int("dice", 1, 1, 2)?
            };
            let sides = params.int("dice_sides", 6, 2, 6)?;
            Ok(Box::new(LiarsDice::new(dice as usize, sides as usize)))
        },
    },
    GameEntry {
        name: "goofspiel",
        aliases: &["goof"],
        parameters: "num_cards (2..=6), imp_info (true), points_order (descending), returns_type (win_loss), players (2), egocentric (false), num_turns (-1)",
        build: |params| {
            params.int("players", 2, 2, 2)?;
            let num_cards = params.int("num_cards", 4, 2, 6)?;
            params.fixed_word("imp_info", "true")?;
            params.fixed_word("points_order", "descending")?;
            params.fixed_word("returns_type", "win_loss")?;
            params.fixed_word("egocentric", "false")?;
            params.int("num_turns", -1, -1, -1)?;
            Ok(Box::new(Goofspiel::new(num_cards as usize)))
        },
    },
    GameEntry {
        name: "shapley_3x3",
        aliases: &["shapley"],
        parameters: "weighted (false|true)",
        build: |params| {
            Ok(Box::new(if params.bool("weighted", false)? {
                ShapleyGame::weighted()
            } else {
                ShapleyGame::classic()
            }))
        },
    },
];

/// Reads a game's parameters, remembering which were used so that unknown ones are reported.
pub struct ParamReader {
    game: &'static str,
    known: &'static str,
    params: Params,
}

impl ParamReader {
    fn has(&self, name: &str) -> bool {
        self.params.values.contains_key(name)
    }

    fn bad(&self, name: &str, value: &ParamValue, expected: String) -> GameError {
        GameError::BadValue {
            game: self.game,
            parameter: name.to_string(),
            value: value.to_string(),
            expected,
        }
    }

    /// Integer parameter `name` in `min..=max`, `default` when absent.
    pub fn int(&self, name: &str, default: i64, min: i64, max: i64) -> Result<i64, GameError> {
        match self.params.values.get(name) {
            None => Ok(default),
            Some(ParamValue::Int(value)) if (min..=max).contains(value) => Ok(*value),
            Some(value) => Err(self.bad(
                name,
                value,
                if min == max {
                    format!("{min} (the only supported value)")
                } else {
                    format!("an integer in {min}..={max}")
                },
            )),
        }
    }

    /// Boolean parameter `name` (`true`/`false`, any case), `default` when absent.
    pub fn bool(&self, name: &str, default: bool) -> Result<bool, GameError> {
        match self.params.values.get(name) {
            None => Ok(default),
            Some(ParamValue::Bool(value)) => Ok(*value),
            Some(value) => Err(self.bad(name, value, "true or false".to_string())),
        }
    }

    /// A parameter that ponder supports with one value only (accepted so OpenSpiel strings load).
    pub fn fixed_word(&self, name: &str, only: &str) -> Result<(), GameError> {
        match self.params.values.get(name) {
            None => Ok(()),
            Some(value) if value.to_string().eq_ignore_ascii_case(only) => Ok(()),
            Some(value) => Err(self.bad(name, value, format!("{only} (the only supported value)"))),
        }
    }

    fn check_all_known(&self) -> Result<(), GameError> {
        for name in self.params.values.keys() {
            let listed = self
                .known
                .split(", ")
                .any(|entry| entry.split(' ').next() == Some(name.as_str()));
            if !listed {
                return Err(GameError::UnknownParameter {
                    game: self.game,
                    parameter: name.clone(),
                    known: self.known,
                });
            }
        }
        Ok(())
    }
}

/// Parses an OpenSpiel-style game string (`leduc`, `kuhn_poker(players=3)`, `goofspiel(num_cards=5)`,
/// or OpenSpiel's `turn_based_simultaneous_game(game=goofspiel(...))`) into a compilable game.
pub fn parse_game(text: &str) -> Result<Box<dyn GameDescription>, GameError> {
    let (mut name, mut params) = parse_game_string(text)?;
    // OpenSpiel serialises Goofspiel as a turn-based wrapper; that is how ponder plays it anyway.
    if name == "turn_based_simultaneous_game" && params.values.len() == 1 {
        if let Some(ParamValue::Game(inner_name, inner_params)) = params.values.get("game") {
            if inner_name == "goofspiel" {
                let (inner_name, inner_params) = (inner_name.clone(), inner_params.clone());
                name = inner_name;
                params = inner_params;
            }
        }
    }
    let entry = GAMES
        .iter()
        .find(|entry| entry.name == name || entry.aliases.contains(&name.as_str()))
        .ok_or_else(|| GameError::UnknownGame {
            name: name.clone(),
            known: GAMES
                .iter()
                .map(|entry| entry.name)
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let reader = ParamReader {
        game: entry.name,
        known: entry.parameters,
        params,
    };
    reader.check_all_known()?;
    (entry.build)(&reader)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_canonical_strings() {
        assert_eq!(parse_game("leduc").unwrap().game_string(), "leduc_poker()");
        assert_eq!(parse_game("kuhn").unwrap().game_string(), "kuhn_poker()");
        assert_eq!(
            parse_game("kuhn_poker(players=3)").unwrap().game_string(),
            "kuhn_poker(players=3)"
        );
        assert_eq!(
            parse_game("liars_dice").unwrap().game_string(),
            "liars_dice()"
        );
        assert_eq!(
            parse_game("goofspiel(num_cards=5)").unwrap().game_string(),
            "goofspiel(num_cards=5)"
        );
        let openspiel = "turn_based_simultaneous_game(game=goofspiel(egocentric=False,imp_info=True,num_cards=4,num_turns=-1,players=2,points_order=descending,returns_type=win_loss))";
        assert_eq!(
            parse_game(openspiel).unwrap().game_string(),
            "goofspiel(num_cards=4)"
        );
    }

    #[test]
    fn bad_games_and_parameters() {
        assert!(matches!(
            parse_game("chess").err().unwrap(),
            GameError::UnknownGame { .. }
        ));
        assert!(matches!(
            parse_game("kuhn_poker(players=9)").err().unwrap(),
            GameError::BadValue { .. }
        ));
        assert!(matches!(
            parse_game("kuhn_poker(cards=3)").err().unwrap(),
            GameError::UnknownParameter { .. }
        ));
        assert!(matches!(
            parse_game("goofspiel(points_order=random)").err().unwrap(),
            GameError::BadValue { .. }
        ));
        let message = parse_game("kuhn_poker(players=x)")
            .err()
            .unwrap()
            .to_string();
        assert!(
            message.contains("players") && message.contains("2..=5"),
            "{message}"
        );
    }
}
