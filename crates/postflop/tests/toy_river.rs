//! River toy games with closed-form equilibria: a polarised bettor (nuts or air) against a bluff-catcher,
//! one bet size b (in pots). At equilibrium bluffs are b/(1+2b) of the betting range and the caller calls
//! 1/(1+b) of the time.

use ponder_postflop::bet_size::{parse_bet_sizes, SizeKind};
use ponder_postflop::game::{Game, NodeId};
use ponder_postflop::tree::{ActionTree, Street, StreetSizes, TreeConfig};
use ponder_postflop::Solver;

const NUTS: (u8, u8) = (10, 11);
const AIR: (u8, u8) = (12, 13);
const CATCHER: (u8, u8) = (20, 21);

fn toy(bet: &str, nuts_weight: f32, air_weight: f32) -> Solver {
    let mut sizes: [[StreetSizes; 2]; 3] = Default::default();
    sizes[2][0].bet = parse_bet_sizes(bet, SizeKind::Bet).unwrap();
    let config = TreeConfig {
        first_street: Street::River,
        starting_pot: 100,
        effective_stack: 10_000,
        sizes,
        add_allin_threshold: 0.0,
        force_allin_threshold: 0.0,
        merging_threshold: 0.0,
        raise_cap: None,
    };
    let tree = ActionTree::build(config);
    let board = [0u8, 1, 2, 3, 4];
    let oop = [(NUTS.0, NUTS.1, nuts_weight), (AIR.0, AIR.1, air_weight)];
    let ip = [(CATCHER.0, CATCHER.1, 1.0)];
    let strength = |_: &[u8; 5], a: u8, _: u8| match a {
        10 => 3,
        20 => 2,
        _ => 1,
    };
    let game = Game::with_strength(tree, &board, [&oop, &ip], false, &strength);
    Solver::new(game)
}

fn check(bet: &str, b: f64) {
    let mut solver = toy(bet, 1.0, 1.0);
    for _ in 0..20_000 {
        solver.iterate();
    }
    let game = &solver.game;
    let root = NodeId(0);
    let root_strategy = solver.average_strategy(root);
    // Root actions: check, bet. OOP hands: nuts (0), air (1).
    let nuts_bet = root_strategy[2] as f64;
    let air_bet = root_strategy[3] as f64;
    let bluffs = air_bet;
    let bluff_share = bluffs / (1.0 + bluffs);
    let facing_bet = NodeId(game.nodes[0].first_child + 1);
    let ip_strategy = solver.average_strategy(facing_bet);
    let call = ip_strategy[1] as f64;
    assert!((nuts_bet - 1.0).abs() < 1e-4, "nuts bet {nuts_bet}");
    assert!(
        (bluff_share - b / (1.0 + 2.0 * b)).abs() < 1e-4,
        "bluff share {bluff_share} vs {}",
        b / (1.0 + 2.0 * b)
    );
    assert!(
        (call - 1.0 / (1.0 + b)).abs() < 1e-4,
        "call {call} vs {}",
        1.0 / (1.0 + b)
    );
    let e = solver.exploitability_pct();
    eprintln!(
        "{bet}: nuts {nuts_bet} air {air_bet} call {call} expl {e} br {:?}",
        solver.best_response_values()
    );
    assert!(e < 1e-2, "exploitability {e}");
}

#[test]
fn pot_sized_bet() {
    check("100%", 1.0);
}

#[test]
fn half_pot_bet() {
    check("50%", 0.5);
}

#[test]
fn double_pot_bet() {
    check("200%", 2.0);
}

#[test]
fn exploitability_of_a_fresh_solver_is_positive() {
    let solver = toy("100%", 1.0, 1.0);
    assert!(solver.exploitability_pct() > 1.0);
}
