//! Browsing a solve: follow a line of actions and dealt cards from the root, then report the acting
//! player's strategy, EV and equity per hand, overall and by hand class.

use std::collections::HashMap;

use serde::Serialize;
use thiserror::Error;

use crate::cards_glue::{self, Card};
use crate::game::{NodeId, NodeKind};
use crate::solver::{evaluate, Solver};
use crate::tree::Player;

/// What was wrong with a `--line`.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum LineError {
    /// The step does not name an action of this node.
    #[error("line, column {column}: `{text}` is not an action here; expected one of: {expected}")]
    UnknownAction {
        /// 1-based column of the step.
        column: usize,
        /// The step.
        text: String,
        /// The legal actions.
        expected: String,
    },
    /// A card is to be dealt and the step is not a card that can come.
    #[error("line, column {column}: a card is dealt here; `{text}` is not a card that can come ({reason})")]
    BadCard {
        /// 1-based column.
        column: usize,
        /// The step.
        text: String,
        /// Why.
        reason: String,
    },
    /// The line goes on after the hand ended.
    #[error("line, column {column}: `{text}` comes after the hand is over")]
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
pub fn follow_line(solver: &Solver, line: &str) -> Result<NodeView, LineError> {
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
    let mut offset = 0usize;
    for raw in line.split(',') {
        let column = line[..offset].chars().count() + raw.len() - raw.trim_start().len() + 1;
        offset += raw.len() + 1;
        let text = raw.trim();
        if text.is_empty() {
            continue;
        }
        let normal = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_lowercase();
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
                let names: Vec<String> = actions.iter().map(|a| a.to_string()).collect();
                let Some(k) = names.iter().position(|n| *n == normal) else {
                    return Err(LineError::UnknownAction {
                        column,
                        text: text.to_string(),
                        expected: names.join(", "),
                    });
                };
                let strategy = solver.average_strategy(view.id);
                let p = actor.index();
                let n = game.hands[p].len();
                for h in 0..n {
                    view.reach[p][h] *= strategy[k * n + view.to_stored[p][h] as usize];
                }
                view.id = NodeId(node.first_child + k as u32);
                view.steps.push(names[k].clone());
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
}

/// Builds the report for the player to act at `view` (OOP at chance or terminal nodes).
// Hands are parallel arrays (cards, reach, values) indexed by the same hand number.
#[allow(clippy::needless_range_loop)]
pub fn node_report(solver: &Solver, view: &NodeView) -> NodeReport {
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
        false,
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
    let equity = equities(game, &view.board, p, &view.reach[q]);
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
        let mass: f32 = game.hands[q]
            .cards
            .iter()
            .zip(&view.reach[q])
            .filter(|(&(c, d), _)| c != a && c != b && d != a && d != b)
            .map(|(_, &r)| r)
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
        });
    }
    if total > 0.0 {
        for f in frequencies.iter_mut() {
            *f /= total;
        }
    }
    hands.sort_by(|x, y| y.equity.total_cmp(&x.equity));
    let locked_hands = hands.iter().filter(|h| h.locked).count();
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
    }
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
                let r = opp_reach[o] as f64;
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
