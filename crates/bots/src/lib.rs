//! `ponder-bots`: hold'em players behind one trait ([`Bot`]), fed only what their seat may see
//! ([`Observation`]), so the same bot plays in local matches ([`matches`](mod@matches)) and over the ACPC protocol.

#![forbid(unsafe_code)]

mod equity;
pub mod matches;

pub use equity::EquityBot;

use ponder_cards::Card;
use ponder_holdem::{Action, Chips, HandState, Legal, Step, Street};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use thiserror::Error;

/// What one seat knows at its decision: its own cards, the public board and betting, the legal moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    /// The deciding seat.
    pub seat: usize,
    /// Its two hole cards.
    pub hole: [Card; 2],
    /// Board cards visible now.
    pub board: Vec<Card>,
    /// Current street.
    pub street: Street,
    /// Seat of the button.
    pub button: usize,
    /// Chips behind, per seat.
    pub stacks: Vec<Chips>,
    /// Chips put in on this street, per seat.
    pub street_bets: Vec<Chips>,
    /// Chips in the middle.
    pub pot: Chips,
    /// Which seats have folded.
    pub folded: Vec<bool>,
    /// The moves open to the seat.
    pub legal: Legal,
    /// Every action of the hand so far, in order (public: all seats see the betting).
    pub history: Vec<Step>,
}

impl Observation {
    /// The view of the seat to act, or `None` when the hand is over; `history` is the hand's actions so
    /// far (the engine state does not keep them).
    pub fn of(hand: &HandState, history: &[Step]) -> Option<Observation> {
        let legal = hand.legal()?;
        let seat = legal.seat;
        Some(Observation {
            seat,
            hole: hand.deal().hole[seat],
            board: hand.board().to_vec(),
            street: hand.street(),
            button: hand.button(),
            stacks: hand.stacks().to_vec(),
            street_bets: hand.street_bets().to_vec(),
            pot: hand.pot(),
            folded: (0..hand.seats()).map(|s| hand.has_folded(s)).collect(),
            legal,
            history: history.to_vec(),
        })
    }
}

/// A hold'em player.
pub trait Bot: Send {
    /// The bot's name as given on the command line.
    fn name(&self) -> &str;
    /// Chooses a legal action.
    fn act(&mut self, observation: &Observation) -> Action;
}

/// Always checks or calls.
#[derive(Debug, Default)]
pub struct CallBot;

impl Bot for CallBot {
    fn name(&self) -> &str {
        "call"
    }
    fn act(&mut self, _: &Observation) -> Action {
        Action::CheckCall
    }
}

/// Always raises the maximum (all-in in no-limit) when it may, else calls.
#[derive(Debug, Default)]
pub struct RaiseBot;

impl Bot for RaiseBot {
    fn name(&self) -> &str {
        "raise"
    }
    fn act(&mut self, observation: &Observation) -> Action {
        match observation.legal.raise {
            Some((_, max)) => Action::RaiseTo(max),
            None => Action::CheckCall,
        }
    }
}

/// Uniformly random among fold (when facing a bet), check/call, and a raise of random legal size.
#[derive(Debug)]
pub struct RandomBot {
    rng: ChaCha8Rng,
}

impl RandomBot {
    /// A random bot with its own seeded stream.
    pub fn new(seed: u64) -> RandomBot {
        RandomBot {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }
}

impl Bot for RandomBot {
    fn name(&self) -> &str {
        "random"
    }
    fn act(&mut self, observation: &Observation) -> Action {
        let legal = &observation.legal;
        let mut choices = 1 + legal.can_fold as u32 + legal.raise.is_some() as u32;
        let mut pick = self.rng.gen_range(0..choices);
        if legal.can_fold {
            if pick == 0 {
                return Action::Fold;
            }
            pick -= 1;
            choices -= 1;
        }
        match (pick, legal.raise) {
            (1, Some((min, max))) if choices == 2 => Action::RaiseTo(self.rng.gen_range(min..=max)),
            _ => Action::CheckCall,
        }
    }
}

/// A bot name that is not known.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown bot `{0}` (known: {known})", known = BOT_NAMES.join(", "))]
pub struct UnknownBot(pub String);

/// Names [`make_bot`] accepts.
pub const BOT_NAMES: &[&str] = &["random", "call", "raise", "equity"];

/// Builds a bot by name; `seed` feeds bots that use randomness.
pub fn make_bot(name: &str, seed: u64) -> Result<Box<dyn Bot>, UnknownBot> {
    match name {
        "random" => Ok(Box::new(RandomBot::new(seed))),
        "call" => Ok(Box::new(CallBot)),
        "raise" => Ok(Box::new(RaiseBot)),
        "equity" => Ok(Box::new(EquityBot::new(seed, 200, 0.6))),
        other => Err(UnknownBot(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ponder_holdem::{Betting, Deal, TableConfig};

    #[test]
    fn every_bot_only_plays_legal_actions() {
        let config = TableConfig::new(vec![100, 40, 300, 7], 1, 1, 2, Betting::NoLimit)
            .validate()
            .unwrap();
        for name in BOT_NAMES {
            let mut bot = make_bot(name, 3).unwrap();
            for seed in 0..500 {
                let mut hand = HandState::new(&config, Deal::shuffled(4, seed)).unwrap();
                let mut history = Vec::new();
                while let Some(observation) = Observation::of(&hand, &history) {
                    let action = bot.act(&observation);
                    history.push(Step {
                        street: hand.street(),
                        seat: observation.seat,
                        action,
                    });
                    hand.apply(action).unwrap_or_else(|e| panic!("{name}: {e}"));
                }
                assert_eq!(hand.final_stacks().iter().sum::<u64>(), 447);
            }
        }
        assert!(make_bot("nit", 0).is_err());
    }
}
