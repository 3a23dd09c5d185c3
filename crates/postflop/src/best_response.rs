//! The exact best response (and the plain evaluation of the average strategies): the same traversal as
//! CFR without updates, the traverser maximising at its own nodes.

use crate::cfr::{for_each_row, PARALLEL_STORAGE};
use crate::game::{Game, NodeId, NodeKind};
use crate::pool::{give, take_for_overwrite};
use crate::storage::{own_len, StoredValue};
use crate::terminal::{combine_chance, fold_values, showdown_values};

/// The average strategy at player node `id` from its stored values `own`, with locked hands reading
/// their lock exactly: the iterations play the exact lock, while 16-bit sums hold it only to one step
/// in 65,535, so the stored ratio alone would misstate what was played.
pub(crate) fn average_at<S: StoredValue>(
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
