//! Census: every 5-, 6- or 7-card hand counted by strength.
//!
//! The enumeration is the evaluator's fastest path (one-card [`Hand`]s added with
//! [`Hand::combine`], one add per level, the last three levels as plain loops over slices), and the
//! count is kept per [`HandRank`] in a dense array of `u32`; categories and the number of distinct
//! ranks are derived from the 7,462 counters afterwards instead of once per hand.
//!
//! The last card is not always evaluated once per hand: when the cards before it hold no four of a
//! suit, no last card can make a flush, and then the four suits of one rank give the same hand
//! rank (the evaluator reads only the rank-key sum of a non-flush hand), so each rank is evaluated
//! once and counted once per card. That holds for 89% of the 6-card prefixes and makes the census
//! count hands faster than the evaluator alone enumerates them (docs/performance.md: its hands/s
//! is hands counted, not evaluations). The counts are checked against `cards.json` in
//! `tests/enumeration.rs`.

use rayon::prelude::*;
use thiserror::Error;

use crate::card::Card;
use crate::eval::{Category, Hand, HandRank, DISTINCT_RANKS};

/// Why a census cannot be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum CensusError {
    /// The evaluator ranks 5, 6 or 7 cards only.
    #[error("hand size must be 5, 6 or 7, found {0}")]
    BadSize(usize),
}

/// How many hands of one size have each strength.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Census {
    size: usize,
    per_rank: Vec<u64>,
}

/// Per-worker counters. `u32` halves the cache footprint of `u64` (the array stays in L1); it
/// cannot overflow, as no rank occurs more than 133,784,560 times (all 7-card hands) < 2^32.
struct Counters(Box<[u32; DISTINCT_RANKS]>);

impl Counters {
    fn new() -> Counters {
        Counters(Box::new([0; DISTINCT_RANKS]))
    }

    fn merge(mut self, other: Counters) -> Counters {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a += b;
        }
        self
    }
}

/// The 52 one-card hands in card order.
fn one_card_hands() -> [Hand; 52] {
    std::array::from_fn(|c| Hand::new().add(Card::from_u8(c as u8)))
}

/// Counts the hands ranked `rank(card)` for each card of `rest`. Run-length counting: consecutive
/// cards are mostly the four suits of one rank, which rank alike, so a counter is written once per
/// run instead of once per hand (an increment per hand in memory made the loop ~10% slower).
#[inline(always)]
fn count_last(counts: &mut [u32; DISTINCT_RANKS], rest: &[Hand], rank: impl Fn(Hand) -> HandRank) {
    let mut last = 0;
    let mut run = 0;
    for &card in rest {
        let value = rank(card).value() as usize;
        if value != last {
            counts[last] += run;
            last = value;
            run = 0;
        }
        run += 1;
    }
    counts[last] += run;
}

/// Counts `but_last` plus each card of `rest` when `but_last` holds no four cards of a suit. Then no
/// last card makes a flush, and a non-flush hand's rank depends on its ranks only (the evaluator reads
/// the rank-key sum, in which suits play no part), so the cards of one rank in `rest` all give the
/// same hand rank: one evaluation per rank, counted once per card. `rest` is a tail of the deck in
/// card order (`rank * 4 + suit`, ending with the aces): its first `len % 4` cards finish one rank
/// and the rest are whole ranks of four.
#[inline(always)]
fn count_last_by_rank(counts: &mut [u32; DISTINCT_RANKS], but_last: Hand, rest: &[Hand]) {
    let (partial, whole) = rest.split_at(rest.len() % 4);
    if let Some(&card) = partial.first() {
        counts[but_last.combine(card).rank_without_flush().value() as usize] +=
            partial.len() as u32;
    }
    for same_rank in whole.chunks_exact(4) {
        counts[but_last.combine(same_rank[0]).rank_without_flush().value() as usize] += 4;
    }
}

/// Counts `prefix` plus every 3 cards of `rest`: the innermost levels, where all the time goes.
/// `split_first` walks the slices without bounds checks.
#[inline(never)]
fn count_last_three(counters: &mut Counters, prefix: Hand, rest: &[Hand]) {
    let counts = &mut *counters.0;
    let mut after_first = rest;
    while let Some((&first, tail)) = after_first.split_first() {
        let with_first = prefix.combine(first);
        let mut after_second = tail;
        while let Some((&second, tail)) = after_second.split_first() {
            let but_last = with_first.combine(second);
            // With four of a suit some last cards make a flush: rank every hand.
            if but_last.one_card_from_flush() {
                count_last(counts, tail, |card| but_last.combine(card).rank());
            } else {
                count_last_by_rank(counts, but_last, tail);
            }
            after_second = tail;
        }
        after_first = tail;
    }
}

/// Counts `prefix` plus every `left` cards of `rest` (`left >= 3`).
fn count_from(counters: &mut Counters, prefix: Hand, rest: &[Hand], left: usize) {
    if left == 3 {
        count_last_three(counters, prefix, rest);
        return;
    }
    let mut remaining = rest;
    while let Some((&card, tail)) = remaining.split_first() {
        if tail.len() < left - 1 {
            break;
        }
        count_from(counters, prefix.combine(card), tail, left - 1);
        remaining = tail;
    }
}

fn check_size(size: usize) -> Result<(), CensusError> {
    if (5..=7).contains(&size) {
        Ok(())
    } else {
        Err(CensusError::BadSize(size))
    }
}

/// The lowest two cards of every hand of `size` cards, as indices `(a, b)` with `a < b`: the unit
/// of parallel work (1,081 to 1,176 of them, the largest holding under 2% of the hands, so threads
/// share the work evenly).
fn lowest_pairs(size: usize) -> impl Iterator<Item = (usize, usize)> {
    let last = 52 - (size - 2);
    (0..last).flat_map(move |a| (a + 1..last).map(move |b| (a, b)))
}

fn count_pair(counters: &mut Counters, cards: &[Hand; 52], size: usize, (a, b): (usize, usize)) {
    count_from(
        counters,
        cards[a].combine(cards[b]),
        &cards[b + 1..],
        size - 2,
    );
}

impl Census {
    /// Counts every hand of `size` cards (5, 6 or 7), split over rayon's threads.
    pub fn parallel(size: usize) -> Result<Census, CensusError> {
        check_size(size)?;
        let cards = one_card_hands();
        let pairs: Vec<(usize, usize)> = lowest_pairs(size).collect();
        let counters = pairs
            .into_par_iter()
            .fold(Counters::new, |mut counters, pair| {
                count_pair(&mut counters, &cards, size, pair);
                counters
            })
            .reduce(Counters::new, Counters::merge);
        Ok(Census::from_counters(size, &counters))
    }

    /// Counts every hand of `size` cards (5, 6 or 7) on the calling thread only.
    pub fn serial(size: usize) -> Result<Census, CensusError> {
        check_size(size)?;
        let cards = one_card_hands();
        let mut counters = Counters::new();
        for pair in lowest_pairs(size) {
            count_pair(&mut counters, &cards, size, pair);
        }
        Ok(Census::from_counters(size, &counters))
    }

    fn from_counters(size: usize, counters: &Counters) -> Census {
        Census {
            size,
            per_rank: counters.0.iter().map(|&n| n as u64).collect(),
        }
    }

    /// Cards per hand (5, 6 or 7).
    pub fn size(&self) -> usize {
        self.size
    }

    /// Hands whose best five cards have strength `rank`.
    pub fn count(&self, rank: HandRank) -> u64 {
        self.per_rank
            .get(rank.value() as usize)
            .copied()
            .unwrap_or(0)
    }

    /// Hands counted: C(52, size).
    pub fn total(&self) -> u64 {
        self.per_rank.iter().sum()
    }

    /// Hands per category, indexed by `Category as usize` (weakest first).
    pub fn by_category(&self) -> [u64; 9] {
        let mut counts = [0u64; 9];
        for (value, &n) in self.per_rank.iter().enumerate() {
            counts[HandRank(value as u16).category() as usize] += n;
        }
        counts
    }

    /// Hands of one category.
    pub fn category(&self, category: Category) -> u64 {
        self.by_category()[category as usize]
    }

    /// Number of distinct strengths that occur (7,462 for 5 and 7 cards, 6,075 for 6).
    pub fn distinct_ranks(&self) -> usize {
        self.per_rank.iter().filter(|&&n| n > 0).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_outside_five_to_seven_are_refused() {
        for size in [0, 1, 4, 8, 52, usize::MAX] {
            assert_eq!(Census::serial(size), Err(CensusError::BadSize(size)));
            assert_eq!(Census::parallel(size), Err(CensusError::BadSize(size)));
        }
    }

    #[test]
    fn per_rank_counts_match_ranking_every_six_card_hand() {
        // The census ranks one card per rank when no flush is possible; rank every hand instead.
        let mut expected = vec![0u64; DISTINCT_RANKS];
        let cards = one_card_hands();
        for a in 0..52 {
            for b in a + 1..52 {
                for c in b + 1..52 {
                    let abc = cards[a].combine(cards[b]).combine(cards[c]);
                    for d in c + 1..52 {
                        for e in d + 1..52 {
                            let abcde = abc.combine(cards[d]).combine(cards[e]);
                            for f in e + 1..52 {
                                expected[abcde.combine(cards[f]).rank().value() as usize] += 1;
                            }
                        }
                    }
                }
            }
        }
        let census = Census::parallel(6).unwrap();
        for (value, &n) in expected.iter().enumerate() {
            assert_eq!(census.count(HandRank(value as u16)), n, "rank {value}");
        }
    }

    #[test]
    fn five_card_census_counts_each_hand_once() {
        // C(52, 5); each of the 40 straight flushes (royal included) has one of 10 ranks, 4 each.
        let census = Census::serial(5).unwrap();
        assert_eq!(census.total(), 2_598_960);
        assert_eq!(census.category(Category::StraightFlush), 40);
        assert_eq!(census.count(HandRank(DISTINCT_RANKS as u16 - 1)), 4);
        assert_eq!(census, Census::parallel(5).unwrap());
    }
}
