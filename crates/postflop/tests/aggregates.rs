//! Every aggregate of a node report (range EV and equity, action frequencies, the by-action, by-category
//! and by-draw tables, and `action_frequencies`, which `ponder solve` prints for the root) equals a
//! brute-force expectation over deals: every compatible (OOP hand, IP hand, runout) with its weight
//! (both reaches × the folders' deals beside all the cards, by plain enumeration), values from a scalar
//! walk of the tree with both hands fixed, hand strengths from `ponder_cards::evaluate`. The one
//! exception is `combos`, which is the hand's own reach (PioSOLVER's convention), checked as such.

// Hands and actions are parallel arrays indexed by the same number.
#![allow(clippy::needless_range_loop)]

use std::collections::HashMap;

use ponder_cards::{evaluate, Card};
use ponder_postflop::cards_glue::{parse_card, parse_range};
use ponder_postflop::game::{Game, NodeId, NodeKind};
use ponder_postflop::report::{
    action_frequencies, draw_category, follow_line, made_category, node_report, NodeReport,
};
use ponder_postflop::spot::SpotFile;
use ponder_postflop::{PreparedSpot, Solver};

const POT: f64 = 100.0;

fn prepare(board: &str, oop: &str, ip: &str, folded: &[&str]) -> PreparedSpot {
    let mut text = format!(
        "board = \"{board}\"\noop_range = \"{oop}\"\nip_range = \"{ip}\"\nstarting_pot = {POT}\neffective_stack = 200\n\
         [bet_sizes]\nbet = \"75%\"\nraise = \"2.5x\"\n"
    );
    if !folded.is_empty() {
        let list: Vec<String> = folded.iter().map(|f| format!("\"{f}\"")).collect();
        text += &format!("[bunching]\nfolded = [{}]\n", list.join(", "));
    }
    PreparedSpot::new(SpotFile::from_toml(&text, "test").unwrap()).unwrap()
}

fn strength(board: &[u8], a: u8, b: u8) -> u16 {
    let mut cards: Vec<Card> = board
        .iter()
        .map(|&c| Card::from_index(c).unwrap())
        .collect();
    cards.extend([a, b].map(|c| Card::from_index(c).unwrap()));
    evaluate(&cards).0
}

fn mask(cards: &[u8]) -> u64 {
    cards.iter().fold(0, |m, &c| m | 1 << c)
}

/// The brute force: the solver's average strategies read once per node, and the folders' deal weights
/// by enumeration (memoised by the dead cards).
struct Brute<'a> {
    solver: &'a Solver,
    folders: Vec<Vec<(u8, u8, f32)>>,
    strategies: Vec<Vec<f32>>,
    weights: HashMap<u64, f64>,
}

impl<'a> Brute<'a> {
    fn new(solver: &'a Solver, folded: &[&str]) -> Brute<'a> {
        let strategies = (0..solver.game.nodes.len())
            .map(|n| solver.average_strategy(NodeId(n as u32)))
            .collect();
        Brute {
            solver,
            folders: folded.iter().map(|f| parse_range(f).unwrap()).collect(),
            strategies,
            weights: HashMap::new(),
        }
    }

    /// Total weight of the folders' disjoint deals avoiding `dead` (1 without folders).
    fn deal_weight(&mut self, dead: u64) -> f64 {
        if let Some(&w) = self.weights.get(&dead) {
            return w;
        }
        let mut deals = vec![(dead, 1.0f64)];
        for range in &self.folders {
            let mut next = Vec::new();
            for &(used, w) in &deals {
                for &(a, b, f) in range {
                    let hand = 1u64 << a | 1u64 << b;
                    if used & hand == 0 && f > 0.0 {
                        next.push((used | hand, w * f as f64));
                    }
                }
            }
            deals = next;
        }
        let w = deals.iter().map(|d| d.1).sum();
        self.weights.insert(dead, w);
        w
    }

    /// OOP's value in chips at `id` with OOP holding hand `h` and IP hand `o`, both playing their average
    /// strategies; the next card comes with probability ∝ the folders' deals beside every card.
    fn value(&mut self, id: NodeId, h: usize, o: usize) -> f64 {
        let solver: &'a Solver = self.solver;
        let game: &'a Game = &solver.game;
        let node = &game.nodes[id.0 as usize];
        let hands = [game.hands[0].cards[h], game.hands[1].cards[o]];
        let board = &node.board[..node.board_len as usize];
        let action = game.tree.node(node.action_node);
        match node.kind {
            NodeKind::Fold(folder) => {
                let stake = POT / 2.0 + action.committed[folder.index()] as f64;
                if folder.index() == 0 {
                    -stake
                } else {
                    stake
                }
            }
            NodeKind::Showdown(_) => {
                let stake = POT / 2.0 + action.committed[0] as f64;
                let mine = strength(board, hands[0].0, hands[0].1);
                let theirs = strength(board, hands[1].0, hands[1].1);
                stake * (mine.cmp(&theirs) as i32) as f64
            }
            NodeKind::Chance => {
                let dead = mask(board) | mask(&[hands[0].0, hands[0].1, hands[1].0, hands[1].1]);
                let data = &game.chances[node.chance as usize];
                let (mut sum, mut total) = (0.0, 0.0);
                for (k, &card) in data.child_cards.iter().enumerate() {
                    if dead & 1 << card != 0 {
                        continue;
                    }
                    let w = self.deal_weight(dead | 1 << card);
                    total += w;
                    sum += w * self.value(NodeId(node.first_child + k as u32), h, o);
                }
                sum / total
            }
            NodeKind::Player(actor) => {
                let (hand, n) = if actor.index() == 0 {
                    (h, game.hands[0].len())
                } else {
                    (o, game.hands[1].len())
                };
                let first = node.first_child;
                (0..node.num_children as usize)
                    .map(|k| {
                        let s = self.strategies[id.0 as usize][k * n + hand] as f64;
                        if s == 0.0 {
                            0.0
                        } else {
                            s * self.value(NodeId(first + k as u32), h, o)
                        }
                    })
                    .sum()
            }
        }
    }

    /// Both players' reach after `line` (no suit isomorphism: stored hand = real hand), the node and
    /// its board, walked without the report's code.
    fn walk(&self, line: &str) -> ([Vec<f64>; 2], NodeId, Vec<u8>) {
        let game = &self.solver.game;
        let mut reach: [Vec<f64>; 2] =
            std::array::from_fn(|p| game.hands[p].weights.iter().map(|&w| w as f64).collect());
        let mut id = NodeId(0);
        let mut board = game.board.clone();
        for step in line.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let node = &game.nodes[id.0 as usize];
            match node.kind {
                NodeKind::Player(actor) => {
                    let actions = &game.tree.node(node.action_node).actions;
                    let k = actions.iter().position(|a| a.to_string() == step).unwrap();
                    let a = actor.index();
                    let n = game.hands[a].len();
                    for (h, r) in reach[a].iter_mut().enumerate() {
                        *r *= self.strategies[id.0 as usize][k * n + h] as f64;
                    }
                    id = NodeId(node.first_child + k as u32);
                }
                NodeKind::Chance => {
                    let card = parse_card(step).unwrap();
                    let data = &game.chances[node.chance as usize];
                    let k = data.child_cards.iter().position(|&c| c == card).unwrap();
                    for p in 0..2 {
                        for (r, &(a, b)) in reach[p].iter_mut().zip(&game.hands[p].cards) {
                            if a == card || b == card {
                                *r = 0.0;
                            }
                        }
                    }
                    board.push(card);
                    id = NodeId(node.first_child + k as u32);
                }
                _ => panic!("line past a terminal"),
            }
        }
        (reach, id, board)
    }
}

/// Deal-weighted sums of one group of hands.
#[derive(Default, Clone)]
struct Sums {
    deals: f64,
    combos: f64,
    ev: f64,
    equity_won: f64,
    equity_deals: f64,
    actions: Vec<f64>,
    action_ev: Vec<f64>,
    action_combos: Vec<f64>,
}

fn close(what: &str, got: f64, expected: f64, tolerance: f64) {
    assert!(
        (got - expected).abs() <= tolerance,
        "{what}: report {got} vs brute force {expected} (off by {:e})",
        (got - expected).abs()
    );
}

/// Checks every aggregate of the report at `line` against the brute force.
fn check_line(brute: &mut Brute, line: &str) {
    let solver = brute.solver;
    let game = &solver.game;
    let view = follow_line(solver, line).unwrap();
    let report: NodeReport = node_report(solver, &view);
    let (reach, id, board) = brute.walk(line);
    assert_eq!(id, view.id, "{line}");
    for p in 0..2 {
        for (h, (&mine, &theirs)) in reach[p].iter().zip(&view.reach[p]).enumerate() {
            close(&format!("{line}: reach {p} {h}"), theirs as f64, mine, 1e-6);
        }
    }
    let node = &game.nodes[id.0 as usize];
    let p = match node.kind {
        NodeKind::Player(actor) => actor.index(),
        _ => 0,
    };
    let sign = if p == 0 { 1.0 } else { -1.0 };
    let actions = if matches!(node.kind, NodeKind::Player(_)) {
        node.num_children as usize
    } else {
        0
    };
    let empty = Sums {
        actions: vec![0.0; actions],
        action_ev: vec![0.0; actions],
        action_combos: vec![0.0; actions],
        ..Sums::default()
    };
    let mut all = empty.clone();
    let mut groups: HashMap<&'static str, Sums> = HashMap::new();
    let board_mask = mask(&board);
    let runouts: Vec<Vec<u8>> = if board.len() == 5 {
        vec![Vec::new()]
    } else {
        (0..52u8)
            .filter(|&c| board_mask & 1 << c == 0)
            .map(|c| vec![c])
            .collect()
    };
    let n = game.hands[p].len();
    for (x, &(a, b)) in game.hands[p].cards.iter().enumerate() {
        if reach[p][x] <= 0.0 {
            continue;
        }
        let mut hand = empty.clone();
        hand.combos = reach[p][x];
        for k in 0..actions {
            hand.action_combos[k] = reach[p][x] * brute.strategies[id.0 as usize][k * n + x] as f64;
        }
        for (y, &(c, d)) in game.hands[1 - p].cards.iter().enumerate() {
            let dead = mask(&[a, b, c, d]);
            if reach[1 - p][y] <= 0.0 || dead.count_ones() < 4 || dead & board_mask != 0 {
                continue;
            }
            let (h, o) = if p == 0 { (x, y) } else { (y, x) };
            let r = reach[p][x] * reach[1 - p][y];
            let w = r * brute.deal_weight(board_mask | dead);
            hand.deals += w;
            hand.ev += w * sign * brute.value(id, h, o);
            for k in 0..actions {
                let s = brute.strategies[id.0 as usize][k * n + x] as f64;
                let child = NodeId(node.first_child + k as u32);
                hand.actions[k] += w * s;
                if s > 0.0 {
                    hand.action_ev[k] += w * s * sign * brute.value(child, h, o);
                }
            }
            for runout in &runouts {
                if dead & mask(runout) != 0 {
                    continue;
                }
                let full: Vec<u8> = board.iter().chain(runout).copied().collect();
                let we = r * brute.deal_weight(mask(&full) | dead);
                hand.equity_deals += we;
                hand.equity_won += we
                    * match strength(&full, a, b).cmp(&strength(&full, c, d)) {
                        std::cmp::Ordering::Greater => 1.0,
                        std::cmp::Ordering::Equal => 0.5,
                        std::cmp::Ordering::Less => 0.0,
                    };
            }
        }
        let mut keys = vec![made_category(&board, a, b)];
        keys.extend(draw_category(&board, a, b));
        for key in keys.into_iter().chain(["all"]) {
            let g = if key == "all" {
                &mut all
            } else {
                groups.entry(key).or_insert_with(|| empty.clone())
            };
            g.deals += hand.deals;
            g.combos += hand.combos;
            g.ev += hand.ev;
            g.equity_won += hand.equity_won;
            g.equity_deals += hand.equity_deals;
            for k in 0..actions {
                g.actions[k] += hand.actions[k];
                g.action_ev[k] += hand.action_ev[k];
                g.action_combos[k] += hand.action_combos[k];
            }
        }
    }
    assert!(all.deals > 0.0, "{line}: no deals");
    // EV to 1e-6 of the pot (the solver's values are f32), equity and frequencies to 1e-6.
    let ev_tolerance = 1e-6 * POT;
    close(
        &format!("{line}: range EV"),
        report.range_ev,
        all.ev / all.deals,
        ev_tolerance,
    );
    close(
        &format!("{line}: range equity"),
        report.range_equity,
        all.equity_won / all.equity_deals,
        1e-6,
    );
    let frequencies = action_frequencies(solver, &view);
    assert_eq!(report.frequencies.len(), actions, "{line}");
    for k in 0..actions {
        let expected = all.actions[k] / all.deals;
        close(
            &format!("{line}: frequency {k}"),
            report.frequencies[k],
            expected,
            1e-6,
        );
        close(
            &format!("{line}: action_frequencies {k}"),
            frequencies[k],
            expected,
            1e-6,
        );
        let summary = &report.by_action[k];
        close(
            &format!("{line}: by action {k} frequency"),
            summary.frequency,
            expected,
            1e-6,
        );
        close(
            &format!("{line}: by action {k} combos (own reach)"),
            summary.combos,
            all.action_combos[k],
            1e-6 * all.combos,
        );
        close(
            &format!("{line}: combo frequency {k} (own reach)"),
            report.combo_frequencies[k],
            all.action_combos[k] / all.combos,
            1e-6,
        );
        if all.actions[k] > 1e-4 * all.deals {
            close(
                &format!("{line}: by action {k} EV"),
                summary.ev,
                all.action_ev[k] / all.actions[k],
                // Divided by a small share of the deals, the f32 values' rounding grows.
                ev_tolerance * (all.deals / all.actions[k]).max(1.0),
            );
        }
    }
    let rows = report.by_category.iter().chain(&report.by_draw);
    assert_eq!(rows.clone().count(), groups.len(), "{line}: categories");
    for row in rows {
        let g = &groups[row.category.as_str()];
        let what = format!("{line}: {}", row.category);
        close(
            &format!("{what} combos"),
            row.combos,
            g.combos,
            1e-6 * all.combos,
        );
        close(
            &format!("{what} combo share"),
            row.combo_share,
            g.combos / all.combos,
            1e-6,
        );
        close(
            &format!("{what} share"),
            row.share,
            g.deals / all.deals,
            1e-6,
        );
        if g.deals > 0.0 {
            close(
                &format!("{what} EV"),
                row.ev,
                g.ev / g.deals,
                ev_tolerance * (all.deals / g.deals).max(1.0),
            );
            close(
                &format!("{what} equity"),
                row.equity,
                g.equity_won / g.equity_deals,
                1e-6,
            );
            for k in 0..actions {
                close(
                    &format!("{what} frequency {k}"),
                    row.frequencies[k],
                    g.actions[k] / g.deals,
                    1e-6,
                );
            }
        }
    }
    // The per-hand figures re-weighted by `deal_weight` give the range's.
    let (mut ev, mut total) = (0.0, 0.0);
    for hand in &report.hands {
        ev += hand.deal_weight * hand.ev as f64;
        total += hand.deal_weight;
    }
    close(
        &format!("{line}: hands re-weighted"),
        ev / total,
        report.range_ev,
        1e-5 * POT,
    );
}

/// Lines to check: the root, every line of one and two actions, and on a turn a line through the
/// river card (`card`) after checks.
fn lines(solver: &Solver, card: Option<&str>) -> Vec<String> {
    let game = &solver.game;
    let names = |id: NodeId| -> Vec<String> {
        let node = &game.nodes[id.0 as usize];
        match node.kind {
            NodeKind::Player(_) => game
                .tree
                .node(node.action_node)
                .actions
                .iter()
                .map(|a| a.to_string())
                .collect(),
            _ => Vec::new(),
        }
    };
    let mut out = vec![String::new()];
    for (k, first) in names(NodeId(0)).into_iter().enumerate() {
        out.push(first.clone());
        let child = NodeId(game.nodes[0].first_child + k as u32);
        for second in names(child) {
            out.push(format!("{first},{second}"));
        }
    }
    if let Some(card) = card {
        out.push(format!("check,check,{card}"));
        out.push(format!("check,check,{card},check"));
        let bet = names(NodeId(0))
            .into_iter()
            .find(|a| a.starts_with("bet"))
            .unwrap();
        out.push(format!("{bet},call,{card}"));
    }
    out
}

fn check_spot(board: &str, folded: &[&str], card: Option<&str>) {
    let (oop, ip) = ("AA,KQ,JTs,98s,87s", "KK,QJ,AT,T9s,77,A5s");
    let prepared = prepare(board, oop, ip, folded);
    // No suit isomorphism: every dealt card has its own subtree, as the brute force walks it.
    let game = match &prepared.bunching {
        None => Game::new(
            prepared.tree.clone(),
            &prepared.board,
            [&prepared.ranges[0], &prepared.ranges[1]],
            false,
        ),
        Some(coverage) => Game::with_bunching(
            prepared.tree.clone(),
            &prepared.board,
            [&prepared.ranges[0], &prepared.ranges[1]],
            false,
            coverage,
        ),
    };
    let mut solver = Solver::new(game);
    for _ in 0..40 {
        solver.iterate();
    }
    let mut brute = Brute::new(&solver, folded);
    for line in lines(&solver, card) {
        check_line(&mut brute, &line);
    }
}

#[test]
fn river_aggregates_are_expectations_over_deals() {
    check_spot("QsJh2h8d3c", &[], None);
}

#[test]
fn river_aggregates_with_bunching_are_expectations_over_deals() {
    check_spot("QsJh2h8d3c", &["AK,99,QJs", "AQs,Q9s,KK"], None);
}

#[test]
fn turn_aggregates_are_expectations_over_deals() {
    check_spot("Td9d6hQc", &[], Some("2s"));
}

#[test]
fn turn_aggregates_with_bunching_are_expectations_over_deals() {
    check_spot("Td9d6hQc", &["AK,99,QJs", "AQs,Q9s,KK"], Some("2s"));
}
