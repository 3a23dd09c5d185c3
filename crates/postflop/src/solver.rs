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
struct Discount {
    positive: f32,
    negative: f32,
    strategy: f32,
}

impl Discount {
    fn at(params: DiscountParams, iteration: u32) -> Discount {
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

thread_local! {
    /// Per-thread pool of scratch buffers, so the recursive iteration does not allocate once warm.
    static POOL: std::cell::RefCell<Vec<Vec<f32>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A zeroed scratch buffer of `len` values from this thread's pool.
fn take(len: usize) -> Vec<f32> {
    // The smallest pooled buffer that fits (else the largest, grown): taking any buffer would let
    // every pooled buffer grow to the largest size ever asked for (a chance node's children x hands).
    let mut buffer = POOL
        .with(|p| {
            let mut pool = p.borrow_mut();
            let mut best: Option<usize> = None;
            for (i, b) in pool.iter().enumerate() {
                let better = match best {
                    None => true,
                    Some(j) => {
                        let (c, cj) = (b.capacity(), pool[j].capacity());
                        if cj >= len {
                            c >= len && c < cj
                        } else {
                            c > cj
                        }
                    }
                };
                if better {
                    best = Some(i);
                }
            }
            best.map(|i| pool.swap_remove(i))
        })
        .unwrap_or_default();
    buffer.clear();
    buffer.resize(len, 0.0);
    buffer
}

/// Returns a scratch buffer to this thread's pool.
fn give(buffer: Vec<f32>) {
    POOL.with(|p| p.borrow_mut().push(buffer));
}

/// The solver state: the game and, for every player node, regrets and strategy sums.
pub struct Solver {
    /// The game being solved.
    pub game: Game,
    /// Regrets then strategy sums per player node (see [`crate::game::GameNode::storage_start`]).
    pub storage: Vec<f32>,
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

impl Solver {
    /// A fresh solver (storage zeroed).
    pub fn new(game: Game) -> Solver {
        let storage = vec![0.0f32; game.storage_len];
        Solver::with_storage(game, storage)
    }

    /// A solver over existing storage (allocated by the caller, or loaded from a solve file).
    pub fn with_storage(game: Game, mut storage: Vec<f32>) -> Solver {
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

    /// Best-response values (net chips, averaged over hand pairs) of OOP and IP against the average strategy.
    pub fn best_response_values(&self) -> [f64; 2] {
        std::array::from_fn(|player| {
            let game = &self.game;
            let opp_reach = game.hands[1 - player].weights.clone();
            let mut out = vec![0.0f32; game.hands[player].len()];
            evaluate(
                game,
                &self.storage,
                player,
                true,
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

    /// Exploitability in % of the starting pot: (BR value of OOP + BR value of IP) / 2.
    pub fn exploitability_pct(&self) -> f64 {
        let [a, b] = self.best_response_values();
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
        let sums = &self.storage
            [node.storage_start + actions * hands..node.storage_start + 2 * actions * hands];
        let mut strategy = vec![0.0f32; actions * hands];
        normalize_average(sums, actions, hands, &mut strategy);
        strategy
    }
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
    let mut totals = take(hands);
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

/// Splits `rest` (the storage after a node's own values) into its children's subtree slices.
fn split_children<'s>(game: &Game, id: NodeId, mut rest: &'s mut [f32]) -> Vec<&'s mut [f32]> {
    let mut slices = Vec::with_capacity(game.nodes[id.0 as usize].num_children as usize);
    for child in game.children(id) {
        let node = &game.nodes[child as usize];
        let (head, tail) = rest.split_at_mut(node.storage_end - node.storage_start);
        slices.push(head);
        rest = tail;
    }
    slices
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
fn for_each_child<F>(
    parallel: bool,
    slices: &mut [&mut [f32]],
    values: &mut [f32],
    hands: usize,
    run: F,
) where
    F: Fn((usize, (&mut &mut [f32], &mut [f32]))) + Sync + Send,
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

fn cfr(ctx: &Ctx, id: NodeId, storage: &mut [f32], opp_reach: &[f32], out: &mut [f32]) {
    let game = ctx.game;
    let node = &game.nodes[id.0 as usize];
    match node.kind {
        NodeKind::Fold(folder) => {
            fold_values(game, ctx.player, folder, node.payoff, opp_reach, out)
        }
        NodeKind::Showdown(board) => showdown_values(
            game,
            ctx.player,
            board.0 as usize,
            node.payoff,
            opp_reach,
            out,
        ),
        NodeKind::Chance => {
            let hands = game.hands[ctx.player].len();
            let data = &game.chances[node.chance as usize];
            let children = data.child_cards.len();
            let mut results = take(children * hands);
            let mut slices = split_children(game, id, storage);
            let first = node.first_child;
            let run = |(k, (slice, result)): (usize, (&mut &mut [f32], &mut [f32]))| {
                let card = data.child_cards[k];
                let mut reach = take(opp_reach.len());
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
            for_each_child(parallel, &mut slices, &mut results, hands, run);
            combine_chance(game, ctx.player, data, &results, out);
            give(results);
        }
        NodeKind::Player(actor) => {
            let actions = node.num_children as usize;
            let own_hands = game.hands[actor.index()].len();
            let (own, rest) = storage.split_at_mut(2 * actions * own_hands);
            let (regrets, sums) = own.split_at_mut(actions * own_hands);
            let mut strategy = take(actions * own_hands);
            regret_matching(regrets, actions, own_hands, &mut strategy);
            let lock = game.locks.get(id);
            if let Some(lock) = lock {
                lock.apply(&mut strategy, own_hands);
            }
            let mut slices = split_children(game, id, rest);
            let first = node.first_child;
            let parallel = node.storage_end - node.storage_start >= PARALLEL_STORAGE;
            if actor.index() == ctx.player {
                let hands = own_hands;
                let mut values = take(actions * hands);
                let run = |(k, (slice, result)): (usize, (&mut &mut [f32], &mut [f32]))| {
                    cfr(ctx, NodeId(first + k as u32), slice, opp_reach, result);
                };
                for_each_child(parallel, &mut slices, &mut values, hands, run);
                out.fill(0.0);
                for a in 0..actions {
                    let row = &values[a * hands..(a + 1) * hands];
                    let strat = &strategy[a * hands..(a + 1) * hands];
                    for ((o, &v), &s) in out.iter_mut().zip(row).zip(strat) {
                        *o += v * s;
                    }
                }
                let d = ctx.discount;
                for a in 0..actions {
                    let row = &values[a * hands..(a + 1) * hands];
                    let reg = &mut regrets[a * hands..(a + 1) * hands];
                    for ((r, &v), &o) in reg.iter_mut().zip(row).zip(out.iter()) {
                        let factor = if *r > 0.0 { d.positive } else { d.negative };
                        *r = *r * factor + (v - o);
                    }
                }
                if let Some(lock) = lock {
                    lock.clear(regrets, hands);
                }
                give(values);
            } else {
                let opp_hands = own_hands;
                let hands = game.hands[ctx.player].len();
                let d = ctx.discount;
                for a in 0..actions {
                    let sum = &mut sums[a * opp_hands..(a + 1) * opp_hands];
                    let strat = &strategy[a * opp_hands..(a + 1) * opp_hands];
                    for ((s, &p), &r) in sum.iter_mut().zip(strat).zip(opp_reach) {
                        *s = *s * d.strategy + p * r;
                    }
                }
                if let Some(lock) = lock {
                    lock.apply(sums, opp_hands);
                }
                let mut values = take(actions * hands);
                let run = |(k, (slice, result)): (usize, (&mut &mut [f32], &mut [f32]))| {
                    let strat = &strategy[k * opp_hands..(k + 1) * opp_hands];
                    let mut reach = take(opp_hands);
                    for ((x, &r), &s) in reach.iter_mut().zip(opp_reach).zip(strat) {
                        *x = r * s;
                    }
                    cfr(ctx, NodeId(first + k as u32), slice, &reach, result);
                    give(reach);
                };
                for_each_child(parallel, &mut slices, &mut values, hands, run);
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

/// Counterfactual values of `player` (per hand, unnormalised) against the opponent's average strategy:
/// best-responding when `best` (locked hands keep their lock), else following `player`'s own average.
pub fn evaluate(
    game: &Game,
    storage: &[f32],
    player: usize,
    best: bool,
    id: NodeId,
    opp_reach: &[f32],
    out: &mut [f32],
) {
    let node = &game.nodes[id.0 as usize];
    match node.kind {
        NodeKind::Fold(folder) => fold_values(game, player, folder, node.payoff, opp_reach, out),
        NodeKind::Showdown(board) => {
            showdown_values(game, player, board.0 as usize, node.payoff, opp_reach, out)
        }
        NodeKind::Chance => {
            let hands = game.hands[player].len();
            let data = &game.chances[node.chance as usize];
            let children = data.child_cards.len();
            let mut results = take(children * hands);
            let run = |(k, result): (usize, &mut [f32])| {
                let card = data.child_cards[k];
                let mut reach = take(opp_reach.len());
                reach.copy_from_slice(opp_reach);
                for &o in &game.hands[1 - player].with_card[card as usize] {
                    reach[o as usize] = 0.0;
                }
                evaluate(
                    game,
                    storage,
                    player,
                    best,
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
            let mut values = take(actions * hands);
            let parallel = node.storage_end - node.storage_start >= PARALLEL_STORAGE;
            if actor.index() == player {
                let run = |(k, result): (usize, &mut [f32])| {
                    evaluate(
                        game,
                        storage,
                        player,
                        best,
                        NodeId(node.first_child + k as u32),
                        opp_reach,
                        result,
                    );
                };
                for_each_row(parallel, &mut values, hands, run);
                if best {
                    out.copy_from_slice(&values[..hands]);
                    for a in 1..actions {
                        for (o, &v) in out.iter_mut().zip(&values[a * hands..(a + 1) * hands]) {
                            *o = o.max(v);
                        }
                    }
                    // Locked hands cannot deviate: the best response is that of the locked game.
                    if let Some(lock) = game.locks.get(id) {
                        lock.locked_values(&values, hands, out);
                    }
                } else {
                    let sums = &storage[node.storage_start + actions * hands
                        ..node.storage_start + 2 * actions * hands];
                    let mut strategy = take(actions * hands);
                    normalize_average(sums, actions, hands, &mut strategy);
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
                let sums = &storage[node.storage_start + actions * opp_hands
                    ..node.storage_start + 2 * actions * opp_hands];
                let mut strategy = take(actions * opp_hands);
                normalize_average(sums, actions, opp_hands, &mut strategy);
                let run = |(k, result): (usize, &mut [f32])| {
                    let strat = &strategy[k * opp_hands..(k + 1) * opp_hands];
                    let mut reach = take(opp_hands);
                    for ((x, &r), &s) in reach.iter_mut().zip(opp_reach).zip(strat) {
                        *x = r * s;
                    }
                    evaluate(
                        game,
                        storage,
                        player,
                        best,
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
