//! Two-player all-in equity: hand vs hand, hand vs range, range vs range, with a board (0 to 5
//! cards) and dead cards.
//!
//! Exact enumeration when the work (runouts × live hands) is small enough, which always includes a
//! flop or later board and any hand vs hand (preflop: 1,712,304 boards, two evaluations each);
//! otherwise seeded Monte Carlo with a standard error. Range vs range on one runout counts wins and
//! ties of every hand pair at once with a sweep over hands sorted by strength and per-card
//! blocker sums, so a runout costs O(n log n), not O(n²).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use thiserror::Error;

use crate::card::{Card, CardSet};
use crate::eval::Hand;
use crate::hand_index::{HandIndex, HAND_COUNT};
use crate::range::Range;

/// Why an equity question cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EquityError {
    /// More than five board cards.
    #[error("a board has at most 5 cards, found {0}")]
    BoardTooLong(usize),
    /// A card is both on the board and dead.
    #[error("card {0} is both on the board and dead")]
    BoardDeadOverlap(Card),
    /// A card of the hand is also on the board.
    #[error("card {0} is both in the hand and on the board")]
    HandOnBoard(Card),
    /// A player (0-based; printed 1-based) has no hand left once board and dead cards are removed.
    #[error("player {}'s range is empty after removing board and dead cards", .0 + 1)]
    EmptyRange(usize),
    /// No pair of hands of the two players is compatible (they block each other completely).
    #[error("the two ranges have no compatible pair of hands")]
    NoCompatiblePair,
    /// Once the board, the dead cards and both hands are out, the deck cannot complete the board.
    #[error(
        "the board needs {needed} more card(s) but only {left} are left once the board, dead cards and both hands are removed"
    )]
    NotEnoughCards {
        /// Cards still to deal to complete a 5-card board.
        needed: usize,
        /// Cards left in the deck for any pair of hands.
        left: usize,
    },
    /// Monte Carlo was asked for zero samples.
    #[error("the number of Monte Carlo samples must be positive")]
    NoSamples,
    /// More histogram bins than [`crate::strength::MAX_BINS`].
    #[error("at most {max} histogram bins, found {found}")]
    TooManyBins {
        /// Bins asked for.
        found: usize,
        /// The limit.
        max: usize,
    },
}

/// How to compute: when to switch to Monte Carlo, and how to sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EquityOptions {
    /// Enumerate exactly when runouts × live hands is at most this (hand vs hand is always exact).
    pub exact_limit: u64,
    /// Monte Carlo samples (deals of a hand pair and a runout).
    pub samples: u64,
    /// Seed of the Monte Carlo stream (same seed, same result, whatever the thread count).
    pub seed: u64,
}

impl Default for EquityOptions {
    fn default() -> Self {
        EquityOptions {
            exact_limit: 100_000_000,
            samples: 2_000_000,
            seed: 0,
        }
    }
}

/// Equity of two players; ties are shared (`equity = win + tie / 2`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Equity {
    /// Share of the pot per player.
    pub equity: [f64; 2],
    /// Probability that each player wins outright.
    pub win: [f64; 2],
    /// Probability of a tie.
    pub tie: f64,
    /// Whether this is an exact enumeration.
    pub exact: bool,
    /// Standard error of `equity[0]` when sampled.
    pub std_error: Option<f64>,
    /// Boards enumerated (exact) or samples drawn (Monte Carlo).
    pub trials: u64,
}

/// One live hand: its index, cards, weight and partial evaluator state.
#[derive(Clone, Copy)]
struct Live {
    index: u16,
    cards: (u8, u8),
    mask: u64,
    weight: f64,
    hand: Hand,
}

fn live_hands(range: &Range, blocked: CardSet) -> Vec<Live> {
    HandIndex::all()
        .filter(|h| !h.card_set().intersects(blocked) && range.weight(*h) > 0.0)
        .map(|h| {
            let (a, b) = h.cards();
            Live {
                index: h.0,
                cards: (a.index(), b.index()),
                mask: h.card_set().0,
                weight: range.weight(h) as f64,
                hand: Hand::new().add(a).add(b),
            }
        })
        .collect()
}

fn binomial(n: u64, k: u64) -> u64 {
    (0..k).fold(1, |acc, i| acc * (n - i) / (i + 1))
}

/// Calls `visit(board hand, board mask)` for every way to complete the board with `k` cards of
/// `deck`.
fn for_each_runout(
    deck: &[u8],
    k: usize,
    hand: Hand,
    mask: u64,
    visit: &mut impl FnMut(Hand, u64),
) {
    if k == 0 {
        visit(hand, mask);
        return;
    }
    for i in 0..=deck.len() - k {
        let c = deck[i];
        for_each_runout(
            &deck[i + 1..],
            k - 1,
            hand.add(Card::from_u8(c)),
            mask | 1 << c,
            visit,
        );
    }
}

/// Equity of range `a` against range `b` (a single hand is a range: `AhKh`).
pub fn equity(
    a: &Range,
    b: &Range,
    board: CardSet,
    dead: CardSet,
    options: &EquityOptions,
) -> Result<Equity, EquityError> {
    if board.len() > 5 {
        return Err(EquityError::BoardTooLong(board.len()));
    }
    let common = board.0 & dead.0;
    if common != 0 {
        return Err(EquityError::BoardDeadOverlap(Card::from_u8(
            common.trailing_zeros() as u8,
        )));
    }
    let blocked = board.union(dead);
    let hands = [live_hands(a, blocked), live_hands(b, blocked)];
    for (player, h) in hands.iter().enumerate() {
        if h.is_empty() {
            return Err(EquityError::EmptyRange(player));
        }
    }
    let deck: Vec<u8> = (0..52u8).filter(|&c| blocked.0 & 1 << c == 0).collect();
    let k = 5 - board.len();
    // Live hands avoid the blocked cards, so every compatible pair leaves the same number of cards:
    // checking it once makes every runout loop below (exact and sampled) safe.
    let left = deck.len().saturating_sub(4);
    if left < k {
        return Err(EquityError::NotEnoughCards { needed: k, left });
    }
    let board_hand = Hand::from_set(board);
    if hands[0].len() == 1 && hands[1].len() == 1 {
        return hand_vs_hand(&hands[0][0], &hands[1][0], &deck, k, board_hand, board.0);
    }
    let runouts = binomial(deck.len() as u64, k as u64);
    let work = runouts.saturating_mul((hands[0].len() + hands[1].len()) as u64);
    if work <= options.exact_limit {
        exact_ranges(&hands, &deck, k, board_hand, board.0)
    } else if options.samples == 0 {
        Err(EquityError::NoSamples)
    } else {
        monte_carlo(&hands, &deck, k, board_hand, options)
    }
}

fn finish(win: f64, tie: f64, total: f64, exact: bool, trials: u64) -> Result<Equity, EquityError> {
    if total <= 0.0 {
        return Err(EquityError::NoCompatiblePair);
    }
    let (w, t) = (win / total, tie / total);
    let lose = (1.0 - w - t).max(0.0);
    Ok(Equity {
        equity: [w + t / 2.0, lose + t / 2.0],
        win: [w, lose],
        tie: t,
        exact,
        std_error: None,
        trials,
    })
}

fn hand_vs_hand(
    a: &Live,
    b: &Live,
    deck: &[u8],
    k: usize,
    board_hand: Hand,
    board_mask: u64,
) -> Result<Equity, EquityError> {
    if a.mask & b.mask != 0 {
        return Err(EquityError::NoCompatiblePair);
    }
    let deck: Vec<u8> = deck
        .iter()
        .copied()
        .filter(|&c| (a.mask | b.mask) & 1 << c == 0)
        .collect();
    let (mut wins, mut ties, mut boards) = (0u64, 0u64, 0u64);
    for_each_runout(&deck, k, board_hand, board_mask, &mut |board, _| {
        let ra = board.combine(a.hand).rank();
        let rb = board.combine(b.hand).rank();
        wins += (ra > rb) as u64;
        ties += (ra == rb) as u64;
        boards += 1;
    });
    finish(wins as f64, ties as f64, boards as f64, true, boards)
}

/// Sums over one runout: (weighted wins of player 0, weighted ties, weighted compatible pairs).
struct Sweep {
    ranked: Vec<(u16, u8, u32)>,
    weights_b: Vec<f64>,
}

impl Sweep {
    fn new(b: &[Live]) -> Sweep {
        let mut weights_b = vec![0.0; HAND_COUNT];
        for h in b {
            weights_b[h.index as usize] = h.weight;
        }
        Sweep {
            ranked: Vec::with_capacity(HAND_COUNT * 2),
            weights_b,
        }
    }

    fn run(&mut self, hands: &[Vec<Live>; 2], board: Hand, mask: u64) -> (f64, f64, f64) {
        self.ranked.clear();
        for (player, list) in hands.iter().enumerate() {
            for (i, h) in list.iter().enumerate() {
                if h.mask & mask == 0 {
                    let rank = board.combine(h.hand).rank().value();
                    self.ranked.push((rank, player as u8, i as u32));
                }
            }
        }
        self.ranked.sort_unstable();
        let (a, b) = (&hands[0], &hands[1]);
        let mut total_b = 0.0;
        let mut card_b = [0.0f64; 52];
        for h in b {
            if h.mask & mask == 0 {
                total_b += h.weight;
                card_b[h.cards.0 as usize] += h.weight;
                card_b[h.cards.1 as usize] += h.weight;
            }
        }
        // Running sums of player 1's weight strictly below the current rank.
        let mut below = 0.0;
        let mut card_below = [0.0f64; 52];
        let (mut win, mut tie, mut total) = (0.0, 0.0, 0.0);
        let mut start = 0;
        while start < self.ranked.len() {
            let rank = self.ranked[start].0;
            let mut end = start;
            while end < self.ranked.len() && self.ranked[end].0 == rank {
                end += 1;
            }
            let group = &self.ranked[start..end];
            for &(_, player, i) in group {
                if player == 0 {
                    let h = &a[i as usize];
                    let (x, y) = (h.cards.0 as usize, h.cards.1 as usize);
                    let lt = below - card_below[x] - card_below[y];
                    win += h.weight * lt;
                    tie -= h.weight * lt;
                }
            }
            for &(_, player, i) in group {
                if player == 1 {
                    let h = &b[i as usize];
                    below += h.weight;
                    card_below[h.cards.0 as usize] += h.weight;
                    card_below[h.cards.1 as usize] += h.weight;
                }
            }
            for &(_, player, i) in group {
                if player == 0 {
                    let h = &a[i as usize];
                    let (x, y) = (h.cards.0 as usize, h.cards.1 as usize);
                    let same = self.weights_b[h.index as usize];
                    tie += h.weight * (below - card_below[x] - card_below[y] + same);
                    total += h.weight * (total_b - card_b[x] - card_b[y] + same);
                }
            }
            start = end;
        }
        (win, tie, total)
    }
}

fn exact_ranges(
    hands: &[Vec<Live>; 2],
    deck: &[u8],
    k: usize,
    board_hand: Hand,
    board_mask: u64,
) -> Result<Equity, EquityError> {
    // Split the runouts by their first card so rayon can share them out.
    let boards: Vec<(Hand, u64, usize)> = if k == 0 {
        vec![(board_hand, board_mask, deck.len())]
    } else {
        (0..=deck.len() - k)
            .map(|i| {
                let c = deck[i];
                (board_hand.add(Card::from_u8(c)), board_mask | 1 << c, i + 1)
            })
            .collect()
    };
    let k_rest = k.saturating_sub(1);
    let (win, tie, total, count) = boards
        .par_iter()
        .map(|&(hand, mask, from)| {
            let mut sweep = Sweep::new(&hands[1]);
            let mut sums = (0.0, 0.0, 0.0, 0u64);
            for_each_runout(
                &deck[from.min(deck.len())..],
                k_rest,
                hand,
                mask,
                &mut |h, m| {
                    let (w, t, n) = sweep.run(hands, h, m);
                    sums.0 += w;
                    sums.1 += t;
                    sums.2 += n;
                    sums.3 += 1;
                },
            );
            sums
        })
        .reduce(
            || (0.0, 0.0, 0.0, 0),
            |x, y| (x.0 + y.0, x.1 + y.1, x.2 + y.2, x.3 + y.3),
        );
    finish(win, tie, total, true, count)
}

fn cumulative(hands: &[Live]) -> Vec<f64> {
    let mut sum = 0.0;
    hands
        .iter()
        .map(|h| {
            sum += h.weight;
            sum
        })
        .collect()
}

fn pick(rng: &mut ChaCha8Rng, cumulative: &[f64]) -> usize {
    let total = *cumulative.last().expect("non-empty");
    let x = rng.gen::<f64>() * total;
    cumulative
        .partition_point(|&c| c <= x)
        .min(cumulative.len() - 1)
}

fn monte_carlo(
    hands: &[Vec<Live>; 2],
    deck: &[u8],
    k: usize,
    board_hand: Hand,
    options: &EquityOptions,
) -> Result<Equity, EquityError> {
    const CHUNK: u64 = 1 << 16;
    let cumulatives = [cumulative(&hands[0]), cumulative(&hands[1])];
    let chunks = options.samples.div_ceil(CHUNK).max(1);
    // Per chunk: (samples, wins, ties, sum of x², attempts).
    let (n, wins, ties, sum_sq, _) = (0..chunks)
        .into_par_iter()
        .map(|chunk| {
            let mut rng =
                ChaCha8Rng::seed_from_u64(options.seed ^ chunk.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let want = CHUNK.min(options.samples - chunk * CHUNK);
            let (mut n, mut wins, mut ties, mut sum_sq, mut attempts) =
                (0u64, 0u64, 0u64, 0.0, 0u64);
            let mut local: Vec<u8> = Vec::with_capacity(deck.len());
            while n < want {
                attempts += 1;
                if attempts > 1000 * (n + 1) {
                    break; // the ranges (almost) never fit together
                }
                let a = &hands[0][pick(&mut rng, &cumulatives[0])];
                let b = &hands[1][pick(&mut rng, &cumulatives[1])];
                if a.mask & b.mask != 0 {
                    continue;
                }
                local.clear();
                local.extend(
                    deck.iter()
                        .copied()
                        .filter(|&c| (a.mask | b.mask) & 1 << c == 0),
                );
                let mut board = board_hand;
                for j in 0..k {
                    let r = rng.gen_range(j..local.len());
                    local.swap(j, r);
                    board = board.add(Card::from_u8(local[j]));
                }
                let ra = board.combine(a.hand).rank();
                let rb = board.combine(b.hand).rank();
                n += 1;
                if ra > rb {
                    wins += 1;
                    sum_sq += 1.0;
                } else if ra == rb {
                    ties += 1;
                    sum_sq += 0.25;
                }
            }
            (n, wins, ties, sum_sq, attempts)
        })
        .reduce(
            || (0, 0, 0, 0.0, 0),
            |x, y| (x.0 + y.0, x.1 + y.1, x.2 + y.2, x.3 + y.3, x.4 + y.4),
        );
    if n == 0 {
        return Err(EquityError::NoCompatiblePair);
    }
    let mut result = finish(wins as f64, ties as f64, n as f64, false, n)?;
    let mean = result.equity[0];
    let variance = (sum_sq / n as f64 - mean * mean).max(0.0);
    result.std_error = Some((variance / n as f64).sqrt());
    Ok(result)
}
