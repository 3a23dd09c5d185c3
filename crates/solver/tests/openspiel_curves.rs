//! NashConv curves of the CFR family against OpenSpiel 2.0.2 (`tools/openspiel_cfr.py`): the same number
//! of iterations must give the same NashConv to ~1e-9 relative, because ponder follows OpenSpiel's
//! conventions (alternation, averaging weights, discount timing) exactly.

use ponder_solver::{evaluate, new_solver, Algorithm, SolverOptions};

const SCRIPT: &str = include_str!("../../../tools/openspiel_cfr.py");

fn openspiel_curve(game: &str, algorithm: &str, checkpoints: &[u64]) -> Option<Vec<(u64, f64)>> {
    let python = ponder_oracles::python()?;
    let list = checkpoints
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let output = ponder_oracles::run_python(&python, SCRIPT, &[game, algorithm, &list]);
    let json: serde_json::Value = serde_json::from_str(&output).expect("oracle prints JSON");
    Some(
        json["curve"]
            .as_array()
            .unwrap()
            .iter()
            .map(|point| {
                (
                    point["iterations"].as_u64().unwrap(),
                    point["nash_conv"].as_f64().unwrap(),
                )
            })
            .collect(),
    )
}

fn ponder_curve(game: &str, algorithm: &str, checkpoints: &[u64]) -> Vec<(u64, f64)> {
    let tree = ponder_games::parse_game(game).unwrap().compile().unwrap();
    let simultaneous = algorithm == "cfr-simultaneous";
    let parsed: Algorithm = if simultaneous {
        Algorithm::Cfr
    } else {
        algorithm.parse().unwrap()
    };
    let options = SolverOptions {
        simultaneous,
        ..SolverOptions::default()
    };
    let mut solver = new_solver(&tree, parsed, &options);
    let mut curve = Vec::new();
    for &target in checkpoints {
        while solver.iterations() < target {
            solver.iterate();
        }
        curve.push((target, evaluate(&tree, &solver.average_policy()).nash_conv));
    }
    curve
}

fn check(game: &str, algorithm: &str, checkpoints: &[u64]) {
    let ours = ponder_curve(game, algorithm, checkpoints);
    let Some(theirs) = openspiel_curve(game, algorithm, checkpoints) else {
        return;
    };
    assert_eq!(ours.len(), theirs.len());
    for ((iterations, mine), (their_iterations, expected)) in ours.iter().zip(&theirs) {
        assert_eq!(iterations, their_iterations);
        let relative = (mine - expected).abs() / expected.abs().max(1e-12);
        assert!(
            relative < 1e-9,
            "{game} {algorithm} after {iterations} iterations: ponder NashConv {mine}, OpenSpiel {expected} (relative {relative:e})"
        );
    }
}

const FULL: &[u64] = &[1, 10, 100, 1000];

#[test]
fn kuhn_cfr() {
    check("kuhn_poker", "cfr", FULL);
}

#[test]
fn kuhn_cfr_plus() {
    check("kuhn_poker", "cfr+", FULL);
}

#[test]
fn kuhn_cfr_simultaneous() {
    check("kuhn_poker", "cfr-simultaneous", FULL);
}

#[test]
fn kuhn_linear_cfr() {
    check("kuhn_poker", "lcfr", FULL);
}

#[test]
fn kuhn_discounted_cfr() {
    check("kuhn_poker", "dcfr", FULL);
}

#[test]
fn three_player_kuhn_cfr_and_cfr_plus() {
    check("kuhn_poker(players=3)", "cfr", FULL);
    check("kuhn_poker(players=3)", "cfr+", FULL);
}

#[test]
fn leduc_cfr() {
    check("leduc_poker", "cfr", FULL);
}

#[test]
fn leduc_cfr_plus() {
    check("leduc_poker", "cfr+", FULL);
}

/// OpenSpiel has LCFR/DCFR only in Python (~0.1 s per Leduc iteration), so Leduc stops at 100.
#[test]
fn leduc_linear_and_discounted_cfr() {
    check("leduc_poker", "lcfr", &[1, 10, 100]);
    check("leduc_poker", "dcfr", &[1, 10, 100]);
}

#[test]
fn goofspiel_cfr_plus() {
    check(
        "goofspiel(imp_info=True,num_cards=4,points_order=descending,returns_type=win_loss)",
        "cfr+",
        &[1, 10, 100],
    );
}

/// Liar's dice runs on the public-tree vector form (`CfrSolver` picks it automatically); OpenSpiel
/// takes ~0.1 s per iteration here, so CFR+ stops at 100 and CFR at 10.
#[test]
fn liars_dice_cfr_plus() {
    check("liars_dice", "cfr+", &[1, 10, 100]);
}

#[test]
fn liars_dice_cfr() {
    check("liars_dice", "cfr", &[1, 10]);
}
