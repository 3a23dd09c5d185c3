//! PHH, the TOML hand-history format PokerKit reads and writes (no-limit hold'em, variant `NT`).
//!
//! PHH numbers players `p1..pn` from the first seat left of the button (heads-up: the big blind is
//! `p1`); bets are street totals (`cbr 60` = bet or raise to 60 on this street), like [`Action::RaiseTo`].

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::random::HandRecord;
use crate::state::{Action, Betting, Chips, Deal, HandState, Table, TableConfig};
use ponder_cards::{Card, CardSet};

/// A PHH file that cannot be read as a no-limit hold'em hand.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PhhError {
    /// Not valid TOML, or a field of the wrong type.
    #[error("PHH: {0}")]
    Toml(String),
    /// A variant other than `NT`.
    #[error("PHH: variant `{0}` is not supported (only `NT`, no-limit Texas hold'em)")]
    Variant(String),
    /// Fields that do not describe a table the engine can seat.
    #[error("PHH: {0}")]
    Table(String),
    /// An action that cannot be read or played.
    #[error("PHH action {index} `{text}`: {reason}")]
    Action {
        /// 0-based index in `actions`.
        index: usize,
        /// The action as written.
        text: String,
        /// What is wrong.
        reason: String,
    },
}

/// The fields of a PHH file that ponder reads and writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct PhhFile {
    variant: String,
    #[serde(default = "yes")]
    ante_trimming_status: bool,
    antes: Vec<Chips>,
    blinds_or_straddles: Vec<Chips>,
    min_bet: Chips,
    starting_stacks: Vec<Chips>,
    actions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    finishing_stacks: Option<Vec<Chips>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    players: Option<Vec<String>>,
}

fn yes() -> bool {
    true
}

/// Ponder seat of PHH player `i` (0-based).
fn seat_of(config: &TableConfig, player: usize) -> usize {
    (config.button + 1 + player) % config.stacks.len()
}

fn cards_text(cards: &[Card]) -> String {
    cards.iter().map(|c| c.to_string()).collect()
}

/// Writes a finished no-limit hand as PHH text.
pub fn to_phh(record: &HandRecord) -> Result<String, PhhError> {
    write_phh(record, None)
}

/// Writes a finished no-limit hand as PHH text with the players' names (`names[seat]`, one per
/// seat); names are TOML strings, escaped whatever characters they hold.
pub fn to_phh_named(record: &HandRecord, names: &[String]) -> Result<String, PhhError> {
    let seats = record.config.stacks.len();
    if names.len() != seats {
        return Err(PhhError::Table(format!(
            "{} names for {seats} seats",
            names.len()
        )));
    }
    write_phh(record, Some(names))
}

fn write_phh(record: &HandRecord, names: Option<&[String]>) -> Result<String, PhhError> {
    let config = &record.config;
    if config.betting != Betting::NoLimit {
        return Err(PhhError::Table(
            "only no-limit hands are written as PHH".into(),
        ));
    }
    let n = config.stacks.len();
    let player_of = |seat: usize| (seat + n - config.button - 1) % n;
    let mut blinds = vec![0; n];
    blinds[0] = config.small_blind;
    blinds[1] = config.big_blind;
    if config.straddle > 0 {
        blinds[2] = config.straddle;
    }
    let mut actions: Vec<String> = (0..n)
        .map(|player| {
            let hole = record.deal.hole[seat_of(config, player)];
            format!("d dh p{} {}", player + 1, cards_text(&hole))
        })
        .collect();
    let table = config
        .validate()
        .map_err(|e| PhhError::Table(e.to_string()))?;
    let mut hand =
        HandState::new(&table, record.deal).map_err(|e| PhhError::Table(e.to_string()))?;
    let mut shown = 0;
    for (index, &action) in record.actions.iter().enumerate() {
        let seat = hand.to_act().ok_or_else(|| PhhError::Action {
            index,
            text: action.to_string(),
            reason: "the hand is already over".into(),
        })?;
        let verb = match action {
            Action::Fold => "f".to_string(),
            Action::CheckCall => "cc".to_string(),
            Action::RaiseTo(to) => format!("cbr {to}"),
        };
        actions.push(format!("p{} {verb}", player_of(seat) + 1));
        hand.apply(action).map_err(|e| PhhError::Action {
            index,
            text: action.to_string(),
            reason: e.to_string(),
        })?;
        let live = (0..n).filter(|&s| !hand.has_folded(s)).count();
        let visible = if hand.is_over() && live < 2 {
            shown
        } else {
            hand.board().len()
        };
        for cut in [3, 4, 5] {
            if shown < cut && cut <= visible {
                actions.push(format!(
                    "d db {}",
                    cards_text(&record.deal.board[shown..cut])
                ));
                shown = cut;
            }
        }
    }
    if hand.is_over() && (0..n).filter(|&s| !hand.has_folded(s)).count() >= 2 {
        // Without `sm` lines PokerKit mucks every hand at showdown, so the players still in show.
        for player in 0..n {
            let seat = seat_of(config, player);
            if !hand.has_folded(seat) {
                let hole = record.deal.hole[seat];
                actions.push(format!("p{} sm {}", player + 1, cards_text(&hole)));
            }
        }
    }
    let file = PhhFile {
        variant: "NT".into(),
        ante_trimming_status: true,
        antes: vec![config.ante; n],
        blinds_or_straddles: blinds,
        min_bet: config.big_blind,
        starting_stacks: (0..n).map(|p| config.stacks[seat_of(config, p)]).collect(),
        actions,
        finishing_stacks: hand.is_over().then(|| {
            (0..n)
                .map(|p| hand.final_stacks()[seat_of(config, p)])
                .collect()
        }),
        players: names.map(|names| (0..n).map(|p| names[seat_of(config, p)].clone()).collect()),
    };
    toml::to_string(&file).map_err(|e| PhhError::Toml(e.to_string()))
}

/// Reads a no-limit hold'em PHH hand. Seats are numbered as PHH players (`p1` = seat 0) with the
/// button at the last seat; hidden hole cards (`????`) get unused cards.
pub fn from_phh(text: &str) -> Result<HandRecord, PhhError> {
    let file: PhhFile = toml::from_str(text).map_err(|e| PhhError::Toml(e.to_string()))?;
    if file.variant != "NT" {
        return Err(PhhError::Variant(file.variant));
    }
    let n = file.starting_stacks.len();
    if file.blinds_or_straddles.len() != n || file.antes.len() != n {
        return Err(PhhError::Table(format!(
            "{n} starting stacks but {} blinds and {} antes",
            file.blinds_or_straddles.len(),
            file.antes.len()
        )));
    }
    if file.antes.iter().any(|&a| a != file.antes[0]) {
        return Err(PhhError::Table("antes differ between players".into()));
    }
    let blinds = &file.blinds_or_straddles;
    if n < 2 || blinds[3.min(n)..].iter().any(|&b| b != 0) || (n == 2 && blinds.len() > 2) {
        return Err(PhhError::Table(format!(
            "blinds {blinds:?}: expected small, big and optionally a straddle"
        )));
    }
    let config = TableConfig {
        stacks: file.starting_stacks.clone(),
        button: n - 1,
        small_blind: blinds[0],
        big_blind: blinds[1],
        ante: file.antes[0],
        straddle: if n > 2 { blinds[2] } else { 0 },
        betting: Betting::NoLimit,
    };
    let table = Table::new(config.clone()).map_err(|e| PhhError::Table(e.to_string()))?;
    if file.min_bet != config.big_blind {
        return Err(PhhError::Table(format!(
            "min_bet {} differs from the big blind {}",
            file.min_bet, config.big_blind
        )));
    }
    // First pass: the cards.
    let mut hole: Vec<Option<[Card; 2]>> = vec![None; n];
    let mut board: Vec<Card> = Vec::new();
    let bad = |index: usize, text: &str, reason: String| PhhError::Action {
        index,
        text: text.to_string(),
        reason,
    };
    let parse_cards =
        |index: usize, text: &str, cards: &str| -> Result<Option<Vec<Card>>, PhhError> {
            if cards.contains('?') {
                return Ok(None);
            }
            ponder_cards::parse_cards(cards)
                .map(Some)
                .map_err(|e| bad(index, text, e.to_string()))
        };
    let player = |index: usize, text: &str, token: &str| -> Result<usize, PhhError> {
        token
            .strip_prefix('p')
            .and_then(|k| k.parse::<usize>().ok())
            .filter(|&k| (1..=n).contains(&k))
            .map(|k| k - 1)
            .ok_or_else(|| bad(index, text, format!("`{token}` is not a player p1..p{n}")))
    };
    for (index, text) in file.actions.iter().enumerate() {
        let words: Vec<&str> = text.split_whitespace().collect();
        match words.as_slice() {
            ["d", "dh", who, cards] | [who, "sm", cards] => {
                let p = player(index, text, who)?;
                if let Some(cards) = parse_cards(index, text, cards)? {
                    let [a, b] = cards[..] else {
                        return Err(bad(index, text, "expected two hole cards".into()));
                    };
                    hole[p] = Some([a, b]);
                }
            }
            ["d", "db", cards] => {
                let cards = parse_cards(index, text, cards)?
                    .ok_or_else(|| bad(index, text, "hidden board cards".into()))?;
                board.extend(cards);
            }
            // A player's show without cards (mucked), checked for its player only.
            [who, "sm"] => {
                player(index, text, who)?;
            }
            // Betting, read in the second pass.
            [_, "f"] | [_, "cc"] | [_, "cbr", _] => {}
            // Skipping what cannot be read would replay a different hand than the file records.
            _ => return Err(bad(index, text, "not a no-limit hold'em action".into())),
        }
    }
    if board.len() > 5 {
        return Err(PhhError::Table(format!("{} board cards", board.len())));
    }
    let mut used = CardSet::from_cards(&board);
    for cards in hole.iter().flatten() {
        for &card in cards {
            if used.contains(card) {
                return Err(PhhError::Table(format!("card {card} is dealt twice")));
            }
            used.insert(card);
        }
    }
    let mut spare = Card::all().filter(|c| !used.contains(*c));
    let mut next = || spare.next().expect("52 cards suffice");
    let mut deal = Deal::shuffled(n, 0);
    for (slot, known) in deal.hole.iter_mut().zip(&hole) {
        *slot = known.unwrap_or_else(|| [next(), next()]);
    }
    for (index, slot) in deal.board.iter_mut().enumerate() {
        *slot = board.get(index).copied().unwrap_or_else(&mut next);
    }
    // Second pass: the betting.
    let mut hand = HandState::new(&table, deal).map_err(|e| PhhError::Table(e.to_string()))?;
    let mut actions = Vec::new();
    for (index, text) in file.actions.iter().enumerate() {
        let words: Vec<&str> = text.split_whitespace().collect();
        let (who, action) = match words.as_slice() {
            ["d", "db", ..] => {
                // Once all but one player folded no card is dealt: such a file records no real hand.
                let live = (0..n).filter(|&s| !hand.has_folded(s)).count();
                if hand.is_over() && live < 2 {
                    return Err(bad(
                        index,
                        text,
                        "a board card dealt after the hand ended".into(),
                    ));
                }
                continue;
            }
            ["d", ..] | [_, "sm", ..] => continue,
            [who, "f"] => (who, Action::Fold),
            [who, "cc"] => (who, Action::CheckCall),
            [who, "cbr", amount] => {
                let amount = amount
                    .parse::<Chips>()
                    .map_err(|_| bad(index, text, format!("`{amount}` is not an amount")))?;
                (who, Action::RaiseTo(amount))
            }
            _ => return Err(bad(index, text, "not a no-limit hold'em action".into())),
        };
        let p = player(index, text, who)?;
        if hand.to_act() != Some(p) {
            return Err(bad(index, text, format!("it is not p{}'s turn", p + 1)));
        }
        hand.apply(action)
            .map_err(|e| bad(index, text, e.to_string()))?;
        actions.push(action);
    }
    if !hand.is_over() {
        return Err(PhhError::Table("the hand is not finished".into()));
    }
    let final_stacks = hand.final_stacks().to_vec();
    if let Some(expected) = &file.finishing_stacks {
        if *expected != final_stacks {
            return Err(PhhError::Table(format!(
                "finishing_stacks {expected:?} but the hand pays {final_stacks:?}"
            )));
        }
    }
    Ok(HandRecord {
        config,
        deal,
        actions,
        final_stacks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "variant = \"NT\"\nantes = [0, 0]\nblinds_or_straddles = [1, 2]\nmin_bet = 2\nstarting_stacks = [6, 3]\n";

    fn hand(actions: &str) -> Result<HandRecord, PhhError> {
        from_phh(&format!("{HEADER}actions = [{actions}]\n"))
    }

    #[test]
    fn unreadable_actions_are_refused_where_they_are() {
        assert!(hand(r#""p2 f""#).is_ok());
        for (actions, index, text) in [
            (r#""d ", "p2 f""#, 0, "d "),
            (r#""p2 f", "2 sm""#, 1, "2 sm"),
            (r#""p2 f", "p1 shows""#, 1, "p1 shows"),
            (r#""p2 f", "d dh p1""#, 1, "d dh p1"),
        ] {
            match hand(actions) {
                Err(PhhError::Action {
                    index: i, text: t, ..
                }) => {
                    assert_eq!((i, t.as_str()), (index, text), "{actions}");
                }
                other => panic!("{actions}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_board_card_after_everyone_folded_is_refused() {
        let error = hand(r#""p2 f", "d db Qd""#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "PHH action 1 `d db Qd`: a board card dealt after the hand ended"
        );
        // An all-in runout deals the board after the last action: still a hand.
        let runout = hand(r#""p2 cbr 3", "p1 cc", "d db QdJh2c", "d db 3s", "d db 4s""#);
        assert!(runout.is_ok(), "{runout:?}");
    }
}
