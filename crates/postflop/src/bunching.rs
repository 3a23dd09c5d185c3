//! The bunching effect: players who folded before the flop hold cards too, and their ranges make the
//! cards left for the two active players and for the turn and river less random. With folders' ranges
//! `f_1..f_k` (k <= 4), the joint weight of (OOP hand, IP hand, runout) on a base board is
//! `w_oop(h1) · w_ip(h2) · W(board ∪ h1 ∪ h2 ∪ runout)`, where `W(S)` is the total weight of the ways to
//! give every folder a hand from its range, all hands disjoint and avoiding `S`. That is exact: the
//! remaining cards are then dealt uniformly from what nobody holds, so summing over a dealt card `t`
//! gives `Σ_t W(S ∪ t) = (cards left − 2k) · W(S)`; chance nodes scale by `1 / (cards left − 2k)`.
//!
//! `W` is tabulated once per spot through its Möbius coefficients: `c(U)` = weight of the folder deals
//! whose held cards cover `U` (`|U|` up to the cards a terminal adds to the base board), so that
//! `W(base ∪ X) = Σ_{U ⊆ X} (−1)^{|U|} c(U)`. `c` is filled by enumerating every disjoint deal of the
//! folders exactly once (cost: the product of the folded ranges' sizes, checked against a limit before
//! any work). Each terminal board then gets a dense `OOP hands × IP hands` matrix of `W / W(base)`, and
//! fold and showdown values become matrix–vector products (O(hands²) per terminal instead of O(hands)).

use std::collections::HashMap;

use rayon::prelude::*;
use thiserror::Error;

use crate::cards_glue::Card;
use crate::game::{Game, NodeId, NodeKind};
use crate::tree::Player;

/// At most this many folded ranges.
pub const MAX_FOLDERS: usize = 4;

/// Refuse to enumerate more folder deals than this (about a minute on one core).
pub const WORK_LIMIT: f64 = 3e8;

/// Why bunching cannot be set up for a spot.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum BunchingError {
    /// More than [`MAX_FOLDERS`] ranges.
    #[error("at most {MAX_FOLDERS} folded ranges, got {0}")]
    TooManyFolders(usize),
    /// Bunching on a flop spot.
    #[error("bunching needs a turn or river board (a flop spot would need a table per runout of 6 cards)")]
    Flop,
    /// A folded range is empty once the board's cards are removed.
    #[error("folded range {0} has no hand left on this board")]
    EmptyRange(usize),
    /// No deal gives every folder a hand.
    #[error("the folded ranges cannot all be dealt disjoint hands beside this board")]
    Impossible,
    /// The exact enumeration would take too long.
    #[error(
        "exact bunching would enumerate up to {configurations:.2e} folder deals (limit {limit:.0e}); \
         narrow the folded ranges or give fewer of them"
    )]
    TooMuchWork {
        /// Product of the folded ranges' sizes.
        configurations: f64,
        /// [`WORK_LIMIT`].
        limit: f64,
    },
}

/// Binomial coefficients C(n, k) for n <= 52, k <= 8.
const BINOM: [[u64; 9]; 53] = {
    let mut table = [[0u64; 9]; 53];
    let mut n = 0;
    while n < 53 {
        table[n][0] = 1;
        let mut k = 1;
        while k < 9 && k <= n {
            table[n][k] = table[n - 1][k - 1] + if k < n { table[n - 1][k] } else { 0 };
            k += 1;
        }
        n += 1;
    }
    table
};

fn card_mask(cards: &[Card]) -> u64 {
    cards.iter().fold(0u64, |m, &c| m | 1 << c)
}

/// Total weight of the folder deals avoiding `dead`, by plain enumeration (the tests' oracle).
pub fn brute_force_weight(dead: u64, folders: &[Vec<(Card, Card, f32)>]) -> f64 {
    fn go(level: usize, used: u64, folders: &[Vec<(Card, Card, f32)>]) -> f64 {
        if level == folders.len() {
            return 1.0;
        }
        let mut total = 0.0;
        for &(a, b, w) in &folders[level] {
            let hand = 1u64 << a | 1u64 << b;
            if a != b && used & hand == 0 && w > 0.0 {
                total += w as f64 * go(level + 1, used | hand, folders);
            }
        }
        total
    }
    go(0, dead, folders)
}

/// Möbius coefficients of the folders' deal weight over a base board (see the module doc).
#[derive(Clone, Debug)]
pub struct Coverage {
    /// Cards of the base board.
    base: u64,
    /// Largest |U| tabulated.
    max: usize,
    /// Start of each size's block in `data`.
    offsets: [usize; 10],
    /// c(U), indexed by size then colex rank over the 52 cards.
    data: Vec<f64>,
    /// The folded ranges, base-board hands removed.
    pub folders: Vec<Vec<(Card, Card, f32)>>,
}

impl Coverage {
    /// Tabulates c(U) for |U| <= `max` (the cards a terminal adds to `base`: 4 for hands plus dealt cards).
    pub fn new(
        base: &[Card],
        folders: &[Vec<(Card, Card, f32)>],
        max: usize,
    ) -> Result<Coverage, BunchingError> {
        if folders.len() > MAX_FOLDERS {
            return Err(BunchingError::TooManyFolders(folders.len()));
        }
        let base_mask = card_mask(base);
        let folders: Vec<Vec<(Card, Card, f32)>> = folders
            .iter()
            .map(|range| {
                range
                    .iter()
                    .copied()
                    .filter(|&(a, b, w)| {
                        w > 0.0 && a != b && (1u64 << a | 1u64 << b) & base_mask == 0
                    })
                    .map(|(a, b, w)| (a.min(b), a.max(b), w))
                    .collect()
            })
            .collect();
        if let Some(i) = folders.iter().position(|r| r.is_empty()) {
            return Err(BunchingError::EmptyRange(i));
        }
        let configurations: f64 = folders.iter().map(|r| r.len() as f64).product();
        if configurations > WORK_LIMIT {
            return Err(BunchingError::TooMuchWork {
                configurations,
                limit: WORK_LIMIT,
            });
        }
        let mut offsets = [0usize; 10];
        for s in 0..9 {
            offsets[s + 1] = offsets[s] + BINOM[52][s] as usize;
        }
        let mut coverage = Coverage {
            base: base_mask,
            max,
            offsets,
            data: vec![0.0; offsets[max + 1]],
            folders,
        };
        let mut data = std::mem::take(&mut coverage.data);
        coverage.enumerate(0, base_mask, 1.0, &mut data);
        coverage.data = data;
        if coverage.data[0] <= 0.0 {
            return Err(BunchingError::Impossible);
        }
        Ok(coverage)
    }

    /// Number of folders.
    pub fn folders(&self) -> usize {
        self.folders.len()
    }

    /// Bytes held by the table.
    pub fn bytes(&self) -> u64 {
        self.data.len() as u64 * 8
    }

    fn enumerate(&self, level: usize, used: u64, weight: f64, data: &mut [f64]) {
        if level == self.folders.len() {
            // Every subset of the held cards (up to `max` of them) is covered by this deal.
            let held = used & !self.base;
            let mut sub = held;
            loop {
                if sub.count_ones() as usize <= self.max {
                    data[self.index(sub)] += weight;
                }
                if sub == 0 {
                    break;
                }
                sub = (sub - 1) & held;
            }
            return;
        }
        for &(a, b, w) in &self.folders[level] {
            let hand = 1u64 << a | 1u64 << b;
            if used & hand == 0 {
                self.enumerate(level + 1, used | hand, weight * w as f64, data);
            }
        }
    }

    fn index(&self, mut mask: u64) -> usize {
        let size = mask.count_ones() as usize;
        let mut rank = 0u64;
        let mut i = 1;
        while mask != 0 {
            let c = mask.trailing_zeros() as usize;
            rank += BINOM[c][i];
            i += 1;
            mask &= mask - 1;
        }
        self.offsets[size] + rank as usize
    }

    /// W(base ∪ `dead`): the weight of the folder deals avoiding the base board and `dead`
    /// (`dead` must hold at most `max` cards off the base board).
    pub fn weight(&self, dead: u64) -> f64 {
        let extra = dead & !self.base;
        debug_assert!(extra.count_ones() as usize <= self.max);
        let mut total = 0.0;
        let mut sub = extra;
        loop {
            let c = self.data[self.index(sub)];
            if sub.count_ones() % 2 == 0 {
                total += c;
            } else {
                total -= c;
            }
            if sub == 0 {
                break;
            }
            sub = (sub - 1) & extra;
        }
        total
    }

    /// W(base): the normaliser of every table.
    pub fn base_weight(&self) -> f64 {
        self.data[0]
    }
}

/// Joint weights of hand pairs on one terminal board, `W(board ∪ h1 ∪ h2) / W(base)`.
#[derive(Clone, Debug)]
pub struct PairWeights {
    /// OOP hands × IP hands, row-major; zero for pairs sharing a card or touching the board.
    pub weights: Vec<f32>,
    /// The same times the showdown result for OOP (+1 win, 0 tie, −1 loss); empty if no showdown.
    pub signed: Vec<f32>,
}

/// The bunching tables of a game.
#[derive(Clone, Debug)]
pub struct BunchTables {
    /// Number of folders.
    pub folders: usize,
    /// For each game node, the index of its board in `boards` (terminals only; `u32::MAX` otherwise).
    pub node_board: Vec<u32>,
    /// Pair weights per terminal board.
    pub boards: Vec<PairWeights>,
    /// Sum over hand pairs of `w1 · w2 · W(base ∪ h1 ∪ h2) / W(base)`.
    pub pair_weight: f64,
    /// The folders' deal weights the tables come from (shared with the prepared spot), for the reports'
    /// EV and equity on boards and runouts that have no table of their own.
    pub coverage: std::sync::Arc<Coverage>,
}

impl BunchTables {
    /// Builds the tables for every terminal board of `game`.
    pub fn new(game: &Game, coverage: &std::sync::Arc<Coverage>) -> BunchTables {
        let mut node_board = vec![u32::MAX; game.nodes.len()];
        let mut keys: Vec<(u64, Option<usize>)> = Vec::new();
        let mut index: HashMap<u64, u32> = HashMap::new();
        for (n, node) in game.nodes.iter().enumerate() {
            let showdown = match node.kind {
                NodeKind::Fold(_) => None,
                NodeKind::Showdown(board) => Some(board.0 as usize),
                _ => continue,
            };
            let mask = card_mask(&node.board[..node.board_len as usize]);
            let id = *index.entry(mask).or_insert_with(|| {
                keys.push((mask, None));
                keys.len() as u32 - 1
            });
            if showdown.is_some() {
                keys[id as usize].1 = showdown;
            }
            node_board[n] = id;
        }
        let norm = 1.0 / coverage.base_weight();
        let [h0, h1] = &game.hands;
        let masks: [Vec<u64>; 2] = std::array::from_fn(|p| {
            game.hands[p]
                .cards
                .iter()
                .map(|&(a, b)| 1u64 << a | 1u64 << b)
                .collect()
        });
        let boards = keys
            .par_iter()
            .map(|&(board, showdown)| {
                let mut weights = vec![0.0f32; h0.len() * h1.len()];
                for (i, &m0) in masks[0].iter().enumerate() {
                    if m0 & board != 0 {
                        continue;
                    }
                    let row = &mut weights[i * h1.len()..(i + 1) * h1.len()];
                    for (x, &m1) in row.iter_mut().zip(&masks[1]) {
                        if m1 & (board | m0) == 0 {
                            *x = (coverage.weight(board | m0 | m1) * norm) as f32;
                        }
                    }
                }
                let signed = match showdown {
                    None => Vec::new(),
                    Some(b) => {
                        let data = &game.boards[b];
                        let mut strength: [Vec<u32>; 2] =
                            std::array::from_fn(|p| vec![0; game.hands[p].len()]);
                        for ((table, values), sorted) in
                            strength.iter_mut().zip(&data.strength).zip(&data.sorted)
                        {
                            for (s, h) in values.iter().zip(sorted) {
                                table[h.hand as usize] = *s;
                            }
                        }
                        let mut signed = weights.clone();
                        for i in 0..h0.len() {
                            let row = &mut signed[i * h1.len()..(i + 1) * h1.len()];
                            for (x, &s1) in row.iter_mut().zip(&strength[1]) {
                                let s0 = strength[0][i];
                                *x = match s0.cmp(&s1) {
                                    std::cmp::Ordering::Greater => *x,
                                    std::cmp::Ordering::Equal => 0.0,
                                    std::cmp::Ordering::Less => -*x,
                                };
                            }
                        }
                        signed
                    }
                };
                PairWeights { weights, signed }
            })
            .collect();
        let mut pair_weight = 0.0f64;
        for (i, &m0) in masks[0].iter().enumerate() {
            for (j, &m1) in masks[1].iter().enumerate() {
                if m0 & m1 == 0 {
                    pair_weight += h0.weights[i] as f64
                        * h1.weights[j] as f64
                        * coverage.weight(m0 | m1)
                        * norm;
                }
            }
        }
        BunchTables {
            folders: coverage.folders(),
            node_board,
            boards,
            pair_weight,
            coverage: coverage.clone(),
        }
    }

    /// Bytes of the matrices and of the folders' weight table.
    pub fn bytes(&self) -> u64 {
        self.boards
            .iter()
            .map(|b| (b.weights.len() + b.signed.len()) as u64 * 4)
            .sum::<u64>()
            + self.node_board.len() as u64 * 4
            + self.coverage.bytes()
    }

    /// `W(board ∪ dead) / W(base)`: the relative weight of the folders' deals beside `dead` (a card
    /// mask holding at most the tabulated number of cards off the base board).
    pub fn relative_weight(&self, dead: u64) -> f64 {
        self.coverage.weight(dead) / self.coverage.base_weight()
    }

    /// Values of `player`'s hands at a fold terminal: ±payoff · Σ_o weight(h, o) · reach(o).
    #[allow(clippy::too_many_arguments)]
    pub fn fold_values(
        &self,
        game: &Game,
        node: NodeId,
        player: usize,
        folder: Player,
        payoff: f32,
        opp_reach: &[f32],
        out: &mut [f32],
    ) {
        let payoff = if folder.index() == player {
            -payoff
        } else {
            payoff
        };
        let table = &self.boards[self.node_board[node.0 as usize] as usize].weights;
        product(game, table, player, payoff, opp_reach, out);
    }

    /// Values of `player`'s hands at a showdown: payoff · Σ_o ±weight(h, o) · reach(o).
    pub fn showdown_values(
        &self,
        game: &Game,
        node: NodeId,
        player: usize,
        payoff: f32,
        opp_reach: &[f32],
        out: &mut [f32],
    ) {
        let table = &self.boards[self.node_board[node.0 as usize] as usize].signed;
        let payoff = if player == 0 { payoff } else { -payoff };
        product(game, table, player, payoff, opp_reach, out);
    }
}

/// `out = scale · M · reach` for OOP (rows), `scale · Mᵀ · reach` for IP (columns).
fn product(game: &Game, table: &[f32], player: usize, scale: f32, reach: &[f32], out: &mut [f32]) {
    let cols = game.hands[1].len();
    if player == 0 {
        for (o, row) in out.iter_mut().zip(table.chunks_exact(cols)) {
            // Eight independent partial sums so the loop vectorises (f32 sums are not reassociated).
            let mut lanes = [0.0f32; 8];
            let (row_head, row_tail) = row.split_at(cols - cols % 8);
            let (reach_head, reach_tail) = reach.split_at(cols - cols % 8);
            for (m, r) in row_head.chunks_exact(8).zip(reach_head.chunks_exact(8)) {
                for ((lane, &a), &b) in lanes.iter_mut().zip(m).zip(r) {
                    *lane += a * b;
                }
            }
            let mut sum: f32 = lanes.iter().sum();
            for (&m, &r) in row_tail.iter().zip(reach_tail) {
                sum += m * r;
            }
            *o = scale * sum;
        }
    } else {
        out.fill(0.0);
        for (row, &r) in table.chunks_exact(cols).zip(reach) {
            if r == 0.0 {
                continue;
            }
            for (o, &m) in out.iter_mut().zip(row) {
                *o += m * r;
            }
        }
        for o in out.iter_mut() {
            *o *= scale;
        }
    }
}
