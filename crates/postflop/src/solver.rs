//! Vector-form discounted CFR over a [`Game`]: every node holds one value per hand, terminals are evaluated
//! in O(hands) with card removal, chance branches run in parallel.

use rayon::prelude::*;

use crate::game::{Game, NodeId, NodeKind, NO_HAND};
use crate::tree::Player;

/// Discounted-CFR exponents (Brown & Sandholm 2019).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DiscountParams {
    /// Positive regrets are multiplied by t^α / (t^α + 1).
    pub alpha: f64,
    /// Negative regrets are multiplied by t^β / (t^β + 1).
    pub beta: f64,
    /// Strategy contributions are weighted by (t / (t + 1))^γ.
    pub gamma: f64,
}

impl Default for DiscountParams {
    /// α 1.5, β 0, γ 3: a sweep over α ∈ {1, 1.5, 2, 3}, β ∈ {-10, 0, 0.5}, γ ∈ {1, 2, 3, 5} on the bench
    /// spots (`examples/tune.rs`, docs/performance.md) found γ 3 reaching 0.3% of the pot in 4-5% fewer
    /// iterations than the paper's γ 2 on every spot, flop included; α and β as in the paper won.
    fn default() -> Self {
        DiscountParams {
            alpha: 1.5,
            beta: 0.0,
            gamma: 3.0,
        }
    }
}

/// Per-iteration multipliers derived from [`DiscountParams`].
#[derive(Clone, Copy, Debug)]
pub struct Discount {
    /// Multiplier of positive regrets.
    pub positive: f32,
    /// Multiplier of negative regrets.
    pub negative: f32,
    /// Multiplier of strategy sums.
    pub strategy: f32,
}

impl Discount {
    /// The multipliers of iteration `iteration` (1-based).
    pub fn at(params: DiscountParams, iteration: u32) -> Discount {
        // Multipliers applied on iteration `iteration` (1-based) to what was accumulated before it.
        let t = (iteration.max(1) - 1) as f64;
        let pa = t.powf(params.alpha);
        let pb = t.powf(params.beta);
        Discount {
            positive: (pa / (pa + 1.0)) as f32,
            negative: if t == 0.0 {
                0.0
            } else {
                (pb / (pb + 1.0)) as f32
            },
            strategy: (t / (t + 1.0)).powf(params.gamma) as f32,
        }
    }
}

/// Subtrees with at least this much storage are worth a rayon split.
const PARALLEL_STORAGE: usize = 1 << 14;

/// Scratch buffers come in power-of-two capacities, one free list per size class.
const SIZE_CLASSES: usize = 40;

thread_local! {
    /// Per-thread pool of scratch buffers, so the recursive iteration does not allocate once warm. Free
    /// lists by size class make `take` and `give` O(1), and a buffer never grows past twice what was
    /// asked of it (handing out any pooled buffer would let every one grow to a chance node's size).
    static POOL: std::cell::RefCell<[Vec<Vec<f32>>; SIZE_CLASSES]> =
        std::cell::RefCell::new(std::array::from_fn(|_| Vec::new()));
}

/// The size class of a buffer of `len` values: the smallest `c` with `len <= 2^c`.
fn size_class(len: usize) -> usize {
    (len.max(1).next_power_of_two().trailing_zeros() as usize).min(SIZE_CLASSES - 1)
}

/// A zeroed scratch buffer of `len` values from this thread's pool.
fn take(len: usize) -> Vec<f32> {
    let mut buffer = take_for_overwrite(len);
    buffer.fill(0.0);
    buffer
}

/// A scratch buffer of `len` values from this thread's pool holding whatever it held before (only
/// values past its previous length are zeroed): for callers that write every element before reading
/// any. Zeroing was a measurable share of a pass (a chance node's results are children × hands).
fn take_for_overwrite(len: usize) -> Vec<f32> {
    let class = size_class(len);
    let mut buffer = POOL
        .with(|p| p.borrow_mut()[class].pop())
        .unwrap_or_else(|| Vec::with_capacity(1 << class));
    if buffer.len() >= len {
        buffer.truncate(len);
    } else {
        buffer.resize(len, 0.0);
    }
    buffer
}

/// Returns a scratch buffer to this thread's pool.
fn give(buffer: Vec<f32>) {
    // Filed under the largest class it can serve whole.
    let capacity = buffer.capacity();
    if capacity == 0 {
        return;
    }
    let class = (usize::BITS - 1 - capacity.leading_zeros()) as usize;
    POOL.with(|p| p.borrow_mut()[class.min(SIZE_CLASSES - 1)].push(buffer));
}

/// The solver state: the game and, for every player node, regrets and strategy sums, stored as `S`
/// (`f32`, or [`Q16`] for 16-bit compressed storage; see [`StoredValue`]).
pub struct Solver<S: StoredValue = f32> {
    /// The game being solved.
    pub game: Game,
    /// Regrets, strategy sums and `S::HEADER` values per player node (see
    /// [`crate::game::GameNode::storage_start`]).
    pub storage: Vec<S>,
    /// Completed iterations.
    pub iteration: u32,
    /// Discount exponents.
    pub params: DiscountParams,
}

struct Ctx<'a> {
    game: &'a Game,
    player: usize,
    discount: Discount,
}

/// A solver with 16-bit compressed storage.
pub type CompressedSolver = Solver<Q16>;

impl Solver {
    /// A fresh solver with 32-bit storage (zeroed).
    pub fn new(game: Game) -> Solver {
        Solver::zeroed(game)
    }
}

impl<S: StoredValue> Solver<S> {
    /// A fresh solver with storage of kind `S` (zeroed).
    pub fn zeroed(mut game: Game) -> Solver<S> {
        game.lay_out_storage(S::HEADER);
        let storage = vec![S::default(); game.storage_len];
        Solver::with_storage(game, storage)
    }

    /// A solver over existing storage (allocated by the caller, or loaded from a solve file) laid out
    /// for `S` (see [`Game::lay_out_storage`]); locked hands get their lock written in.
    pub fn with_storage(mut game: Game, mut storage: Vec<S>) -> Solver<S> {
        game.lay_out_storage(S::HEADER);
        assert_eq!(
            storage.len(),
            game.storage_len,
            "storage does not match the game"
        );
        game.locks.write_into(&game, &mut storage);
        Solver {
            game,
            storage,
            iteration: 0,
            params: DiscountParams::default(),
        }
    }

    /// True when the storage is 16-bit compressed.
    pub fn compressed(&self) -> bool {
        S::COMPRESSED
    }

    /// The same solve with storage of kind `T` (each node decoded to f32 and encoded again).
    pub fn convert<T: StoredValue>(self) -> Solver<T> {
        let Solver {
            mut game,
            storage,
            iteration,
            params,
        } = self;
        let old: Vec<(usize, usize, usize)> = player_nodes(&game);
        game.lay_out_storage(T::HEADER);
        let mut converted = vec![T::default(); game.storage_len];
        let (mut regrets, mut sums) = (Vec::new(), Vec::new());
        for (&(start, actions, hands), (new_start, _, _)) in old.iter().zip(player_nodes(&game)) {
            regrets.resize(actions * hands, 0.0);
            sums.resize(actions * hands, 0.0);
            S::decode(
                &storage[start..start + own_len::<S>(actions, hands)],
                actions,
                hands,
                &mut regrets,
                &mut sums,
            );
            T::encode(
                &mut converted[new_start..new_start + own_len::<T>(actions, hands)],
                actions,
                hands,
                &regrets,
                &sums,
            );
        }
        drop(storage);
        let mut solver = Solver::with_storage(game, converted);
        solver.iteration = iteration;
        solver.params = params;
        solver
    }

    /// Runs one iteration: OOP is updated, then IP.
    pub fn iterate(&mut self) {
        self.iteration += 1;
        let discount = Discount::at(self.params, self.iteration);
        for player in 0..2 {
            let ctx = Ctx {
                game: &self.game,
                player,
                discount,
            };
            let opp_reach = self.game.hands[1 - player].weights.clone();
            let mut out = vec![0.0f32; self.game.hands[player].len()];
            cfr(&ctx, NodeId(0), &mut self.storage, &opp_reach, &mut out);
        }
    }

    /// Best-response values (net chips, averaged over hand pairs) of OOP and IP against the average
    /// strategy, in the locked game (locked hands keep their lock; the full game when nothing is locked).
    pub fn best_response_values(&self) -> [f64; 2] {
        self.response_values(Play::Best)
    }

    /// Values (net chips, averaged over hand pairs) of OOP and IP when each plays as `play` says against
    /// the other's average strategy.
    pub fn response_values(&self, play: Play) -> [f64; 2] {
        std::array::from_fn(|player| {
            let game = &self.game;
            let opp_reach = game.hands[1 - player].weights.clone();
            let mut out = vec![0.0f32; game.hands[player].len()];
            evaluate(
                game,
                &self.storage,
                player,
                play,
                NodeId(0),
                &opp_reach,
                &mut out,
            );
            let total: f64 = out
                .iter()
                .zip(&game.hands[player].weights)
                .map(|(&v, &w)| v as f64 * w as f64)
                .sum();
            total / game.pair_weight
        })
    }

    /// Exploitability in % of the starting pot: (BR value of OOP + BR value of IP) / 2, in the locked
    /// game (what a locked solve converges to zero in).
    pub fn exploitability_pct(&self) -> f64 {
        self.exploitability_pct_with(Play::Best)
    }

    /// Exploitability in % of the starting pot in the full game: the best responses may also deviate
    /// where hands are locked, so it measures what the locks cost against an unrestricted opponent.
    /// Equal to [`Solver::exploitability_pct`] when nothing is locked.
    pub fn full_game_exploitability_pct(&self) -> f64 {
        if self.game.locks.is_empty() {
            return self.exploitability_pct();
        }
        self.exploitability_pct_with(Play::BestUnlocked)
    }

    /// (value of OOP + value of IP) / 2 in % of the starting pot, each playing as `play` says.
    fn exploitability_pct_with(&self, play: Play) -> f64 {
        let [a, b] = self.response_values(play);
        (a + b) / 2.0 / self.game.tree.config.starting_pot as f64 * 100.0
    }

    /// Average strategy at a player node: `actions × hands`, rows summing to 1.
    pub fn average_strategy(&self, id: NodeId) -> Vec<f32> {
        let node = &self.game.nodes[id.0 as usize];
        let NodeKind::Player(player) = node.kind else {
            return Vec::new();
        };
        let hands = self.game.hands[player.index()].len();
        let actions = node.num_children as usize;
        let own =
            &self.storage[node.storage_start..node.storage_start + own_len::<S>(actions, hands)];
        let mut strategy = vec![0.0f32; actions * hands];
        average_at(&self.game, id, own, actions, hands, &mut strategy);
        strategy
    }
}

/// (storage start, actions, hands) of every player node.
fn player_nodes(game: &Game) -> Vec<(usize, usize, usize)> {
    game.nodes
        .iter()
        .filter_map(|node| match node.kind {
            NodeKind::Player(p) => Some((
                node.storage_start,
                node.num_children as usize,
                game.hands[p.index()].len(),
            )),
            _ => None,
        })
        .collect()
}

/// Turns strategy sums (`actions × hands`) into an average strategy; all-zero rows become uniform.
pub fn normalize_average(sums: &[f32], actions: usize, hands: usize, strategy: &mut [f32]) {
    for h in 0..hands {
        let mut total = 0.0f32;
        for a in 0..actions {
            total += sums[a * hands + h];
        }
        for a in 0..actions {
            strategy[a * hands + h] = if total > 0.0 {
                sums[a * hands + h] / total
            } else {
                1.0 / actions as f32
            };
        }
    }
}

fn regret_matching(regrets: &[f32], actions: usize, hands: usize, strategy: &mut [f32]) {
    let (first, _) = strategy.split_at_mut(hands);
    for (s, &r) in first.iter_mut().zip(&regrets[..hands]) {
        *s = r.max(0.0);
    }
    let mut totals = take_for_overwrite(hands);
    totals.copy_from_slice(first);
    for a in 1..actions {
        let row = &regrets[a * hands..(a + 1) * hands];
        let out = &mut strategy[a * hands..(a + 1) * hands];
        for ((s, &r), t) in out.iter_mut().zip(row).zip(totals.iter_mut()) {
            *s = r.max(0.0);
            *t += *s;
        }
    }
    let uniform = 1.0 / actions as f32;
    for a in 0..actions {
        let out = &mut strategy[a * hands..(a + 1) * hands];
        for (s, &t) in out.iter_mut().zip(&totals) {
            *s = if t > 0.0 { *s / t } else { uniform };
        }
    }
    give(totals);
}

/// Values a player node keeps: regrets and strategy sums (`actions × hands` each), then `S::HEADER`.
pub fn own_len<S: StoredValue>(actions: usize, hands: usize) -> usize {
    2 * actions * hands + S::HEADER
}

/// How regrets and strategy sums are stored. The solver is generic over this (monomorphised: the hot loop
/// has no dynamic dispatch), and every method works on one player node's own values, `own` =
/// regrets (`actions × hands`), strategy sums (`actions × hands`), then `HEADER` values of the kind's own.
pub trait StoredValue:
    Copy + Default + PartialEq + std::fmt::Debug + Send + Sync + 'static
{
    /// True for 16-bit compressed storage.
    const COMPRESSED: bool;
    /// Values after a node's sums (the per-node scales of [`Q16`]; none for `f32`).
    const HEADER: usize;
    /// Bytes of one value in a solve file.
    const BYTES: usize;
    /// The current strategy (rows summing to 1) from the regrets, by regret matching.
    fn regret_matching(own: &[Self], actions: usize, hands: usize, strategy: &mut [f32]);
    /// Discounts the regrets and adds `values[a][h] − out[h]`; `values` may be overwritten.
    fn update_regrets(
        own: &mut [Self],
        actions: usize,
        hands: usize,
        values: &mut [f32],
        out: &[f32],
        discount: Discount,
    );
    /// Multiplies the strategy sums by `factor` and adds `strategy[a][h] × reach[h]`.
    fn update_sums(
        own: &mut [Self],
        actions: usize,
        hands: usize,
        strategy: &[f32],
        reach: &[f32],
        factor: f32,
    );
    /// The average strategy (rows summing to 1; all-zero rows uniform) from the strategy sums.
    fn average(own: &[Self], actions: usize, hands: usize, strategy: &mut [f32]);
    /// Writes a node lock in: locked hands' regrets zero and their strategy sums proportional to the lock.
    fn write_lock(own: &mut [Self], actions: usize, hands: usize, lock: &crate::lock::NodeLock);
    /// Decodes a node's regrets and strategy sums to f32.
    fn decode(own: &[Self], actions: usize, hands: usize, regrets: &mut [f32], sums: &mut [f32]);
    /// Encodes a node's regrets and strategy sums from f32.
    fn encode(own: &mut [Self], actions: usize, hands: usize, regrets: &[f32], sums: &[f32]);
    /// Appends the value's little-endian bytes.
    fn write_le(self, out: &mut Vec<u8>);
    /// Reads a value from `BYTES` little-endian bytes.
    fn read_le(bytes: &[u8]) -> Self;
}

impl StoredValue for f32 {
    const COMPRESSED: bool = false;
    const HEADER: usize = 0;
    const BYTES: usize = 4;

    #[inline]
    fn regret_matching(own: &[f32], actions: usize, hands: usize, strategy: &mut [f32]) {
        regret_matching(&own[..actions * hands], actions, hands, strategy);
    }

    #[inline]
    fn update_regrets(
        own: &mut [f32],
        actions: usize,
        hands: usize,
        values: &mut [f32],
        out: &[f32],
        d: Discount,
    ) {
        for a in 0..actions {
            let row = &values[a * hands..(a + 1) * hands];
            let reg = &mut own[a * hands..(a + 1) * hands];
            for ((r, &v), &o) in reg.iter_mut().zip(row).zip(out.iter()) {
                let factor = if *r > 0.0 { d.positive } else { d.negative };
                *r = *r * factor + (v - o);
            }
        }
    }

    #[inline]
    fn update_sums(
        own: &mut [f32],
        actions: usize,
        hands: usize,
        strategy: &[f32],
        reach: &[f32],
        factor: f32,
    ) {
        let sums = &mut own[actions * hands..2 * actions * hands];
        for a in 0..actions {
            let sum = &mut sums[a * hands..(a + 1) * hands];
            let strat = &strategy[a * hands..(a + 1) * hands];
            for ((s, &p), &r) in sum.iter_mut().zip(strat).zip(reach) {
                *s = *s * factor + p * r;
            }
        }
    }

    #[inline]
    fn average(own: &[f32], actions: usize, hands: usize, strategy: &mut [f32]) {
        normalize_average(
            &own[actions * hands..2 * actions * hands],
            actions,
            hands,
            strategy,
        );
    }

    fn write_lock(own: &mut [f32], actions: usize, hands: usize, lock: &crate::lock::NodeLock) {
        let (regrets, sums) = own[..2 * actions * hands].split_at_mut(actions * hands);
        lock.clear(regrets, hands);
        lock.apply(sums, hands);
    }

    fn decode(own: &[f32], actions: usize, hands: usize, regrets: &mut [f32], sums: &mut [f32]) {
        let n = actions * hands;
        regrets[..n].copy_from_slice(&own[..n]);
        sums[..n].copy_from_slice(&own[n..2 * n]);
    }

    fn encode(own: &mut [f32], actions: usize, hands: usize, regrets: &[f32], sums: &[f32]) {
        let n = actions * hands;
        own[..n].copy_from_slice(&regrets[..n]);
        own[n..2 * n].copy_from_slice(&sums[..n]);
    }

    fn write_le(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }

    fn read_le(bytes: &[u8]) -> f32 {
        f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
    }
}

/// One 16-bit stored value: an `i16` regret or a `u16` strategy sum, in units of its node's scale.
///
/// Design (16-bit storage). A player node keeps its regrets as i16 and its strategy sums as u16, and after
/// them a header of two f32 scales (regrets, sums), each split into two `Q16`s, so value = q × scale.
/// - One scale per node, not per action or hand: regret matching and the average strategy only use
///   ratios within one hand's row, so a per-node scale cancels and reads never decode (the read path
///   costs what the f32 one does); the header is 8 bytes per node, 0.4% of the flop spot's values.
/// - Every write (once per iteration and node) decodes, updates in f32 exactly as the 32-bit solver
///   does, takes the node's largest magnitude m and re-encodes with scale m / 32767 (regrets) or
///   m / 65535 (sums), rounding to nearest: each value is within 2^-16 (sums 2^-17) of m. Rescaling at
///   every write keeps the full 16 bits in use as regrets grow and decay; a fixed scale would either
///   overflow or waste them.
/// - The strategy-sum discount multiplies every old sum alike, so it is applied to the scale, not to
///   each value; the regret discounts depend on each value's sign, so they cannot be.
/// - What is lost: hands whose regrets or sums are below half a step of their node's largest read as
///   zero (uniform strategy). Their weight in the average strategy is that small, so the effect on the
///   opponent's best response is bounded by the same 2^-16 of the node's largest reach mass; measured,
///   compressed solves reach the same exploitability targets within a few percent more iterations.
/// - Exploitability of a compressed solve is exact for the stored strategy: the best response runs in
///   f32 on the decoded average strategy, as for 32-bit storage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(transparent)]
pub struct Q16(pub u16);

/// Largest stored regret magnitude, in steps.
const REGRET_STEPS: f32 = 32767.0;
/// Largest stored strategy sum, in steps.
const SUM_STEPS: f32 = 65535.0;

fn read_scale(half: &[Q16]) -> f32 {
    f32::from_bits(half[0].0 as u32 | (half[1].0 as u32) << 16)
}

fn write_scale(half: &mut [Q16], scale: f32) {
    let bits = scale.to_bits();
    half[0] = Q16(bits as u16);
    half[1] = Q16((bits >> 16) as u16);
}

/// Adding 1.5 × 2^23 to |y| < 2^22 leaves round-to-nearest(y) in the low mantissa bits: rounding with
/// one add and a bit cast, which vectorises (`round` is a libm call on baseline x86-64 and saturating
/// float-to-int casts stay scalar), and is safe for any input.
const ROUNDER: f32 = 12_582_912.0;

/// `x × inv` rounded to the nearest integer, as i16 bits (|x × inv| ≤ 32767).
#[inline(always)]
fn encode_regret(x: f32, inv: f32) -> Q16 {
    Q16(((x * inv + ROUNDER).to_bits() as i32 - ROUNDER.to_bits() as i32) as u16)
}

/// `x × inv` rounded to the nearest integer (0 ≤ x × inv ≤ 65535).
#[inline(always)]
fn encode_sum(x: f32, inv: f32) -> Q16 {
    Q16(((x * inv + ROUNDER).to_bits() as i32 - ROUNDER.to_bits() as i32) as u16)
}

/// Largest |x| (0 for an empty slice); eight independent lanes so the reduction vectorises.
fn max_abs(xs: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let chunks = xs.chunks_exact(8);
    let tail = chunks.remainder();
    for chunk in chunks {
        for (m, &x) in lanes.iter_mut().zip(chunk) {
            *m = m.max(x.abs());
        }
    }
    let mut max = tail.iter().fold(0.0f32, |m, &x| m.max(x.abs()));
    for m in lanes {
        max = max.max(m);
    }
    max
}

#[inline(always)]
fn decode_regret(q: Q16) -> f32 {
    q.0 as i16 as f32
}

/// Divides each hand's row by its total (all-zero rows become uniform).
fn normalize_rows(strategy: &mut [f32], actions: usize, hands: usize) {
    let mut totals = take(hands);
    for a in 0..actions {
        for (t, &s) in totals.iter_mut().zip(&strategy[a * hands..(a + 1) * hands]) {
            *t += s;
        }
    }
    let uniform = 1.0 / actions as f32;
    for a in 0..actions {
        let out = &mut strategy[a * hands..(a + 1) * hands];
        for (s, &t) in out.iter_mut().zip(&totals) {
            *s = if t > 0.0 { *s / t } else { uniform };
        }
    }
    give(totals);
}

impl StoredValue for Q16 {
    const COMPRESSED: bool = true;
    const HEADER: usize = 4;
    const BYTES: usize = 2;

    #[inline]
    fn regret_matching(own: &[Q16], actions: usize, hands: usize, strategy: &mut [f32]) {
        let n = actions * hands;
        for (s, &q) in strategy[..n].iter_mut().zip(&own[..n]) {
            *s = decode_regret(q).max(0.0);
        }
        normalize_rows(strategy, actions, hands);
    }

    #[inline]
    fn update_regrets(
        own: &mut [Q16],
        actions: usize,
        hands: usize,
        values: &mut [f32],
        out: &[f32],
        d: Discount,
    ) {
        let n = actions * hands;
        let (regrets, header) = own.split_at_mut(2 * n);
        let regrets = &mut regrets[..n];
        let scale = read_scale(&header[0..2]);
        for a in 0..actions {
            let row = &mut values[a * hands..(a + 1) * hands];
            let reg = &regrets[a * hands..(a + 1) * hands];
            for ((v, &q), &o) in row.iter_mut().zip(reg).zip(out) {
                let r = decode_regret(q) * scale;
                let factor = if r > 0.0 { d.positive } else { d.negative };
                *v = r * factor + (*v - o);
            }
        }
        let max = max_abs(&values[..n]);
        let inv = if max > 0.0 { REGRET_STEPS / max } else { 0.0 };
        for (q, &x) in regrets.iter_mut().zip(&values[..n]) {
            *q = encode_regret(x, inv);
        }
        write_scale(&mut header[0..2], max / REGRET_STEPS);
    }

    #[inline]
    fn update_sums(
        own: &mut [Q16],
        actions: usize,
        hands: usize,
        strategy: &[f32],
        reach: &[f32],
        factor: f32,
    ) {
        let n = actions * hands;
        let (data, header) = own.split_at_mut(2 * n);
        let sums = &mut data[n..];
        let scale = read_scale(&header[2..4]) * factor;
        let mut fresh = take_for_overwrite(n);
        for a in 0..actions {
            let row = &mut fresh[a * hands..(a + 1) * hands];
            let old = &sums[a * hands..(a + 1) * hands];
            let strat = &strategy[a * hands..(a + 1) * hands];
            for (((f, &q), &p), &r) in row.iter_mut().zip(old).zip(strat).zip(reach) {
                *f = q.0 as f32 * scale + p * r;
            }
        }
        let max = max_abs(&fresh);
        let inv = if max > 0.0 { SUM_STEPS / max } else { 0.0 };
        for (q, &x) in sums.iter_mut().zip(&fresh) {
            *q = encode_sum(x, inv);
        }
        give(fresh);
        write_scale(&mut header[2..4], max / SUM_STEPS);
    }

    #[inline]
    fn average(own: &[Q16], actions: usize, hands: usize, strategy: &mut [f32]) {
        let n = actions * hands;
        for (s, &q) in strategy[..n].iter_mut().zip(&own[n..2 * n]) {
            *s = q.0 as f32;
        }
        normalize_rows(strategy, actions, hands);
    }

    fn write_lock(own: &mut [Q16], actions: usize, hands: usize, lock: &crate::lock::NodeLock) {
        // Only ratios within a hand's row are read from sums, so the lock is stored in full steps.
        let n = actions * hands;
        for a in 0..actions {
            for &h in &lock.hands {
                let i = a * hands + h as usize;
                own[i] = Q16(0);
                own[n + i] = encode_sum(lock.strategy[i].clamp(0.0, 1.0), SUM_STEPS);
            }
        }
    }

    fn decode(own: &[Q16], actions: usize, hands: usize, regrets: &mut [f32], sums: &mut [f32]) {
        let n = actions * hands;
        let (regret_scale, sum_scale) = (read_scale(&own[2 * n..]), read_scale(&own[2 * n + 2..]));
        for (r, &q) in regrets[..n].iter_mut().zip(&own[..n]) {
            *r = decode_regret(q) * regret_scale;
        }
        for (s, &q) in sums[..n].iter_mut().zip(&own[n..2 * n]) {
            *s = q.0 as f32 * sum_scale;
        }
    }

    fn encode(own: &mut [Q16], actions: usize, hands: usize, regrets: &[f32], sums: &[f32]) {
        let n = actions * hands;
        let max = max_abs(&regrets[..n]);
        let inv = if max > 0.0 { REGRET_STEPS / max } else { 0.0 };
        for (q, &x) in own[..n].iter_mut().zip(regrets) {
            *q = encode_regret(x, inv);
        }
        write_scale(&mut own[2 * n..2 * n + 2], max / REGRET_STEPS);
        let max = max_abs(&sums[..n]);
        let inv = if max > 0.0 { SUM_STEPS / max } else { 0.0 };
        for (q, &x) in own[n..2 * n].iter_mut().zip(sums) {
            *q = encode_sum(x.max(0.0), inv);
        }
        write_scale(&mut own[2 * n + 2..2 * n + 4], max / SUM_STEPS);
    }

    fn write_le(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0.to_le_bytes());
    }

    fn read_le(bytes: &[u8]) -> Q16 {
        Q16(u16::from_le_bytes([bytes[0], bytes[1]]))
    }
}

/// Children a node can have without touching the heap: 49 dealt cards at most, a handful of actions.
const INLINE_CHILDREN: usize = 52;

/// A node's children's subtree slices, on the stack unless the node has more than [`INLINE_CHILDREN`]
/// children (a spot with dozens of bet sizes), so the iteration does not allocate per node visit.
#[allow(clippy::large_enum_variant)] // living on the stack is the point of the inline variant
enum ChildSlices<'s, S> {
    Inline([&'s mut [S]; INLINE_CHILDREN], usize),
    Heap(Vec<&'s mut [S]>),
}

impl<'s, S> ChildSlices<'s, S> {
    fn as_mut_slice(&mut self) -> &mut [&'s mut [S]] {
        match self {
            ChildSlices::Inline(slices, n) => &mut slices[..*n],
            ChildSlices::Heap(slices) => slices,
        }
    }
}

/// Splits `rest` (the storage after a node's own values) into its children's subtree slices.
fn split_children<'s, S>(game: &Game, id: NodeId, mut rest: &'s mut [S]) -> ChildSlices<'s, S> {
    let n = game.nodes[id.0 as usize].num_children as usize;
    if n > INLINE_CHILDREN {
        let mut slices = Vec::with_capacity(n);
        for child in game.children(id) {
            let node = &game.nodes[child as usize];
            let (head, tail) = rest.split_at_mut(node.storage_end - node.storage_start);
            slices.push(head);
            rest = tail;
        }
        return ChildSlices::Heap(slices);
    }
    let mut slices: [&'s mut [S]; INLINE_CHILDREN] = std::array::from_fn(|_| Default::default());
    for (slot, child) in slices.iter_mut().zip(game.children(id)) {
        let node = &game.nodes[child as usize];
        let (head, tail) = rest.split_at_mut(node.storage_end - node.storage_start);
        *slot = head;
        rest = tail;
    }
    ChildSlices::Inline(slices, n)
}

/// Runs `run((k, row))` on each `hands`-wide row of `values`, on the rayon pool when `parallel`.
fn for_each_row<F>(parallel: bool, values: &mut [f32], hands: usize, run: F)
where
    F: Fn((usize, &mut [f32])) + Sync + Send,
{
    if parallel {
        values.par_chunks_mut(hands).enumerate().for_each(run);
    } else {
        values.chunks_mut(hands).enumerate().for_each(run);
    }
}

/// Runs `run((k, (child storage, row)))` for each child `k`, on the rayon pool when `parallel`.
fn for_each_child<S: Send, F>(
    parallel: bool,
    slices: &mut [&mut [S]],
    values: &mut [f32],
    hands: usize,
    run: F,
) where
    F: Fn((usize, (&mut &mut [S], &mut [f32]))) + Sync + Send,
{
    if parallel {
        slices
            .par_iter_mut()
            .zip(values.par_chunks_mut(hands))
            .enumerate()
            .for_each(run);
    } else {
        slices
            .iter_mut()
            .zip(values.chunks_mut(hands))
            .enumerate()
            .for_each(run);
    }
}

fn cfr<S: StoredValue>(
    ctx: &Ctx,
    id: NodeId,
    storage: &mut [S],
    opp_reach: &[f32],
    out: &mut [f32],
) {
    let game = ctx.game;
    let node = &game.nodes[id.0 as usize];
    match node.kind {
        NodeKind::Fold(folder) => match &game.bunching {
            None => fold_values(game, ctx.player, folder, node.payoff, opp_reach, out),
            Some(b) => b.fold_values(game, id, ctx.player, folder, node.payoff, opp_reach, out),
        },
        NodeKind::Showdown(board) => match &game.bunching {
            None => showdown_values(
                game,
                ctx.player,
                board.0 as usize,
                node.payoff,
                opp_reach,
                out,
            ),
            Some(b) => b.showdown_values(game, id, ctx.player, node.payoff, opp_reach, out),
        },
        NodeKind::Chance => {
            let hands = game.hands[ctx.player].len();
            let data = &game.chances[node.chance as usize];
            let children = data.child_cards.len();
            let mut results = take_for_overwrite(children * hands);
            let mut slices = split_children(game, id, storage);
            let first = node.first_child;
            let run = |(k, (slice, result)): (usize, (&mut &mut [S], &mut [f32]))| {
                let card = data.child_cards[k];
                let mut reach = take_for_overwrite(opp_reach.len());
                reach.copy_from_slice(opp_reach);
                for &o in &game.hands[1 - ctx.player].with_card[card as usize] {
                    reach[o as usize] = 0.0;
                }
                cfr(ctx, NodeId(first + k as u32), slice, &reach, result);
                give(reach);
                for &h in &game.hands[ctx.player].with_card[card as usize] {
                    result[h as usize] = 0.0;
                }
            };
            let parallel = node.storage_end - node.storage_start >= PARALLEL_STORAGE;
            for_each_child(parallel, slices.as_mut_slice(), &mut results, hands, run);
            combine_chance(game, ctx.player, data, &results, out);
            give(results);
        }
        NodeKind::Player(actor) => {
            let actions = node.num_children as usize;
            let own_hands = game.hands[actor.index()].len();
            let (own, rest) = storage.split_at_mut(own_len::<S>(actions, own_hands));
            let mut strategy = take_for_overwrite(actions * own_hands);
            S::regret_matching(own, actions, own_hands, &mut strategy);
            let lock = game.locks.get(id);
            if let Some(lock) = lock {
                lock.apply(&mut strategy, own_hands);
            }
            let mut slices = split_children(game, id, rest);
            let first = node.first_child;
            let parallel = node.storage_end - node.storage_start >= PARALLEL_STORAGE;
            if actor.index() == ctx.player {
                let hands = own_hands;
                let mut values = take_for_overwrite(actions * hands);
                let run = |(k, (slice, result)): (usize, (&mut &mut [S], &mut [f32]))| {
                    cfr(ctx, NodeId(first + k as u32), slice, opp_reach, result);
                };
                for_each_child(parallel, slices.as_mut_slice(), &mut values, hands, run);
                out.fill(0.0);
                for a in 0..actions {
                    let row = &values[a * hands..(a + 1) * hands];
                    let strat = &strategy[a * hands..(a + 1) * hands];
                    for ((o, &v), &s) in out.iter_mut().zip(row).zip(strat) {
                        *o += v * s;
                    }
                }
                S::update_regrets(own, actions, hands, &mut values, out, ctx.discount);
                if let Some(lock) = lock {
                    S::write_lock(own, actions, hands, lock);
                }
                give(values);
            } else {
                let opp_hands = own_hands;
                let hands = game.hands[ctx.player].len();
                S::update_sums(
                    own,
                    actions,
                    opp_hands,
                    &strategy,
                    opp_reach,
                    ctx.discount.strategy,
                );
                if let Some(lock) = lock {
                    S::write_lock(own, actions, opp_hands, lock);
                }
                let mut values = take_for_overwrite(actions * hands);
                let run = |(k, (slice, result)): (usize, (&mut &mut [S], &mut [f32]))| {
                    let strat = &strategy[k * opp_hands..(k + 1) * opp_hands];
                    let mut reach = take_for_overwrite(opp_hands);
                    for ((x, &r), &s) in reach.iter_mut().zip(opp_reach).zip(strat) {
                        *x = r * s;
                    }
                    cfr(ctx, NodeId(first + k as u32), slice, &reach, result);
                    give(reach);
                };
                for_each_child(parallel, slices.as_mut_slice(), &mut values, hands, run);
                out.fill(0.0);
                for a in 0..actions {
                    for (o, &v) in out.iter_mut().zip(&values[a * hands..(a + 1) * hands]) {
                        *o += v;
                    }
                }
                give(values);
            }
            give(strategy);
        }
    }
}

/// Sums the children of a chance node into `out`, mapping isomorphic cards through their suit swap.
fn combine_chance(
    game: &Game,
    player: usize,
    data: &crate::game::ChanceData,
    results: &[f32],
    out: &mut [f32],
) {
    let hands = game.hands[player].len();
    out.fill(0.0);
    for dealt in &data.dealt {
        let result = &results[dealt.child as usize * hands..(dealt.child as usize + 1) * hands];
        if dealt.swap == u32::MAX {
            for (o, &r) in out.iter_mut().zip(result) {
                *o += r;
            }
        } else {
            let perm = &game.swaps[dealt.swap as usize][player];
            for (o, &p) in out.iter_mut().zip(perm) {
                if p != NO_HAND {
                    *o += result[p as usize];
                }
            }
        }
    }
    let scale = 1.0 / data.possible as f32;
    for o in out.iter_mut() {
        *o *= scale;
    }
}

/// Values of `player`'s hands at a fold terminal: ±payoff times the opponent reach not sharing a card.
fn fold_values(
    game: &Game,
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
    let opp = &game.hands[1 - player];
    let mut card_sum = [0.0f32; 64];
    let mut total = 0.0f32;
    for (&(a, b), &r) in opp.cards.iter().zip(opp_reach) {
        total += r;
        card_sum[(a & 63) as usize] += r;
        card_sum[(b & 63) as usize] += r;
    }
    let own = &game.hands[player];
    for ((o, &(a, b)), &same) in out.iter_mut().zip(&own.cards).zip(&own.same_in_opponent) {
        let back = if same != NO_HAND {
            opp_reach[same as usize]
        } else {
            0.0
        };
        *o = payoff * (total - card_sum[(a & 63) as usize] - card_sum[(b & 63) as usize] + back);
    }
}

/// Values of `player`'s hands at a showdown, in O(hands) with card removal. Hands are visited by strength
/// group; for hand h with cards (c1, c2) and per-card running sums `cs` over the opponent's weaker hands,
/// win = T − cs[c1] − cs[c2]; the same sums after the hand's own group give "weaker or equal", and
/// lose = all compatible − weaker-or-equal, so value = payoff · (win + weaker_or_equal − all_compatible).
fn showdown_values(
    game: &Game,
    player: usize,
    board: usize,
    payoff: f32,
    opp_reach: &[f32],
    out: &mut [f32],
) {
    let data = &game.boards[board];
    let own = &data.sorted[player];
    let opp = &data.sorted[1 - player];
    out.fill(0.0);
    let mut card_sum = [0.0f32; 64];
    let mut total = 0.0f32;
    let (mut i, mut j) = (0usize, 0usize);
    for group in &data.groups {
        let own_end = group[player] as usize;
        let opp_end = group[1 - player] as usize;
        if own_end == i {
            // No own hand has this strength: only advance the opponent's sums.
            for o in &opp[j..opp_end] {
                let r = opp_reach[o.hand as usize];
                total += r;
                card_sum[(o.c1 & 63) as usize] += r;
                card_sum[(o.c2 & 63) as usize] += r;
            }
            j = opp_end;
            continue;
        }
        for h in &own[i..own_end] {
            out[h.hand as usize] =
                total - card_sum[(h.c1 & 63) as usize] - card_sum[(h.c2 & 63) as usize];
        }
        for o in &opp[j..opp_end] {
            let r = opp_reach[o.hand as usize];
            total += r;
            card_sum[(o.c1 & 63) as usize] += r;
            card_sum[(o.c2 & 63) as usize] += r;
        }
        for h in &own[i..own_end] {
            out[h.hand as usize] +=
                total - card_sum[(h.c1 & 63) as usize] - card_sum[(h.c2 & 63) as usize];
        }
        i = own_end;
        j = opp_end;
    }
    for h in own {
        let all = total - card_sum[(h.c1 & 63) as usize] - card_sum[(h.c2 & 63) as usize];
        let v = &mut out[h.hand as usize];
        *v = payoff * (*v - all);
    }
}

/// The average strategy at player node `id` from its stored values `own`, with locked hands reading
/// their lock exactly: the iterations play the exact lock, while 16-bit sums hold it only to one step
/// in 65,535, so the stored ratio alone would misstate what was played.
fn average_at<S: StoredValue>(
    game: &Game,
    id: NodeId,
    own: &[S],
    actions: usize,
    hands: usize,
    strategy: &mut [f32],
) {
    S::average(own, actions, hands, strategy);
    if let Some(lock) = game.locks.get(id) {
        lock.apply(strategy, hands);
    }
}

/// How [`evaluate`]'s player plays at its own nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Play {
    /// Its own average strategy.
    Average,
    /// A best response in the locked game: locked hands keep their lock.
    Best,
    /// A best response in the full game: locks lifted, every hand may deviate anywhere.
    BestUnlocked,
}

/// Counterfactual values of `player` (per hand, unnormalised) against the opponent's average strategy,
/// `player` playing as `play` says at its own nodes.
pub fn evaluate<S: StoredValue>(
    game: &Game,
    storage: &[S],
    player: usize,
    play: Play,
    id: NodeId,
    opp_reach: &[f32],
    out: &mut [f32],
) {
    let node = &game.nodes[id.0 as usize];
    match node.kind {
        NodeKind::Fold(folder) => match &game.bunching {
            None => fold_values(game, player, folder, node.payoff, opp_reach, out),
            Some(b) => b.fold_values(game, id, player, folder, node.payoff, opp_reach, out),
        },
        NodeKind::Showdown(board) => match &game.bunching {
            None => showdown_values(game, player, board.0 as usize, node.payoff, opp_reach, out),
            Some(b) => b.showdown_values(game, id, player, node.payoff, opp_reach, out),
        },
        NodeKind::Chance => {
            let hands = game.hands[player].len();
            let data = &game.chances[node.chance as usize];
            let children = data.child_cards.len();
            let mut results = take_for_overwrite(children * hands);
            let run = |(k, result): (usize, &mut [f32])| {
                let card = data.child_cards[k];
                let mut reach = take_for_overwrite(opp_reach.len());
                reach.copy_from_slice(opp_reach);
                for &o in &game.hands[1 - player].with_card[card as usize] {
                    reach[o as usize] = 0.0;
                }
                evaluate(
                    game,
                    storage,
                    player,
                    play,
                    NodeId(node.first_child + k as u32),
                    &reach,
                    result,
                );
                give(reach);
                for &h in &game.hands[player].with_card[card as usize] {
                    result[h as usize] = 0.0;
                }
            };
            for_each_row(
                node.storage_end - node.storage_start >= PARALLEL_STORAGE,
                &mut results,
                hands,
                run,
            );
            combine_chance(game, player, data, &results, out);
            give(results);
        }
        NodeKind::Player(actor) => {
            let actions = node.num_children as usize;
            let hands = game.hands[player].len();
            let mut values = take_for_overwrite(actions * hands);
            let parallel = node.storage_end - node.storage_start >= PARALLEL_STORAGE;
            if actor.index() == player {
                let run = |(k, result): (usize, &mut [f32])| {
                    evaluate(
                        game,
                        storage,
                        player,
                        play,
                        NodeId(node.first_child + k as u32),
                        opp_reach,
                        result,
                    );
                };
                for_each_row(parallel, &mut values, hands, run);
                if play != Play::Average {
                    out.copy_from_slice(&values[..hands]);
                    for a in 1..actions {
                        for (o, &v) in out.iter_mut().zip(&values[a * hands..(a + 1) * hands]) {
                            *o = o.max(v);
                        }
                    }
                    // In the locked game locked hands cannot deviate.
                    if let (Play::Best, Some(lock)) = (play, game.locks.get(id)) {
                        lock.locked_values(&values, hands, out);
                    }
                } else {
                    let own = &storage
                        [node.storage_start..node.storage_start + own_len::<S>(actions, hands)];
                    let mut strategy = take_for_overwrite(actions * hands);
                    average_at(game, id, own, actions, hands, &mut strategy);
                    out.fill(0.0);
                    for a in 0..actions {
                        let row = &values[a * hands..(a + 1) * hands];
                        for ((o, &v), &s) in out
                            .iter_mut()
                            .zip(row)
                            .zip(&strategy[a * hands..(a + 1) * hands])
                        {
                            *o += v * s;
                        }
                    }
                    give(strategy);
                }
            } else {
                let opp_hands = game.hands[actor.index()].len();
                let own = &storage
                    [node.storage_start..node.storage_start + own_len::<S>(actions, opp_hands)];
                let mut strategy = take_for_overwrite(actions * opp_hands);
                average_at(game, id, own, actions, opp_hands, &mut strategy);
                let run = |(k, result): (usize, &mut [f32])| {
                    let strat = &strategy[k * opp_hands..(k + 1) * opp_hands];
                    let mut reach = take_for_overwrite(opp_hands);
                    for ((x, &r), &s) in reach.iter_mut().zip(opp_reach).zip(strat) {
                        *x = r * s;
                    }
                    evaluate(
                        game,
                        storage,
                        player,
                        play,
                        NodeId(node.first_child + k as u32),
                        &reach,
                        result,
                    );
                    give(reach);
                };
                for_each_row(parallel, &mut values, hands, run);
                out.fill(0.0);
                for a in 0..actions {
                    for (o, &v) in out.iter_mut().zip(&values[a * hands..(a + 1) * hands]) {
                        *o += v;
                    }
                }
                give(strategy);
            }
            give(values);
        }
    }
}
