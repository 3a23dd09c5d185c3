//! Values from `crates/oracles/data/games.json`: uniform-policy best responses and NashConv to ~1e-12,
//! equilibrium game values reached by CFR+, invariants of policies, and MCCFR reproducibility.

use ponder_games::{parse_game, CompiledTree, InfoSetId};
use ponder_solver::{evaluate, new_solver, Algorithm, Policy, Solver, SolverOptions};

fn reference() -> serde_json::Value {
    serde_json::from_str(ponder_oracles::GAMES_JSON).expect("games.json is JSON")
}

fn compile(game: &str) -> CompiledTree {
    parse_game(game).unwrap().compile().unwrap()
}

fn close(actual: f64, expected: f64, tolerance: f64) -> bool {
    (actual - expected).abs() <= tolerance
}

#[test]
fn uniform_policy_values_match_the_reference() {
    let reference = reference();
    for (name, facts) in reference["games"].as_object().unwrap() {
        let tree = compile(facts["game_string"].as_str().unwrap());
        let evaluation = evaluate(&tree, &Policy::uniform(&tree));
        let uniform = &facts["uniform_random"];
        let nash_conv = uniform["nash_conv"].as_f64().unwrap();
        assert!(
            close(evaluation.nash_conv, nash_conv, 1e-12),
            "{name}: NashConv {} vs {nash_conv}",
            evaluation.nash_conv
        );
        assert!(close(
            evaluation.exploitability,
            nash_conv / tree.num_players() as f64,
            1e-12
        ));
        if let Some(best) = uniform.get("best_response_value") {
            for (player, expected) in best.as_array().unwrap().iter().enumerate() {
                let expected = expected.as_f64().unwrap();
                let actual = evaluation.best_response_value[player];
                assert!(
                    close(actual, expected, 1e-12),
                    "{name} BR{player}: {actual} vs {expected}"
                );
            }
        }
        if let Some(on_policy) = uniform.get("on_policy_value") {
            for (player, expected) in on_policy.as_array().unwrap().iter().enumerate() {
                let expected = expected.as_f64().unwrap();
                let actual = evaluation.on_policy_value[player];
                assert!(
                    close(actual, expected, 1e-12),
                    "{name} value{player}: {actual} vs {expected}"
                );
            }
        }
    }
}

fn run(tree: &CompiledTree, algorithm: Algorithm, iterations: u64) -> Box<dyn Solver + '_> {
    let mut solver = new_solver(tree, algorithm, &SolverOptions::default());
    for _ in 0..iterations {
        solver.iterate();
    }
    solver
}

#[test]
fn kuhn_cfr_plus_reaches_the_game_value() {
    let tree = compile("kuhn_poker");
    let solver = run(&tree, Algorithm::CfrPlus, 1000);
    let evaluation = evaluate(&tree, &solver.average_policy());
    let value = evaluation.on_policy_value[0];
    assert!(close(value, -1.0 / 18.0, 1e-3), "Kuhn value {value}");
    assert!(evaluation.nash_conv < 1e-3, "{}", evaluation.nash_conv);
}

#[test]
fn leduc_cfr_plus_reaches_the_game_value() {
    let reference = reference();
    let expected = reference["games"]["leduc_poker"]["equilibrium"]["value_p0"]
        .as_f64()
        .unwrap();
    let tree = compile("leduc_poker");
    let solver = run(&tree, Algorithm::CfrPlus, 1000);
    let evaluation = evaluate(&tree, &solver.average_policy());
    let value = evaluation.on_policy_value[0];
    assert!(
        close(value, expected, 1e-3),
        "Leduc value {value} vs {expected}"
    );
    assert!(evaluation.nash_conv < 2e-3, "{}", evaluation.nash_conv);
}

#[test]
fn three_player_kuhn_trends_to_equilibrium() {
    let tree = compile("kuhn_poker(players=3)");
    for algorithm in [Algorithm::Cfr, Algorithm::CfrPlus] {
        let mut solver = new_solver(&tree, algorithm, &SolverOptions::default());
        let mut previous = f64::INFINITY;
        for target in [10, 100, 1000, 4000] {
            while solver.iterations() < target {
                solver.iterate();
            }
            let evaluation = evaluate(&tree, &solver.average_policy());
            assert!(
                evaluation.nash_conv < previous,
                "{algorithm:?}: NashConv {} after {target} did not fall below {previous}",
                evaluation.nash_conv
            );
            previous = evaluation.nash_conv;
        }
        let evaluation = evaluate(&tree, &solver.average_policy());
        assert!(
            evaluation.nash_conv < 0.01,
            "{algorithm:?}: {}",
            evaluation.nash_conv
        );
        let value = evaluation.on_policy_value[1];
        assert!(
            close(value, -1.0 / 48.0, 2e-3),
            "{algorithm:?}: player 1 value {value}"
        );
    }
}

fn assert_valid_policy(tree: &CompiledTree, policy: &Policy) {
    for infoset in 0..tree.num_infosets() {
        let probabilities = policy.at(tree, InfoSetId(infoset as u32));
        let sum: f64 = probabilities.iter().sum();
        assert!(close(sum, 1.0, 1e-9), "set {infoset} sums to {sum}");
        assert!(probabilities.iter().all(|p| (0.0..=1.0).contains(p)));
    }
}

#[test]
fn every_algorithm_keeps_policies_valid_and_exploitability_non_negative() {
    let tree = compile("leduc_poker");
    for name in [
        "cfr", "cfr+", "lcfr", "dcfr", "pcfr+", "es-mccfr", "os-mccfr",
    ] {
        let algorithm: Algorithm = name.parse().unwrap();
        let solver = run(&tree, algorithm, 50);
        for policy in [solver.average_policy(), solver.current_policy()] {
            assert_valid_policy(&tree, &policy);
            let evaluation = evaluate(&tree, &policy);
            assert!(
                evaluation.nash_conv >= -1e-12,
                "{name}: {}",
                evaluation.nash_conv
            );
            for player in 0..2 {
                assert!(
                    evaluation.best_response_value[player]
                        >= evaluation.on_policy_value[player] - 1e-12
                );
            }
        }
    }
}

#[test]
fn every_algorithm_converges_on_kuhn() {
    let tree = compile("kuhn_poker");
    for (name, iterations, bound) in [
        ("cfr", 2000, 0.01),
        ("cfr+", 2000, 0.005),
        ("lcfr", 2000, 0.005),
        ("dcfr", 2000, 0.005),
        ("pcfr+", 2000, 0.005),
        ("es-mccfr", 20000, 0.05),
        ("os-mccfr", 100000, 0.1),
    ] {
        let solver = run(&tree, name.parse().unwrap(), iterations);
        let nash_conv = evaluate(&tree, &solver.average_policy()).nash_conv;
        assert!(
            nash_conv < bound,
            "{name}: NashConv {nash_conv} after {iterations}"
        );
    }
}

#[test]
fn mccfr_is_reproducible_from_a_seed() {
    let tree = compile("leduc_poker");
    for name in ["es-mccfr", "os-mccfr"] {
        let algorithm: Algorithm = name.parse().unwrap();
        let policy = |seed: u64| {
            let options = SolverOptions {
                seed,
                ..SolverOptions::default()
            };
            let mut solver = new_solver(&tree, algorithm, &options);
            for _ in 0..200 {
                solver.iterate();
            }
            solver.average_policy()
        };
        assert_eq!(policy(7), policy(7), "{name}: same seed, different policy");
        assert_ne!(policy(7), policy(8), "{name}: the seed is ignored");
    }
}

#[test]
fn best_response_is_a_pure_policy_achieving_its_value() {
    let tree = compile("leduc_poker");
    let uniform = Policy::uniform(&tree);
    for player in 0..2 {
        let (value, response) = ponder_solver::best_response(&tree, &uniform, player);
        assert_valid_policy(&tree, &response);
        for infoset in tree.infosets_of(player) {
            let probabilities = response.at(&tree, InfoSetId(infoset as u32));
            assert!(probabilities.iter().all(|&p| p == 0.0 || p == 1.0));
        }
        let achieved = ponder_solver::expected_values(&tree, &response)[player];
        assert!(close(achieved, value, 1e-12), "{achieved} vs {value}");
    }
}

#[test]
fn best_response_values_hold_at_every_node_even_below_moves_never_made() {
    // A pure policy (the other player's best response) leaves whole subtrees unreached: their
    // values must still be those of the same best response.
    let tree = compile("leduc_poker");
    let uniform = Policy::uniform(&tree);
    let (_, pure) = ponder_solver::best_response(&tree, &uniform, 1);
    for player in 0..2 {
        let values = ponder_solver::best_response_values(&tree, &pure, player);
        let (value, response) = ponder_solver::best_response(&tree, &pure, player);
        assert_eq!(values[0].to_bits(), value.to_bits());
        // Every node's value is its expected value when `player` plays the best response and the
        // other player `pure`: the profile mixing both, evaluated bottom-up.
        let mut profile = pure.probabilities().to_vec();
        for infoset in tree.infosets_of(player) {
            let slots = tree.slots(InfoSetId(infoset as u32));
            profile[slots.clone()].copy_from_slice(&response.probabilities()[slots]);
        }
        for node in (0..tree.num_nodes()).rev() {
            let id = ponder_games::NodeId(node as u32);
            let expected = match tree.kind(id) {
                ponder_games::NodeKind::Terminal => tree.returns(id)[player],
                ponder_games::NodeKind::Chance => tree
                    .children(id)
                    .map(|child| {
                        tree.edge_probability(ponder_games::NodeId(child as u32)) * values[child]
                    })
                    .sum(),
                ponder_games::NodeKind::Decision { infoset, .. } => tree
                    .children(id)
                    .zip(tree.slots(infoset))
                    .map(|(child, slot)| profile[slot] * values[child])
                    .sum(),
            };
            assert!(values[node].is_finite(), "node {node}");
            assert!(
                close(values[node], expected, 1e-12),
                "node {node}: {} vs {expected}",
                values[node]
            );
        }
    }
}

#[test]
fn policy_json_round_trips_and_rejects_bad_files() {
    let tree = compile("kuhn_poker");
    let solver = run(&tree, Algorithm::CfrPlus, 100);
    let policy = solver.average_policy();
    let text = policy.to_json(&tree).to_string();
    let back = Policy::from_json(&tree, &text).unwrap();
    for (a, b) in back.probabilities().iter().zip(policy.probabilities()) {
        assert!(close(*a, *b, 1e-15));
    }
    assert!(text.contains("\"0pb\""));
    let unknown = Policy::from_json(&tree, r#"{"9pb": [0.5, 0.5]}"#).unwrap_err();
    assert!(unknown.to_string().contains("9pb"), "{unknown}");
    let bad_sum = Policy::from_json(&tree, r#"{"0pb": [0.5, 0.6]}"#).unwrap_err();
    assert!(bad_sum.to_string().contains("sum"), "{bad_sum}");
    let not_json = Policy::from_json(&tree, "{\n  \"0\": [0.5,").unwrap_err();
    assert!(not_json.to_string().contains("line 2"), "{not_json}");
    let wrong_game = Policy::from_json(&tree, r#"{"game": "leduc_poker()", "policy": {}}"#);
    assert!(wrong_game.is_err());
}
