//! The safety guarantee measured exactly: the search agent's full policy is never more exploitable than
//! its blueprint, on Kuhn and Leduc, over several blueprint sizes and search budgets; and search does
//! improve some cells (so the check is not passing by always keeping the blueprint).

use ponder_search::{search_policy, PublicTree};
use ponder_solver::{evaluate, new_solver, Algorithm, Policy, SolverOptions};

fn blueprints(tree: &ponder_games::CompiledTree, checkpoints: &[u64]) -> Vec<(u64, Policy)> {
    let mut solver = new_solver(tree, Algorithm::CfrPlus, &SolverOptions::default());
    let mut result = Vec::new();
    for &checkpoint in checkpoints {
        while solver.iterations() < checkpoint {
            solver.iterate();
        }
        result.push((checkpoint, solver.average_policy()));
    }
    result
}

fn check_game(game: &str, checkpoints: &[u64], budgets: &[usize]) -> usize {
    let tree = ponder_games::parse_game(game).unwrap().compile().unwrap();
    let public_tree = PublicTree::new(&tree).unwrap();
    let mut improved_cells = 0;
    let mut policies = blueprints(&tree, checkpoints);
    policies.insert(0, (0, Policy::uniform(&tree)));
    for (train, blueprint) in &policies {
        let before = evaluate(&tree, blueprint).nash_conv;
        for &budget in budgets {
            let (searched, stats) = search_policy(&tree, &public_tree, blueprint, budget);
            let after = evaluate(&tree, &searched).nash_conv;
            eprintln!(
                "{game} train {train} search {budget}: {before:.6} -> {after:.6} ({stats:?})"
            );
            assert!(
                after <= before + 1e-9,
                "{game}: train {train}, search {budget}: NashConv rose from {before} to {after}"
            );
            if after < before - 1e-6 {
                improved_cells += 1;
            }
        }
    }
    improved_cells
}

#[test]
fn search_never_increases_exploitability_on_kuhn() {
    let improved = check_game("kuhn_poker", &[1, 10, 100], &[1, 10, 100]);
    assert!(improved >= 3, "search improved only {improved} Kuhn cells");
}

#[test]
fn search_never_increases_exploitability_on_leduc() {
    let improved = check_game("leduc_poker", &[10, 100], &[10, 100]);
    assert!(improved >= 2, "search improved only {improved} Leduc cells");
}

#[test]
fn depth_limited_search_on_leduc_is_safe_and_helps() {
    let tree = ponder_games::parse_game("leduc_poker")
        .unwrap()
        .compile()
        .unwrap();
    let public_tree = PublicTree::new(&tree).unwrap();
    let mut improved = 0;
    for (train, blueprint) in blueprints(&tree, &[10, 100]) {
        let before = evaluate(&tree, &blueprint).nash_conv;
        for budget in [10, 100] {
            let (full, _) = search_policy(&tree, &public_tree, &blueprint, budget);
            let (limited, stats) = ponder_search::search_policy_with(
                &tree,
                &public_tree,
                &blueprint,
                budget,
                ponder_search::SearchMode::DepthLimited,
            );
            let full = evaluate(&tree, &full).nash_conv;
            let after = evaluate(&tree, &limited).nash_conv;
            eprintln!(
                "leduc train {train} search {budget}: blueprint {before:.6}, full {full:.6}, depth-limited {after:.6} ({stats:?})"
            );
            assert!(
                after <= before + 1e-9,
                "depth-limited search raised NashConv"
            );
            if after < before - 1e-6 {
                improved += 1;
            }
        }
    }
    assert!(
        improved >= 2,
        "depth-limited search improved only {improved} cells"
    );
}

/// The safety tests have teeth: without the gadget (unsafe re-solving from the blueprint's joint
/// ranges) the same agent does become more exploitable than its blueprint in some cells.
#[test]
fn unsafe_resolving_can_increase_exploitability() {
    let mut worse = Vec::new();
    for game in ["kuhn_poker", "leduc_poker"] {
        let tree = ponder_games::parse_game(game).unwrap().compile().unwrap();
        let public_tree = PublicTree::new(&tree).unwrap();
        for (train, blueprint) in blueprints(&tree, &[10, 100, 1000]) {
            let before = evaluate(&tree, &blueprint).nash_conv;
            for budget in [10, 100] {
                let (searched, _) = ponder_search::search_policy_with(
                    &tree,
                    &public_tree,
                    &blueprint,
                    budget,
                    ponder_search::SearchMode::Unsafe,
                );
                let after = evaluate(&tree, &searched).nash_conv;
                eprintln!("unsafe {game} train {train} search {budget}: {before:.6} -> {after:.6}");
                if after > before + 1e-6 {
                    worse.push((game, train, budget));
                }
            }
        }
    }
    assert!(
        !worse.is_empty(),
        "unsafe re-solving never hurt: the safety test would be vacuous"
    );
}
