//! Values at the leaves and chance nodes of the traversal: fold and showdown values in O(hands) with card
//! removal, and the sum over dealt cards (isomorphic cards mapped through their suit swap).

use crate::game::{Game, NO_HAND};
use crate::tree::Player;

/// Sums the children of a chance node into `out`, mapping isomorphic cards through their suit swap.
pub(crate) fn combine_chance(
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
pub(crate) fn fold_values(
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
pub(crate) fn showdown_values(
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
