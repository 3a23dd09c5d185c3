//! Browsing a solve: follow a line of actions and dealt cards from the root, then report the acting
//! player's strategy, EV and equity per hand, overall and by hand class.

use std::collections::HashMap;

use serde::Serialize;
use thiserror::Error;

use crate::best_response::{evaluate, Play};
use crate::cards_glue::{self, Card};
use crate::game::{Game, NodeId, NodeKind};
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

/// How the aggregates of a [`NodeReport`] weight its hands (also in the JSON as `weighting`).
///
/// A player's range EV, equity and action frequencies are expectations over the deals that reach the
/// node: a hand counts with its reach times the opponent's reach compatible with it (card removal) and,
/// with bunching, the folders' deal weight beside both hands. `combos` follows PioSOLVER's convention:
/// the hand's own reach alone.
pub const WEIGHTING: &str = "frequencies, frequency, share, ev, equity, range_ev, range_equity: over \
    deals (each hand's reach x the opponent's compatible reach, x the folders' deal weight with bunching: \
    deal_weight); combos, combo_frequencies, combo_share: the hand's own reach only (PioSOLVER's combos); \
    at a node the opponent never reaches (no deals) the frequencies and shares fall back to combos";

/// One hand's line in a node report.
#[derive(Clone, Debug, Serialize)]
pub struct HandReport {
    /// Hole cards, e.g. `AhKh`.
    pub hand: String,
    /// Preflop class, e.g. `AKs`.
    pub class: String,
    /// Reach weight of the hand at this node (its combos).
    pub weight: f32,
    /// The hand's weight among the deals reaching this node (unnormalised): `weight` × the opponent's
    /// reach compatible with it (× the folders' relative deal weight with bunching).
    pub deal_weight: f64,
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
    /// Probability of the action over the deals reaching the node.
    pub frequency: f64,
    /// Combos taking it (own reach × the hand's frequency, PioSOLVER's convention).
    pub combos: f64,
    /// Mean EV in chips of the action over the deals where it is taken (0 when none).
    pub ev: f64,
}

/// Action frequencies of the hands in one category.
#[derive(Clone, Debug, Serialize)]
pub struct CategoryReport {
    /// Category name.
    pub category: String,
    /// Combos in it (own reach).
    pub combos: f64,
    /// Share of the deals at the node in which the player holds the category.
    pub share: f64,
    /// Share of the range's combos (own reach).
    pub combo_share: f64,
    /// Frequency of each action over the category's deals (player nodes).
    pub frequencies: Vec<f64>,
    /// Mean EV in chips over the category's deals.
    pub ev: f64,
    /// Mean equity over the category's deals.
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
    /// What each aggregate is weighted by ([`WEIGHTING`]).
    pub weighting: &'static str,
    /// Action names.
    pub actions: Vec<String>,
    /// Probability of each action over the deals reaching the node.
    pub frequencies: Vec<f64>,
    /// Each action's share of the range's combos (own reach, PioSOLVER's convention).
    pub combo_frequencies: Vec<f64>,
    /// The player's EV in chips: its expectation over the deals reaching the node.
    pub range_ev: f64,
    /// The player's equity: its expectation over the deals (and runouts) reaching the node.
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

/// The opponent's reach compatible with each hand of `player` at `view` (card removal), each pair also
/// weighted by the folders' relative deal weight beside both hands and the board when the game has
/// bunching: the mass the counterfactual values are summed over.
pub fn opponent_masses(game: &Game, view: &NodeView, player: usize) -> Vec<f64> {
    let q = 1 - player;
    let board_mask = view.board.iter().fold(0u64, |m, &c| m | 1 << c);
    game.hands[player]
        .cards
        .iter()
        .map(|&(a, b)| {
            let own = 1u64 << a | 1u64 << b;
            game.hands[q]
                .cards
                .iter()
                .zip(&view.reach[q])
                .filter(|(&(c, d), &r)| r > 0.0 && (1u64 << c | 1u64 << d) & own == 0)
                .map(|(&(c, d), &r)| match &game.bunching {
                    None => r as f64,
                    Some(tables) => {
                        r as f64 * tables.relative_weight(board_mask | own | 1 << c | 1 << d)
                    }
                })
                .sum()
        })
        .collect()
}

/// Probability of each action of the player to act at `view` over the deals reaching it (each hand
/// weighted by its reach × [`opponent_masses`]); empty at chance and terminal nodes. What `ponder solve`
/// prints for the root without building a whole report.
pub fn action_frequencies<S: StoredValue>(solver: &Solver<S>, view: &NodeView) -> Vec<f64> {
    let game = &solver.game;
    let NodeKind::Player(player) = game.nodes[view.id.0 as usize].kind else {
        return Vec::new();
    };
    let p = player.index();
    let n = game.hands[p].len();
    let strategy = solver.average_strategy(view.id);
    let actions = strategy.len() / n.max(1);
    let mass = opponent_masses(game, view, p);
    let mut frequencies = vec![0.0f64; actions];
    let mut total = 0.0f64;
    // A node the opponent never reaches has no deals: fall back to the hands' own reach (combos).
    let reached = view.reach[p]
        .iter()
        .zip(&mass)
        .any(|(&r, &m)| r as f64 * m > 0.0);
    for (h, (&reach, &m)) in view.reach[p].iter().zip(&mass).enumerate() {
        let weight = if reached {
            reach as f64 * m
        } else {
            reach as f64
        };
        if weight <= 0.0 {
            continue;
        }
        total += weight;
        let stored = view.to_stored[p][h] as usize;
        for (k, f) in frequencies.iter_mut().enumerate() {
            *f += weight * strategy[k * n + stored] as f64;
        }
    }
    if total > 0.0 {
        for f in frequencies.iter_mut() {
            *f /= total;
        }
    }
    frequencies
}

/// A hand's figures in full precision, for the aggregates.
struct Exact {
    combos: f64,
    deals: f64,
    ev: f64,
    equity: f64,
    strategy: Vec<f64>,
    action_evs: Vec<f64>,
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
    let (won, equity_mass) = equity_sums(game, &view.board, p, &view.reach[q]);
    let mass = opponent_masses(game, view, p);
    let lock = game.locks.get(view.id);
    let mut rows: Vec<(HandReport, Exact)> = Vec::new();
    for h in 0..n {
        let weight = view.reach[p][h];
        if weight <= 0.0 {
            continue;
        }
        let (a, b) = game.hands[p].cards[h];
        let stored = view.to_stored[p][h] as usize;
        let per_deal = |value: f32| {
            if mass[h] > 0.0 {
                value as f64 / mass[h]
            } else {
                0.0
            }
        };
        let equity = if equity_mass[h] > 0.0 {
            won[h] / equity_mass[h]
        } else {
            0.0
        };
        let row: Vec<f32> = (0..actions.len())
            .filter(|_| kind == "player")
            .map(|k| strategy[k * n + stored])
            .collect();
        let exact = Exact {
            combos: weight as f64,
            deals: weight as f64 * mass[h],
            ev: per_deal(values[stored]),
            equity,
            strategy: row.iter().map(|&s| s as f64).collect(),
            action_evs: action_values.iter().map(|v| per_deal(v[stored])).collect(),
        };
        rows.push((
            HandReport {
                hand: format!("{}{}", cards_glue::card_name(b), cards_glue::card_name(a)),
                class: cards_glue::class_name(a, b),
                weight,
                deal_weight: exact.deals,
                strategy: row,
                ev: exact.ev as f32,
                equity: equity as f32,
                locked: lock.is_some_and(|l| l.hands.binary_search(&(stored as u16)).is_ok()),
                action_evs: exact.action_evs.iter().map(|&v| v as f32).collect(),
                category: made_category(&view.board, a, b).to_string(),
                draw: draw_category(&view.board, a, b).map(str::to_string),
            },
            exact,
        ));
    }
    rows.sort_by(|x, y| y.1.equity.total_cmp(&x.1.equity));
    let (hands, exact): (Vec<HandReport>, Vec<Exact>) = rows.into_iter().unzip();
    let all = group(exact.iter(), actions.len());
    let locked_hands = hands.iter().filter(|h| h.locked).count();
    let by_action: Vec<ActionSummary> = actions
        .iter()
        .enumerate()
        .map(|(k, action)| {
            let (mut combos, mut deals, mut ev) = (0.0f64, 0.0f64, 0.0f64);
            for hand in &exact {
                combos += hand.combos * hand.strategy[k];
                let w = hand.deals * hand.strategy[k];
                deals += w;
                ev += w * hand.action_evs[k];
            }
            ActionSummary {
                action: action.clone(),
                frequency: all.frequencies[k],
                combos,
                ev: if deals > 0.0 { ev / deals } else { 0.0 },
            }
        })
        .collect();
    let categories = |names: &[&str], of: &dyn Fn(&HandReport) -> Option<&str>| {
        names
            .iter()
            .filter_map(|&name| {
                let members = hands
                    .iter()
                    .zip(&exact)
                    .filter(|(h, _)| of(h) == Some(name))
                    .map(|(_, e)| e);
                let sums = group(members, actions.len());
                (sums.combos > 0.0).then(|| CategoryReport {
                    category: name.to_string(),
                    combos: sums.combos,
                    share: if all.deals > 0.0 {
                        ratio(sums.deals, all.deals)
                    } else {
                        ratio(sums.combos, all.combos)
                    },
                    combo_share: ratio(sums.combos, all.combos),
                    frequencies: sums.frequencies,
                    ev: sums.ev,
                    equity: sums.equity,
                })
            })
            .collect::<Vec<_>>()
    };
    let by_category = categories(&MADE_CATEGORIES, &|h| Some(h.category.as_str()));
    let by_draw = categories(&DRAW_CATEGORIES, &|h| h.draw.as_deref());
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
        weighting: WEIGHTING,
        actions,
        frequencies: all.frequencies,
        combo_frequencies: all.combo_frequencies,
        range_ev: all.ev,
        range_equity: all.equity,
        hands,
        locked_hands,
        by_action,
        by_category,
        by_draw,
    }
}

/// `x / total`, 0 when the total is 0.
fn ratio(x: f64, total: f64) -> f64 {
    if total > 0.0 {
        x / total
    } else {
        0.0
    }
}

/// Sums of a group of hands: combos, deal weight, and the deal-weighted means.
struct Group {
    combos: f64,
    deals: f64,
    frequencies: Vec<f64>,
    combo_frequencies: Vec<f64>,
    ev: f64,
    equity: f64,
}

fn group<'a>(hands: impl Iterator<Item = &'a Exact>, actions: usize) -> Group {
    let mut g = Group {
        combos: 0.0,
        deals: 0.0,
        frequencies: vec![0.0; actions],
        combo_frequencies: vec![0.0; actions],
        ev: 0.0,
        equity: 0.0,
    };
    for hand in hands {
        g.combos += hand.combos;
        g.deals += hand.deals;
        g.ev += hand.deals * hand.ev;
        g.equity += hand.deals * hand.equity;
        for (k, &s) in hand.strategy.iter().enumerate() {
            g.frequencies[k] += hand.deals * s;
            g.combo_frequencies[k] += hand.combos * s;
        }
    }
    g.ev = ratio(g.ev, g.deals);
    g.equity = ratio(g.equity, g.deals);
    for f in g.frequencies.iter_mut() {
        *f = ratio(*f, g.deals);
    }
    for f in g.combo_frequencies.iter_mut() {
        *f = ratio(*f, g.combos);
    }
    // A node the opponent never reaches has no deals: its frequencies are the hands' own (combos).
    if g.deals <= 0.0 {
        g.frequencies = g.combo_frequencies.clone();
    }
    g
}

/// Equity of each hand of `player` against the opponent's reach on `board`, all runouts enumerated.
pub fn equities(game: &Game, board: &[Card], player: usize, opp_reach: &[f32]) -> Vec<f32> {
    let (won, mass) = equity_sums(game, board, player, opp_reach);
    won.iter()
        .zip(&mass)
        .map(|(&w, &m)| if m > 0.0 { (w / m) as f32 } else { 0.0 })
        .collect()
}

/// Per hand of `player`: the weight of the (opponent hand, runout) deals it wins (ties half) and of all
/// of them, each deal weighted by the opponent's reach (× the folders' relative deal weight).
fn equity_sums(
    game: &Game,
    board: &[Card],
    player: usize,
    opp_reach: &[f32],
) -> (Vec<f64>, Vec<f64>) {
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
    (won, mass)
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
