//! The blueprint's configuration: the game (players, stacks, blinds), the action abstraction (bet sizes
//! per street and raise depth), the training schedule and the card abstraction (`[abstraction]`), read
//! from TOML with every error located (file:line:column).

use std::fmt;
use std::path::Path;

use ponder_holdem::{Betting, Chips, Table, TableConfig};
use serde::{Deserialize, Serialize};
use serde_spanned::Spanned;
use thiserror::Error;

use crate::AbstractionConfig;

/// Most players the trainer seats (Pluribus's 6-max).
pub const MAX_PLAYERS: usize = 6;
/// Most actions at one abstract decision (fold, call and the raises).
pub const MAX_ACTIONS: usize = 16;
/// Most raise depths (bet, raise, re-raise, ...) one street may list.
pub const MAX_DEPTHS: usize = 8;
/// Largest stack or blind a config accepts: the chip-valued regrets and payoffs stay far from `i32`'s
/// range per update.
pub const MAX_CONFIG_CHIPS: Chips = 1_000_000;
/// Largest multiple (of the pot, of the bet or in big blinds) one size may name.
const MAX_SIZE: f64 = 1000.0;

/// The built-in presets, by name.
pub const PRESETS: [(&str, &str); 3] = [
    ("tiny", include_str!("../presets/tiny.toml")),
    ("small", include_str!("../presets/small.toml")),
    ("medium", include_str!("../presets/medium.toml")),
];

/// One bet or raise size of the action abstraction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BetSize {
    /// Raise to this many big blinds (`2.5bb`).
    BigBlinds(f64),
    /// Raise to this multiple of the current bet (`3x`).
    Times(f64),
    /// Raise by this fraction of the pot after calling (`75%`, `pot`).
    Pot(f64),
    /// All-in.
    AllIn,
}

impl BetSize {
    /// Parses `2.5bb`, `3x`, `75%`, `pot` or `all-in`.
    pub fn parse(text: &str) -> Result<BetSize, String> {
        let t = text.trim().to_ascii_lowercase();
        if matches!(t.as_str(), "all-in" | "allin" | "a") {
            return Ok(BetSize::AllIn);
        }
        if t == "pot" {
            return Ok(BetSize::Pot(1.0));
        }
        let (number, make): (&str, fn(f64) -> BetSize) = if let Some(n) = t.strip_suffix("bb") {
            (n, BetSize::BigBlinds)
        } else if let Some(n) = t.strip_suffix('x') {
            (n, BetSize::Times)
        } else if let Some(n) = t.strip_suffix('%') {
            (n, |p| BetSize::Pot(p / 100.0))
        } else {
            return Err(format!(
                "bet size {text:?}: expected e.g. \"2.5bb\", \"3x\", \"75%\", \"pot\" or \"all-in\""
            ));
        };
        let value: f64 = number
            .trim()
            .parse()
            .map_err(|_| format!("bet size {text:?}: {number:?} is not a number"))?;
        if !value.is_finite() || value <= 0.0 {
            return Err(format!("bet size {text:?} must be positive"));
        }
        let size = make(value);
        let limit = match size {
            BetSize::Pot(p) => p,
            BetSize::BigBlinds(v) | BetSize::Times(v) => v,
            BetSize::AllIn => 0.0,
        };
        if limit > MAX_SIZE {
            return Err(format!(
                "bet size {text:?} is above {MAX_SIZE} (pots, bets or big blinds)"
            ));
        }
        if matches!(size, BetSize::Times(v) if v <= 1.0) {
            return Err(format!(
                "bet size {text:?}: a raise multiple must exceed 1x"
            ));
        }
        Ok(size)
    }

    /// The raise-to amount this size names at a state (before clamping into the legal range): `pot`
    /// is the chips in the middle, `call` what calling costs, `current` the bet to call to.
    pub fn raise_to(
        self,
        pot: Chips,
        call: Chips,
        current: Chips,
        big_blind: Chips,
        all_in: Chips,
    ) -> Chips {
        let amount = match self {
            BetSize::BigBlinds(b) => b * big_blind as f64,
            BetSize::Times(m) => m * current as f64,
            BetSize::Pot(p) => current as f64 + p * (pot + call) as f64,
            BetSize::AllIn => return all_in,
        };
        // Rounded to whole chips; the caller clamps into the legal range.
        amount.round().clamp(0.0, all_in as f64) as Chips
    }
}

impl fmt::Display for BetSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BetSize::BigBlinds(b) => write!(f, "{b}bb"),
            BetSize::Times(m) => write!(f, "{m}x"),
            BetSize::Pot(p) if *p == 1.0 => write!(f, "pot"),
            BetSize::Pot(p) => write!(f, "{}%", p * 100.0),
            BetSize::AllIn => write!(f, "all-in"),
        }
    }
}

/// Training schedule (iteration-based, so that a seeded single-thread run is reproducible).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingConfig {
    /// Seed of the sampling (iteration `i` draws from an RNG seeded by `(seed, i)`).
    #[serde(default)]
    pub seed: u64,
    /// Linear weighting: every this many iterations, regrets and strategy sums are multiplied by
    /// k/(k+1) (k = intervals so far), as Pluribus does every 10 minutes.
    pub discount_every: u64,
    /// Discounting stops after this many iterations (Pluribus: the first 400 minutes).
    pub discount_until: u64,
    /// Negative-regret pruning starts after this many iterations (0 = never prune).
    pub prune_after: u64,
    /// Actions whose regret is below this are skipped on pruned iterations (Pluribus: -300,000,000).
    pub prune_threshold: i32,
    /// Fraction of iterations (after `prune_after`) that prune (Pluribus: 0.95).
    #[serde(default = "default_prune_probability")]
    pub prune_probability: f64,
    /// Regrets never fall below this (Pluribus: -310,000,000), so a pruned action can come back.
    pub regret_floor: i32,
}

fn default_prune_probability() -> f64 {
    0.95
}

/// The betting abstraction: per street, one list of sizes per raise depth (depth 0 is the first bet of
/// the street, preflop the open over the blinds). The number of lists is the street's raise cap.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BettingText {
    /// Preflop sizes per raise depth.
    pub preflop: Vec<Vec<String>>,
    /// Flop sizes per raise depth.
    pub flop: Vec<Vec<String>>,
    /// Turn sizes per raise depth.
    pub turn: Vec<Vec<String>>,
    /// River sizes per raise depth.
    pub river: Vec<Vec<String>>,
}

/// A blueprint configuration as it is written to a training directory (`config.toml`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigText {
    /// Players at the table (2-6).
    pub players: usize,
    /// Starting stack of every player.
    pub stack: Chips,
    /// Small blind.
    pub small_blind: Chips,
    /// Big blind.
    pub big_blind: Chips,
    /// Bet sizes.
    pub betting: BettingText,
    /// Training schedule.
    pub training: TrainingConfig,
    /// Card abstraction (ponder-abstraction's config).
    pub abstraction: AbstractionConfig,
}

/// A checked blueprint configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct BlueprintConfig {
    /// The configuration as written (kept to save it in the training directory).
    pub text: ConfigText,
    /// Parsed sizes: `[street][depth]` lists.
    pub sizes: [Vec<Vec<BetSize>>; 4],
}

/// Why a configuration was refused.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {error}")]
    Io {
        /// File path.
        path: String,
        /// Cause.
        error: std::io::Error,
    },
    /// A located problem: TOML syntax, a missing or unknown field, or a bad value.
    #[error("{path}:{line}:{column}: {message}")]
    Located {
        /// File path (or `preset:NAME`).
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// No preset of that name.
    #[error("unknown preset {0:?} (the presets are tiny, small and medium)")]
    UnknownPreset(String),
}

// The file as parsed, with the spans of the values that are checked after parsing.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    players: Option<Spanned<i64>>,
    stack: Option<Spanned<i64>>,
    small_blind: Option<Spanned<i64>>,
    big_blind: Option<Spanned<i64>>,
    betting: Spanned<RawBetting>,
    training: TrainingConfig,
    abstraction: Spanned<AbstractionConfig>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBetting {
    preflop: Spanned<Vec<Vec<Spanned<String>>>>,
    flop: Spanned<Vec<Vec<Spanned<String>>>>,
    turn: Spanned<Vec<Vec<Spanned<String>>>>,
    river: Spanned<Vec<Vec<Spanned<String>>>>,
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

impl BlueprintConfig {
    /// A built-in preset (`tiny`, `small`, `medium`).
    pub fn preset(name: &str) -> Result<BlueprintConfig, ConfigError> {
        let (_, text) = PRESETS
            .iter()
            .find(|(preset, _)| *preset == name)
            .ok_or_else(|| ConfigError::UnknownPreset(name.to_string()))?;
        BlueprintConfig::from_toml(text, &format!("preset:{name}"))
    }

    /// Reads a TOML configuration file.
    pub fn load(path: &Path) -> Result<BlueprintConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Io {
            path: path.display().to_string(),
            error,
        })?;
        BlueprintConfig::from_toml(&text, &path.display().to_string())
    }

    /// Parses and checks a TOML configuration; `path` names it in error messages.
    pub fn from_toml(text: &str, path: &str) -> Result<BlueprintConfig, ConfigError> {
        let located = |offset: usize, message: String| {
            let (line, column) = line_column(text, offset);
            ConfigError::Located {
                path: path.to_string(),
                line,
                column,
                message,
            }
        };
        let raw: RawConfig = toml_edit::de::from_str(text).map_err(|e| {
            located(
                e.span().map_or(0, |span| span.start),
                e.message().trim_end().replace('\n', "; "),
            )
        })?;
        let players = match &raw.players {
            None => 2,
            Some(p) => {
                let value = *p.get_ref();
                if !(2..=MAX_PLAYERS as i64).contains(&value) {
                    return Err(located(
                        p.span().start,
                        format!("players = {value}: the trainer seats 2 to {MAX_PLAYERS} players"),
                    ));
                }
                value as usize
            }
        };
        let chips = |value: &Option<Spanned<i64>>, what: &str, default: Chips| match value {
            None => Ok(default),
            Some(v) => {
                let amount = *v.get_ref();
                if amount <= 0 || amount as u64 > MAX_CONFIG_CHIPS {
                    Err(located(
                        v.span().start,
                        format!("{what} = {amount}: must be 1 to {MAX_CONFIG_CHIPS} chips"),
                    ))
                } else {
                    Ok(amount as Chips)
                }
            }
        };
        let stack = chips(
            &raw.stack,
            "stack",
            if players == 2 { 20_000 } else { 10_000 },
        )?;
        let small_blind = chips(&raw.small_blind, "small_blind", 50)?;
        let big_blind = chips(&raw.big_blind, "big_blind", 100)?;
        if small_blind > big_blind || big_blind > stack {
            let at = raw.big_blind.as_ref().map_or(0, |b| b.span().start);
            return Err(located(
                at,
                format!(
                    "blinds {small_blind}/{big_blind} with stacks of {stack}: need small blind <= big blind <= stack"
                ),
            ));
        }
        let betting = raw.betting.get_ref();
        let mut sizes: [Vec<Vec<BetSize>>; 4] = Default::default();
        let mut texts: [Vec<Vec<String>>; 4] = Default::default();
        let streets = [
            ("preflop", &betting.preflop),
            ("flop", &betting.flop),
            ("turn", &betting.turn),
            ("river", &betting.river),
        ];
        for (street, (name, depths)) in streets.into_iter().enumerate() {
            if depths.get_ref().len() > MAX_DEPTHS {
                return Err(located(
                    depths.span().start,
                    format!(
                        "betting.{name} lists {} raise depths; at most {MAX_DEPTHS}",
                        depths.get_ref().len()
                    ),
                ));
            }
            for list in depths.get_ref() {
                if list.is_empty() {
                    return Err(located(
                        depths.span().start,
                        format!(
                            "betting.{name}: an empty list of sizes (drop it to cap the raises)"
                        ),
                    ));
                }
                if list.len() > MAX_ACTIONS - 2 {
                    return Err(located(
                        list[0].span().start,
                        format!(
                            "betting.{name}: at most {} sizes per depth",
                            MAX_ACTIONS - 2
                        ),
                    ));
                }
                let mut parsed = Vec::with_capacity(list.len());
                for size in list {
                    let value = BetSize::parse(size.get_ref())
                        .map_err(|message| located(size.span().start, message))?;
                    parsed.push(value);
                }
                sizes[street].push(parsed);
                texts[street].push(list.iter().map(|s| s.get_ref().clone()).collect());
            }
        }
        let training = raw.training;
        if !(0.0..=1.0).contains(&training.prune_probability) {
            return Err(located(
                0,
                format!(
                    "training.prune_probability = {}: must be within 0..=1",
                    training.prune_probability
                ),
            ));
        }
        if training.discount_every == 0 {
            return Err(located(
                0,
                "training.discount_every must be at least 1".into(),
            ));
        }
        if training.regret_floor > 0 || training.prune_threshold < training.regret_floor {
            return Err(located(
                0,
                "training: need regret_floor <= prune_threshold and regret_floor <= 0".into(),
            ));
        }
        let abstraction = raw.abstraction.get_ref().clone();
        if let Err(message) = crate::check_abstraction(&abstraction) {
            // Point at the `buckets` value when the message is about bucket counts.
            let buckets = toml_edit::ImDocument::parse(text).ok().and_then(|doc| {
                doc.get("abstraction")?
                    .get("buckets")?
                    .span()
                    .map(|s| s.start)
            });
            let at = match buckets {
                Some(at) if message.contains("buckets") => at,
                _ => raw.abstraction.span().start,
            };
            return Err(located(at, message));
        }
        let [preflop, flop, turn, river] = texts;
        Ok(BlueprintConfig {
            text: ConfigText {
                players,
                stack,
                small_blind,
                big_blind,
                betting: BettingText {
                    preflop,
                    flop,
                    turn,
                    river,
                },
                training,
                abstraction,
            },
            sizes,
        })
    }

    /// The configuration as TOML (what a training directory stores; it parses back to the same config).
    pub fn to_toml(&self) -> String {
        toml::to_string(&self.text).expect("a config serialises to TOML")
    }

    /// Number of players.
    pub fn players(&self) -> usize {
        self.text.players
    }

    /// The engine table the blueprint plays at (the button is the last seat, as the ACPC's
    /// `GameDef::table()` seats it).
    pub fn table(&self) -> Table {
        let t = &self.text;
        TableConfig::new(
            vec![t.stack; t.players],
            t.players - 1,
            t.small_blind,
            t.big_blind,
            Betting::NoLimit,
        )
        .validate()
        .expect("a checked config makes a valid table")
    }

    /// Identifies the configuration (FNV-1a of its canonical TOML).
    pub fn fingerprint(&self) -> u64 {
        crate::file::fnv1a(self.to_toml().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_parse() {
        for (name, _) in PRESETS {
            let config = BlueprintConfig::preset(name).unwrap();
            let again = BlueprintConfig::from_toml(&config.to_toml(), "again").unwrap();
            assert_eq!(config, again, "{name} round-trips");
        }
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(BetSize::parse("2.5bb"), Ok(BetSize::BigBlinds(2.5)));
        assert_eq!(BetSize::parse("3x"), Ok(BetSize::Times(3.0)));
        assert_eq!(BetSize::parse("75%"), Ok(BetSize::Pot(0.75)));
        assert_eq!(BetSize::parse("pot"), Ok(BetSize::Pot(1.0)));
        assert_eq!(BetSize::parse("all-in"), Ok(BetSize::AllIn));
        assert!(BetSize::parse("-33%").is_err());
        assert!(BetSize::parse("0.5x").is_err());
        assert!(BetSize::parse("big").is_err());
        // Half the pot after calling 100 into 300: 200 + 0.5 * 400.
        assert_eq!(BetSize::Pot(0.5).raise_to(300, 100, 200, 100, 10_000), 400);
    }

    fn error_of(text: &str) -> String {
        BlueprintConfig::from_toml(text, "c.toml")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn errors_are_located() {
        let tiny = PRESETS[0].1;
        let bad = tiny.replacen("\"pot\"", "\"-33%\"", 1);
        let line = bad.lines().position(|l| l.contains("-33%")).unwrap() + 1;
        let column = bad.lines().nth(line - 1).unwrap().find("\"-33%\"").unwrap() + 1;
        assert_eq!(
            error_of(&bad),
            format!("c.toml:{line}:{column}: bet size \"-33%\" must be positive")
        );
        let seven = tiny.replace("players = 2", "players = 7");
        let line = seven.lines().position(|l| l == "players = 7").unwrap() + 1;
        assert_eq!(
            error_of(&seven),
            format!("c.toml:{line}:11: players = 7: the trainer seats 2 to 6 players")
        );
        let zero = tiny.replace("[169, 8, 8, 8]", "[169, 0, 8, 8]");
        assert!(
            error_of(&zero).contains("zero buckets")
                || error_of(&zero).contains("flop buckets is 0"),
            "{}",
            error_of(&zero)
        );
        let unknown = format!("colour = 1\n{tiny}");
        assert!(
            error_of(&unknown).starts_with("c.toml:1:1: unknown field `colour`"),
            "{}",
            error_of(&unknown)
        );
        assert!(!error_of(&unknown).contains('\n'));
    }
}
