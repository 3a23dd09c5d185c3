//! ACPC game definition files: the `GAMEDEF … END GAMEDEF` block that tells dealer and players the rules.

use std::fmt;

use ponder_holdem::{Betting, Chips, ConfigError, Table, TableConfig, MAX_CHIPS};
use thiserror::Error;

/// Limit or no-limit betting, as named in a game definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BettingType {
    /// Fixed bet sizes (`raiseSize`), capped by `maxRaises`.
    Limit,
    /// Any raise up to the stack.
    NoLimit,
}

/// A parsed game definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GameDef {
    /// `limit` or `nolimit`.
    pub betting: BettingType,
    /// `numPlayers`.
    pub num_players: usize,
    /// `numRounds`.
    pub num_rounds: usize,
    /// `stack`, per player (no-limit).
    pub stack: Vec<Chips>,
    /// `blind`, per position.
    pub blind: Vec<Chips>,
    /// `raiseSize`, per round (limit).
    pub raise_size: Vec<Chips>,
    /// `firstPlayer`, per round, 1-based as written.
    pub first_player: Vec<usize>,
    /// `maxRaises`, per round (limit).
    pub max_raises: Vec<u8>,
    /// `numSuits`.
    pub num_suits: usize,
    /// `numRanks`.
    pub num_ranks: usize,
    /// `numHoleCards`.
    pub num_hole_cards: usize,
    /// `numBoardCards`, per round.
    pub num_board_cards: Vec<usize>,
}

/// A game definition that cannot be read, with the line it was found on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("game definition line {line}: {kind}")]
pub struct GameDefError {
    /// 1-based line number (0 when the problem is the file as a whole).
    pub line: usize,
    /// What is wrong.
    pub kind: GameDefErrorKind,
}

/// What is wrong with a game definition.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GameDefErrorKind {
    /// No `GAMEDEF` line.
    #[error("expected `GAMEDEF` before the settings")]
    MissingStart,
    /// No `END GAMEDEF` line.
    #[error("expected `END GAMEDEF` at the end")]
    MissingEnd,
    /// A key this format does not have.
    #[error("unknown setting `{0}`")]
    UnknownKey(String),
    /// A value that is not a non-negative integer.
    #[error("`{key}`: `{token}` is not a non-negative integer")]
    BadNumber {
        /// Setting name.
        key: String,
        /// Offending token.
        token: String,
    },
    /// A setting line without `=`.
    #[error("`{0}`: expected `key = value ...`")]
    MissingEquals(String),
    /// A required setting is absent.
    #[error("missing `{0}`")]
    Missing(&'static str),
    /// A per-player or per-round list of the wrong length.
    #[error("`{key}` has {found} values, expected {expected}")]
    Length {
        /// Setting name.
        key: &'static str,
        /// Values given.
        found: usize,
        /// Values expected.
        expected: usize,
    },
    /// A number outside the range the setting allows.
    #[error("`{key}`: {value} is outside {min}..={max}")]
    OutOfRange {
        /// Setting name.
        key: &'static str,
        /// The value given.
        value: u64,
        /// Smallest allowed value.
        min: u64,
        /// Largest allowed value.
        max: u64,
    },
    /// A valid definition the hold'em engine cannot play.
    #[error("not playable by the hold'em engine: {0}")]
    Unsupported(String),
    /// Settings the engine refuses as a table.
    #[error(transparent)]
    Table(ConfigError),
}

fn error(line: usize, kind: GameDefErrorKind) -> GameDefError {
    GameDefError { line, kind }
}

impl GameDef {
    /// Heads-up no-limit hold'em as played in the ACPC: 20,000-chip stacks, blinds 50/100.
    pub fn heads_up_no_limit() -> GameDef {
        GameDef {
            betting: BettingType::NoLimit,
            num_players: 2,
            num_rounds: 4,
            stack: vec![20_000, 20_000],
            blind: vec![100, 50],
            raise_size: vec![],
            first_player: vec![2, 1, 1, 1],
            max_raises: vec![],
            num_suits: 4,
            num_ranks: 13,
            num_hole_cards: 2,
            num_board_cards: vec![0, 3, 1, 1],
        }
    }

    /// The ACPC's standard no-limit hold'em for `players` players: 20,000-chip stacks, blinds 50/100
    /// (heads-up: the button posts the small blind and acts first preflop).
    pub fn no_limit(players: usize) -> GameDef {
        if players == 2 {
            return GameDef::heads_up_no_limit();
        }
        let mut blind = vec![0; players];
        blind[..players.min(2)].copy_from_slice(&[50, 100][..players.min(2)]);
        GameDef {
            num_players: players,
            stack: vec![20_000; players],
            blind,
            first_player: vec![3, 1, 1, 1],
            ..GameDef::heads_up_no_limit()
        }
    }

    /// Parses the text of a game definition file (`#` starts a comment; keys are case-insensitive).
    pub fn parse(text: &str) -> Result<GameDef, GameDefError> {
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, line)| (i + 1, line.split('#').next().unwrap_or("").trim()))
            .filter(|(_, line)| !line.is_empty());
        match lines.next() {
            Some((_, line)) if line.eq_ignore_ascii_case("GAMEDEF") => {}
            Some((number, _)) => return Err(error(number, GameDefErrorKind::MissingStart)),
            None => return Err(error(0, GameDefErrorKind::MissingStart)),
        }
        let mut betting = None;
        let mut values: Vec<(&'static str, Vec<u64>, usize)> = Vec::new();
        let mut ended = false;
        for (number, line) in lines.by_ref() {
            let lower = line.to_ascii_lowercase();
            if lower.split_whitespace().collect::<Vec<_>>() == ["end", "gamedef"] {
                ended = true;
                break;
            }
            match lower.as_str() {
                "limit" => {
                    betting = Some(BettingType::Limit);
                    continue;
                }
                "nolimit" => {
                    betting = Some(BettingType::NoLimit);
                    continue;
                }
                _ => {}
            }
            let (key, rest) = line
                .split_once('=')
                .ok_or_else(|| error(number, GameDefErrorKind::MissingEquals(line.to_string())))?;
            let key = key.trim();
            let canonical = KEYS
                .iter()
                .find(|k| k.eq_ignore_ascii_case(key))
                .ok_or_else(|| error(number, GameDefErrorKind::UnknownKey(key.to_string())))?;
            let numbers = rest
                .split_whitespace()
                .map(|token| {
                    token.parse::<u64>().map_err(|_| {
                        error(
                            number,
                            GameDefErrorKind::BadNumber {
                                key: key.to_string(),
                                token: token.to_string(),
                            },
                        )
                    })
                })
                .collect::<Result<Vec<u64>, _>>()?;
            values.push((canonical, numbers, number));
        }
        if !ended {
            return Err(error(0, GameDefErrorKind::MissingEnd));
        }
        let betting = betting.ok_or(error(0, GameDefErrorKind::Missing("limit or nolimit")))?;
        let get = |key: &'static str| values.iter().rev().find(|(k, _, _)| *k == key);
        let scalar = |key: &'static str, default: Option<u64>| -> Result<usize, GameDefError> {
            match get(key) {
                Some((_, v, line)) if v.len() == 1 => Ok(v[0] as usize),
                Some((_, v, line)) => Err(error(
                    *line,
                    GameDefErrorKind::Length {
                        key,
                        found: v.len(),
                        expected: 1,
                    },
                )),
                None => default
                    .map(|d| d as usize)
                    .ok_or(error(0, GameDefErrorKind::Missing(key))),
            }
        };
        let num_players = scalar("numPlayers", None)?;
        let num_rounds = scalar("numRounds", None)?;
        let list = |key: &'static str,
                    expected: usize,
                    required: bool|
         -> Result<Vec<u64>, GameDefError> {
            match get(key) {
                Some((_, v, line)) if v.len() != expected => Err(error(
                    *line,
                    GameDefErrorKind::Length {
                        key,
                        found: v.len(),
                        expected,
                    },
                )),
                Some((_, v, _)) => Ok(v.clone()),
                None if required => Err(error(0, GameDefErrorKind::Missing(key))),
                None => Ok(Vec::new()),
            }
        };
        // Amounts are bounded here, with the line, so that no chip sum can overflow later on.
        for (key, min, max) in [
            ("stack", 1, MAX_CHIPS),
            ("blind", 0, MAX_CHIPS),
            ("raiseSize", 1, MAX_CHIPS),
            ("maxRaises", 0, u64::from(u8::MAX)),
        ] {
            if let Some((_, v, line)) = get(key) {
                if let Some(&value) = v.iter().find(|&&value| !(min..=max).contains(&value)) {
                    return Err(error(
                        *line,
                        GameDefErrorKind::OutOfRange {
                            key,
                            value,
                            min,
                            max,
                        },
                    ));
                }
            }
        }
        let limit = betting == BettingType::Limit;
        let def = GameDef {
            betting,
            num_players,
            num_rounds,
            stack: list("stack", num_players, false)?,
            blind: list("blind", num_players, true)?,
            raise_size: list("raiseSize", num_rounds, limit)?,
            first_player: list("firstPlayer", num_rounds, false)?
                .into_iter()
                .map(|v| v as usize)
                .collect(),
            max_raises: list("maxRaises", num_rounds, false)?
                .into_iter()
                .map(|v| u8::try_from(v).expect("checked above"))
                .collect(),
            num_suits: scalar("numSuits", None)?,
            num_ranks: scalar("numRanks", None)?,
            num_hole_cards: scalar("numHoleCards", None)?,
            num_board_cards: list("numBoardCards", num_rounds, true)?
                .into_iter()
                .map(|v| v as usize)
                .collect(),
        };
        Ok(def)
    }

    /// The checked table this definition describes for ponder's hold'em engine (a fresh hand: full
    /// stacks), or why the engine cannot play it. Every hand the dealer, the client and the log reader
    /// play is dealt at this [`Table`], so what was accepted here can always be dealt.
    ///
    /// Positions map to seats one to one; the button is the last position (heads-up: position 1, the
    /// small blind), which is where the ACPC's standard `blind` and `firstPlayer` settings put it.
    pub fn table(&self) -> Result<Table, GameDefError> {
        let unsupported = |what: String| error(0, GameDefErrorKind::Unsupported(what));
        let n = self.num_players;
        if !(2..=ponder_holdem::MAX_SEATS).contains(&n) {
            return Err(unsupported(format!(
                "{n} players (the engine seats 2 to 9)"
            )));
        }
        if self.num_rounds != 4
            || self.num_board_cards != [0, 3, 1, 1]
            || self.num_hole_cards != 2
            || self.num_suits != 4
            || self.num_ranks != 13
        {
            return Err(unsupported(
                "only Texas hold'em: 4 rounds, board 0 3 1 1, 2 hole cards, 52 cards".into(),
            ));
        }
        // The fields are public, so a definition built in code gets the list lengths `parse` checks.
        let limit = self.betting == BettingType::Limit;
        for (key, found, expected) in [
            ("blind", self.blind.len(), n),
            (
                "stack",
                self.stack.len(),
                if self.stack.is_empty() { 0 } else { n },
            ),
            (
                "raiseSize",
                self.raise_size.len(),
                if limit { 4 } else { self.raise_size.len() },
            ),
            (
                "maxRaises",
                self.max_raises.len(),
                if self.max_raises.is_empty() { 0 } else { 4 },
            ),
        ] {
            if found != expected {
                return Err(error(
                    0,
                    GameDefErrorKind::Length {
                        key,
                        found,
                        expected,
                    },
                ));
            }
        }
        let (small, big) = if n == 2 {
            (self.blind[1], self.blind[0])
        } else {
            (self.blind[0], self.blind[1])
        };
        if self.blind.iter().skip(2).any(|&b| b != 0) || small > big || big == 0 {
            return Err(unsupported(format!(
                "blinds {:?}: expected the standard small blind / big blind layout",
                self.blind
            )));
        }
        let expected_first: Vec<usize> = if n == 2 {
            vec![2, 1, 1, 1]
        } else {
            vec![3, 1, 1, 1]
        };
        if !self.first_player.is_empty() && self.first_player != expected_first {
            return Err(unsupported(format!(
                "firstPlayer {:?}: the engine acts in standard order {:?}",
                self.first_player, expected_first
            )));
        }
        let betting = match self.betting {
            BettingType::NoLimit => Betting::NoLimit,
            BettingType::Limit => {
                let caps = &self.max_raises;
                // The engine counts the big blind as the first preflop bet, as ACPC's `3 4 4 4` does.
                // Widened before adding: a preflop cap of 255 must not wrap around to 0.
                let uniform_caps = caps.is_empty()
                    || (u16::from(caps[0]) + 1 == u16::from(caps[1])
                        && caps[1..].iter().all(|&c| c == caps[1]));
                if self.raise_size[0] != self.raise_size[1]
                    || self.raise_size[2] != self.raise_size[3]
                    || !uniform_caps
                {
                    return Err(unsupported(format!(
                        "raiseSize {:?} / maxRaises {:?}: the engine plays small, small, big, big \
                         sizes and caps of the form k-1 k k k",
                        self.raise_size, caps
                    )));
                }
                Betting::FixedLimit {
                    small_bet: self.raise_size[0],
                    big_bet: self.raise_size[2],
                    max_raises: caps.get(1).copied().unwrap_or(u8::MAX),
                }
            }
        };
        let stacks = if self.stack.is_empty() {
            // Limit games traditionally have no stacks: effectively unlimited.
            vec![Chips::from(u32::MAX); n]
        } else {
            self.stack.clone()
        };
        Table::new(TableConfig {
            stacks,
            button: n - 1,
            small_blind: small,
            big_blind: big,
            ante: 0,
            straddle: 0,
            betting,
        })
        .map_err(|e| error(0, GameDefErrorKind::Table(e)))
    }
}

const KEYS: &[&str] = &[
    "numPlayers",
    "numRounds",
    "stack",
    "blind",
    "raiseSize",
    "firstPlayer",
    "maxRaises",
    "numSuits",
    "numRanks",
    "numHoleCards",
    "numBoardCards",
];

impl fmt::Display for GameDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |values: &mut dyn Iterator<Item = u64>| {
            values.map(|v| v.to_string()).collect::<Vec<_>>().join(" ")
        };
        writeln!(f, "GAMEDEF")?;
        writeln!(
            f,
            "{}",
            match self.betting {
                BettingType::Limit => "limit",
                BettingType::NoLimit => "nolimit",
            }
        )?;
        writeln!(f, "numPlayers = {}", self.num_players)?;
        writeln!(f, "numRounds = {}", self.num_rounds)?;
        if !self.stack.is_empty() {
            writeln!(f, "stack = {}", join(&mut self.stack.iter().copied()))?;
        }
        writeln!(f, "blind = {}", join(&mut self.blind.iter().copied()))?;
        if !self.raise_size.is_empty() {
            writeln!(
                f,
                "raiseSize = {}",
                join(&mut self.raise_size.iter().copied())
            )?;
        }
        if !self.first_player.is_empty() {
            writeln!(
                f,
                "firstPlayer = {}",
                join(&mut self.first_player.iter().map(|&v| v as u64))
            )?;
        }
        if !self.max_raises.is_empty() {
            writeln!(
                f,
                "maxRaises = {}",
                join(&mut self.max_raises.iter().map(|&v| v as u64))
            )?;
        }
        writeln!(f, "numSuits = {}", self.num_suits)?;
        writeln!(f, "numRanks = {}", self.num_ranks)?;
        writeln!(f, "numHoleCards = {}", self.num_hole_cards)?;
        writeln!(
            f,
            "numBoardCards = {}",
            join(&mut self.num_board_cards.iter().map(|&v| v as u64))
        )?;
        writeln!(f, "END GAMEDEF")
    }
}
