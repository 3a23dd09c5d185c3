//! OpenSpiel-style game strings: `name` or `name(key=value,key=value)`, values being integers, booleans,
//! bare words or nested game strings (as in `turn_based_simultaneous_game(game=goofspiel(num_cards=4))`).

use std::collections::BTreeMap;

/// Why a game string could not be read; `column` is 1-based into the string given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GameStringError {
    /// The string (or a nested game) has no name.
    #[error("expected a game name at column {column}")]
    MissingName {
        /// 1-based column.
        column: usize,
    },
    /// A character that cannot appear there.
    #[error("unexpected '{found}' at column {column}, expected {expected}")]
    Unexpected {
        /// The offending character.
        found: char,
        /// 1-based column.
        column: usize,
        /// What would have been valid.
        expected: &'static str,
    },
    /// The string ended inside a parameter list.
    #[error("game string ends early at column {column}, expected {expected}")]
    UnexpectedEnd {
        /// 1-based column just past the end.
        column: usize,
        /// What would have been valid.
        expected: &'static str,
    },
    /// The same parameter given twice.
    #[error("parameter '{name}' given twice (column {column})")]
    DuplicateParameter {
        /// Parameter name.
        name: String,
        /// 1-based column of the second occurrence.
        column: usize,
    },
}

/// A parameter value in a game string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    /// An integer such as `3` or `-1`.
    Int(i64),
    /// `true`/`false` (any case, as OpenSpiel prints `True`).
    Bool(bool),
    /// A bare word such as `descending`.
    Word(String),
    /// A nested game string.
    Game(String, Params),
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Int(value) => write!(f, "{value}"),
            ParamValue::Bool(value) => write!(f, "{value}"),
            ParamValue::Word(value) => write!(f, "{value}"),
            ParamValue::Game(name, params) => write!(f, "{name}({})", params.to_string_inner()),
        }
    }
}

/// Named parameters of a game string, in name order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    /// Parameter name to value.
    pub values: BTreeMap<String, ParamValue>,
}

impl Params {
    fn to_string_inner(&self) -> String {
        self.values
            .iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Parses `name(params)` into the name and its parameters.
pub fn parse_game_string(text: &str) -> Result<(String, Params), GameStringError> {
    let chars: Vec<char> = text.chars().collect();
    let mut position = 0;
    skip_spaces(&chars, &mut position);
    let parsed = parse_call(&chars, &mut position)?;
    skip_spaces(&chars, &mut position);
    if let Some(&found) = chars.get(position) {
        return Err(GameStringError::Unexpected {
            found,
            column: position + 1,
            expected: "the end of the game string",
        });
    }
    Ok(parsed)
}

fn skip_spaces(chars: &[char], position: &mut usize) {
    while chars.get(*position).is_some_and(|c| c.is_whitespace()) {
        *position += 1;
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'
}

fn parse_word(chars: &[char], position: &mut usize) -> String {
    let start = *position;
    while chars.get(*position).is_some_and(|&c| is_word_char(c)) {
        *position += 1;
    }
    chars[start..*position].iter().collect()
}

fn parse_call(chars: &[char], position: &mut usize) -> Result<(String, Params), GameStringError> {
    let name_column = *position + 1;
    let name = parse_word(chars, position);
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return match chars.get(*position) {
            Some(&found) if !name.is_empty() || !is_word_char(found) => {
                Err(GameStringError::Unexpected {
                    found,
                    column: *position + 1,
                    expected: "a game name",
                })
            }
            _ => Err(GameStringError::MissingName {
                column: name_column,
            }),
        };
    }
    let mut params = Params::default();
    skip_spaces(chars, position);
    if chars.get(*position) != Some(&'(') {
        return Ok((name.to_ascii_lowercase(), params));
    }
    *position += 1;
    skip_spaces(chars, position);
    if chars.get(*position) == Some(&')') {
        *position += 1;
        return Ok((name.to_ascii_lowercase(), params));
    }
    loop {
        skip_spaces(chars, position);
        let key_column = *position + 1;
        let key = parse_word(chars, position);
        if key.is_empty() {
            return Err(unexpected_or_end(chars, *position, "a parameter name"));
        }
        skip_spaces(chars, position);
        if chars.get(*position) != Some(&'=') {
            return Err(unexpected_or_end(
                chars,
                *position,
                "'=' after the parameter name",
            ));
        }
        *position += 1;
        skip_spaces(chars, position);
        let value_start = *position;
        let word = parse_word(chars, position);
        if word.is_empty() {
            return Err(unexpected_or_end(chars, *position, "a parameter value"));
        }
        skip_spaces(chars, position);
        let value = if chars.get(*position) == Some(&'(') {
            *position = value_start;
            let (nested_name, nested_params) = parse_call(chars, position)?;
            ParamValue::Game(nested_name, nested_params)
        } else if let Ok(number) = word.parse::<i64>() {
            ParamValue::Int(number)
        } else if word.eq_ignore_ascii_case("true") {
            ParamValue::Bool(true)
        } else if word.eq_ignore_ascii_case("false") {
            ParamValue::Bool(false)
        } else {
            ParamValue::Word(word)
        };
        let key = key.to_ascii_lowercase();
        if params.values.contains_key(&key) {
            return Err(GameStringError::DuplicateParameter {
                name: key,
                column: key_column,
            });
        }
        params.values.insert(key, value);
        skip_spaces(chars, position);
        match chars.get(*position) {
            Some(',') => *position += 1,
            Some(')') => {
                *position += 1;
                return Ok((name.to_ascii_lowercase(), params));
            }
            _ => return Err(unexpected_or_end(chars, *position, "',' or ')'")),
        }
    }
}

fn unexpected_or_end(chars: &[char], position: usize, expected: &'static str) -> GameStringError {
    match chars.get(position) {
        Some(&found) => GameStringError::Unexpected {
            found,
            column: position + 1,
            expected,
        },
        None => GameStringError::UnexpectedEnd {
            column: position + 1,
            expected,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_names_and_parameters() {
        let (name, params) = parse_game_string("kuhn_poker(players=3)").unwrap();
        assert_eq!(name, "kuhn_poker");
        assert_eq!(params.values["players"], ParamValue::Int(3));
        let (name, params) = parse_game_string(" leduc ").unwrap();
        assert_eq!(name, "leduc");
        assert!(params.values.is_empty());
        let (_, params) = parse_game_string(
            "turn_based_simultaneous_game(game=goofspiel(imp_info=True,num_cards=4,points_order=descending))",
        )
        .unwrap();
        match &params.values["game"] {
            ParamValue::Game(name, inner) => {
                assert_eq!(name, "goofspiel");
                assert_eq!(inner.values["imp_info"], ParamValue::Bool(true));
                assert_eq!(
                    inner.values["points_order"],
                    ParamValue::Word("descending".into())
                );
            }
            other => panic!("expected a nested game, got {other:?}"),
        }
    }

    #[test]
    fn errors_say_where() {
        assert_eq!(
            parse_game_string("kuhn_poker(players=3").unwrap_err(),
            GameStringError::UnexpectedEnd {
                column: 21,
                expected: "',' or ')'"
            }
        );
        assert_eq!(
            parse_game_string("kuhn_poker(players 3)").unwrap_err(),
            GameStringError::Unexpected {
                found: '3',
                column: 20,
                expected: "'=' after the parameter name"
            }
        );
        assert!(matches!(
            parse_game_string("kuhn(players=2,players=3)").unwrap_err(),
            GameStringError::DuplicateParameter { column: 16, .. }
        ));
        assert!(matches!(
            parse_game_string("").unwrap_err(),
            GameStringError::MissingName { column: 1 }
        ));
        assert!(matches!(
            parse_game_string("leduc)").unwrap_err(),
            GameStringError::Unexpected { column: 6, .. }
        ));
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,40}") {
            let _ = parse_game_string(&text);
        }

        #[test]
        fn round_trips_integer_parameters(name in "[a-z][a-z_]{0,10}", key in "[a-z][a-z_]{0,8}", value in -1000i64..1000) {
            let (parsed_name, params) = parse_game_string(&format!("{name}({key}={value})")).unwrap();
            prop_assert_eq!(parsed_name, name);
            prop_assert_eq!(&params.values[&key], &ParamValue::Int(value));
        }
    }
}
