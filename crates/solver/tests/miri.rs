//! The two-thread CFR passes (raw pointers shared by two threads over disjoint subtrees) on games small
//! enough for Miri (`tools/miri.sh`): the scalar split and the public-tree vector form must run without
//! undefined behaviour and give one thread's iterates bit for bit. Also a plain test in `cargo test`.

use ponder_games::{parse_game, CompiledTree};
use ponder_solver::{CfrSolver, CfrVariant, Solver};

fn compile(game: &str) -> CompiledTree {
    parse_game(game).unwrap().compile().unwrap()
}

/// Runs `iterations` on one and on two threads and checks that both used the expected path and agree.
fn two_threads_agree(game: &str, vector_form: bool, iterations: usize) {
    let tree = compile(game);
    for variant in [CfrVariant::Plus, CfrVariant::Vanilla] {
        let mut one = CfrSolver::new(&tree, variant, false);
        let mut two = CfrSolver::new(&tree, variant, false);
        two.set_threads(2);
        assert_eq!(
            two.threads(),
            2,
            "{game}: the two-thread pass must be in use"
        );
        assert_eq!(two.uses_vector_form(), vector_form, "{game}");
        for _ in 0..iterations {
            one.iterate();
            two.iterate();
        }
        assert_eq!(one.cumulative_regrets(), two.cumulative_regrets(), "{game}");
        assert_eq!(
            one.average_policy().probabilities(),
            two.average_policy().probabilities(),
            "{game}"
        );
    }
}

#[test]
fn vector_form_two_threads_match_one() {
    // 127 nodes; deal-first, so the public-tree vector form splits the root's public children.
    two_threads_agree("liars_dice(dice_sides=2)", true, 2);
}

#[test]
fn scalar_split_two_threads_match_one() {
    // 67 nodes, no chance: the node-by-node passes split below the first wide level.
    two_threads_agree("goofspiel(num_cards=3)", false, 2);
}
