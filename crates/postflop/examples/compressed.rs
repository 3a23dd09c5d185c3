//! Exploitability of 32-bit and 16-bit storage side by side, every 10 iterations, on bench spots:
//! `cargo run --release -p ponder-postflop --example compressed -- [spot ...]`.

use ponder_postflop::spot::BenchFile;
use ponder_postflop::PreparedSpot;
use ponder_postflop::{Solver, StoredValue, Q16};

fn run<S: StoredValue>(prepared: &PreparedSpot, iterations: u32) -> (Vec<f64>, f64) {
    let mut solver = Solver::<S>::zeroed(prepared.game());
    let mut trace = Vec::new();
    let start = std::time::Instant::now();
    let mut solving = 0.0;
    while solver.iteration < iterations {
        let t = std::time::Instant::now();
        for _ in 0..10 {
            solver.iterate();
        }
        solving += t.elapsed().as_secs_f64();
        trace.push(solver.exploitability_pct());
    }
    let _ = start;
    (trace, solving)
}

fn main() {
    let bench = BenchFile::builtin();
    let mut spots: Vec<String> = std::env::args().skip(1).collect();
    if spots.is_empty() {
        spots = vec![
            "river_qsjh2h8d3c".into(),
            "turn_td9d6hqc".into(),
            "turn_qsjh2h8d".into(),
        ];
    }
    for name in &spots {
        let prepared = PreparedSpot::new(bench.spot(name).unwrap().clone()).unwrap();
        let (full, t32) = run::<f32>(&prepared, 200);
        let (half, t16) = run::<Q16>(&prepared, 200);
        let first = |t: &[f64], x: f64| t.iter().position(|&e| e <= x).map(|i| (i + 1) * 10);
        println!(
            "{name}: 32-bit to 0.5%/0.3% {:?}/{:?} ({t32:.2} s), 16-bit {:?}/{:?} ({t16:.2} s)",
            first(&full, 0.5),
            first(&full, 0.3),
            first(&half, 0.5),
            first(&half, 0.3)
        );
        for (i, (a, b)) in full.iter().zip(&half).enumerate() {
            print!("{}:{a:.3}/{b:.3} ", (i + 1) * 10);
        }
        println!();
    }
}
