//! `MATCHSTATE:position:handNumber:betting:cards` lines, and their link to the hold'em engine.

use std::fmt;

use ponder_cards::{Card, CardSet};
use ponder_holdem::{Action, ActionError, Chips, Deal, HandRecord, HandState, Step, Table};
use thiserror::Error;

/// One betting action as written in the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcpcAction {
    /// `f`.
    Fold,
    /// `c`: check or call.
    Call,
    /// `r` (limit) or `rN`: raise so that the player's total in the hand is N (no-limit).
    Raise(Option<Chips>),
}

impl fmt::Display for AcpcAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AcpcAction::Fold => write!(f, "f"),
            AcpcAction::Call => write!(f, "c"),
            AcpcAction::Raise(None) => write!(f, "r"),
            AcpcAction::Raise(Some(total)) => write!(f, "r{total}"),
        }
    }
}

/// A parsed `MATCHSTATE` line: what one position sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchState {
    /// The receiving player's position (0-based).
    pub position: usize,
    /// Hand number in the match.
    pub hand_number: u64,
    /// Actions per round; a round is present once it has started.
    pub betting: Vec<Vec<AcpcAction>>,
    /// Hole cards per position (empty when hidden).
    pub hole: Vec<Vec<Card>>,
    /// Board cards dealt at each round after the first.
    pub board: Vec<Vec<Card>>,
}

/// A `MATCHSTATE` line that cannot be read: where and what.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("column {column}: {kind}")]
pub struct MatchStateError {
    /// 1-based column of the offending token.
    pub column: usize,
    /// What is wrong.
    pub kind: MatchStateErrorKind,
}

/// What is wrong with a `MATCHSTATE` line.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MatchStateErrorKind {
    /// Not starting with `MATCHSTATE:`.
    #[error("expected `MATCHSTATE:`")]
    Prefix,
    /// Fewer than the five `:`-separated fields.
    #[error("expected `MATCHSTATE:position:handNumber:betting:cards`")]
    Fields,
    /// A number field that is not a number.
    #[error("`{0}` is not a number")]
    Number(String),
    /// An unknown betting character or bad raise amount.
    #[error("`{0}` is not a betting action (f, c, r or rN)")]
    Action(String),
    /// A card that does not parse.
    #[error("`{0}` is not a card")]
    Card(String),
}

fn fail(column: usize, kind: MatchStateErrorKind) -> MatchStateError {
    MatchStateError { column, kind }
}

impl MatchState {
    /// Parses a `MATCHSTATE` line (without the trailing `:action` of a reply).
    pub fn parse(line: &str) -> Result<MatchState, MatchStateError> {
        let line = line.trim_end_matches(['\r', '\n']);
        let rest = line
            .strip_prefix("MATCHSTATE:")
            .ok_or(fail(1, MatchStateErrorKind::Prefix))?;
        let mut column = "MATCHSTATE:".len() + 1;
        let fields: Vec<&str> = rest.splitn(4, ':').collect();
        if fields.len() < 4 {
            return Err(fail(column, MatchStateErrorKind::Fields));
        }
        let number = |text: &str, column: usize| {
            text.parse::<u64>()
                .map_err(|_| fail(column, MatchStateErrorKind::Number(text.to_string())))
        };
        let position = number(fields[0], column)? as usize;
        column += fields[0].len() + 1;
        let hand_number = number(fields[1], column)?;
        column += fields[1].len() + 1;
        let betting = parse_betting(fields[2], column)?;
        column += fields[2].len() + 1;
        // A reply appends `:action`; the cards field never contains `:`.
        let cards_text = fields[3].split(':').next().unwrap_or("");
        let (hole, board) = parse_cards(cards_text, column)?;
        Ok(MatchState {
            position,
            hand_number,
            betting,
            hole,
            board,
        })
    }

    /// The round being played (0 = preflop).
    pub fn round(&self) -> usize {
        self.betting.len().saturating_sub(1)
    }
}

fn parse_betting(text: &str, start: usize) -> Result<Vec<Vec<AcpcAction>>, MatchStateError> {
    let mut rounds = vec![Vec::new()];
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let column = start + i;
        match bytes[i] {
            b'/' => rounds.push(Vec::new()),
            b'f' => rounds.last_mut().expect("one round").push(AcpcAction::Fold),
            b'c' | b'k' => rounds.last_mut().expect("one round").push(AcpcAction::Call),
            b'r' => {
                let digits = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                let amount = if digits == 0 {
                    None
                } else {
                    let token = &text[i + 1..i + 1 + digits];
                    Some(token.parse::<Chips>().map_err(|_| {
                        fail(column, MatchStateErrorKind::Action(format!("r{token}")))
                    })?)
                };
                rounds
                    .last_mut()
                    .expect("one round")
                    .push(AcpcAction::Raise(amount));
                i += digits;
            }
            _ => {
                let token: String = text[i..].chars().take(1).collect();
                return Err(fail(column, MatchStateErrorKind::Action(token)));
            }
        }
        i += 1;
    }
    Ok(rounds)
}

type CardRows = (Vec<Vec<Card>>, Vec<Vec<Card>>);

fn parse_cards(text: &str, start: usize) -> Result<CardRows, MatchStateError> {
    let mut parts = text.split('/');
    let holes = parts.next().unwrap_or("");
    let mut column = start;
    let card_row = |row: &str, column: &mut usize| -> Result<Vec<Card>, MatchStateError> {
        let mut cards = Vec::new();
        let mut chars = row.char_indices().peekable();
        while let Some((offset, _)) = chars.next() {
            chars.next();
            let end = chars.peek().map_or(row.len(), |&(o, _)| o);
            let token = &row[offset..end];
            let card: Card = token.parse().map_err(|_| {
                fail(
                    *column + offset,
                    MatchStateErrorKind::Card(token.to_string()),
                )
            })?;
            cards.push(card);
        }
        *column += row.len() + 1;
        Ok(cards)
    };
    let mut hole = Vec::new();
    for row in holes.split('|') {
        hole.push(card_row(row, &mut column)?);
    }
    let mut board = Vec::new();
    for row in parts {
        board.push(card_row(row, &mut column)?);
    }
    Ok((hole, board))
}

impl fmt::Display for MatchState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MATCHSTATE:{}:{}:", self.position, self.hand_number)?;
        write_betting(f, &self.betting)?;
        write!(f, ":")?;
        write_cards(f, &self.hole, &self.board)
    }
}

/// Writes betting rounds separated by `/`.
pub(crate) fn write_betting(f: &mut impl fmt::Write, betting: &[Vec<AcpcAction>]) -> fmt::Result {
    for (round, actions) in betting.iter().enumerate() {
        if round > 0 {
            f.write_char('/')?;
        }
        for action in actions {
            write!(f, "{action}")?;
        }
    }
    Ok(())
}

/// Writes hole cards separated by `|`, then each round's board cards after `/`.
pub(crate) fn write_cards(
    f: &mut impl fmt::Write,
    hole: &[Vec<Card>],
    board: &[Vec<Card>],
) -> fmt::Result {
    for (position, cards) in hole.iter().enumerate() {
        if position > 0 {
            f.write_char('|')?;
        }
        for card in cards {
            write!(f, "{card}")?;
        }
    }
    for round in board {
        f.write_char('/')?;
        for card in round {
            write!(f, "{card}")?;
        }
    }
    Ok(())
}

/// A match state that does not fit the game: wrong cards, or betting the rules do not allow.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReplayError {
    /// The line shows more positions or cards than the game has, or a card twice.
    #[error("cards do not fit the game: {0}")]
    Cards(String),
    /// An action the engine refuses at that point.
    // The reason is part of the message and therefore not also a `source`: an error chain printed
    // in full would say it twice.
    #[error("action {index} (`{action}`) is illegal: {reason}")]
    Illegal {
        /// 0-based index of the action in the hand.
        index: usize,
        /// The action as written.
        action: AcpcAction,
        /// Why the engine refused it.
        reason: ActionError,
    },
    /// A raise without an amount in no-limit, or more actions than the hand allows.
    #[error("action {index} (`{action}`) does not fit the game")]
    Malformed {
        /// 0-based index of the action in the hand.
        index: usize,
        /// The action as written.
        action: AcpcAction,
    },
}

/// Rebuilds the engine state a match state describes. Cards the position cannot see are replaced by
/// unused ones, so only the visible cards of the result mean anything.
pub fn replay(table: &Table, state: &MatchState) -> Result<HandState, ReplayError> {
    replay_actions(table, state).map(|(hand, _)| hand)
}

/// Like [`replay`], also returning the engine actions in order, each with its seat and street.
pub fn replay_actions(
    table: &Table,
    state: &MatchState,
) -> Result<(HandState, Vec<Step>), ReplayError> {
    let seats = table.seats();
    if state.hole.len() > seats || state.position >= seats {
        return Err(ReplayError::Cards(format!(
            "{} positions shown for {seats} seats",
            state.hole.len()
        )));
    }
    let mut used = CardSet::EMPTY;
    let mut take = |card: Card| -> Result<Card, ReplayError> {
        if used.contains(card) {
            return Err(ReplayError::Cards(format!("{card} appears twice")));
        }
        used.insert(card);
        Ok(card)
    };
    let mut hole: [[Option<Card>; 2]; ponder_holdem::MAX_SEATS] = Default::default();
    for (position, cards) in state.hole.iter().enumerate() {
        if !cards.is_empty() && cards.len() != 2 {
            return Err(ReplayError::Cards(format!(
                "position {position} shows {} cards",
                cards.len()
            )));
        }
        for (slot, &card) in cards.iter().enumerate() {
            hole[position][slot] = Some(take(card)?);
        }
    }
    let mut board: [Option<Card>; 5] = [None; 5];
    let flat: Vec<Card> = state.board.iter().flatten().copied().collect();
    if flat.len() > 5 {
        return Err(ReplayError::Cards(format!("{} board cards", flat.len())));
    }
    for (slot, &card) in flat.iter().enumerate() {
        board[slot] = Some(take(card)?);
    }
    let mut spare = Card::all().filter(|card| !used.contains(*card));
    let mut fill =
        |card: Option<Card>| card.unwrap_or_else(|| spare.next().expect("52 cards suffice"));
    let deal = Deal {
        hole: std::array::from_fn(|seat| [fill(hole[seat][0]), fill(hole[seat][1])]),
        board: std::array::from_fn(|slot| fill(board[slot])),
    };
    let mut hand = HandState::new(table, deal).map_err(|e| ReplayError::Cards(e.to_string()))?;
    let mut index = 0;
    let mut played = Vec::new();
    for (round, actions) in state.betting.iter().enumerate() {
        for &action in actions {
            let street = hand.street();
            if hand.is_over() || street as usize != round {
                return Err(ReplayError::Malformed { index, action });
            }
            let engine =
                to_engine(&hand, action).ok_or(ReplayError::Malformed { index, action })?;
            let seat = hand
                .to_act()
                .ok_or(ReplayError::Malformed { index, action })?;
            hand.apply(engine).map_err(|reason| ReplayError::Illegal {
                index,
                action,
                reason,
            })?;
            played.push(Step {
                street,
                seat,
                action: engine,
            });
            index += 1;
        }
    }
    Ok((hand, played))
}

/// Reads one `STATE:hand:betting:cards:results:players` line of an ACPC log into a hand record
/// (seats = positions) and the player names, checking the logged results against the engine's.
pub fn log_line_to_record(
    table: &Table,
    line: &str,
) -> Result<(HandRecord, Vec<String>), ReplayError> {
    let bad = |what: &str| ReplayError::Cards(format!("{what} in log line `{line}`"));
    let rest = line
        .strip_prefix("STATE:")
        .ok_or_else(|| bad("no `STATE:`"))?;
    let fields: Vec<&str> = rest.split(':').collect();
    if fields.len() != 5 {
        return Err(bad("expected 5 fields after `STATE:`"));
    }
    let state = MatchState::parse(&format!(
        "MATCHSTATE:0:{}:{}:{}",
        fields[0], fields[1], fields[2]
    ))
    .map_err(|e| bad(&e.to_string()))?;
    let (hand, actions) = replay_actions(table, &state)?;
    if !hand.is_over() {
        return Err(bad("the hand is not finished"));
    }
    let logged: Vec<i64> = fields[3]
        .split('|')
        .map(|v| v.parse::<i64>().map_err(|_| bad("unreadable results")))
        .collect::<Result<_, _>>()?;
    if logged[..] != hand.payoffs()[..hand.seats()] {
        return Err(bad("logged results differ from the engine's"));
    }
    let names = fields[4].split('|').map(str::to_string).collect();
    Ok((
        HandRecord {
            config: table.config().clone(),
            deal: *hand.deal(),
            actions: actions.iter().map(|step| step.action).collect(),
            final_stacks: hand.final_stacks().to_vec(),
        },
        names,
    ))
}

/// The engine action an ACPC action means for the seat to act.
pub fn to_engine(hand: &HandState, action: AcpcAction) -> Option<Action> {
    let seat = hand.to_act()?;
    Some(match action {
        AcpcAction::Fold => Action::Fold,
        AcpcAction::Call => Action::CheckCall,
        AcpcAction::Raise(Some(total)) => {
            Action::RaiseTo(total.checked_sub(earlier_streets(hand, seat))?)
        }
        AcpcAction::Raise(None) => match hand.legal()?.raise {
            Some((min, max)) if min == max => Action::RaiseTo(min),
            _ => return None,
        },
    })
}

/// Chips `seat` put in before this street: ACPC raise amounts are hand totals, the engine's street totals.
fn earlier_streets(hand: &HandState, seat: usize) -> Chips {
    hand.contributions()[seat] - hand.street_bets()[seat]
}

/// The ACPC action for an engine action of the seat to act (no-limit raises as hand totals).
pub fn to_acpc(hand: &HandState, action: Action, limit: bool) -> AcpcAction {
    match action {
        Action::Fold => AcpcAction::Fold,
        Action::CheckCall => AcpcAction::Call,
        Action::RaiseTo(_) if limit => AcpcAction::Raise(None),
        Action::RaiseTo(to) => {
            let seat = hand.to_act().unwrap_or(0);
            AcpcAction::Raise(Some(earlier_streets(hand, seat) + to))
        }
    }
}
