//! Discount schedules beyond fixed DCFR exponents, measured in iterations (load-independent) to each target:
//! `cargo run --release -p ponder-postflop --example variants -- [spot ...]`, variants picked with
//! `VARIANTS=dcfr,dcfr+g4,...` (default: all). Exploitability is measured every `EVERY` iterations
//! (default 10, as the bench does) up to `MAX` iterations (default 1000). The library is untouched: a
//! schedule sets `Solver::params` before each iteration, and `Discount::at` reads them with the current t.
//! Results: docs/performance.md ("Fewer iterations: DCFR variants").

use ponder_postflop::spot::BenchFile;
use ponder_postflop::PreparedSpot;
use ponder_postflop::{DiscountParams, Solver};

/// The exponents to use on iteration `t` (1-based).
type Schedule = fn(u32) -> DiscountParams;

fn fixed(alpha: f64, beta: f64, gamma: f64) -> DiscountParams {
    DiscountParams { alpha, beta, gamma }
}

/// Ramps linearly from `a` at t = 1 to `b` at t = `over`, then stays.
fn ramp(t: u32, a: f64, b: f64, over: f64) -> f64 {
    a + (b - a) * ((t as f64 - 1.0) / over).min(1.0)
}

// β = −1000: negative regrets are multiplied by t^β/(t^β+1) = 0 from the third iteration on, which is the
// CFR+ floor (regret matching ignores the negative value left after one update; the next update starts
// from zero): DCFR+ of Xu et al. 2024.
const VARIANTS: &[(&str, Schedule)] = &[
    ("dcfr", |_| fixed(1.5, 0.0, 3.0)),
    ("dcfr-g2", |_| fixed(1.5, 0.0, 2.0)),
    ("dcfr-g4", |_| fixed(1.5, 0.0, 4.0)),
    ("dcfr-g5", |_| fixed(1.5, 0.0, 5.0)),
    ("dcfr+g3", |_| fixed(1.5, -1000.0, 3.0)),
    ("dcfr+g4", |_| fixed(1.5, -1000.0, 4.0)),
    ("dcfr+g5", |_| fixed(1.5, -1000.0, 5.0)),
    ("dcfr+a1g4", |_| fixed(1.0, -1000.0, 4.0)),
    ("dcfr+a2g4", |_| fixed(2.0, -1000.0, 4.0)),
    // Scheduled: discount hard early (forget the first, poor iterations), then weight the average more.
    ("ramp-g2-5", |t| fixed(1.5, 0.0, ramp(t, 2.0, 5.0, 300.0))),
    ("ramp-a1-2.5", |t| fixed(ramp(t, 1.0, 2.5, 300.0), 0.0, 3.0)),
    ("ramp-a2.5-1.5", |t| {
        fixed(ramp(t, 2.5, 1.5, 300.0), 0.0, 3.0)
    }),
    ("ramp-b0.5-0", |t| {
        fixed(1.5, ramp(t, 0.5, -1.0, 300.0), 3.0)
    }),
    // DCFR to the loose targets, then the CFR+ floor (DCFR+) for the tight ones.
    ("switch+200", |t| {
        fixed(1.5, if t <= 200 { 0.0 } else { -1000.0 }, 3.0)
    }),
    ("switch+350", |t| {
        fixed(1.5, if t <= 350 { 0.0 } else { -1000.0 }, 3.0)
    }),
];

fn main() {
    let bench = BenchFile::builtin();
    let spots: Vec<String> = std::env::args().skip(1).collect();
    let spots = if spots.is_empty() {
        vec![
            "river_qsjh2h8d3c".into(),
            "turn_td9d6hqc".into(),
            "turn_qsjh2h8d".into(),
        ]
    } else {
        spots
    };
    let pick: Option<Vec<String>> = std::env::var("VARIANTS")
        .ok()
        .map(|v| v.split(',').map(str::to_string).collect());
    let every: u32 = std::env::var("EVERY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let max: u32 = std::env::var("MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let targets = [0.5, 0.3, 0.1, 0.05, 0.02];
    for name in &spots {
        let prepared = PreparedSpot::new(bench.spot(name).unwrap().clone()).unwrap();
        for &(variant, schedule) in VARIANTS {
            if pick
                .as_ref()
                .is_some_and(|p| !p.iter().any(|x| x == variant))
            {
                continue;
            }
            let mut solver = Solver::new(prepared.game());
            let mut reached = [None; 5];
            while solver.iteration < max && reached[4].is_none() {
                for _ in 0..every {
                    solver.params = schedule(solver.iteration + 1);
                    solver.iterate();
                }
                let e = solver.exploitability_pct();
                for (slot, &target) in reached.iter_mut().zip(&targets) {
                    if slot.is_none() && e <= target {
                        *slot = Some(solver.iteration);
                    }
                }
            }
            let cells: Vec<String> = reached
                .iter()
                .zip(&targets)
                .map(|(r, t)| format!("{t}:{}", r.map_or("-".into(), |v| v.to_string())))
                .collect();
            println!("{name:22} {variant:14} {}", cells.join(" "));
        }
    }
}
