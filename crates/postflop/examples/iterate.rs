//! Runs a fixed number of iterations of one bench spot with 32- or 16-bit storage (no exploitability
//! checks), for profiling: `cargo run --release -p ponder-postflop --example iterate -- SPOT 32|16 N [quiet]`
//! (`quiet`: no exploitability at the end, so an instruction count holds the build and the iterations only).

use ponder_postflop::game::NodeKind;
use ponder_postflop::spot::BenchFile;
use ponder_postflop::PreparedSpot;
use ponder_postflop::{Solver, StoredValue, Q16};

fn run<S: StoredValue>(prepared: &PreparedSpot, iterations: u32, quiet: bool) {
    let mut solver = Solver::<S>::zeroed(prepared.game());
    let start = std::time::Instant::now();
    for _ in 0..iterations {
        solver.iterate();
    }
    if quiet {
        println!(
            "{iterations} iterations in {:.3} s",
            start.elapsed().as_secs_f64()
        );
        return;
    }
    println!(
        "{iterations} iterations in {:.3} s, exploitability {:.4}% pot",
        start.elapsed().as_secs_f64(),
        solver.exploitability_pct()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench = BenchFile::builtin();
    let name = args.first().map_or("turn_td9d6hqc", |s| s.as_str());
    let bits = args.get(1).map_or("32", |s| s.as_str());
    let iterations = args.get(2).map_or(100, |s| s.parse().expect("iterations"));
    let prepared = PreparedSpot::new(bench.spot(name).expect("spot").clone()).expect("spot");
    let quiet = args.get(3).is_some_and(|s| s == "quiet");
    if quiet {
        // The work an iteration does, for comparing instruction counts between spots.
        let game = prepared.game();
        let (mut showdowns, mut folds, mut chances, mut decisions, mut values) =
            (0, 0, 0, 0u64, 0u64);
        let mut all_in = 0;
        for node in &game.nodes {
            match node.kind {
                NodeKind::Showdown(_) => {
                    showdowns += 1;
                    let action = game.tree.node(node.action_node);
                    if action.committed[0] >= game.tree.config.effective_stack {
                        all_in += 1;
                    }
                }
                NodeKind::Fold(_) => folds += 1,
                NodeKind::Chance => chances += 1,
                NodeKind::Player(p) => {
                    decisions += 1;
                    values += node.num_children as u64 * game.hands[p.index()].len() as u64;
                }
            }
        }
        println!(
            "hands OOP {} IP {}; nodes {}: {decisions} decision ({values} action x hand values), \
             {chances} chance, {showdowns} showdown ({all_in} after an all-in), {folds} fold",
            game.hands[0].len(),
            game.hands[1].len(),
            game.nodes.len()
        );
    }
    if bits == "16" {
        run::<Q16>(&prepared, iterations, quiet);
    } else {
        run::<f32>(&prepared, iterations, quiet);
    }
}
