//! Spot files: the user-facing description of a postflop situation (TOML, or the JSON of the bench file).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::bet_size::{parse_bet_sizes, BetSizeError, SizeKind};
use crate::lock::{toml_origins, LockOrigin, LockSpec};
use crate::tree::{Street, StreetSizes, TreeConfig};

/// Bet and raise sizes as written (`"60%, e, a"`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizesText {
    /// Opening bet sizes.
    #[serde(default)]
    pub bet: String,
    /// Raise sizes.
    #[serde(default)]
    pub raise: String,
    /// Donk sizes (OOP only); absent = regular bets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub donk: Option<String>,
}

/// Sizes for both players on one street.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreetSizesText {
    /// OOP's sizes.
    pub oop: SizesText,
    /// IP's sizes.
    pub ip: SizesText,
}

/// The `[bunching]` table of a spot file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BunchingText {
    /// Ranges (range syntax) of the players who folded before the flop, at most four.
    pub folded: Vec<String>,
}

/// A spot as written in a file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpotFile {
    /// Board cards, e.g. `"Td9d6hQc"`.
    pub board: String,
    /// OOP's range in range syntax.
    pub oop_range: String,
    /// IP's range in range syntax.
    pub ip_range: String,
    /// Pot at the start, in chips.
    pub starting_pot: u32,
    /// Chips behind for each player.
    pub effective_stack: u32,
    /// Sizes for both players on every street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bet_sizes: Option<SizesText>,
    /// Sizes per street and player (overrides `bet_sizes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bet_sizes_by_street: Option<BTreeMap<String, StreetSizesText>>,
    /// Donk sizes per street (`null` = regular bets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub donk_sizes: Option<BTreeMap<String, Option<String>>>,
    /// Offer all-in when it is at most this many pots.
    #[serde(default)]
    pub add_allin_threshold: f64,
    /// Bets leaving at most this fraction of the pot behind become all-in.
    #[serde(default)]
    pub force_allin_threshold: f64,
    /// PioSOLVER's merging threshold.
    #[serde(default)]
    pub merging_threshold: f64,
    /// Raises allowed per street after the opening bet (absent = no cap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raise_cap: Option<u32>,
    /// Rake as a fraction of the pot (only 0 is supported).
    #[serde(default)]
    pub rake: f64,
    /// Exploitability targets in % of the starting pot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets_pct_pot: Option<Vec<f64>>,
    /// Ranges of players who folded before the flop (bunching), at most four (same as `[bunching] folded`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folded_ranges: Option<Vec<String>>,
    /// The bunching effect: `[bunching] folded = ["22+,A2s+", ...]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bunching: Option<BunchingText>,
    /// Node counts reported by another solver (informative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_tree_nodes: Option<BTreeMap<String, u64>>,
    /// Free-form note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raise_sizes_note: Option<String>,
    /// Free-form provenance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Node locks (`[[lock]]` tables), applied in order.
    #[serde(default, rename = "lock", skip_serializing_if = "Vec::is_empty")]
    pub locks: Vec<LockSpec>,
    /// Where each lock was written (for error messages; not stored).
    #[serde(skip)]
    pub lock_origins: Vec<LockOrigin>,
}

/// Why a spot could not be loaded.
#[derive(Debug, Error)]
pub enum SpotError {
    /// The file could not be read.
    #[error("cannot read {path}: {error}")]
    Io {
        /// File path.
        path: String,
        /// Cause (not a `source`: the message already says it, and the CLI prints the chain).
        error: std::io::Error,
    },
    /// TOML syntax or field error.
    #[error("{path}:{line}:{column}: {message}")]
    Toml {
        /// File path.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// Parser message.
        message: String,
    },
    /// JSON error.
    #[error("{path}: line {line}, column {column}: {message}")]
    Json {
        /// File path.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// Parser message.
        message: String,
    },
    /// A bet-size list is malformed.
    #[error("{field}: {error}")]
    BetSize {
        /// Which field (e.g. `bet_sizes_by_street.turn.oop.raise`).
        field: String,
        /// What is wrong (not a `source`: the message already says it, and the CLI prints the chain).
        error: BetSizeError,
    },
    /// Some other field is invalid.
    #[error("{field}: {message}")]
    Invalid {
        /// Which field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// `--spot NAME` not in the bench file.
    #[error("no spot named `{}`; known spots: {known}", excerpt(.name))]
    UnknownSpot {
        /// Requested name.
        name: String,
        /// Comma-separated list.
        known: String,
    },
}

/// Characters of user input an error message repeats at most; longer input is cut (a 100,000-character
/// range must not come back in full).
pub const MAX_ECHO: usize = 80;

/// `text` as an error message repeats it: whole up to [`MAX_ECHO`] characters, else its start, an
/// ellipsis and its length.
pub fn excerpt(text: &str) -> std::borrow::Cow<'_, str> {
    let count = text.chars().count();
    if count <= MAX_ECHO {
        return std::borrow::Cow::Borrowed(text);
    }
    let start: String = text.chars().take(MAX_ECHO - 20).collect();
    std::borrow::Cow::Owned(format!("{start}… ({count} characters)"))
}

/// Most chips a hand can put in the pot (starting pot plus both stacks), so chip sums fit in `u32`.
pub const MAX_CHIPS: u64 = 1 << 30;

/// The built-in bench file's text (`crates/postflop/data/postflop-spots.json`), compiled into the binary so
/// `--spot NAME` and `ponder bench postflop` work from any directory.
pub const BUILTIN_BENCH_JSON: &str = include_str!("../data/postflop-spots.json");

/// A bench file: named spots for comparing solvers side by side (the built-in one, or a user's `--spots FILE`).
#[derive(Clone, Debug, Deserialize)]
pub struct BenchFile {
    /// Conventions.
    pub about: String,
    /// Spots by name.
    pub spots: BTreeMap<String, SpotFile>,
}

impl BenchFile {
    /// The built-in bench file ([`BUILTIN_BENCH_JSON`]).
    pub fn builtin() -> BenchFile {
        BenchFile::parse(BUILTIN_BENCH_JSON, "<built-in postflop-spots.json>")
            .expect("the built-in bench file parses (checked by the postflop tests)")
    }

    /// Parses the bench JSON.
    pub fn parse(text: &str, path: &str) -> Result<BenchFile, SpotError> {
        serde_json::from_str(text).map_err(|e| SpotError::Json {
            path: path.to_string(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    }

    /// Loads the bench JSON.
    pub fn load(path: &Path) -> Result<BenchFile, SpotError> {
        let text = std::fs::read_to_string(path).map_err(|error| SpotError::Io {
            path: path.display().to_string(),
            error,
        })?;
        BenchFile::parse(&text, &path.display().to_string())
    }

    /// A spot by name, or an error listing the names.
    pub fn spot(&self, name: &str) -> Result<&SpotFile, SpotError> {
        self.spots.get(name).ok_or_else(|| SpotError::UnknownSpot {
            name: name.to_string(),
            known: self.spots.keys().cloned().collect::<Vec<_>>().join(", "),
        })
    }
}

/// The built-in default spot (`turn_td9d6hqc` of the bench file).
pub const DEFAULT_SPOT_TOML: &str = r#"# turn_td9d6hqc from the built-in bench file (crates/postflop/data/postflop-spots.json)
board = "Td9d6hQc"
oop_range = "66+,A8s+,A5s-A4s,AJo+,K9s+,KQo,QTs+,JTs,96s+,85s+,75s+,65s,54s"
ip_range = "QQ-22,AQs-A2s,ATo+,K5s+,KJo+,Q8s+,J8s+,T7s+,96s+,86s+,75s+,64s+,53s+"
starting_pot = 200
effective_stack = 900
add_allin_threshold = 1.5
force_allin_threshold = 0.15
merging_threshold = 0.1
targets_pct_pot = [0.5, 0.3]

[bet_sizes]
bet = "60%, e, a"
raise = "2.5x"

[donk_sizes]
river = "50%"
"#;

impl SpotFile {
    /// The folded ranges (bunching) and the field they were given in; empty when there are none.
    pub fn folded(&self) -> Result<(&'static str, &[String]), SpotError> {
        match (&self.bunching, &self.folded_ranges) {
            (Some(_), Some(_)) => Err(SpotError::Invalid {
                field: "bunching".into(),
                message: "give either [bunching] folded or folded_ranges, not both".into(),
            }),
            (Some(b), None) => Ok(("bunching.folded", &b.folded)),
            (None, Some(f)) => Ok(("folded_ranges", f)),
            (None, None) => Ok(("folded_ranges", &[])),
        }
    }

    /// Parses a TOML spot.
    pub fn from_toml(text: &str, path: &str) -> Result<SpotFile, SpotError> {
        let mut spot: SpotFile = toml_edit::de::from_str(text).map_err(|e| {
            let (line, column) = line_column(text, e.span().map_or(0, |span| span.start));
            SpotError::Toml {
                path: path.to_string(),
                line,
                column,
                message: e.message().trim_end().replace('\n', "; "),
            }
        })?;
        if !spot.locks.is_empty() {
            spot.lock_origins = toml_origins(text, path);
        }
        Ok(spot)
    }

    /// Reads a TOML (or `.json`) spot file.
    pub fn load(path: &Path) -> Result<SpotFile, SpotError> {
        let text = std::fs::read_to_string(path).map_err(|error| SpotError::Io {
            path: path.display().to_string(),
            error,
        })?;
        let name = path.display().to_string();
        if path.extension().is_some_and(|e| e == "json") {
            SpotFile::from_json(&text, &name)
        } else {
            SpotFile::from_toml(&text, &name)
        }
    }

    /// Parses a JSON spot (the fields of the bench file's spots).
    pub fn from_json(text: &str, path: &str) -> Result<SpotFile, SpotError> {
        serde_json::from_str(text).map_err(|e| SpotError::Json {
            path: path.to_string(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    }

    /// The street the spot starts on, from the board length.
    pub fn first_street(&self) -> Result<Street, SpotError> {
        // Counted on the parsed cards: `10d10h9c` is a flop although it has eight characters.
        let cards = crate::cards_glue::parse_board_cards(&self.board)
            .map_err(|error| SpotError::Invalid {
                field: "board".into(),
                message: error.to_string(),
            })?
            .len();
        Street::from_board_len(cards).ok_or_else(|| SpotError::Invalid {
            field: "board".into(),
            message: format!(
                "`{}` has {cards} cards; a postflop board has 3, 4 or 5",
                excerpt(&self.board)
            ),
        })
    }

    /// Resolves the bet sizes and thresholds into a [`TreeConfig`].
    pub fn tree_config(&self) -> Result<TreeConfig, SpotError> {
        let first_street = self.first_street()?;
        if self.starting_pot == 0 {
            return Err(SpotError::Invalid {
                field: "starting_pot".into(),
                message: "must be positive".into(),
            });
        }
        if self.starting_pot as u64 + 2 * self.effective_stack as u64 > MAX_CHIPS {
            return Err(SpotError::Invalid {
                field: "effective_stack".into(),
                message: format!(
                    "starting_pot + 2 × effective_stack must be at most {MAX_CHIPS} chips"
                ),
            });
        }
        if self.rake != 0.0 {
            return Err(SpotError::Invalid {
                field: "rake".into(),
                message: "only rake = 0 is supported".into(),
            });
        }
        for (field, value) in [
            ("add_allin_threshold", self.add_allin_threshold),
            ("force_allin_threshold", self.force_allin_threshold),
            ("merging_threshold", self.merging_threshold),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(SpotError::Invalid {
                    field: field.into(),
                    message: format!("must be a non-negative number, got {value}"),
                });
            }
        }
        // A target that is not a positive number would stop a solve at once (NaN compares false) or
        // never, and a NaN cannot be written to a solve file's JSON header and read back.
        for (i, &target) in self.targets_pct_pot.iter().flatten().enumerate() {
            if !(target.is_finite() && target > 0.0) {
                return Err(SpotError::Invalid {
                    field: format!("targets_pct_pot[{i}]"),
                    message: format!("must be a positive number, got {target}"),
                });
            }
        }
        let parse = |text: &str, kind: SizeKind, field: String| {
            parse_bet_sizes(text, kind).map_err(|error| SpotError::BetSize { field, error })
        };
        let mut sizes: [[StreetSizes; 2]; 3] = Default::default();
        match (&self.bet_sizes, &self.bet_sizes_by_street) {
            (_, Some(by_street)) => {
                for (name, street_sizes) in by_street {
                    let street = match name.as_str() {
                        "flop" => Street::Flop,
                        "turn" => Street::Turn,
                        "river" => Street::River,
                        _ => {
                            return Err(SpotError::Invalid {
                                field: format!("bet_sizes_by_street.{name}"),
                                message: "expected flop, turn or river".into(),
                            })
                        }
                    };
                    for (p, text) in [&street_sizes.oop, &street_sizes.ip]
                        .into_iter()
                        .enumerate()
                    {
                        let who = if p == 0 { "oop" } else { "ip" };
                        let prefix = format!("bet_sizes_by_street.{name}.{who}");
                        let entry = &mut sizes[street.index()][p];
                        entry.bet = parse(&text.bet, SizeKind::Bet, format!("{prefix}.bet"))?;
                        entry.raise =
                            parse(&text.raise, SizeKind::Raise, format!("{prefix}.raise"))?;
                        if let Some(donk) = &text.donk {
                            if p == 1 {
                                return Err(SpotError::Invalid {
                                    field: format!("{prefix}.donk"),
                                    message: "only OOP can donk".into(),
                                });
                            }
                            entry.donk =
                                Some(parse(donk, SizeKind::Bet, format!("{prefix}.donk"))?);
                        }
                    }
                }
            }
            (Some(all), None) => {
                let bet = parse(&all.bet, SizeKind::Bet, "bet_sizes.bet".into())?;
                let raise = parse(&all.raise, SizeKind::Raise, "bet_sizes.raise".into())?;
                for street in &mut sizes {
                    for entry in street.iter_mut() {
                        entry.bet = bet.clone();
                        entry.raise = raise.clone();
                    }
                }
                if let Some(donk) = &all.donk {
                    let donk = parse(donk, SizeKind::Bet, "bet_sizes.donk".into())?;
                    for street in &mut sizes {
                        street[0].donk = Some(donk.clone());
                    }
                }
            }
            (None, None) => {
                return Err(SpotError::Invalid {
                    field: "bet_sizes".into(),
                    message: "give bet_sizes or bet_sizes_by_street".into(),
                })
            }
        }
        if let Some(donks) = &self.donk_sizes {
            for (name, text) in donks {
                let street = match name.as_str() {
                    "flop" => Street::Flop,
                    "turn" => Street::Turn,
                    "river" => Street::River,
                    _ => {
                        return Err(SpotError::Invalid {
                            field: format!("donk_sizes.{name}"),
                            message: "expected flop, turn or river".into(),
                        })
                    }
                };
                if let Some(text) = text {
                    sizes[street.index()][0].donk =
                        Some(parse(text, SizeKind::Bet, format!("donk_sizes.{name}"))?);
                }
            }
        }
        Ok(TreeConfig {
            first_street,
            starting_pot: self.starting_pot,
            effective_stack: self.effective_stack,
            sizes,
            add_allin_threshold: self.add_allin_threshold,
            force_allin_threshold: self.force_allin_threshold,
            merging_threshold: self.merging_threshold,
            raise_cap: self.raise_cap,
        })
    }
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// Where the value of `field` (a dotted path such as `bet_sizes_by_street.turn.oop.raise`) is written in
/// TOML `text`, as a 1-based line and column; with `inner_column` (1-based, in the string's characters),
/// the column of that character when the value is a one-line string without escapes.
pub fn locate_field(
    text: &str,
    field: &str,
    inner_column: Option<usize>,
) -> Option<(usize, usize)> {
    let document = toml_edit::ImDocument::parse(text).ok()?;
    let mut item = document.as_item();
    for key in field.split('.') {
        item = item.get(key)?;
    }
    let span = item.span()?;
    let (line, column) = line_column(text, span.start);
    if let (Some(inner), Some(value)) = (inner_column, item.as_str()) {
        let raw = text.get(span)?;
        // A character of the value is a character of the file only between single quotes or plain double
        // quotes (no escapes, no multi-line form).
        let verbatim = raw.len() >= 2
            && !raw.starts_with("\"\"\"")
            && !raw.starts_with("\'\'\'")
            && raw.get(1..raw.len() - 1) == Some(value);
        if verbatim && (1..=value.chars().count() + 1).contains(&inner) {
            return Some((line, column + inner));
        }
    }
    Some((line, column))
}

/// Like [`locate_field`] for a JSON spot: where the value of `field` (dotted object keys) is written.
pub fn locate_json_field(
    text: &str,
    field: &str,
    inner_column: Option<usize>,
) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut start = skip_space(bytes, 0);
    for key in field.split('.') {
        start = json_member(bytes, start, key)?;
    }
    let end = json_value_end(bytes, start)?;
    let (line, column) = line_column(text, start);
    if let Some(inner) = inner_column {
        // Characters of the value are characters of the file only when the string has no escapes.
        let raw = text.get(start..end)?;
        if raw.len() >= 2 && raw.starts_with('"') && !raw.contains('\\') {
            let value = &raw[1..raw.len() - 1];
            if (1..=value.chars().count() + 1).contains(&inner) {
                return Some((line, column + inner));
            }
        }
    }
    Some((line, column))
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Start of the value of `key` in the JSON object starting at `i`.
fn json_member(bytes: &[u8], i: usize, key: &str) -> Option<usize> {
    if bytes.get(i) != Some(&b'{') {
        return None;
    }
    let mut i = skip_space(bytes, i + 1);
    while bytes.get(i) == Some(&b'"') {
        let key_end = json_value_end(bytes, i)?;
        let value = skip_space(bytes, skip_space(bytes, key_end) + 1);
        if &bytes[i + 1..key_end - 1] == key.as_bytes() {
            return Some(value);
        }
        i = skip_space(bytes, json_value_end(bytes, value)?);
        if bytes.get(i) != Some(&b',') {
            return None;
        }
        i = skip_space(bytes, i + 1);
    }
    None
}

/// End (exclusive) of the JSON value starting at `i`.
fn json_value_end(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes.get(i)? {
        b'"' => {
            let mut j = i + 1;
            while j < bytes.len() {
                match bytes[j] {
                    b'\\' => j += 2,
                    b'"' => return Some(j + 1),
                    _ => j += 1,
                }
            }
            None
        }
        &open @ (b'{' | b'[') => {
            let close = if open == b'{' { b'}' } else { b']' };
            let mut j = skip_space(bytes, i + 1);
            if bytes.get(j) == Some(&close) {
                return Some(j + 1);
            }
            loop {
                if open == b'{' {
                    j = skip_space(bytes, json_value_end(bytes, j)?);
                    if bytes.get(j) != Some(&b':') {
                        return None;
                    }
                    j = skip_space(bytes, j + 1);
                }
                j = skip_space(bytes, json_value_end(bytes, j)?);
                match bytes.get(j)? {
                    b',' => j = skip_space(bytes, j + 1),
                    &c if c == close => return Some(j + 1),
                    _ => return None,
                }
            }
        }
        _ => {
            let mut j = i;
            while j < bytes.len()
                && !matches!(bytes[j], b',' | b'}' | b']')
                && !bytes[j].is_ascii_whitespace()
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(line: &str) -> String {
        DEFAULT_SPOT_TOML.replace("targets_pct_pot = [0.5, 0.3]", line)
    }

    #[test]
    fn targets_must_be_positive_numbers() {
        for (line, shown) in [
            (
                "targets_pct_pot = [nan]",
                "targets_pct_pot[0]: must be a positive number, got NaN",
            ),
            (
                "targets_pct_pot = [0.5, inf]",
                "targets_pct_pot[1]: must be a positive number, got inf",
            ),
            (
                "targets_pct_pot = [0.5, 0.3, -1.0]",
                "targets_pct_pot[2]: must be a positive number, got -1",
            ),
            (
                "targets_pct_pot = [0]",
                "targets_pct_pot[0]: must be a positive number, got 0",
            ),
        ] {
            let spot = SpotFile::from_toml(&with(line), "t.toml").expect("parses");
            let error = spot.tree_config().expect_err(line);
            assert_eq!(error.to_string(), shown);
        }
        let spot =
            SpotFile::from_toml(&with("targets_pct_pot = [1e-3]"), "t.toml").expect("parses");
        assert!(spot.tree_config().is_ok());
    }

    #[test]
    fn thresholds_survive_the_json_round_trip() {
        // Without serde_json's `float_roundtrip` feature this value came back one ULP off.
        let text = DEFAULT_SPOT_TOML.replace(
            "merging_threshold = 0.1",
            "merging_threshold = 0.9007199254740993",
        );
        let spot = SpotFile::from_toml(&text, "t.toml").expect("parses");
        let json = serde_json::to_string(&spot).expect("serializes");
        let back = SpotFile::from_json(&json, "t.json").expect("reads back");
        assert_eq!(
            back.merging_threshold.to_bits(),
            spot.merging_threshold.to_bits()
        );
        assert_eq!(back, spot);
    }
}
