//! Browsing a solve: follow a line of actions and dealt cards from the root, then report the acting
//! player's strategy, EV and equity per hand, overall and by hand class.

use std::collections::HashMap;

use serde::Serialize;
use thiserror::Error;

use crate::best_response::{evaluate, Play};
use crate::cards_glue::{self, Card};
use crate::game::{NodeId, NodeKind};
use crate::solver::Solver;
use crate::spot::excerpt;
use crate::storage::StoredValue;
use crate::tree::Player;

/// What was wrong with a `--line`.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum LineError {
    /// The step does not name an action of this node.
    #[error("line, column {column}: `{}` is not an action here; expected one of: {expected}", excerpt(.text))]
    UnknownAction {
        /// 1-based column of the step.
        column: usize,
        /// The step.
        text: String,
        /// The legal actions.
        expected: String,
    },
    /// A card is to be dealt and the step is not a card that can come.
    #[error("line, column {column}: a card is dealt here; `{}` is not a card that can come ({reason})", excerpt(.text))]
    BadCard {
        /// 1-based column.
        column: usize,
        /// The step.
        text: String,
        /// Why.
        reason: String,
    },
    /// The line goes on after the hand ended.
    #[error("line, column {column}: `{}` comes after the hand is over", excerpt(.text))]
    PastTerminal {
        /// 1-based column.
        column: usize,
        /// The step.
        text: String,
    },
}

/// A node reached by a line, with both players' reach per hand (real hand indices).
#[derive(Clone, Debug)]
pub struct NodeView {
    /// The game node (possibly an isomorphic representative).
    pub id: NodeId,
    /// Reach of every hand of OOP and IP (range weight × own action probabilities × not blocked).
    pub reach: [Vec<f32>; 2],
    /// For each real hand, the index it is stored under in this subtree (suit swaps of isomorphic cards).
    pub to_stored: [Vec<u16>; 2],
    /// The real board at the node.
    pub board: Vec<Card>,
    /// Steps taken.
    pub steps: Vec<String>,
}

/// Follows `line` (comma-separated actions such as `check`, `bet 120`, `call`, and cards such as `Qs`).
// Hands are parallel arrays (cards, reach, values) indexed by the same hand number.
#[allow(clippy::needless_range_loop)]
pub fn follow_line<S: StoredValue>(solver: &Solver<S>, line: &str) -> Result<NodeView, LineError> {
    let game = &solver.game;
    let mut view = NodeView {
        id: NodeId(0),
        reach: [game.hands[0].weights.clone(), game.hands[1].weights.clone()],
        to_stored: std::array::from_fn(|p| (0..game.hands[p].len() as u16).collect()),
        board: game.board.clone(),
        steps: Vec::new(),
    };
    // Real suit -> stored suit.
    let mut suit_map = [0u8, 1, 2, 3];
    let index: [HashMap<(Card, Card), u16>; 2] = std::array::from_fn(|p| {
        game.hands[p]
            .cards
            .iter()
            .enumerate()
            .map(|(i, &c)| (c, i as u16))
            .collect()
    });
    for step in crate::line::steps(line) {
        let column = step.offset + 1;
        let text = step.text;
        let node = &game.nodes[view.id.0 as usize];
        match node.kind {
            NodeKind::Fold(_) | NodeKind::Showdown(_) => {
                return Err(LineError::PastTerminal {
                    column,
                    text: text.to_string(),
                });
            }
            NodeKind::Player(actor) => {
                let actions = &game.tree.node(node.action_node).actions;
                let Some(k) = crate::line::action_index(actions, text) else {
                    return Err(LineError::UnknownAction {
                        column,
                        text: text.to_string(),
                        expected: crate::line::action_names(actions).join(", "),
                    });
                };
                let strategy = solver.average_strategy(view.id);
                let p = actor.index();
                let n = game.hands[p].len();
                for h in 0..n {
                    view.reach[p][h] *= strategy[k * n + view.to_stored[p][h] as usize];
                }
                view.id = NodeId(node.first_child + k as u32);
                view.steps.push(actions[k].to_string());
            }
            NodeKind::Chance => {
                let bad = |reason: &str| LineError::BadCard {
                    column,
                    text: text.to_string(),
                    reason: reason.to_string(),
                };
                let card = cards_glue::parse_card(text).map_err(|e| bad(&e.to_string()))?;
                if view.board.contains(&card) {
                    return Err(bad("it is on the board"));
                }
                let stored_card =
                    cards_glue::with_suit(card, suit_map[cards_glue::suit(card) as usize]);
                let data = &game.chances[node.chance as usize];
                let dealt = data
                    .dealt
                    .iter()
                    .find(|d| d.card == stored_card)
                    .ok_or_else(|| bad("not dealt here"))?;
                if dealt.swap != u32::MAX {
                    let rep = data.child_cards[dealt.child as usize];
                    let (s1, s2) = (cards_glue::suit(rep), cards_glue::suit(stored_card));
                    for s in suit_map.iter_mut() {
                        if *s == s1 {
                            *s = s2;
                        } else if *s == s2 {
                            *s = s1;
                        }
                    }
                }
                for p in 0..2 {
                    for h in 0..game.hands[p].len() {
                        let (a, b) = game.hands[p].cards[h];
                        if a == card || b == card {
                            view.reach[p][h] = 0.0;
                        }
                        let (x, y) = (
                            cards_glue::with_suit(a, suit_map[cards_glue::suit(a) as usize]),
                            cards_glue::with_suit(b, suit_map[cards_glue::suit(b) as usize]),
                        );
                        view.to_stored[p][h] = index[p]
                            .get(&(x.min(y), x.max(y)))
                            .copied()
                            .unwrap_or(h as u16);
                    }
                }
                view.board.push(card);
                view.id = NodeId(node.first_child + dealt.child);
                view.steps.push(cards_glue::card_name(card));
            }
        }
    }
    Ok(view)
}

/// One hand's line in a node report.
#[derive(Clone, Debug, Serialize)]
pub struct HandReport {
    /// Hole cards, e.g. `AhKh`.
    pub hand: String,
    /// Preflop class, e.g. `AKs`.
    pub class: String,
    /// Reach weight of the hand at this node.
    pub weight: f32,
    /// Probability of each action (player nodes).
    pub strategy: Vec<f32>,
    /// Expected value in chips (net, zero-sum) under both average strategies.
    pub ev: f32,
    /// Equity (win + tie/2) against the opponent's range at this node, runouts enumerated.
    pub equity: f32,
    /// True when the hand's strategy here is locked.
    pub locked: bool,
    /// EV in chips of taking each action (player nodes).
    pub action_evs: Vec<f32>,
    /// Made-hand category on this board (see [`MADE_CATEGORIES`]).
    pub category: String,
    /// Draw on a flop or turn (see [`DRAW_CATEGORIES`]).
    pub draw: Option<String>,
}

/// One action aggregated over the range at a node.
#[derive(Clone, Debug, Serialize)]
pub struct ActionSummary {
    /// Action name.
    pub action: String,
    /// Reach-weighted share of the range taking it.
    pub frequency: f64,
    /// Combos taking it (reach-weighted).
    pub combos: f64,
    /// Mean EV in chips of the action over the combos taking it (0 when none do).
    pub ev: f64,
}

/// Action frequencies of the hands in one category.
#[derive(Clone, Debug, Serialize)]
pub struct CategoryReport {
    /// Category name.
    pub category: String,
    /// Combos in it (reach-weighted).
    pub combos: f64,
    /// Share of the range's combos at the node.
    pub share: f64,
    /// Reach-weighted frequency of each action (player nodes).
    pub frequencies: Vec<f64>,
    /// Mean EV in chips.
    pub ev: f64,
    /// Mean equity.
    pub equity: f64,
}

/// Everything `ponder show` prints about a node.
#[derive(Clone, Debug, Serialize)]
pub struct NodeReport {
    /// Steps from the root.
    pub line: Vec<String>,
    /// `player`, `chance`, `fold` or `showdown`.
    pub kind: String,
    /// Acting player (`OOP`/`IP`), or the player reported on.
    pub player: String,
    /// The board.
    pub board: String,
    /// Pot in chips.
    pub pot: u32,
    /// Action names.
    pub actions: Vec<String>,
    /// Range-weighted frequency of each action.
    pub frequencies: Vec<f64>,
    /// Range-weighted EV and equity of the player's range.
    pub range_ev: f64,
    /// Range-weighted equity.
    pub range_equity: f64,
    /// Per hand (reach > 0), strongest first by equity.
    pub hands: Vec<HandReport>,
    /// Number of the listed hands whose strategy here is locked.
    pub locked_hands: usize,
    /// Each action over the range: frequency, combos, EV.
    pub by_action: Vec<ActionSummary>,
    /// Made-hand categories present, strongest first.
    pub by_category: Vec<CategoryReport>,
    /// Draws present (flop and turn; they overlap the made categories), strongest first.
    pub by_draw: Vec<CategoryReport>,
}

/// Builds the report for the player to act at `view` (OOP at chance or terminal nodes).
// Hands are parallel arrays (cards, reach, values) indexed by the same hand number.
#[allow(clippy::needless_range_loop)]
pub fn node_report<S: StoredValue>(solver: &Solver<S>, view: &NodeView) -> NodeReport {
    let game = &solver.game;
    let node = &game.nodes[view.id.0 as usize];
    let anode = game.tree.node(node.action_node);
    let (kind, player) = match node.kind {
        NodeKind::Player(p) => ("player", p),
        NodeKind::Chance => ("chance", Player::Oop),
        NodeKind::Fold(_) => ("fold", Player::Oop),
        NodeKind::Showdown(_) => ("showdown", Player::Oop),
    };
    let p = player.index();
    let q = 1 - p;
    let n = game.hands[p].len();
    // EV: counterfactual values under both average strategies, divided by the compatible opponent mass.
    let mut opp_stored = vec![0.0f32; game.hands[q].len()];
    for (o, &r) in view.reach[q].iter().enumerate() {
        opp_stored[view.to_stored[q][o] as usize] = r;
    }
    let mut values = vec![0.0f32; n];
    evaluate(
        game,
        &solver.storage,
        p,
        Play::Average,
        view.id,
        &opp_stored,
        &mut values,
    );
    let strategy = if kind == "player" {
        solver.average_strategy(view.id)
    } else {
        Vec::new()
    };
    let actions: Vec<String> = anode.actions.iter().map(|a| a.to_string()).collect();
    // Per action: the player's values after taking it (the opponent does not act here).
    let action_values: Vec<Vec<f32>> = if kind == "player" {
        (0..actions.len())
            .map(|k| {
                let mut v = vec![0.0f32; n];
                evaluate(
                    game,
                    &solver.storage,
                    p,
                    Play::Average,
                    NodeId(node.first_child + k as u32),
                    &opp_stored,
                    &mut v,
                );
                v
            })
            .collect()
    } else {
        Vec::new()
    };
    let equity = equities(game, &view.board, p, &view.reach[q]);
    let board_mask = view.board.iter().fold(0u64, |m, &c| m | 1 << c);
    let lock = game.locks.get(view.id);
    let mut hands = Vec::new();
    let mut frequencies = vec![0.0f64; actions.len()];
    let (mut total, mut ev_sum, mut eq_sum) = (0.0f64, 0.0f64, 0.0f64);
    for h in 0..n {
        let weight = view.reach[p][h];
        if weight <= 0.0 {
            continue;
        }
        let (a, b) = game.hands[p].cards[h];
        let stored = view.to_stored[p][h] as usize;
        // The opponent mass the values are summed over: with bunching each pair also carries the
        // folders' relative deal weight on this board (what the solver's tables weight it by).
        let mass: f32 = game.hands[q]
            .cards
            .iter()
            .zip(&view.reach[q])
            .filter(|(&(c, d), _)| c != a && c != b && d != a && d != b)
            .map(|(&(c, d), &r)| match &game.bunching {
                None => r,
                Some(tables) => {
                    let dead = board_mask | 1 << a | 1 << b | 1 << c | 1 << d;
                    (r as f64 * tables.relative_weight(dead)) as f32
                }
            })
            .sum();
        let ev = if mass > 0.0 {
            values[stored] / mass
        } else {
            0.0
        };
        let row: Vec<f32> = (0..actions.len())
            .filter(|_| kind == "player")
            .map(|k| strategy[k * n + stored])
            .collect();
        for (f, &s) in frequencies.iter_mut().zip(&row) {
            *f += weight as f64 * s as f64;
        }
        let action_evs: Vec<f32> = action_values
            .iter()
            .map(|v| if mass > 0.0 { v[stored] / mass } else { 0.0 })
            .collect();
        total += weight as f64;
        ev_sum += weight as f64 * ev as f64;
        eq_sum += weight as f64 * equity[h] as f64;
        hands.push(HandReport {
            hand: format!("{}{}", cards_glue::card_name(b), cards_glue::card_name(a)),
            class: cards_glue::class_name(a, b),
            weight,
            strategy: row,
            ev,
            equity: equity[h],
            locked: lock.is_some_and(|l| l.hands.binary_search(&(stored as u16)).is_ok()),
            action_evs,
            category: made_category(&view.board, a, b).to_string(),
            draw: draw_category(&view.board, a, b).map(str::to_string),
        });
    }
    if total > 0.0 {
        for f in frequencies.iter_mut() {
            *f /= total;
        }
    }
    hands.sort_by(|x, y| y.equity.total_cmp(&x.equity));
    let locked_hands = hands.iter().filter(|h| h.locked).count();
    let by_action: Vec<ActionSummary> = actions
        .iter()
        .enumerate()
        .map(|(k, action)| {
            let (mut combos, mut ev) = (0.0f64, 0.0f64);
            for hand in &hands {
                let w = hand.weight as f64 * hand.strategy[k] as f64;
                combos += w;
                ev += w * hand.action_evs[k] as f64;
            }
            ActionSummary {
                action: action.clone(),
                frequency: frequencies[k],
                combos,
                ev: if combos > 0.0 { ev / combos } else { 0.0 },
            }
        })
        .collect();
    let by_category = group_hands(&hands, &MADE_CATEGORIES, actions.len(), total, |h| {
        Some(h.category.as_str())
    });
    let by_draw = group_hands(&hands, &DRAW_CATEGORIES, actions.len(), total, |h| {
        h.draw.as_deref()
    });
    NodeReport {
        line: view.steps.clone(),
        kind: kind.to_string(),
        player: if p == 0 { "OOP".into() } else { "IP".into() },
        board: view
            .board
            .iter()
            .map(|&c| cards_glue::card_name(c))
            .collect(),
        pot: anode.pot(game.tree.config.starting_pot),
        actions,
        frequencies,
        range_ev: if total > 0.0 { ev_sum / total } else { 0.0 },
        range_equity: if total > 0.0 { eq_sum / total } else { 0.0 },
        hands,
        locked_hands,
        by_action,
        by_category,
        by_draw,
    }
}

/// Aggregates hands by the category `of` gives them, in the order of `names` (absent ones left out).
fn group_hands(
    hands: &[HandReport],
    names: &[&str],
    actions: usize,
    total: f64,
    of: impl Fn(&HandReport) -> Option<&str>,
) -> Vec<CategoryReport> {
    names
        .iter()
        .filter_map(|&name| {
            let mut report = CategoryReport {
                category: name.to_string(),
                combos: 0.0,
                share: 0.0,
                frequencies: vec![0.0; actions],
                ev: 0.0,
                equity: 0.0,
            };
            for hand in hands.iter().filter(|h| of(h) == Some(name)) {
                let w = hand.weight as f64;
                report.combos += w;
                report.ev += w * hand.ev as f64;
                report.equity += w * hand.equity as f64;
                for (f, &s) in report.frequencies.iter_mut().zip(&hand.strategy) {
                    *f += w * s as f64;
                }
            }
            if report.combos <= 0.0 {
                return None;
            }
            let c = report.combos;
            report.share = if total > 0.0 { c / total } else { 0.0 };
            report.ev /= c;
            report.equity /= c;
            for f in report.frequencies.iter_mut() {
                *f /= c;
            }
            Some(report)
        })
        .collect()
}

/// Equity of each hand of `player` against the opponent's reach on `board`, all runouts enumerated.
pub fn equities(
    game: &crate::game::Game,
    board: &[Card],
    player: usize,
    opp_reach: &[f32],
) -> Vec<f32> {
    let own = &game.hands[player];
    let opp = &game.hands[1 - player];
    let mut won = vec![0.0f64; own.len()];
    let mut mass = vec![0.0f64; own.len()];
    let missing = 5 - board.len();
    let deck: Vec<Card> = (0..52u8).filter(|c| !board.contains(c)).collect();
    let mut runouts: Vec<Vec<Card>> = Vec::new();
    match missing {
        0 => runouts.push(Vec::new()),
        1 => runouts.extend(deck.iter().map(|&c| vec![c])),
        _ => {
            for (i, &c) in deck.iter().enumerate() {
                for &d in &deck[i + 1..] {
                    runouts.push(vec![c, d]);
                }
            }
        }
    }
    for runout in runouts {
        let mut full = [0u8; 5];
        full[..board.len()].copy_from_slice(board);
        full[board.len()..].copy_from_slice(&runout);
        let blocked = |a: Card, b: Card| full.contains(&a) || full.contains(&b);
        let opp_strength: Vec<Option<u32>> = opp
            .cards
            .iter()
            .map(|&(a, b)| {
                if blocked(a, b) {
                    None
                } else {
                    Some(cards_glue::strength(&full, a, b))
                }
            })
            .collect();
        for (h, &(a, b)) in own.cards.iter().enumerate() {
            if blocked(a, b) {
                continue;
            }
            let mine = cards_glue::strength(&full, a, b);
            for (o, &(c, d)) in opp.cards.iter().enumerate() {
                let Some(theirs) = opp_strength[o] else {
                    continue;
                };
                if c == a || c == b || d == a || d == b || opp_reach[o] <= 0.0 {
                    continue;
                }
                let mut r = opp_reach[o] as f64;
                if let Some(tables) = &game.bunching {
                    // The folders' deals beside this runout and both hands weight the pair.
                    let dead = full
                        .iter()
                        .fold(1u64 << a | 1 << b | 1 << c | 1 << d, |m, &x| m | 1 << x);
                    r *= tables.relative_weight(dead);
                }
                mass[h] += r;
                won[h] += r * match mine.cmp(&theirs) {
                    std::cmp::Ordering::Greater => 1.0,
                    std::cmp::Ordering::Equal => 0.5,
                    std::cmp::Ordering::Less => 0.0,
                };
            }
        }
    }
    won.iter()
        .zip(&mass)
        .map(|(&w, &m)| if m > 0.0 { (w / m) as f32 } else { 0.0 })
        .collect()
}

/// Made-hand categories of the report, strongest first (ponder-cards' categories, with one pair and three
/// of a kind split by how the hole cards use the board).
pub const MADE_CATEGORIES: [&str; 14] = [
    "straight flush",
    "quads",
    "full house",
    "flush",
    "straight",
    "set",
    "trips",
    "two pair",
    "overpair",
    "top pair",
    "second pair",
    "underpair",
    "weak pair",
    "no pair",
];

/// Draw categories (flop and turn, hands below a straight), strongest first.
pub const DRAW_CATEGORIES: [&str; 4] = ["combo draw", "flush draw", "open-ended", "gutshot"];

/// The made-hand category of hole cards `a`, `b` on `board` (3 to 5 cards): evaluator categories from a
/// straight up; below that, by how the hole cards pair the board (a pair or trips on the board alone, with
/// no hole card in it, is "no pair").
pub fn made_category(board: &[Card], a: Card, b: Card) -> &'static str {
    use ponder_cards::Category;
    match cards_glue::category(board, a, b) {
        Category::StraightFlush => return "straight flush",
        Category::FourOfAKind => return "quads",
        Category::FullHouse => return "full house",
        Category::Flush => return "flush",
        Category::Straight => return "straight",
        _ => {}
    }
    let (ra, rb) = (cards_glue::rank(a), cards_glue::rank(b));
    let hits = |r: u8| board.iter().filter(|&&c| cards_glue::rank(c) == r).count();
    let mut distinct: Vec<u8> = board.iter().map(|&c| cards_glue::rank(c)).collect();
    distinct.sort_unstable_by(|x, y| y.cmp(x));
    distinct.dedup();
    let top = distinct[0];
    if ra == rb {
        return if hits(ra) >= 1 {
            "set"
        } else if ra > top {
            "overpair"
        } else {
            "underpair"
        };
    }
    let (ha, hb) = (hits(ra), hits(rb));
    if ha >= 2 || hb >= 2 {
        return "trips";
    }
    if ha == 1 && hb == 1 {
        return "two pair";
    }
    let paired = if ha == 1 {
        ra
    } else if hb == 1 {
        rb
    } else {
        return "no pair";
    };
    match distinct.iter().position(|&r| r == paired) {
        Some(0) => "top pair",
        Some(1) => "second pair",
        _ => "weak pair",
    }
}

/// The draw of hole cards `a`, `b` on a flop or turn `board`, if any: four to a flush using a hole card,
/// and straight draws counted by the ranks that would complete a straight using a hole card (two or more:
/// open-ended or double gutshot; one: gutshot). None on the river or for a straight or better.
pub fn draw_category(board: &[Card], a: Card, b: Card) -> Option<&'static str> {
    if board.len() >= 5 {
        return None;
    }
    if matches!(
        made_category(board, a, b),
        "straight flush" | "quads" | "full house" | "flush" | "straight"
    ) {
        return None;
    }
    let flush_draw = [a, b].iter().any(|&h| {
        let suit = cards_glue::suit(h);
        board
            .iter()
            .chain([a, b].iter())
            .filter(|&&c| cards_glue::suit(c) == suit)
            .count()
            == 4
    });
    // Rank bit sets with the ace also low (bit 0 = ace as one, bit r + 1 = rank r).
    let bits = |r: u8| -> u16 {
        let bit = 1u16 << (r + 1);
        if r == 12 {
            bit | 1
        } else {
            bit
        }
    };
    let ranks: u16 = board
        .iter()
        .chain([a, b].iter())
        .fold(0, |m, &c| m | bits(cards_glue::rank(c)));
    let hole = bits(cards_glue::rank(a)) | bits(cards_glue::rank(b));
    let outs = (0..13u8)
        .filter(|&r| {
            let with = ranks | bits(r);
            (0..10).any(|low| {
                let window = 0x1fu16 << low;
                with & window == window && ranks & window != window && hole & window != 0
            })
        })
        .count();
    match (flush_draw, outs) {
        (true, n) if n >= 1 => Some("combo draw"),
        (true, _) => Some("flush draw"),
        (false, n) if n >= 2 => Some("open-ended"),
        (false, 1) => Some("gutshot"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cards(text: &str) -> Vec<Card> {
        cards_glue::parse_board_cards(text).unwrap()
    }

    fn made(board: &str, hole: &str) -> &'static str {
        let h = cards(hole);
        made_category(&cards(board), h[0], h[1])
    }

    fn draw(board: &str, hole: &str) -> Option<&'static str> {
        let h = cards(hole);
        draw_category(&cards(board), h[0], h[1])
    }

    #[test]
    fn made_categories_follow_the_hole_cards() {
        assert_eq!(made("Td9d6h", "KdQd"), "no pair");
        assert_eq!(made("Td9d6h", "8c7c"), "straight");
        assert_eq!(made("Td9d6hQd", "Ad2d"), "flush");
        assert_eq!(made("Td9d6h", "TcTs"), "set");
        assert_eq!(made("TdTc6h", "Ts5s"), "trips");
        assert_eq!(made("Td9d6h", "Tc9c"), "two pair");
        assert_eq!(made("Td9d6h", "AcAs"), "overpair");
        assert_eq!(made("Td9d6h", "8c8s"), "underpair");
        assert_eq!(made("Td9d6h", "AcTs"), "top pair");
        assert_eq!(made("Td9d6h", "Ac9s"), "second pair");
        assert_eq!(made("Td9d6h", "Ac6s"), "weak pair");
        // A pair on the board alone is no pair for the hole cards.
        assert_eq!(made("TdTc6h", "AsKs"), "no pair");
        assert_eq!(made("TdTc6h6s", "6c6d"), "quads");
        assert_eq!(made("TdTc6h", "6s6c"), "full house");
    }

    #[test]
    fn draws_use_a_hole_card_and_stop_on_the_river() {
        assert_eq!(draw("Td9d6h", "AdKd"), Some("flush draw"));
        assert_eq!(draw("Td9d6h", "8c7c"), None, "a made straight is no draw");
        assert_eq!(draw("Td9d2h", "8c7c"), Some("open-ended"));
        assert_eq!(draw("Td9d2h", "Qc8c"), Some("gutshot"));
        assert_eq!(draw("Td9d2h", "8d7d"), Some("combo draw"));
        assert_eq!(draw("Td9d2h", "AsKs"), None);
        assert_eq!(draw("Td9d2h3c4s", "8d7d"), None);
        // Four to a flush on the board alone is not the hand's draw... unless a hole card joins it.
        assert_eq!(draw("2h5h9hKh", "AcQc"), None);
    }
}
