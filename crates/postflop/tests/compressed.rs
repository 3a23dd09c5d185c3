//! 16-bit compressed storage: encoding error bounds, updates against the f32 updates, convergence to the
//! same exploitability targets as 32-bit storage, exact exploitability of the stored strategy, and solve
//! files that record their storage kind.

use std::path::PathBuf;

use ponder_postflop::cfr::Discount;
use ponder_postflop::game::NodeKind;
use ponder_postflop::spot::{BenchFile, SpotFile};
use ponder_postflop::storage::own_len;
use ponder_postflop::{file, AnySolver, MemoryEstimate, PreparedSpot, SolveOptions};
use ponder_postflop::{DiscountParams, Solver, StoredValue, Q16};

/// A small deterministic generator (splitmix64) for test values.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f32 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 40) as f32 / (1u64 << 24) as f32
    }

    fn gen_range(&mut self, range: std::ops::Range<f32>) -> f32 {
        range.start + (range.end - range.start) * self.next()
    }
}

fn bench_spot(name: &str) -> PreparedSpot {
    let bench = BenchFile::builtin();
    PreparedSpot::new(bench.spot(name).unwrap().clone()).unwrap()
}

/// A turn spot small enough for a test (a few hundred iterations in well under a second).
const SMALL_TURN: &str = "board = \"Td9d6hQc\"\n\
oop_range = \"AA,KK,QQ,JJ,AQs,KQs,QJs,JTs,T9s,98s,87s,A5s\"\n\
ip_range = \"TT,99,66,AK,AQ,KJs,QTs,J8s,76s,KdJd\"\n\
starting_pot = 200\n\
effective_stack = 600\n\
\n\
[bet_sizes]\n\
bet = \"50%, a\"\n\
raise = \"3x\"\n";

fn small_turn() -> PreparedSpot {
    PreparedSpot::new(SpotFile::from_toml(SMALL_TURN, "small turn").unwrap()).unwrap()
}

/// Iterations to reach `target` (% pot), measured every 10 iterations, and the exploitability then.
fn iterations_to<S: StoredValue>(prepared: &PreparedSpot, target: f64) -> (u32, f64) {
    let mut solver = Solver::<S>::zeroed(prepared.game());
    let last = solver.solve(
        SolveOptions {
            target_pct: target,
            max_iterations: 3000,
            check_every: 10,
            checkpoint_every: None,
        },
        |_, _| true,
    );
    assert!(
        last.exploitability_pct <= target,
        "{} bits: {}% after {} iterations",
        if S::COMPRESSED { 16 } else { 32 },
        last.exploitability_pct,
        last.iteration
    );
    (last.iteration, last.exploitability_pct)
}

#[test]
fn encoding_is_within_half_a_step_of_the_node_maximum() {
    let mut rng = Rng(16);
    for (actions, hands) in [(1, 1), (2, 7), (3, 64), (5, 300)] {
        let n = actions * hands;
        for magnitude in [1e-30f32, 1e-3, 1.0, 1e6, 1e30] {
            let regrets: Vec<f32> = (0..n)
                .map(|_| rng.gen_range(-1.0f32..1.0) * magnitude)
                .collect();
            let sums: Vec<f32> = (0..n)
                .map(|_| rng.gen_range(0.0f32..1.0) * magnitude)
                .collect();
            let mut own = vec![Q16::default(); own_len::<Q16>(actions, hands)];
            Q16::encode(&mut own, actions, hands, &regrets, &sums);
            let (mut r, mut s) = (vec![0.0; n], vec![0.0; n]);
            Q16::decode(&own, actions, hands, &mut r, &mut s);
            let rmax = regrets.iter().fold(0.0f32, |m, x| m.max(x.abs()));
            let smax = sums.iter().fold(0.0f32, |m, &x| m.max(x));
            for i in 0..n {
                // Half a step, plus f32 rounding of the scale and of q × scale.
                assert!(
                    (r[i] - regrets[i]).abs() <= rmax * (0.5 / 32767.0 + 1e-6),
                    "regret {} decoded {}",
                    regrets[i],
                    r[i]
                );
                assert!(
                    (s[i] - sums[i]).abs() <= smax * (0.5 / 65535.0 + 1e-6),
                    "sum {} decoded {}",
                    sums[i],
                    s[i]
                );
            }
            // The largest magnitude uses the full range.
            let top = own[..n]
                .iter()
                .map(|q| (q.0 as i16).unsigned_abs())
                .max()
                .unwrap();
            assert_eq!(top, 32767);
        }
    }
    // All-zero rows stay zero (scale 0) and average to uniform.
    let mut own = vec![Q16::default(); own_len::<Q16>(3, 4)];
    Q16::encode(&mut own, 3, 4, &[0.0; 12], &[0.0; 12]);
    assert!(own.iter().all(|q| q.0 == 0));
    let mut strategy = vec![0.0; 12];
    Q16::average(&own, 3, 4, &mut strategy);
    assert!(strategy.iter().all(|&p| (p - 1.0 / 3.0).abs() < 1e-7));
}

#[test]
fn updates_match_the_f32_updates_within_half_a_step() {
    let mut rng = Rng(5);
    let (actions, hands) = (3, 97);
    let n = actions * hands;
    let regrets: Vec<f32> = (0..n).map(|_| rng.gen_range(-50.0f32..80.0)).collect();
    let sums: Vec<f32> = (0..n).map(|_| rng.gen_range(0.0f32..30.0)).collect();
    let mut full = vec![0.0f32; own_len::<f32>(actions, hands)];
    let mut half = vec![Q16::default(); own_len::<Q16>(actions, hands)];
    f32::encode(&mut full, actions, hands, &regrets, &sums);
    Q16::encode(&mut half, actions, hands, &regrets, &sums);
    // Start the f32 side from the decoded values, so only the update's own rounding is compared.
    let (mut r, mut s) = (vec![0.0; n], vec![0.0; n]);
    Q16::decode(&half, actions, hands, &mut r, &mut s);
    f32::encode(&mut full, actions, hands, &r, &s);
    for iteration in 2..40 {
        let discount = Discount::at(DiscountParams::default(), iteration);
        let values: Vec<f32> = (0..n).map(|_| rng.gen_range(-20.0f32..20.0)).collect();
        let out: Vec<f32> = (0..hands).map(|_| rng.gen_range(-5.0f32..5.0)).collect();
        let reach: Vec<f32> = (0..hands).map(|_| rng.gen_range(0.0f32..1.0)).collect();
        let mut strategy = vec![0.0f32; n];
        Q16::regret_matching(&half, actions, hands, &mut strategy);
        let mut expected = vec![0.0f32; n];
        f32::regret_matching(&full, actions, hands, &mut expected);
        for (a, b) in strategy.iter().zip(&expected) {
            assert!((a - b).abs() < 1e-5, "regret matching {a} vs {b}");
        }
        f32::update_regrets(
            &mut full,
            actions,
            hands,
            &mut values.clone(),
            &out,
            discount,
        );
        Q16::update_regrets(
            &mut half,
            actions,
            hands,
            &mut values.clone(),
            &out,
            discount,
        );
        f32::update_sums(
            &mut full,
            actions,
            hands,
            &strategy,
            &reach,
            discount.strategy,
        );
        Q16::update_sums(
            &mut half,
            actions,
            hands,
            &strategy,
            &reach,
            discount.strategy,
        );
        let (mut r, mut s) = (vec![0.0; n], vec![0.0; n]);
        Q16::decode(&half, actions, hands, &mut r, &mut s);
        let rmax = full[..n].iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let smax = full[n..2 * n].iter().fold(0.0f32, |m, &x| m.max(x));
        for i in 0..n {
            assert!(
                (r[i] - full[i]).abs() <= rmax * (0.5 / 32767.0 + 1e-6),
                "iteration {iteration}: regret {} vs {}",
                r[i],
                full[i]
            );
            assert!(
                (s[i] - full[n + i]).abs() <= smax * (0.5 / 65535.0 + 1e-6),
                "iteration {iteration}: sum {} vs {}",
                s[i],
                full[n + i]
            );
        }
        // Continue both from the same values: the f32 side takes the decoded ones.
        f32::encode(&mut full, actions, hands, &r, &s);
    }
}

#[test]
fn compressed_river_reaches_the_targets_of_32_bit() {
    let prepared = bench_spot("river_qsjh2h8d3c");
    for target in [0.3, 0.1] {
        let (full, _) = iterations_to::<f32>(&prepared, target);
        let (half, _) = iterations_to::<Q16>(&prepared, target);
        assert!(
            half as f64 <= 1.2 * full as f64 + 10.0,
            "{target}% pot: 16-bit {half} iterations, 32-bit {full}"
        );
    }
}

#[test]
fn compressed_small_turn_reaches_the_target_of_32_bit() {
    let prepared = small_turn();
    let (full, _) = iterations_to::<f32>(&prepared, 0.2);
    let (half, _) = iterations_to::<Q16>(&prepared, 0.2);
    assert!(
        half as f64 <= 1.2 * full as f64 + 10.0,
        "16-bit {half} iterations, 32-bit {full}"
    );
}

#[test]
fn exploitability_of_a_compressed_solve_is_that_of_its_decoded_strategy() {
    let prepared = small_turn();
    let mut half = Solver::<Q16>::zeroed(prepared.game());
    for _ in 0..30 {
        half.iterate();
    }
    let measured = half.best_response_values();
    let strategies: Vec<Vec<f32>> = (0..half.game.nodes.len() as u32)
        .map(|i| half.average_strategy(ponder_postflop::game::NodeId(i)))
        .collect();
    // Decoded to f32 storage (sums = q × scale), the 32-bit best response sees the same strategy.
    let full: Solver<f32> = half.convert();
    for (i, strategy) in strategies.iter().enumerate() {
        let decoded = full.average_strategy(ponder_postflop::game::NodeId(i as u32));
        for (a, b) in strategy.iter().zip(&decoded) {
            assert!((a - b).abs() < 1e-6, "node {i}: {a} vs {b}");
        }
    }
    let pot = prepared.file.starting_pot as f64;
    for (p, (a, b)) in measured.iter().zip(full.best_response_values()).enumerate() {
        assert!(
            (a - b).abs() < 1e-6 * pot,
            "player {p}: compressed {a}, decoded {b}"
        );
    }
}

#[test]
fn memory_estimate_matches_the_allocated_storage() {
    let prepared = small_turn();
    let game = prepared.game();
    let estimate = MemoryEstimate::of(&game);
    let full = ponder_postflop::new_solver::<f32>(prepared.game(), u64::MAX).unwrap();
    let half = ponder_postflop::new_solver::<Q16>(game, u64::MAX).unwrap();
    assert_eq!(full.storage.len() as u64, estimate.storage_values);
    let decision = half
        .game
        .nodes
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::Player(_)))
        .count() as u64;
    assert_eq!(decision, estimate.counts.decision_nodes);
    assert_eq!(
        estimate.bytes_32 - estimate.bytes_16,
        full.storage.len() as u64 * 4 - half.storage.len() as u64 * 2
    );
    // The 16-bit layout keeps every node's values and scales inside its subtree's range.
    for node in &half.game.nodes {
        assert!(node.storage_start <= node.storage_end);
        assert!(node.storage_end <= half.storage.len());
    }
    // Too little memory for 32-bit but enough for 16-bit: only the 16-bit solver is built.
    let limit = (estimate.bytes_32 + estimate.bytes_16) / 2;
    assert!(ponder_postflop::new_solver::<f32>(prepared.game(), limit).is_err());
    assert!(ponder_postflop::new_solver::<Q16>(prepared.game(), limit).is_ok());
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ponder-compressed-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn compressed_solve_files_save_resume_and_refuse_the_other_kind() {
    let prepared = small_turn();
    let mut straight = Solver::<Q16>::zeroed(prepared.game());
    for _ in 0..12 {
        straight.iterate();
    }
    let mut first = Solver::<Q16>::zeroed(prepared.game());
    for _ in 0..7 {
        first.iterate();
    }
    let path = temp("half.solve");
    file::save(&path, &prepared.file, &first, Some(1.5)).unwrap();
    let (header, values) = file::load_as::<Q16>(&path).unwrap();
    assert!(header.compressed);
    assert_eq!(header.iteration, 7);
    assert_eq!(values, first.storage);
    let error = file::load_as::<f32>(&path).unwrap_err().to_string();
    assert!(
        error.contains("16-bit compressed values, not 32-bit"),
        "{error}"
    );
    let (header, loaded) = file::load_solver(&path, u64::MAX).unwrap();
    let AnySolver::Compressed(mut resumed) = loaded else {
        panic!("a compressed file loads as a compressed solver");
    };
    assert_eq!(header.exploitability_pct, Some(1.5));
    assert_eq!(resumed.iteration, 7);
    for _ in 0..5 {
        resumed.iterate();
    }
    assert_eq!(
        resumed.storage, straight.storage,
        "resumed solve must equal the uninterrupted one"
    );
    // A 32-bit file is not read as 16-bit.
    let full = Solver::new(prepared.game());
    let path = temp("full.solve");
    file::save(&path, &prepared.file, &full, None).unwrap();
    let error = file::load_as::<Q16>(&path).unwrap_err().to_string();
    assert!(
        error.contains("32-bit values, not 16-bit compressed"),
        "{error}"
    );
    assert!(matches!(
        file::load_solver(&path, u64::MAX).unwrap().1,
        AnySolver::Full(_)
    ));
    // Files of format version 2 (no storage kind recorded) are refused.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[8..12].copy_from_slice(&2u32.to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let error = file::load(&path).unwrap_err().to_string();
    assert!(error.contains("version 2"), "{error}");
}

#[test]
fn conversion_keeps_the_strategy() {
    let prepared = small_turn();
    let mut full = Solver::new(prepared.game());
    for _ in 0..20 {
        full.iterate();
    }
    let before = full.exploitability_pct();
    let half: Solver<Q16> = full.convert();
    assert_eq!(half.iteration, 20);
    let after = half.exploitability_pct();
    assert!(
        (before - after).abs() < 1e-3 * before.max(1.0),
        "{before} vs {after}"
    );
}
