//! The bench spots: tree sizes against the reference counts, solving to the targets, save and resume,
//! and bad input.

use std::path::PathBuf;

use ponder_postflop::spot::{BenchFile, SpotError, SpotFile, DEFAULT_SPOT_TOML};
use ponder_postflop::Solver;
use ponder_postflop::{file, PreparedSpot, SolveError, SolveOptions};

fn bench() -> BenchFile {
    BenchFile::builtin()
}

#[test]
fn node_counts_match_the_reference_solver() {
    let bench = bench();
    let mut checked = 0;
    for (name, spot) in &bench.spots {
        let Some(reference) = &spot.reference_tree_nodes else {
            continue;
        };
        let prepared = PreparedSpot::new(spot.clone()).unwrap();
        let counts = prepared.game().counts();
        for (street, index) in [("flop", 0), ("turn", 1), ("river", 2)] {
            if let Some(&expected) = reference.get(street) {
                assert_eq!(counts.per_street[index], expected, "{name} {street}");
            }
        }
        assert_eq!(
            counts.per_street.iter().sum::<u64>(),
            reference["total"],
            "{name} total"
        );
        checked += 1;
    }
    assert_eq!(checked, 4);
}

fn solve_spot(name: &str, target: f64) -> (Solver, f64) {
    let bench = bench();
    let prepared = PreparedSpot::new(bench.spot(name).unwrap().clone()).unwrap();
    let mut solver = Solver::new(prepared.game());
    let last = solver.solve(
        SolveOptions {
            target_pct: target,
            max_iterations: 2000,
            check_every: 10,
            checkpoint_every: None,
        },
        |_, _| true,
    );
    (solver, last.exploitability_pct)
}

#[test]
fn river_spot_reaches_the_targets_and_exploitability_falls() {
    let bench = bench();
    let prepared = PreparedSpot::new(bench.spot("river_qsjh2h8d3c").unwrap().clone()).unwrap();
    let mut solver = Solver::new(prepared.game());
    let mut history = Vec::new();
    solver.solve(
        SolveOptions {
            target_pct: 0.05,
            max_iterations: 3000,
            check_every: 50,
            checkpoint_every: None,
        },
        |_, c| {
            history.push(c.exploitability_pct);
            true
        },
    );
    assert!(*history.last().unwrap() <= 0.05, "{history:?}");
    assert!(history.iter().all(|&e| e >= -1e-6));
    assert!(history[0] > 10.0 * history.last().unwrap());
}

#[test]
fn turn_spot_reaches_the_target() {
    let (solver, exploitability) = solve_spot("turn_td9d6hqc", 0.3);
    assert!(exploitability <= 0.3);
    assert!(solver.iteration < 500, "{} iterations", solver.iteration);
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ponder-postflop-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn save_and_resume_continue_exactly() {
    let file = SpotFile::from_toml(DEFAULT_SPOT_TOML, "default").unwrap();
    let prepared = PreparedSpot::new(file.clone()).unwrap();
    let mut straight = Solver::new(prepared.game());
    for _ in 0..12 {
        straight.iterate();
    }
    let mut first = Solver::new(prepared.game());
    for _ in 0..7 {
        first.iterate();
    }
    let path = temp("resume.solve");
    file::save(&path, &file, &first, None).unwrap();
    drop(first);
    let (header, storage) = file::load_as::<f32>(&path).unwrap();
    assert_eq!(header.iteration, 7);
    assert_eq!(header.spot, file);
    let mut resumed = Solver::with_storage(PreparedSpot::new(header.spot).unwrap().game(), storage);
    resumed.iteration = header.iteration;
    for _ in 0..5 {
        resumed.iterate();
    }
    assert_eq!(
        resumed.storage, straight.storage,
        "resumed solve must equal the uninterrupted one"
    );
}

#[test]
fn other_versions_and_garbage_are_refused() {
    let file = SpotFile::from_toml(DEFAULT_SPOT_TOML, "default").unwrap();
    let solver = Solver::new(PreparedSpot::new(file.clone()).unwrap().game());
    let path = temp("version.solve");
    file::save(&path, &file, &solver, None).unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[8] = 99;
    std::fs::write(&path, &bytes).unwrap();
    let error = file::load(&path).unwrap_err().to_string();
    assert!(error.contains("version 99"), "{error}");
    std::fs::write(&path, b"hello").unwrap();
    assert!(file::load(&path).is_err());
    bytes[8] = file::FILE_VERSION as u8;
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&path, &bytes).unwrap();
    assert!(file::load(&path)
        .unwrap_err()
        .to_string()
        .contains("truncated"));
}

fn spot_with(board: &str, oop: &str, bet: &str) -> String {
    format!(
        "board = \"{board}\"\noop_range = \"{oop}\"\nip_range = \"QQ\"\nstarting_pot = 100\neffective_stack = 100\n\
         [bet_sizes]\nbet = \"{bet}\"\nraise = \"3x\"\n"
    )
}

#[test]
fn bad_input_gets_typed_errors() {
    let prepare = |text: &str| {
        SpotFile::from_toml(text, "spot.toml")
            .map_err(SolveError::from)
            .and_then(PreparedSpot::new)
    };
    let error = prepare(&spot_with("AhAh2c", "KK", "50%")).unwrap_err();
    assert!(
        matches!(error, SolveError::Cards { ref field, .. } if field == "board"),
        "{error}"
    );
    let error = prepare(&spot_with("Ah7d2c", "KK,AhKd", "50%")).unwrap_err();
    assert!(error.to_string().contains("column 4"), "{error}");
    let error = prepare(&spot_with("Ah7d2c", "KK,QX", "50%")).unwrap_err();
    assert!(
        matches!(error, SolveError::Cards { ref field, .. } if field == "oop_range"),
        "{error}"
    );
    let error = prepare(&spot_with("Ah7d2c", "KK", "50%, -5%")).unwrap_err();
    assert!(
        matches!(error, SolveError::Spot(SpotError::BetSize { .. })),
        "{error}"
    );
    assert!(error.to_string().contains("column 6"), "{error}");
    let error = prepare(&spot_with("Ah7d2c", "KK", "2.5")).unwrap_err();
    assert!(error.to_string().contains("no unit"), "{error}");
    let error = prepare("board = \"Ah7d2c\"\nnonsense = 3\n").unwrap_err();
    assert!(
        matches!(error, SolveError::Spot(SpotError::Toml { .. })),
        "{error}"
    );
    assert!(error.to_string().starts_with("spot.toml:2:1: "), "{error}");
    let error = prepare(&spot_with("Ah7d2c3s4s5s", "KK", "50%")).unwrap_err();
    assert!(error.to_string().contains("board"), "{error}");
}

#[test]
fn memory_limit_refuses_with_figures() {
    let file = SpotFile::from_toml(DEFAULT_SPOT_TOML, "default").unwrap();
    let game = PreparedSpot::new(file).unwrap().game();
    let error = ponder_postflop::new_solver::<f32>(game, 1 << 20)
        .err()
        .unwrap();
    let text = error.to_string();
    assert!(matches!(error, SolveError::TooBig { .. }));
    assert!(
        text.contains("MiB") && text.contains("--max-memory"),
        "{text}"
    );
}

#[test]
fn dealt_bounds_hold_before_dealing() {
    // The bound checked before the dealt game is built is an upper bound, and not a loose one.
    for (name, spot) in &bench().spots {
        let prepared = PreparedSpot::new(spot.clone()).unwrap();
        let (nodes, decision) = prepared.dealt_bounds();
        let game = prepared.game();
        let counts = game.counts();
        let total: u64 = counts.per_street.iter().sum();
        assert!(
            total <= nodes && nodes <= 8 * total,
            "{name}: {total} nodes, bound {nodes}"
        );
        assert!(counts.decision_nodes <= decision, "{name}");
        assert!(prepared.check_dealt_size(1 << 30).is_ok(), "{name}");
        assert!(prepared.check_dealt_size(1 << 10).is_err(), "{name}");
    }
}

#[test]
fn a_solve_is_refused_for_another_game_layout() {
    let file = SpotFile::from_toml(DEFAULT_SPOT_TOML, "default").unwrap();
    let prepared = PreparedSpot::new(file.clone()).unwrap();
    let path = temp("layout.solve");
    file::save(&path, &file, &Solver::new(prepared.game()), None).unwrap();
    let (header, storage) = file::load_as::<f32>(&path).unwrap();
    assert_eq!(storage.len(), prepared.game().storage_len);
    header
        .check_layout(&prepared.game(), "layout.solve")
        .unwrap();
    // Same storage size, different game (a range weight changed): refused, not misread.
    let mut other = file.clone();
    other.oop_range = other.oop_range.replacen("66+", "66+:0.5", 1);
    let game = PreparedSpot::new(other).unwrap().game();
    assert_eq!(game.storage_len, storage.len());
    let error = header.check_layout(&game, "layout.solve").unwrap_err();
    assert!(error.to_string().contains("another game tree"), "{error}");
    // A different size is refused too.
    let river = bench().spot("river_qsjh2h8d3c").unwrap().clone();
    let game = PreparedSpot::new(river).unwrap().game();
    assert!(header.check_layout(&game, "layout.solve").is_err());
}
