//! The equity-threshold bot: estimates its winning chances against random hands and bets by thresholds.

use ponder_cards::{Card, CardSet, Hand, HandIndex, HAND_COUNT};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::{Bot, Observation};
use ponder_holdem::Action;

/// Boards whose equities the bot keeps: the four streets of one hand.
const CACHED_BOARDS: usize = 4;

/// Raises with strong equity, calls when the price is right, otherwise checks or folds.
///
/// Equity is the Monte Carlo share of pots won against as many uniformly random hands as there are
/// opponents still in, over random completions of the board. The sample stream is seeded by the bot's
/// seed, the cards and the number of opponents, so the bot is deterministic: the same cards at the
/// same decision always give the same action, and its policy is that action with probability 1.
#[derive(Debug)]
pub struct EquityBot {
    seed: u64,
    samples: usize,
    raise_above: f64,
    /// Equities of every hole pair on the last few boards (one per street of a hand) against a number
    /// of opponents (NaN: not yet computed), so a whole-range policy costs one estimate per hand per
    /// street, and a hand replayed on the same cards (duplicate) costs nothing more.
    cache: Vec<(Vec<Card>, usize, Vec<f64>)>,
}

impl EquityBot {
    /// A bot with its own seed, `samples` rollouts per decision, raising above `raise_above`.
    pub fn new(seed: u64, samples: usize, raise_above: f64) -> EquityBot {
        EquityBot {
            seed,
            samples: samples.max(1),
            raise_above,
            cache: Vec::new(),
        }
    }

    /// Estimated share of the pot won at showdown against `opponents` random hands.
    pub fn equity(&self, hole: [Card; 2], board: &[Card], opponents: usize) -> f64 {
        let mut dead = CardSet::from_cards(board);
        dead.insert(hole[0]);
        dead.insert(hole[1]);
        let mut stream = self.seed ^ dead.0.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        stream ^= (opponents as u64).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        // The hole pair is also in `dead`: mixing it in separately tells a hole card from a board card.
        stream ^= u64::from(HandIndex::from_cards(hole[0], hole[1]).map_or(0, |h| h.0))
            .wrapping_mul(0x94d0_49bb_1331_11eb);
        let mut rng = ChaCha8Rng::seed_from_u64(stream);
        let mut deck: Vec<Card> = Card::all().filter(|c| !dead.contains(*c)).collect();
        let need = 5 - board.len() + 2 * opponents;
        let base = Hand::from_cards(board);
        let mut won = 0.0;
        for _ in 0..self.samples {
            let (drawn, _) = deck.partial_shuffle(&mut rng, need);
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

    /// [`EquityBot::equity`] through the per-board cache.
    fn cached_equity(&mut self, hole: [Card; 2], board: &[Card], opponents: usize) -> f64 {
        let Some(hand) = HandIndex::from_cards(hole[0], hole[1]) else {
            return self.equity(hole, board, opponents);
        };
        let slot = match self
            .cache
            .iter()
            .position(|(b, o, _)| b == board && *o == opponents)
        {
            Some(slot) => slot,
            None => {
                if self.cache.len() == CACHED_BOARDS {
                    self.cache.remove(0);
                }
                self.cache
                    .push((board.to_vec(), opponents, vec![f64::NAN; HAND_COUNT]));
                self.cache.len() - 1
            }
        };
        let cached = self.cache[slot].2[hand.as_usize()];
        if !cached.is_nan() {
            return cached;
        }
        let equity = self.equity(hole, board, opponents);
        self.cache[slot].2[hand.as_usize()] = equity;
        equity
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
        let equity = self.cached_equity(observation.hole, &observation.board, opponents);
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

    fn policy(&mut self, observation: &Observation) -> Vec<(Action, f64)> {
        vec![(self.act(observation), 1.0)]
    }
}
