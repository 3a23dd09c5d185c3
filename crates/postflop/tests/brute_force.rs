//! Exploitability from the vector-form best response equals an independent brute-force best response
//! (scalar, one hand pair at a time, showdowns by direct evaluation) on small spots.

use ponder_postflop::cards_glue;
use ponder_postflop::game::{Game, NodeId, NodeKind};
use ponder_postflop::solve::PreparedSpot;
use ponder_postflop::solver::Solver;
use ponder_postflop::spot::SpotFile;

fn spot(
    board: &str,
    oop: &str,
    ip: &str,
    bet: &str,
    raise: &str,
    pot: u32,
    stack: u32,
) -> PreparedSpot {
    let text = format!(
        "board = \"{board}\"\noop_range = \"{oop}\"\nip_range = \"{ip}\"\nstarting_pot = {pot}\neffective_stack = {stack}\n\
         add_allin_threshold = 1.5\nforce_allin_threshold = 0.15\nmerging_threshold = 0.1\n\
         [bet_sizes]\nbet = \"{bet}\"\nraise = \"{raise}\"\n"
    );
    PreparedSpot::new(SpotFile::from_toml(&text, "test").unwrap()).unwrap()
}

fn compatible(a: (u8, u8), b: (u8, u8)) -> bool {
    a.0 != b.0 && a.0 != b.1 && a.1 != b.0 && a.1 != b.1
}

/// Value (unnormalised, f64) of `player` holding hand `h` at `id`, best-responding.
// Hands are parallel arrays indexed by the same hand number.
#[allow(clippy::needless_range_loop)]
fn brute(solver: &Solver, player: usize, id: NodeId, h: usize, opp_reach: &[f64]) -> f64 {
    let game: &Game = &solver.game;
    let node = &game.nodes[id.0 as usize];
    let own = game.hands[player].cards[h];
    let opp = &game.hands[1 - player];
    match node.kind {
        NodeKind::Fold(folder) => {
            let sign = if folder.index() == player { -1.0 } else { 1.0 };
            let mass: f64 = (0..opp.len())
                .filter(|&o| compatible(own, opp.cards[o]))
                .map(|o| opp_reach[o])
                .sum();
            sign * node.payoff as f64 * mass
        }
        NodeKind::Showdown(_) => {
            let board = node.board;
            let mine = cards_glue::strength(&board, own.0, own.1);
            let mut value = 0.0;
            for o in 0..opp.len() {
                let theirs = opp.cards[o];
                if !compatible(own, theirs)
                    || board.contains(&theirs.0)
                    || board.contains(&theirs.1)
                {
                    continue;
                }
                let other = cards_glue::strength(&board, theirs.0, theirs.1);
                let sign = match mine.cmp(&other) {
                    std::cmp::Ordering::Greater => 1.0,
                    std::cmp::Ordering::Less => -1.0,
                    std::cmp::Ordering::Equal => 0.0,
                };
                value += sign * node.payoff as f64 * opp_reach[o];
            }
            value
        }
        NodeKind::Chance => {
            let data = &game.chances[node.chance as usize];
            let mut value = 0.0;
            for card in 0..52u8 {
                if node.board[..node.board_len as usize].contains(&card)
                    || own.0 == card
                    || own.1 == card
                {
                    continue;
                }
                let k = data
                    .child_cards
                    .iter()
                    .position(|&c| c == card)
                    .expect("no isomorphism in this test");
                let reach: Vec<f64> = (0..opp.len())
                    .map(|o| {
                        if opp.cards[o].0 == card || opp.cards[o].1 == card {
                            0.0
                        } else {
                            opp_reach[o]
                        }
                    })
                    .collect();
                value += brute(
                    solver,
                    player,
                    NodeId(node.first_child + k as u32),
                    h,
                    &reach,
                );
            }
            value / data.possible as f64
        }
        NodeKind::Player(actor) => {
            let children: Vec<NodeId> = game.children(id).map(NodeId).collect();
            if actor.index() == player {
                children
                    .iter()
                    .map(|&c| brute(solver, player, c, h, opp_reach))
                    .fold(f64::NEG_INFINITY, f64::max)
            } else {
                let strategy = solver.average_strategy(id);
                let n = opp.len();
                children
                    .iter()
                    .enumerate()
                    .map(|(a, &c)| {
                        let reach: Vec<f64> = (0..n)
                            .map(|o| opp_reach[o] * strategy[a * n + o] as f64)
                            .collect();
                        brute(solver, player, c, h, &reach)
                    })
                    .sum()
            }
        }
    }
}

fn brute_force_values(solver: &Solver) -> [f64; 2] {
    std::array::from_fn(|player| {
        let game = &solver.game;
        let opp_reach: Vec<f64> = game.hands[1 - player]
            .weights
            .iter()
            .map(|&w| w as f64)
            .collect();
        let mut total = 0.0;
        for h in 0..game.hands[player].len() {
            total += game.hands[player].weights[h] as f64
                * brute(solver, player, NodeId(0), h, &opp_reach);
        }
        total / game.pair_weight
    })
}

fn check(prepared: &PreparedSpot, iterations: u32) {
    let game = Game::new(
        prepared.tree.clone(),
        &prepared.board,
        [&prepared.ranges[0], &prepared.ranges[1]],
        false,
    );
    let mut solver = Solver::new(game);
    for _ in 0..iterations {
        solver.iterate();
    }
    let fast = solver.best_response_values();
    let slow = brute_force_values(&solver);
    for p in 0..2 {
        assert!(
            (fast[p] - slow[p]).abs() < 1e-3 * (1.0 + slow[p].abs()),
            "player {p}: vector {} brute force {}",
            fast[p],
            slow[p]
        );
    }
    assert!(
        fast[0] + fast[1] >= -1e-6,
        "exploitability must be non-negative"
    );
}

#[test]
fn river_spot_matches_brute_force() {
    let prepared = spot(
        "QsJh2h8d3c",
        "AA,KK,QJs,T9s,A5s,87s",
        "QQ,JJ,AK,KQs,T9s,54s",
        "33%, 75%, a",
        "3x",
        200,
        900,
    );
    check(&prepared, 0);
    check(&prepared, 7);
    check(&prepared, 40);
}

#[test]
fn turn_spot_matches_brute_force() {
    let prepared = spot(
        "Td9d6hQc",
        "AA,KJs,87s,T9s",
        "QQ,KK,AK,J8s",
        "60%, a",
        "a",
        200,
        600,
    );
    check(&prepared, 3);
    check(&prepared, 20);
}

#[test]
fn isomorphic_cards_change_nothing() {
    // Flop with two empty suits: clubs and spades are interchangeable on the turn.
    let prepared = spot("Td9d6h", "AA,KJs,87s", "QQ,AK,J8s", "a", "a", 200, 400);
    let with = prepared.game();
    let without = Game::new(
        prepared.tree.clone(),
        &prepared.board,
        [&prepared.ranges[0], &prepared.ranges[1]],
        false,
    );
    assert!(with.nodes.len() < without.nodes.len());
    let mut a = Solver::new(with);
    let mut b = Solver::new(without);
    let (x, y) = (a.exploitability_pct(), b.exploitability_pct());
    assert!(
        (x - y).abs() < 1e-4 * (1.0 + y),
        "uniform: isomorphic {x} vs full {y}"
    );
    a.iterate();
    b.iterate();
    let (x, y) = (a.exploitability_pct(), b.exploitability_pct());
    assert!(
        (x - y).abs() < 1e-4 * (1.0 + y),
        "one iteration: isomorphic {x} vs full {y}"
    );
    // Later iterations drift apart by float rounding (sums over children in another order) amplified by
    // regret matching; both must still converge.
    for _ in 0..200 {
        a.iterate();
        b.iterate();
    }
    let (x, y) = (a.exploitability_pct(), b.exploitability_pct());
    assert!(x < 0.3 && y < 0.3, "isomorphic {x} vs full {y}");
}
