//! Hand-strength features for abstraction: expected hand strength (EHS), its second moment (EHS²)
//! and a histogram of the final hand strength, of one hand on a board against a range.
//!
//! Hand strength (HS) on a complete board is the hand's share of the pot against the opponent range
//! (weighted, hands blocked by the board or the hand removed; ties count half). EHS and EHS² average
//! HS and HS² over the runouts, each runout weighted equally (the usual definition, with a uniform
//! range giving the classic values, e.g. about 0.85 for aces preflop). Runouts are enumerated when
//! there are at most `exact_runouts` of them, otherwise `samples` are drawn with a seed.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use crate::card::{Card, CardSet};
use crate::equity::EquityError;
use crate::eval::Hand;
use crate::hand_index::HandIndex;
use crate::range::Range;

/// Most histogram bins [`hand_strength`] accepts (more than there are runouts to fill them).
pub const MAX_BINS: usize = 1 << 20;

/// Runouts sampled per batch: enough to keep every thread busy, few enough to bound the memory.
const SAMPLE_BATCH: u64 = 1 << 16;

/// How to enumerate or sample runouts, and the histogram's resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrengthOptions {
    /// Number of equal-width histogram bins over `[0, 1]`.
    pub bins: usize,
    /// Enumerate every runout when there are at most this many.
    pub exact_runouts: u64,
    /// Runouts sampled otherwise.
    pub samples: u64,
    /// Seed of the sampling.
    pub seed: u64,
}

impl Default for StrengthOptions {
    fn default() -> Self {
        StrengthOptions {
            bins: 10,
            exact_runouts: 20_000,
            samples: 20_000,
            seed: 0,
        }
    }
}

/// EHS, EHS² and the HS histogram of a hand.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HandStrength {
    /// Mean final hand strength.
    pub ehs: f64,
    /// Mean squared final hand strength (rewards hands whose strength varies: draws).
    pub ehs2: f64,
    /// Fraction of runouts whose HS falls in each bin (`bins` equal widths; 1.0 goes to the last).
    pub histogram: Vec<f64>,
    /// Whether every runout was enumerated.
    pub exact: bool,
    /// Runouts used.
    pub runouts: u64,
}

/// EHS, EHS² and the HS histogram of `hand` on `board` (0 to 5 cards) against `opponent`.
pub fn hand_strength(
    hand: HandIndex,
    board: CardSet,
    opponent: &Range,
    options: &StrengthOptions,
) -> Result<HandStrength, EquityError> {
    if board.len() > 5 {
        return Err(EquityError::BoardTooLong(board.len()));
    }
    let ours = hand.card_set();
    let common = ours.0 & board.0;
    if common != 0 {
        return Err(EquityError::HandOnBoard(Card::from_u8(
            common.trailing_zeros() as u8,
        )));
    }
    let used = ours.union(board);
    let opponents: Vec<(u64, Hand, f64)> = HandIndex::all()
        .filter(|h| !h.card_set().intersects(used) && opponent.weight(*h) > 0.0)
        .map(|h| {
            let (a, b) = h.cards();
            (
                h.card_set().0,
                Hand::new().add(a).add(b),
                opponent.weight(h) as f64,
            )
        })
        .collect();
    if opponents.is_empty() {
        return Err(EquityError::EmptyRange(1));
    }
    let bins = options.bins.max(1);
    if bins > MAX_BINS {
        return Err(EquityError::TooManyBins {
            found: bins,
            max: MAX_BINS,
        });
    }
    let deck: Vec<u8> = (0..52u8).filter(|&c| used.0 & 1 << c == 0).collect();
    let k = 5 - board.len();
    let count = (0..k as u64).fold(1u64, |acc, i| acc * (deck.len() as u64 - i) / (i + 1));
    let exact = count <= options.exact_runouts;
    if !exact && options.samples == 0 {
        return Err(EquityError::NoSamples);
    }
    let (h0, h1) = hand.cards();
    let hero = Hand::from_set(board).add(h0).add(h1);
    let board_hand = Hand::from_set(board);
    let strength_on = |runout: u64| -> Option<f64> {
        let cards = CardSet(runout);
        let full = cards.iter().fold(board_hand, |h, c| h.add(c));
        let ours = cards.iter().fold(hero, |h, c| h.add(c)).rank();
        let (mut share, mut total) = (0.0, 0.0);
        for &(mask, opp, weight) in &opponents {
            if mask & runout != 0 {
                continue;
            }
            let theirs = full.combine(opp).rank();
            total += weight;
            if ours > theirs {
                share += weight;
            } else if ours == theirs {
                share += weight / 2.0;
            }
        }
        (total > 0.0).then(|| share / total)
    };
    let mut histogram = vec![0.0; bins];
    let (mut sum, mut sum_sq, mut n) = (0.0, 0.0, 0u64);
    // Strengths are computed in parallel but summed in runout order, so the result does not
    // depend on the thread count.
    let mut accumulate = |runouts: &[u64]| {
        let strengths: Vec<Option<f64>> = runouts.par_iter().map(|&r| strength_on(r)).collect();
        for hs in strengths.into_iter().flatten() {
            sum += hs;
            sum_sq += hs * hs;
            n += 1;
            histogram[((hs * bins as f64) as usize).min(bins - 1)] += 1.0;
        }
    };
    if exact {
        // At most C(50, 5) = 2,118,760 runouts (preflop), whatever `exact_runouts` says.
        let mut all = Vec::with_capacity(count as usize);
        combinations(&deck, k, 0, &mut all);
        accumulate(&all);
    } else {
        // Sampled in batches from one stream, so memory stays bounded however many samples are
        // asked for (the batches draw exactly the runouts one long draw would).
        let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
        let mut local = deck.clone();
        let mut batch = Vec::with_capacity(SAMPLE_BATCH.min(options.samples) as usize);
        let mut drawn = 0u64;
        while drawn < options.samples {
            let size = SAMPLE_BATCH.min(options.samples - drawn);
            batch.clear();
            batch.extend((0..size).map(|_| {
                let mut mask = 0;
                for j in 0..k {
                    let r = rng.gen_range(j..local.len());
                    local.swap(j, r);
                    mask |= 1u64 << local[j];
                }
                mask
            }));
            accumulate(&batch);
            drawn += size;
        }
    }
    if n == 0 {
        return Err(EquityError::NoCompatiblePair);
    }
    histogram.iter_mut().for_each(|x| *x /= n as f64);
    Ok(HandStrength {
        ehs: sum / n as f64,
        ehs2: sum_sq / n as f64,
        histogram,
        exact,
        runouts: n,
    })
}

fn combinations(deck: &[u8], k: usize, mask: u64, out: &mut Vec<u64>) {
    if k == 0 {
        out.push(mask);
        return;
    }
    if deck.len() < k {
        return;
    }
    for i in 0..=deck.len() - k {
        combinations(&deck[i + 1..], k - 1, mask | 1 << deck[i], out);
    }
}
