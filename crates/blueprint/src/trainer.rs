//! External-sampling Monte Carlo CFR over the abstract tree: linear weighting by periodic discounting,
//! negative-regret pruning, `i32` regrets with a floor, Hogwild-style lock-free updates on all threads.
//!
//! Iteration `i` deals its cards from an RNG seeded by `(seed, i)` and then lets every seat traverse in
//! turn: at the traverser's nodes all actions are explored (except pruned ones) and regrets updated; at
//! the other seats' nodes one action is sampled from the current strategy, which is added to the
//! strategy sum (the average strategy is what the blueprint plays).

use std::sync::atomic::{AtomicI32, AtomicU32, AtomicU64, Ordering::Relaxed};

use ponder_cards::{Card, Hand, HandRank};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::config::{TrainingConfig, MAX_ACTIONS, MAX_PLAYERS};
use crate::tree::{Tree, TERMINAL};
use crate::CardBuckets;

/// Bytes per regret slot while training: an `i32` regret and an `f32` strategy sum.
pub const BYTES_PER_SLOT: u64 = 8;

/// The trainer's tables and counters.
pub struct Trainer<'a> {
    tree: &'a Tree,
    cards: &'a dyn CardBuckets,
    players: usize,
    training: TrainingConfig,
    /// Cumulative regrets (chips), floored at `regret_floor`.
    pub regrets: Vec<AtomicI32>,
    /// Strategy sums (`f32` bits).
    pub sums: Vec<AtomicU32>,
    /// Iterations done.
    pub iteration: u64,
    /// Information-set updates done (regret updates at the traverser's nodes).
    pub updates: u64,
}

/// What one iteration deals: per seat its buckets on each street and its final hand rank.
struct Deal {
    buckets: [[u32; 4]; MAX_PLAYERS],
    ranks: [HandRank; MAX_PLAYERS],
    prune: bool,
}

/// The RNG of iteration `i`: SplitMix64 of the seed and the iteration, so iterations are independent
/// of the order threads run them in.
pub fn iteration_rng(seed: u64, iteration: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(splitmix(
        seed ^ splitmix(iteration.wrapping_add(0x9E37_79B9)),
    ))
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Regret matching: the positive parts of `regrets`, normalised (uniform when none is positive).
pub fn regret_matching(regrets: &[AtomicI32], out: &mut [f64]) {
    let mut total = 0.0;
    for (o, r) in out.iter_mut().zip(regrets) {
        *o = f64::from(r.load(Relaxed).max(0));
        total += *o;
    }
    if total > 0.0 {
        out.iter_mut().for_each(|o| *o /= total);
    } else {
        let uniform = 1.0 / out.len() as f64;
        out.iter_mut().for_each(|o| *o = uniform);
    }
}

impl<'a> Trainer<'a> {
    /// A trainer with zero regrets and sums (allocates `tree.slots` x [`BYTES_PER_SLOT`]).
    pub fn new(
        tree: &'a Tree,
        cards: &'a dyn CardBuckets,
        players: usize,
        training: TrainingConfig,
    ) -> Trainer<'a> {
        let slots = tree.slots as usize;
        Trainer {
            tree,
            cards,
            players,
            training,
            regrets: (0..slots).map(|_| AtomicI32::new(0)).collect(),
            sums: (0..slots).map(|_| AtomicU32::new(0)).collect(),
            iteration: 0,
            updates: 0,
        }
    }

    /// The next iteration at which a batch must stop (a discount point), after `from`.
    pub fn next_stop(&self, from: u64) -> u64 {
        let every = self.training.discount_every;
        let next = (from / every + 1) * every;
        if next <= self.training.discount_until {
            next
        } else {
            u64::MAX
        }
    }

    /// Runs iterations `self.iteration..end` on `threads` threads (`end` must not pass
    /// [`Trainer::next_stop`]), then discounts if a discount point was reached.
    pub fn run(&mut self, end: u64, threads: usize) {
        let start = self.iteration;
        if end <= start {
            return;
        }
        let next = AtomicU64::new(start);
        let updates = AtomicU64::new(0);
        let this = &*self;
        let worker = || {
            let mut local = 0u64;
            loop {
                // Claimed in chunks so the shared counter is not a hot spot.
                let first = next.fetch_add(16, Relaxed);
                if first >= end {
                    break;
                }
                for i in first..(first + 16).min(end) {
                    local += this.iteration_at(i);
                }
            }
            updates.fetch_add(local, Relaxed);
        };
        if threads <= 1 {
            worker();
        } else {
            std::thread::scope(|scope| {
                for _ in 0..threads {
                    scope.spawn(worker);
                }
            });
        }
        self.updates += updates.into_inner();
        self.iteration = end;
        let every = self.training.discount_every;
        if end % every == 0 && end <= self.training.discount_until {
            self.discount(end / every);
        }
    }

    /// Linear weighting: multiplies regrets and strategy sums by k/(k+1) at the k-th discount point.
    fn discount(&self, k: u64) {
        let factor = k as f64 / (k + 1) as f64;
        for r in &self.regrets {
            let v = r.load(Relaxed);
            r.store((i64::from(v) * k as i64 / (k as i64 + 1)) as i32, Relaxed);
        }
        for s in &self.sums {
            let v = f32::from_bits(s.load(Relaxed));
            s.store(((f64::from(v) * factor) as f32).to_bits(), Relaxed);
        }
    }

    /// One iteration: deal, then one traversal per seat. Returns the information-set updates.
    fn iteration_at(&self, i: u64) -> u64 {
        let mut rng = iteration_rng(self.training.seed, i);
        let n = self.players;
        let mut deck: [u8; 52] = std::array::from_fn(|c| c as u8);
        let (chosen, _) = deck.partial_shuffle(&mut rng, 2 * n + 5);
        let card = |k: usize| Card::from_index(chosen[k]).expect("index below 52");
        let board: [Card; 5] = std::array::from_fn(|k| card(2 * n + k));
        let board_hand = Hand::from_cards(&board);
        let mut deal = Deal {
            buckets: [[0; 4]; MAX_PLAYERS],
            ranks: [HandRank::default(); MAX_PLAYERS],
            prune: false,
        };
        for seat in 0..n {
            let hole = [card(2 * seat), card(2 * seat + 1)];
            for (street, len) in [0usize, 3, 4, 5].into_iter().enumerate() {
                deal.buckets[seat][street] = self.cards.bucket(street, hole, &board[..len]);
            }
            deal.ranks[seat] = board_hand.add(hole[0]).add(hole[1]).rank();
        }
        let pruning = self.training.prune_after > 0 && i >= self.training.prune_after;
        let mut updates = 0;
        for traverser in 0..n {
            deal.prune = pruning && rng.gen::<f64>() < self.training.prune_probability;
            self.traverse(0, traverser, &deal, &mut rng, &mut updates);
        }
        updates
    }

    /// Net chips of seat `p` at terminal `index`.
    fn payoff(&self, index: u64, p: usize, deal: &Deal) -> f64 {
        let t = &self.tree.terminals[index as usize];
        let mine = f64::from(t.contributions[p]);
        let bit = 1u8 << p;
        if t.live & bit == 0 {
            return -mine;
        }
        if t.live.count_ones() == 1 {
            return f64::from(t.pot) - mine;
        }
        // Stacks are equal, so every live seat put in the same and there are no side pots.
        let mut best = HandRank::default();
        for seat in 0..self.players {
            if t.live & (1 << seat) != 0 && deal.ranks[seat] > best {
                best = deal.ranks[seat];
            }
        }
        if deal.ranks[p] != best {
            return -mine;
        }
        let winners = (0..self.players)
            .filter(|&s| t.live & (1 << s) != 0 && deal.ranks[s] == best)
            .count();
        f64::from(t.pot) / winners as f64 - mine
    }

    fn traverse(
        &self,
        at: u32,
        p: usize,
        deal: &Deal,
        rng: &mut ChaCha8Rng,
        updates: &mut u64,
    ) -> f64 {
        let node = self.tree.nodes[at as usize];
        if node.street == TERMINAL {
            return self.payoff(node.offset, p, deal);
        }
        let n = node.actions as usize;
        let q = node.player as usize;
        let bucket = u64::from(deal.buckets[q][node.street as usize]);
        let base = (node.offset + bucket * n as u64) as usize;
        let regrets = &self.regrets[base..base + n];
        let mut sigma = [0.0f64; MAX_ACTIONS];
        regret_matching(regrets, &mut sigma[..n]);
        let edges = self.tree.edges_of(&node);
        if q == p {
            let mut values = [0.0f64; MAX_ACTIONS];
            let mut explored = [false; MAX_ACTIONS];
            // Pluribus never prunes on the last street nor actions that end the hand.
            let prune = deal.prune && node.street < 3;
            let mut value = 0.0;
            for a in 0..n {
                let child = edges[a].child;
                if prune
                    && regrets[a].load(Relaxed) < self.training.prune_threshold
                    && self.tree.nodes[child as usize].street != TERMINAL
                {
                    continue;
                }
                explored[a] = true;
                values[a] = self.traverse(child, p, deal, rng, updates);
                value += sigma[a] * values[a];
            }
            let floor = i64::from(self.training.regret_floor);
            for a in (0..n).filter(|&a| explored[a]) {
                let delta = (values[a] - value).round() as i64;
                let r = &regrets[a];
                // Hogwild: a racing update of the same slot may be lost (see ARCHITECTURE.md).
                let updated =
                    (i64::from(r.load(Relaxed)) + delta).clamp(floor, i64::from(i32::MAX));
                r.store(updated as i32, Relaxed);
            }
            *updates += 1;
            value
        } else {
            let sums = &self.sums[base..base + n];
            for a in 0..n {
                let s = &sums[a];
                s.store(
                    (f32::from_bits(s.load(Relaxed)) + sigma[a] as f32).to_bits(),
                    Relaxed,
                );
            }
            let mut r: f64 = rng.gen();
            let mut pick = n - 1;
            for (a, &s) in sigma[..n].iter().enumerate() {
                if r < s {
                    pick = a;
                    break;
                }
                r -= s;
            }
            self.traverse(edges[pick].child, p, deal, rng, updates)
        }
    }

    /// Largest regret magnitude and how many slots lie outside `i16`'s range (is 16-bit storage safe?).
    pub fn regret_range(&self) -> (i32, u64) {
        let mut largest = 0i32;
        let mut outside = 0u64;
        for r in &self.regrets {
            let v = r.load(Relaxed);
            largest = largest.max(v.saturating_abs());
            if v < i32::from(i16::MIN) || v > i32::from(i16::MAX) {
                outside += 1;
            }
        }
        (largest, outside)
    }

    /// The average strategy of every information set, quantised to `u16` (65535 = probability 1;
    /// uniform where the sums are all zero).
    pub fn average_strategy(&self) -> Vec<u16> {
        let mut out = vec![0u16; self.sums.len()];
        let mut probs = [0.0f64; MAX_ACTIONS];
        for node in &self.tree.nodes {
            if node.street == TERMINAL {
                continue;
            }
            let n = node.actions as usize;
            for bucket in 0..u64::from(self.tree.buckets[node.street as usize]) {
                let base = (node.offset + bucket * n as u64) as usize;
                let total: f64 = self.sums[base..base + n]
                    .iter()
                    .map(|s| f64::from(f32::from_bits(s.load(Relaxed))))
                    .sum();
                for (a, p) in probs[..n].iter_mut().enumerate() {
                    *p = if total > 0.0 {
                        f64::from(f32::from_bits(self.sums[base + a].load(Relaxed))) / total
                    } else {
                        1.0 / n as f64
                    };
                }
                for a in 0..n {
                    out[base + a] = (probs[a] * 65535.0).round() as u16;
                }
            }
        }
        out
    }
}
