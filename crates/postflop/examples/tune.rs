//! Sweeps the discounted-CFR exponents on the bench spots: iterations to 0.5% and 0.3% of the pot.
//! `cargo run --release -p ponder-postflop --example tune -- [spot ...]` (exploitability is measured every 5
//! iterations, so the counts are finer than `ponder bench postflop`'s every 10). Results: docs/performance.md.

use ponder_postflop::spot::BenchFile;
use ponder_postflop::PreparedSpot;
use ponder_postflop::{DiscountParams, Solver};

fn main() {
    let bench = BenchFile::builtin();
    let spots: Vec<String> = std::env::args().skip(1).collect();
    let spots = if spots.is_empty() {
        vec!["turn_td9d6hqc".to_string(), "turn_qsjh2h8d".to_string()]
    } else {
        spots
    };
    let mut grid = Vec::new();
    // TUNE_GRID="1.5,0,2;1.5,0,3" restricts the sweep to these (alpha, beta, gamma).
    if let Ok(list) = std::env::var("TUNE_GRID") {
        for item in list.split(';') {
            let v: Vec<f64> = item
                .split(',')
                .map(|x| x.trim().parse().expect("number"))
                .collect();
            grid.push(DiscountParams {
                alpha: v[0],
                beta: v[1],
                gamma: v[2],
            });
        }
    }
    let full = grid.is_empty();
    for alpha in [1.0, 1.5, 2.0, 3.0].into_iter().filter(|_| full) {
        for beta in [-10.0, 0.0, 0.5] {
            for gamma in [1.0, 2.0, 3.0, 5.0] {
                grid.push(DiscountParams { alpha, beta, gamma });
            }
        }
    }
    for name in &spots {
        let prepared = PreparedSpot::new(bench.spot(name).unwrap().clone()).unwrap();
        for &params in &grid {
            let mut solver = Solver::new(prepared.game());
            solver.params = params;
            let (mut to5, mut to3) = (None, None);
            let mut at = Vec::new();
            while solver.iteration < 400 && to3.is_none() {
                for _ in 0..5 {
                    solver.iterate();
                }
                let e = solver.exploitability_pct();
                if to5.is_none() && e <= 0.5 {
                    to5 = Some(solver.iteration);
                }
                if e <= 0.3 {
                    to3 = Some(solver.iteration);
                }
                if solver.iteration % 50 == 0 {
                    at.push(format!("{:.3}", e));
                }
            }
            println!(
                "{name:16} a={:<4} b={:<5} g={:<4} to0.5={:>4} to0.3={:>4}  at50,100..={}",
                params.alpha,
                params.beta,
                params.gamma,
                to5.map_or("-".into(), |v| v.to_string()),
                to3.map_or("-".into(), |v| v.to_string()),
                at.join(",")
            );
        }
    }
}
