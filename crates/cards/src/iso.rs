//! Suit-isomorphism indexer: a perfect, dense index of card groups up to permutation of the four
//! suits, with rounds kept apart (cards within a round are unordered; a card dealt on the flop is
//! never confused with a hole card).
//!
//! Scheme (after Waugh's hand isomorphism): each suit gets a *shape* (how many of its cards fall in
//! each round) and a *value* (mixed-radix colex rank of its per-round rank sets, each round's set
//! ranked among the ranks that suit has not used yet). Sorting the four (shape, value) pairs is a
//! canonical form. The sorted shapes name a *configuration*; within it, suits of equal shape form a
//! multiset of values, ranked by the multiset colex rank. Index = configuration offset + mixed-radix
//! rank of its groups. Everything is arithmetic on small tables: no hashing, no allocation.

// Index loops over rounds and suits read several parallel arrays at once.
#![allow(clippy::needless_range_loop)]

use crate::card::Card;

const MAX_ROUNDS: usize = 8;

/// Pascal's triangle up to 63: the colex ranks of rank sets only need these, so the hot path is a
/// table read.
static SMALL_BINOMIALS: [[u64; 64]; 64] = {
    let mut table = [[0u64; 64]; 64];
    let mut n = 0;
    while n < 64 {
        table[n][0] = 1;
        let mut k = 1;
        while k <= n {
            table[n][k] = table[n - 1][k - 1] + if k < n { table[n - 1][k] } else { 0 };
            k += 1;
        }
        n += 1;
    }
    table
};

fn binomial(n: u64, k: u64) -> u64 {
    if k > n {
        return 0;
    }
    if n < 64 {
        return SMALL_BINOMIALS[n as usize][k as usize];
    }
    let k = k.min(n - k);
    let mut result: u128 = 1;
    for i in 0..k as u128 {
        result = result * (n as u128 - i) / (i + 1);
    }
    result as u64
}

/// Colex rank of a 13-bit set: sum of C(position, i) over its elements, i counting from 1.
fn colex(mut set: u32) -> u64 {
    let mut rank = 0;
    let mut i = 1;
    while set != 0 {
        rank += binomial(set.trailing_zeros() as u64, i);
        i += 1;
        set &= set - 1;
    }
    rank
}

/// Inverse of [`colex`] for sets of `k` elements.
fn colex_unrank(mut rank: u64, k: u32) -> u32 {
    let mut set = 0;
    for i in (1..=k as u64).rev() {
        let mut p = i - 1;
        while binomial(p + 1, i) <= rank {
            p += 1;
        }
        rank -= binomial(p, i);
        set |= 1 << p;
    }
    set
}

/// `set` restricted to the ranks not in `used`, renumbered densely (bits of `used` squeezed out).
fn squeeze(set: u32, used: u32) -> u32 {
    let mut out = 0;
    let mut bits = set;
    while bits != 0 {
        let r = bits.trailing_zeros();
        out |= 1 << (r - (used & ((1 << r) - 1)).count_ones());
        bits &= bits - 1;
    }
    out
}

/// Inverse of [`squeeze`]: spreads a dense set over the ranks not in `used`.
fn spread(dense: u32, used: u32) -> u32 {
    let mut out = 0;
    let mut free_position = 0;
    for r in 0..13 {
        if used & (1 << r) == 0 {
            if dense & (1 << free_position) != 0 {
                out |= 1 << r;
            }
            free_position += 1;
        }
    }
    out
}

/// One configuration: the four suit shapes in canonical (descending) order.
#[derive(Debug, Clone)]
struct Config {
    key: u64,
    offset: u64,
    /// Per suit position: its shape (round counts packed 4 bits each, round 0 most significant).
    shapes: [u32; 4],
    /// Groups of equal shapes: (first suit position, multiplicity, number of values per suit).
    groups: Vec<(usize, usize, u64)>,
}

/// Perfect index of card groups up to suit permutation, per round (see the module docs).
#[derive(Debug, Clone)]
pub struct SuitIndexer {
    rounds: Vec<u8>,
    /// Per round: configurations sorted by key, and the class count.
    configs: Vec<Vec<Config>>,
    sizes: Vec<u64>,
}

fn shape_counts(shape: u32, rounds: usize) -> [u32; MAX_ROUNDS] {
    let mut counts = [0; MAX_ROUNDS];
    for (j, count) in counts.iter_mut().enumerate().take(rounds) {
        *count = (shape >> (4 * (rounds - 1 - j))) & 15;
    }
    counts
}

/// Number of values a suit of this shape can take.
fn shape_size(shape: u32, rounds: usize) -> u64 {
    let counts = shape_counts(shape, rounds);
    let mut used = 0;
    let mut size = 1;
    for &n in counts.iter().take(rounds) {
        size *= binomial(13 - used, n as u64);
        used += n as u64;
    }
    size
}

fn config_key(shapes: &[u32; 4]) -> u64 {
    shapes.iter().fold(0u64, |key, &s| (key << 16) | s as u64)
}

impl SuitIndexer {
    /// An indexer for rounds of these sizes (e.g. `[2, 3, 1, 1]` for hold'em, `[3]` for a flop
    /// alone): 1 to 8 rounds of 1 to 13 cards each.
    pub fn new(rounds: &[u8]) -> SuitIndexer {
        assert!(
            !rounds.is_empty() && rounds.len() <= MAX_ROUNDS,
            "1 to {MAX_ROUNDS} rounds"
        );
        assert!(rounds.iter().all(|&n| (1..=13).contains(&n)));
        let mut configs = Vec::new();
        let mut sizes = Vec::new();
        for r in 0..rounds.len() {
            let prefix = &rounds[..=r];
            let mut keys = std::collections::BTreeSet::new();
            let mut shapes = [0u32; 4];
            enumerate_shapes(prefix, 0, &mut [[0u8; 4]; MAX_ROUNDS], &mut |counts| {
                for (s, shape) in shapes.iter_mut().enumerate() {
                    *shape = (0..prefix.len()).fold(0, |acc, j| (acc << 4) | counts[j][s] as u32);
                }
                let mut sorted = shapes;
                sorted.sort_unstable_by(|a, b| b.cmp(a));
                keys.insert(sorted);
            });
            let mut round_configs: Vec<Config> = keys
                .into_iter()
                .map(|shapes| {
                    let mut groups = Vec::new();
                    let mut start = 0;
                    while start < 4 {
                        let mut end = start + 1;
                        while end < 4 && shapes[end] == shapes[start] {
                            end += 1;
                        }
                        groups.push((start, end - start, shape_size(shapes[start], prefix.len())));
                        start = end;
                    }
                    Config {
                        key: config_key(&shapes),
                        offset: 0,
                        shapes,
                        groups,
                    }
                })
                .collect();
            round_configs.sort_by_key(|c| c.key);
            let mut offset = 0;
            for config in &mut round_configs {
                config.offset = offset;
                offset += config
                    .groups
                    .iter()
                    .map(|&(_, m, n)| binomial(n + m as u64 - 1, m as u64))
                    .product::<u64>();
            }
            sizes.push(offset);
            configs.push(round_configs);
        }
        SuitIndexer {
            rounds: rounds.to_vec(),
            configs,
            sizes,
        }
    }

    /// Hold'em: hole (2), flop (3), turn (1), river (1).
    pub fn holdem() -> SuitIndexer {
        SuitIndexer::new(&[2, 3, 1, 1])
    }

    /// Cards per round.
    pub fn rounds(&self) -> &[u8] {
        &self.rounds
    }

    /// Number of classes of rounds `0..=round` (the index is dense in `0..size`).
    pub fn size(&self, round: usize) -> u64 {
        self.sizes[round]
    }

    /// Cards dealt in rounds `0..=round`.
    pub fn cards_through(&self, round: usize) -> usize {
        self.rounds[..=round].iter().map(|&n| n as usize).sum()
    }

    /// Index of `cards` (rounds `0..=round` concatenated in round order; order within a round is
    /// irrelevant). `None` if the count is wrong or a card repeats.
    pub fn index(&self, round: usize, cards: &[Card]) -> Option<u64> {
        if round >= self.rounds.len() || cards.len() != self.cards_through(round) {
            return None;
        }
        let rounds = round + 1;
        let mut seen = 0u64;
        let mut sets = [[0u32; MAX_ROUNDS]; 4];
        let mut start = 0;
        for j in 0..rounds {
            let n = self.rounds[j] as usize;
            for &card in &cards[start..start + n] {
                if seen & card.bit() != 0 {
                    return None;
                }
                seen |= card.bit();
                sets[card.suit().index() as usize][j] |= 1 << card.rank().index();
            }
            start += n;
        }
        // (shape, value) per suit.
        let mut suits = [(0u32, 0u64); 4];
        for (s, suit) in suits.iter_mut().enumerate() {
            let mut used = 0u32;
            let mut shape = 0u32;
            let mut value = 0u64;
            for j in 0..rounds {
                let set = sets[s][j];
                let n = set.count_ones();
                shape = (shape << 4) | n;
                value = value * binomial(13 - used.count_ones() as u64, n as u64)
                    + colex(squeeze(set, used));
                used |= set;
            }
            *suit = (shape, value);
        }
        suits.sort_unstable_by(|a, b| b.cmp(a));
        let shapes = [suits[0].0, suits[1].0, suits[2].0, suits[3].0];
        let key = config_key(&shapes);
        let configs = &self.configs[round];
        let config = &configs[configs.binary_search_by_key(&key, |c| c.key).ok()?];
        let mut index = 0u64;
        for &(first, m, n) in &config.groups {
            // Values of the group are sorted descending: w_i = v_i + (m - i) strictly decreasing.
            let mut rank = 0;
            for i in 0..m {
                let w = suits[first + i].1 + (m - 1 - i) as u64;
                rank += binomial(w, (m - i) as u64);
            }
            index = index * binomial(n + m as u64 - 1, m as u64) + rank;
        }
        Some(config.offset + index)
    }

    /// A representative of class `index` of rounds `0..=round`: the cards in round order, each
    /// round sorted ascending. `None` if `index >= size(round)`.
    pub fn unindex(&self, round: usize, index: u64) -> Option<Vec<Card>> {
        if round >= self.rounds.len() || index >= self.sizes[round] {
            return None;
        }
        let rounds = round + 1;
        let configs = &self.configs[round];
        let position = configs.partition_point(|c| c.offset <= index) - 1;
        // Keys and offsets increase together, so this is the configuration holding `index`.
        let config = &configs[position];
        let mut rest = index - config.offset;
        let mut values = [0u64; 4];
        for &(first, m, n) in config.groups.iter().rev() {
            let radix = binomial(n + m as u64 - 1, m as u64);
            let mut rank = rest % radix;
            rest /= radix;
            for i in 0..m {
                let k = (m - i) as u64;
                // Largest w with C(w, k) <= rank.
                let (mut low, mut high) = (k - 1, n + m as u64 - 1);
                while low < high {
                    let mid = (low + high).div_ceil(2);
                    if binomial(mid, k) <= rank {
                        low = mid;
                    } else {
                        high = mid - 1;
                    }
                }
                rank -= binomial(low, k);
                values[first + i] = low - (m - 1 - i) as u64;
            }
        }
        let mut per_round: Vec<Vec<Card>> = vec![Vec::new(); rounds];
        for s in 0..4 {
            let counts = shape_counts(config.shapes[s], rounds);
            let mut radices = [0u64; MAX_ROUNDS];
            let mut used = 0u64;
            for j in 0..rounds {
                radices[j] = binomial(13 - used, counts[j] as u64);
                used += counts[j] as u64;
            }
            let mut digits = [0u64; MAX_ROUNDS];
            let mut value = values[s];
            for j in (0..rounds).rev() {
                digits[j] = value % radices[j];
                value /= radices[j];
            }
            let mut used = 0u32;
            for j in 0..rounds {
                let set = spread(colex_unrank(digits[j], counts[j]), used);
                used |= set;
                let mut bits = set;
                while bits != 0 {
                    let r = bits.trailing_zeros() as u8;
                    per_round[j].push(Card::from_u8(r * 4 + s as u8));
                    bits &= bits - 1;
                }
            }
        }
        Some(
            per_round
                .into_iter()
                .flat_map(|mut cards| {
                    cards.sort_unstable();
                    cards
                })
                .collect(),
        )
    }
}

/// Calls `visit` with every distribution of each round's cards over the four suits (at most 13
/// cards per suit in total).
fn enumerate_shapes(
    rounds: &[u8],
    round: usize,
    counts: &mut [[u8; 4]; MAX_ROUNDS],
    visit: &mut dyn FnMut(&[[u8; 4]; MAX_ROUNDS]),
) {
    if round == rounds.len() {
        visit(counts);
        return;
    }
    let total = rounds[round];
    let used =
        |counts: &[[u8; 4]; MAX_ROUNDS], s: usize| -> u8 { (0..round).map(|j| counts[j][s]).sum() };
    for a in 0..=total {
        for b in 0..=total - a {
            for c in 0..=total - a - b {
                let d = total - a - b - c;
                counts[round] = [a, b, c, d];
                if (0..4).all(|s| used(counts, s) + counts[round][s] <= 13) {
                    enumerate_shapes(rounds, round + 1, counts, visit);
                }
            }
        }
    }
    counts[round] = [0; 4];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_binomials_match_the_product_formula() {
        for n in 0..64u64 {
            for k in 0..=n.min(20) {
                let direct = (0..k as u128).fold(1u128, |acc, i| acc * (n as u128 - i) / (i + 1));
                assert_eq!(binomial(n, k) as u128, direct, "C({n}, {k})");
            }
        }
    }

    #[test]
    fn colex_round_trips() {
        for k in 0..=5u32 {
            for rank in 0..binomial(13, k as u64) {
                let set = colex_unrank(rank, k);
                assert_eq!(set.count_ones(), k);
                assert_eq!(colex(set), rank);
            }
        }
    }

    #[test]
    fn squeeze_and_spread_are_inverse() {
        let used = 0b1010_0110_0001;
        for dense in 0..(1u32 << 7) {
            assert_eq!(squeeze(spread(dense, used), used), dense);
        }
    }
}
