//! Runs a fixed number of iterations of one bench spot with 32- or 16-bit storage (no exploitability
//! checks), for profiling: `cargo run --release -p ponder-postflop --example iterate -- SPOT 32|16 N [quiet]`
//! (`quiet`: no exploitability at the end, so an instruction count holds the build and the iterations only).

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
    if bits == "16" {
        run::<Q16>(&prepared, iterations, quiet);
    } else {
        run::<f32>(&prepared, iterations, quiet);
    }
}
