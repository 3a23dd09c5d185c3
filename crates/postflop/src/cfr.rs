//! The discounted-CFR traversal in vector form: every node holds one value per hand, chance and action
//! branches split the storage into disjoint slices and run on the rayon pool when large enough.

use rayon::prelude::*;

use crate::game::{Game, NodeId, NodeKind};
use crate::pool::{give, take_for_overwrite};
use crate::storage::{own_len, StoredValue};
use crate::terminal::{combine_chance, fold_values, showdown_values};

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
pub(crate) const PARALLEL_STORAGE: usize = 1 << 14;

/// What one traversal updates: whose regrets, with which discounts.
pub(crate) struct Ctx<'a> {
    /// The game.
    pub(crate) game: &'a Game,
    /// The player whose regrets are updated (0 OOP, 1 IP).
    pub(crate) player: usize,
    /// This iteration's multipliers.
    pub(crate) discount: Discount,
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
pub(crate) fn for_each_row<F>(parallel: bool, values: &mut [f32], hands: usize, run: F)
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
pub(crate) fn for_each_child<S: Send, F>(
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

/// One CFR pass below node `id` for `ctx.player`: writes the player's counterfactual values per hand to
/// `out` and updates the regrets and strategy sums in `storage` (the subtree's slice).
pub(crate) fn cfr<S: StoredValue>(
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
