//! The bet-size syntax players already know: `33%`, `2.5x`, `e`, `a`, `+50`, comma-separated.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::spot::excerpt;

/// One candidate size in a bet or raise list.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum BetSize {
    /// A fraction of the pot (`60%` is 0.6). For raises: of the pot after calling (PioSOLVER's convention).
    PotRelative(f64),
    /// Raise to this multiple of the bet faced (`2.5x`); only meaningful as a raise.
    PrevBetRelative(f64),
    /// The geometric size that gets all-in by the river with equal pot fractions (`e`).
    Geometric,
    /// All-in (`a`).
    AllIn,
    /// A fixed number of chips (`+50`): the bet itself, or for a raise the increment over the bet faced.
    Additive(u32),
}

impl fmt::Display for BetSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BetSize::PotRelative(x) => write!(f, "{}%", decimal(*x, 100.0)),
            BetSize::PrevBetRelative(x) => write!(f, "{}x", decimal(*x, 1.0)),
            BetSize::Geometric => write!(f, "e"),
            BetSize::AllIn => write!(f, "a"),
            BetSize::Additive(n) => write!(f, "+{n}"),
        }
    }
}

/// `x × scale` as the shortest plain decimal that the parser reads back as `x` (`text / scale`), so a
/// printed list parses to the same sizes: at most four decimals when they suffice (`33%`, not
/// `33.00000000000001%`), else every digit (`0.00001%` must not print as `0%`). The parser refuses the
/// rare size for which even that does not read back (see [`BetSizeError::TooPrecise`]).
fn decimal(x: f64, scale: f64) -> String {
    let reads_back = |text: &str| text.parse::<f64>().is_ok_and(|v| v / scale == x);
    for places in 0..=4 {
        let text = format!("{:.places$}", x * scale);
        if reads_back(&text) {
            return text;
        }
    }
    // `Display` for f64 never uses an exponent, which the parser would refuse.
    format!("{}", x * scale)
}

/// Why a bet-size list could not be parsed; `column` is 1-based within the list string.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum BetSizeError {
    /// An entry between commas is empty.
    #[error("empty bet size at column {column}")]
    Empty {
        /// 1-based column.
        column: usize,
    },
    /// A number without a unit such as `2.5` (write `250%`, `2.5x` or `+2`).
    #[error("bet size `{shown}` at column {column} has no unit: write `{n}%` (pot), `{n}x` (raise multiple) or `+{n}` (chips)", shown = excerpt(.text), n = if .text.chars().count() <= 12 { .text.as_str() } else { "N" })]
    MissingUnit {
        /// The offending entry.
        text: String,
        /// 1-based column.
        column: usize,
    },
    /// A negative or zero size.
    #[error("bet size `{shown}` at column {column} must be positive", shown = excerpt(.text))]
    NotPositive {
        /// The offending entry.
        text: String,
        /// 1-based column.
        column: usize,
    },
    /// Anything else that is not a size.
    #[error("bet size `{shown}` at column {column} is not one of `N%`, `Nx`, `e`, `a`, `+N`", shown = excerpt(.text))]
    Invalid {
        /// The offending entry.
        text: String,
        /// 1-based column.
        column: usize,
    },
    /// A raise multiple such as `2.5x` used where no bet is faced.
    #[error("bet size `{shown}` at column {column}: a raise multiple (`Nx`) is only allowed in raise sizes", shown = excerpt(.text))]
    MultipleInBet {
        /// The offending entry.
        text: String,
        /// 1-based column.
        column: usize,
    },
    /// A size whose printed form would not read back as the same number (more digits than an f64 keeps
    /// after dividing by 100).
    #[error("bet size `{shown}` at column {column} has more digits than a size can keep: round it", shown = excerpt(.text))]
    TooPrecise {
        /// The offending entry.
        text: String,
        /// 1-based column.
        column: usize,
    },
    /// A raise multiple that does not raise (`1x` or less).
    #[error("raise size `{shown}` at column {column} must be more than 1x the bet faced", shown = excerpt(.text))]
    MultipleTooSmall {
        /// The offending entry.
        text: String,
        /// 1-based column.
        column: usize,
    },
}

impl BetSizeError {
    /// 1-based column of the offending entry in the list.
    pub fn column(&self) -> usize {
        match self {
            BetSizeError::Empty { column }
            | BetSizeError::MissingUnit { column, .. }
            | BetSizeError::NotPositive { column, .. }
            | BetSizeError::Invalid { column, .. }
            | BetSizeError::MultipleInBet { column, .. }
            | BetSizeError::TooPrecise { column, .. }
            | BetSizeError::MultipleTooSmall { column, .. } => *column,
        }
    }
}

/// Whether a list is for opening bets (no bet faced) or for raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SizeKind {
    /// Sizes for a bet (including donk bets).
    Bet,
    /// Sizes for a raise.
    Raise,
}

/// Parses a comma-separated list such as `"33%, 75%, e, a"`.
pub fn parse_bet_sizes(text: &str, kind: SizeKind) -> Result<Vec<BetSize>, BetSizeError> {
    let mut sizes = Vec::new();
    if text.trim().is_empty() {
        return Ok(sizes);
    }
    let mut start = 0usize;
    for part in text.split(',') {
        let leading = part.len() - part.trim_start().len();
        let column = text[..start + leading].chars().count() + 1;
        let entry = part.trim();
        start += part.len() + 1;
        sizes.push(parse_one(entry, column, kind)?);
    }
    Ok(sizes)
}

fn parse_one(entry: &str, column: usize, kind: SizeKind) -> Result<BetSize, BetSizeError> {
    let text = entry.to_string();
    if entry.is_empty() {
        return Err(BetSizeError::Empty { column });
    }
    let lower = entry.to_ascii_lowercase();
    match lower.as_str() {
        "a" | "allin" | "all-in" => return Ok(BetSize::AllIn),
        "e" => return Ok(BetSize::Geometric),
        _ => {}
    }
    let number = |s: &str| -> Result<f64, BetSizeError> {
        if s.is_empty()
            || !s
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-' || c == '+')
        {
            return Err(BetSizeError::Invalid {
                text: text.clone(),
                column,
            });
        }
        let value: f64 = s.parse().map_err(|_| BetSizeError::Invalid {
            text: text.clone(),
            column,
        })?;
        if !value.is_finite() {
            return Err(BetSizeError::Invalid {
                text: text.clone(),
                column,
            });
        }
        if value <= 0.0 {
            return Err(BetSizeError::NotPositive {
                text: text.clone(),
                column,
            });
        }
        Ok(value)
    };
    if let Some(rest) = lower.strip_suffix('%') {
        let value = number(rest)?;
        let size = BetSize::PotRelative(value / 100.0);
        // Saved solves and reports print sizes; what they print must parse back to this size.
        let printed = size.to_string();
        let reads_back = printed
            .strip_suffix('%')
            .and_then(|p| p.parse::<f64>().ok())
            .is_some_and(|v| BetSize::PotRelative(v / 100.0) == size);
        if !reads_back {
            return Err(BetSizeError::TooPrecise { text, column });
        }
        return Ok(size);
    }
    if let Some(rest) = lower.strip_suffix('x') {
        if rest.is_empty() {
            return Err(BetSizeError::Invalid { text, column });
        }
        let value = number(rest)?;
        if kind == SizeKind::Bet {
            return Err(BetSizeError::MultipleInBet { text, column });
        }
        if value <= 1.0 {
            return Err(BetSizeError::MultipleTooSmall { text, column });
        }
        return Ok(BetSize::PrevBetRelative(value));
    }
    if let Some(rest) = lower.strip_prefix('+') {
        if rest.is_empty() || !rest.chars().all(|c| c.is_ascii_digit()) {
            return Err(BetSizeError::Invalid { text, column });
        }
        let value: u32 = rest.parse().map_err(|_| BetSizeError::Invalid {
            text: text.clone(),
            column,
        })?;
        if value == 0 {
            return Err(BetSizeError::NotPositive { text, column });
        }
        return Ok(BetSize::Additive(value));
    }
    if lower.starts_with('-') {
        return Err(BetSizeError::NotPositive { text, column });
    }
    if lower.parse::<f64>().is_ok() {
        return Err(BetSizeError::MissingUnit { text, column });
    }
    Err(BetSizeError::Invalid { text, column })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn printed_sizes_parse_back_to_the_same_value() {
        for text in ["0.00001%", "12.345678%", "33%", "7%", "1.00001x", "2.5x"] {
            let sizes = parse_bet_sizes(text, SizeKind::Raise).unwrap();
            let printed = sizes[0].to_string();
            assert_eq!(
                parse_bet_sizes(&printed, SizeKind::Raise).unwrap(),
                sizes,
                "{text} -> {printed}"
            );
        }
        assert_eq!(
            parse_bet_sizes("0.00001%", SizeKind::Bet).unwrap()[0].to_string(),
            "0.00001%"
        );
        assert_eq!(
            parse_bet_sizes("1.00001x", SizeKind::Raise).unwrap()[0].to_string(),
            "1.00001x"
        );
        assert_eq!(
            parse_bet_sizes("7%, 33.3%", SizeKind::Bet).unwrap()[1].to_string(),
            "33.3%"
        );
        assert_eq!(
            parse_bet_sizes("7%", SizeKind::Bet).unwrap()[0].to_string(),
            "7%"
        );
    }

    #[test]
    fn parses_the_usual_sizes() {
        let sizes = parse_bet_sizes("33%, 2.5x, e, a, +50", SizeKind::Raise).unwrap();
        assert_eq!(
            sizes,
            vec![
                BetSize::PotRelative(0.33),
                BetSize::PrevBetRelative(2.5),
                BetSize::Geometric,
                BetSize::AllIn,
                BetSize::Additive(50)
            ]
        );
    }

    #[test]
    fn rejects_bad_sizes_with_columns() {
        assert_eq!(
            parse_bet_sizes("33%, -5%", SizeKind::Bet),
            Err(BetSizeError::NotPositive {
                text: "-5%".into(),
                column: 6
            })
        );
        assert_eq!(
            parse_bet_sizes("2.5", SizeKind::Raise),
            Err(BetSizeError::MissingUnit {
                text: "2.5".into(),
                column: 1
            })
        );
        assert_eq!(
            parse_bet_sizes("50%,x", SizeKind::Raise),
            Err(BetSizeError::Invalid {
                text: "x".into(),
                column: 5
            })
        );
        assert_eq!(
            parse_bet_sizes("2.5x", SizeKind::Bet),
            Err(BetSizeError::MultipleInBet {
                text: "2.5x".into(),
                column: 1
            })
        );
        assert!(matches!(
            parse_bet_sizes("50%,,a", SizeKind::Bet),
            Err(BetSizeError::Empty { column: 5 })
        ));
    }

    #[test]
    fn display_round_trips() {
        let sizes = parse_bet_sizes("60%, 2.5x, e, a, +7", SizeKind::Raise).unwrap();
        let text: Vec<String> = sizes.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            parse_bet_sizes(&text.join(","), SizeKind::Raise).unwrap(),
            sizes
        );
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,20}") {
            let _ = parse_bet_sizes(&text, SizeKind::Raise);
            let _ = parse_bet_sizes(&text, SizeKind::Bet);
        }

        #[test]
        fn accepted_sizes_print_and_parse_back(n in 1u64..1_000_000_000, places in 0i32..12, x in proptest::bool::ANY) {
            let text = format!("{}{}", n as f64 / 10f64.powi(places), if x { "x" } else { "%" });
            if let Ok(sizes) = parse_bet_sizes(&text, SizeKind::Raise) {
                let printed = sizes[0].to_string();
                prop_assert_eq!(parse_bet_sizes(&printed, SizeKind::Raise).unwrap(), sizes);
            }
        }

        #[test]
        fn percent_sizes_parse(values in proptest::collection::vec(1u32..1000, 1..6)) {
            let text: Vec<String> = values.iter().map(|v| format!("{v}%")).collect();
            let sizes = parse_bet_sizes(&text.join(", "), SizeKind::Bet).unwrap();
            prop_assert_eq!(sizes.len(), values.len());
            for (size, v) in sizes.iter().zip(&values) {
                prop_assert_eq!(*size, BetSize::PotRelative(*v as f64 / 100.0));
            }
        }
    }
}
