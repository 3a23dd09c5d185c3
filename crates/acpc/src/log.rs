//! ACPC match logs: one `STATE` line per hand, then the `SCORE:totals:names` line the reference
//! dealer ends a log with. Reading checks every hand against the engine and the score against the
//! hands, and names the line of anything else.

use ponder_holdem::{HandRecord, Table};
use thiserror::Error;

use crate::matchstate::{log_line_to_record, ReplayError};

/// One hand of a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedHand {
    /// 1-based line number in the log.
    pub line: usize,
    /// The hand (seats = positions).
    pub record: HandRecord,
    /// The players' names by position.
    pub names: Vec<String>,
}

/// A whole log, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchLog {
    /// The hands, in log order.
    pub hands: Vec<LoggedHand>,
    /// The `SCORE` line's totals by name, if the log has one (they equal the hands' sums).
    pub score: Option<Vec<(String, i128)>>,
}

/// A log that cannot be read: the line and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("log line {line}: {kind}")]
pub struct LogError {
    /// 1-based line number (0 for the log as a whole).
    pub line: usize,
    /// What is wrong.
    pub kind: LogErrorKind,
}

/// What is wrong with a log.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LogErrorKind {
    /// A hand that does not fit the game or whose results are wrong.
    #[error(transparent)]
    Hand(ReplayError),
    /// A line that is neither a `STATE`, a `SCORE` nor a `#` comment.
    #[error("expected a `STATE:` or `SCORE:` line")]
    UnknownLine,
    /// Not one `STATE` line.
    #[error("no `STATE:` lines: not an ACPC log")]
    NoHands,
    /// Something after the `SCORE` line.
    #[error("nothing may follow the `SCORE:` line")]
    AfterScore,
    /// A `SCORE` line that does not read as `SCORE:v1|v2|...:name1|name2|...`.
    #[error("expected `SCORE:total|total...:name|name...`, one total per name")]
    MalformedScore,
    /// A `SCORE` total that differs from the sum of the player's hands.
    #[error("`SCORE:` gives {name} {logged} chips, the hands add up to {computed}")]
    ScoreMismatch {
        /// The player.
        name: String,
        /// The total on the `SCORE` line.
        logged: i128,
        /// The sum of the player's results in the `STATE` lines (0 if it never played).
        computed: i128,
    },
}

fn fail(line: usize, kind: LogErrorKind) -> LogError {
    LogError { line, kind }
}

/// Reads an ACPC log: `STATE` lines (each replayed at `table` and checked), an optional closing
/// `SCORE` line (checked against the hands), `#` comments and blank lines.
pub fn read_log(table: &Table, text: &str) -> Result<MatchLog, LogError> {
    let mut hands = Vec::new();
    let mut totals: Vec<(String, i128)> = Vec::new();
    let mut score: Option<(usize, Vec<(String, i128)>)> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if score.is_some() {
            return Err(fail(number, LogErrorKind::AfterScore));
        }
        if let Some(rest) = line.strip_prefix("SCORE:") {
            score = Some((
                number,
                parse_score(rest).ok_or(fail(number, LogErrorKind::MalformedScore))?,
            ));
            continue;
        }
        if !line.starts_with("STATE:") {
            return Err(fail(number, LogErrorKind::UnknownLine));
        }
        let (record, names) =
            log_line_to_record(table, line).map_err(|e| fail(number, LogErrorKind::Hand(e)))?;
        let payoffs: Vec<i128> = record
            .final_stacks
            .iter()
            .zip(&record.config.stacks)
            .map(|(&end, &start)| i128::from(end) - i128::from(start))
            .collect();
        for (name, payoff) in names.iter().zip(payoffs) {
            match totals.iter_mut().find(|(known, _)| known == name) {
                Some((_, total)) => *total += payoff,
                None => totals.push((name.clone(), payoff)),
            }
        }
        hands.push(LoggedHand {
            line: number,
            record,
            names,
        });
    }
    if hands.is_empty() {
        return Err(fail(0, LogErrorKind::NoHands));
    }
    let score = match score {
        Some((number, score)) => {
            for (name, logged) in &score {
                let computed = totals
                    .iter()
                    .find(|(known, _)| known == name)
                    .map_or(0, |(_, total)| *total);
                if computed != *logged {
                    return Err(fail(
                        number,
                        LogErrorKind::ScoreMismatch {
                            name: name.clone(),
                            logged: *logged,
                            computed,
                        },
                    ));
                }
            }
            if let Some((name, total)) = totals
                .iter()
                .find(|(name, _)| !score.iter().any(|(scored, _)| scored == name))
            {
                return Err(fail(
                    number,
                    LogErrorKind::ScoreMismatch {
                        name: name.clone(),
                        logged: 0,
                        computed: *total,
                    },
                ));
            }
            Some(score)
        }
        None => None,
    };
    Ok(MatchLog { hands, score })
}

/// `v1|v2|...:name1|name2|...` as (name, total) pairs.
fn parse_score(text: &str) -> Option<Vec<(String, i128)>> {
    let (values, names) = text.split_once(':')?;
    let values: Vec<i128> = values
        .split('|')
        .map(|v| v.parse().ok())
        .collect::<Option<_>>()?;
    let names: Vec<String> = names.split('|').map(str::to_string).collect();
    (values.len() == names.len() && names.iter().all(|n| !n.is_empty()))
        .then(|| names.into_iter().zip(values).collect())
}
