//! Exploitability from the vector-form best response equals an independent brute-force best response
//! (scalar, one hand pair at a time, showdowns by direct evaluation) on small spots. The brute force takes
//! only the tree's shape and the average strategy from the solver: payoffs come from the betting tree's
//! chips, hand strengths from `ponder_cards::evaluate`, dealt cards from a plain loop over the deck.

use ponder_cards::{evaluate, Card};
use ponder_postflop::game::{Game, NodeId, NodeKind};
use ponder_postflop::spot::SpotFile;
use ponder_postflop::PreparedSpot;
use ponder_postflop::{Solver, StoredValue, Q16};

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

/// What the winner of `node` wins from the loser (each put in half the starting pot plus `committed`).
fn stake(game: &Game, node: NodeId, loser: usize) -> f64 {
    let action = game.tree.node(game.nodes[node.0 as usize].action_node);
    game.tree.config.starting_pot as f64 / 2.0 + action.committed[loser] as f64
}

fn strength(board: &[u8], hand: (u8, u8)) -> u16 {
    let mut cards: Vec<Card> = board
        .iter()
        .map(|&c| Card::from_index(c).unwrap())
        .collect();
    cards.extend([hand.0, hand.1].map(|c| Card::from_index(c).unwrap()));
    evaluate(&cards).0
}

fn compatible(a: (u8, u8), b: (u8, u8)) -> bool {
    a.0 != b.0 && a.0 != b.1 && a.1 != b.0 && a.1 != b.1
}

/// Value (unnormalised, f64) of `player` holding hand `h` at `id`, best-responding.
// Hands are parallel arrays indexed by the same hand number.
#[allow(clippy::needless_range_loop)]
fn brute<S: StoredValue>(
    solver: &Solver<S>,
    player: usize,
    id: NodeId,
    h: usize,
    opp_reach: &[f64],
) -> f64 {
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
            sign * stake(game, id, folder.index()) * mass
        }
        NodeKind::Showdown(_) => {
            let board = &node.board[..node.board_len as usize];
            assert_eq!(board.len(), 5);
            let mine = strength(board, own);
            let mut value = 0.0;
            for o in 0..opp.len() {
                let theirs = opp.cards[o];
                if !compatible(own, theirs)
                    || board.contains(&theirs.0)
                    || board.contains(&theirs.1)
                {
                    continue;
                }
                let won = match mine.cmp(&strength(board, theirs)) {
                    std::cmp::Ordering::Greater => stake(game, id, 1 - player),
                    std::cmp::Ordering::Less => -stake(game, id, player),
                    std::cmp::Ordering::Equal => 0.0,
                };
                value += won * opp_reach[o];
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
            // Given both hands, the next card is one of the 52 − board − 4 cards left, each equally likely.
            value / (52 - node.board_len as usize - 4) as f64
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

fn brute_force_values<S: StoredValue>(solver: &Solver<S>) -> [f64; 2] {
    std::array::from_fn(|player| {
        let game = &solver.game;
        let opp_reach: Vec<f64> = game.hands[1 - player]
            .weights
            .iter()
            .map(|&w| w as f64)
            .collect();
        let opp = &game.hands[1 - player];
        let mut total = 0.0;
        for h in 0..game.hands[player].len() {
            total += game.hands[player].weights[h] as f64
                * brute(solver, player, NodeId(0), h, &opp_reach);
        }
        let mut pairs = 0.0;
        for (&own, &w) in game.hands[player]
            .cards
            .iter()
            .zip(&game.hands[player].weights)
        {
            for (&theirs, &v) in opp.cards.iter().zip(&opp.weights) {
                if compatible(own, theirs) {
                    pairs += w as f64 * v as f64;
                }
            }
        }
        total / pairs
    })
}

fn check(prepared: &PreparedSpot, iterations: u32) {
    check_storage::<f32>(prepared, iterations);
    // 16-bit storage: the best response runs on the decoded average strategy, so it is as exact.
    check_storage::<Q16>(prepared, iterations);
}

fn check_storage<S: StoredValue>(prepared: &PreparedSpot, iterations: u32) {
    let game = Game::new(
        prepared.tree.clone(),
        &prepared.board,
        [&prepared.ranges[0], &prepared.ranges[1]],
        false,
    );
    let mut solver = Solver::<S>::zeroed(game);
    for _ in 0..iterations {
        solver.iterate();
    }
    let fast = solver.best_response_values();
    let pot = prepared.file.starting_pot as f64;
    let slow = brute_force_values(&solver);
    for p in 0..2 {
        assert!(
            // f32 storage and sums in the solver: about 1e-7 of the pot measured.
            (fast[p] - slow[p]).abs() < 1e-6 * pot,
            "player {p}: vector {} brute force {}",
            fast[p],
            slow[p]
        );
    }
    let exploitability = (slow[0] + slow[1]) / 2.0 / pot * 100.0;
    assert!(
        (solver.exploitability_pct() - exploitability).abs() < 1e-4,
        "exploitability {}% vs brute force {exploitability}%",
        solver.exploitability_pct()
    );
    assert!(
        exploitability >= -1e-4,
        "exploitability must be non-negative"
    );
}

#[test]
fn river_spot_matches_brute_force() {
    let prepared = spot(
        "QsJh2h8d3c",
        "AA,KK:0.6,QJs,T9s,A5s,87s:0.3",
        "QQ,JJ,AK:0.75,KQs,T9s,54s",
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
        "AA,KJs:0.5,87s,T9s",
        "QQ,KK:0.8,AK,J8s",
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
