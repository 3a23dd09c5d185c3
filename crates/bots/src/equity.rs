//! The equity-threshold bot: estimates its winning chances against random hands and bets by thresholds.

use ponder_cards::{Card, CardSet, Hand};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::{Bot, Observation};
use ponder_holdem::Action;

/// Raises with strong equity, calls when the price is right, otherwise checks or folds.
///
/// Equity is the Monte Carlo share of pots won against as many uniformly random hands as there are
/// opponents still in, over random completions of the board.
#[derive(Debug)]
pub struct EquityBot {
    rng: ChaCha8Rng,
    samples: usize,
    raise_above: f64,
}

impl EquityBot {
    /// A bot with its own seeded stream, `samples` rollouts per decision, raising above `raise_above`.
    pub fn new(seed: u64, samples: usize, raise_above: f64) -> EquityBot {
        EquityBot {
            rng: ChaCha8Rng::seed_from_u64(seed),
            samples: samples.max(1),
            raise_above,
        }
    }

    /// Estimated share of the pot won at showdown against `opponents` random hands.
    pub fn equity(&mut self, hole: [Card; 2], board: &[Card], opponents: usize) -> f64 {
        let mut dead = CardSet::from_cards(board);
        dead.insert(hole[0]);
        dead.insert(hole[1]);
        let mut deck: Vec<Card> = Card::all().filter(|c| !dead.contains(*c)).collect();
        let need = 5 - board.len() + 2 * opponents;
        let base = Hand::from_cards(board);
        let mut won = 0.0;
        for _ in 0..self.samples {
            let (drawn, _) = deck.partial_shuffle(&mut self.rng, need);
            let mut shared = base;
            for &card in &drawn[..5 - board.len()] {
                shared = shared.add(card);
            }
            let ours = shared.add(hole[0]).add(hole[1]).rank();
            let mut ties = 1.0;
            let mut lost = false;
            for pair in drawn[5 - board.len()..].chunks_exact(2) {
                let theirs = shared.add(pair[0]).add(pair[1]).rank();
                if theirs > ours {
                    lost = true;
                    break;
                }
                if theirs == ours {
                    ties += 1.0;
                }
            }
            if !lost {
                won += 1.0 / ties;
            }
        }
        won / self.samples as f64
    }
}

impl Bot for EquityBot {
    fn name(&self) -> &str {
        "equity"
    }

    fn act(&mut self, observation: &Observation) -> Action {
        let opponents = observation
            .folded
            .iter()
            .enumerate()
            .filter(|&(seat, &folded)| seat != observation.seat && !folded)
            .count()
            .max(1);
        let equity = self.equity(observation.hole, &observation.board, opponents);
        let legal = &observation.legal;
        if equity > self.raise_above {
            if let Some((min, max)) = legal.raise {
                // A pot-sized raise, within the legal range.
                let current = observation.street_bets.iter().copied().max().unwrap_or(0);
                let pot_raise = current + observation.pot + legal.call;
                return Action::RaiseTo(pot_raise.clamp(min, max));
            }
        }
        let price = legal.call as f64 / (observation.pot + legal.call) as f64;
        if legal.call == 0 || equity >= price {
            Action::CheckCall
        } else {
            Action::Fold
        }
    }
}
