//! Hostile input and lost work (issue 15): betting trees too deep for the stack, spots with no
//! compatible pair of hands, checkpoints on their own interval, orphan temporary files, solve files that
//! name huge spots or carry bytes after their end, and errors that echo megabytes of input.

use std::path::{Path, PathBuf};

use ponder_postflop::lock::LockSpec;
use ponder_postflop::report;
use ponder_postflop::spot::{SpotFile, MAX_ECHO};
use ponder_postflop::tree::{Action, ActionNodeKind, ActionTree, TreeTooLarge, MAX_TREE_DEPTH};
use ponder_postflop::{file, PreparedSpot, SolveError, SolveOptions};
use ponder_postflop::{Solver, Q16};

/// A river spot whose bets and raises are `size` (e.g. `+1`), with `stack` chips behind.
fn river(stack: u32, size: &str, oop: &str, ip: &str) -> String {
    format!(
        "board = \"Qs9h5c2d2s\"\noop_range = \"{oop}\"\nip_range = \"{ip}\"\nstarting_pot = 100\n\
         effective_stack = {stack}\n\n[bet_sizes]\nbet = \"{size}\"\nraise = \"{size}\"\n"
    )
}

fn spot(text: &str) -> SpotFile {
    SpotFile::from_toml(text, "spot.toml").unwrap()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ponder-reliability-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A small solved river spot to write files with.
fn small_solver() -> (SpotFile, Solver) {
    let file = spot(&river(200, "50%, a", "AA,KK,QJs", "QQ,AK"));
    let mut solver = Solver::new(PreparedSpot::new(file.clone()).unwrap().game());
    for _ in 0..3 {
        solver.iterate();
    }
    (file, solver)
}

#[test]
fn trees_deeper_than_the_bound_are_refused_with_the_field() {
    for stack in [1_100, 20_000] {
        let path = temp(&format!("deep{stack}.toml"));
        std::fs::write(&path, river(stack, "+1", "AA,KK", "QQ,AK")).unwrap();
        let error = PreparedSpot::load(&path).unwrap_err();
        let SolveError::InFile {
            line,
            column,
            error: inner,
            ..
        } = &error
        else {
            panic!("not located: {error}");
        };
        assert_eq!((*line, *column), (5, 19), "{error}");
        assert!(
            matches!(
                **inner,
                SolveError::Tree(TreeTooLarge::Depth { limit, .. }) if limit == MAX_TREE_DEPTH
            ),
            "{error}"
        );
        let text = error.to_string();
        assert!(
            text.contains("effective_stack") && text.contains("deep"),
            "{text}"
        );
    }
}

/// The longest line of a tree built with one bet and one raise size: bet, raise, raise, ... as long as
/// a raise is legal, then call. Returns the line's steps and the node it ends at.
fn longest_line(tree: &ActionTree) -> Vec<String> {
    let mut node = tree.node(tree.root());
    let mut steps = Vec::new();
    while let ActionNodeKind::Player(_) = node.kind {
        let k = node
            .actions
            .iter()
            .rposition(|a| matches!(a, Action::Bet(_) | Action::Raise(_)));
        let Some(k) = k else {
            break;
        };
        steps.push(node.actions[k].to_string());
        node = tree.node(node.children[k]);
    }
    steps
}

#[test]
fn the_deepest_accepted_tree_solves_and_browses_on_a_2_mib_stack() {
    // The largest stack whose `+1` tree is accepted has a depth at the bound.
    let mut stack = 1;
    while PreparedSpot::new(spot(&river(stack + 1, "+1", "AA,KK", "QQ,AK"))).is_ok() {
        stack += 1;
    }
    let file = spot(&river(stack, "+1", "AA,KK,QJs", "QQ,AK,JTs"));
    let prepared = PreparedSpot::new(file.clone()).unwrap();
    let depth = prepared.tree.depth();
    assert!(
        depth > MAX_TREE_DEPTH - 4 && depth <= MAX_TREE_DEPTH,
        "depth {depth} at stack {stack}"
    );
    // Rayon's workers have 2 MiB stacks; this thread runs every recursion of a solve and of `show`.
    let run = move || {
        let line = longest_line(&prepared.tree).join(",");
        let mut full = Solver::new(prepared.game());
        let mut compressed: Solver<Q16> = Solver::zeroed(prepared.game());
        for _ in 0..2 {
            full.iterate();
            compressed.iterate();
        }
        assert!(full.exploitability_pct().is_finite());
        assert!(compressed.exploitability_pct().is_finite());
        let view = report::follow_line(&full, &line).unwrap();
        let node = report::node_report(&full, &view);
        assert_eq!(node.kind, "player");
        // A lock at the deepest decision, mapped onto the game by a recursive walk.
        let mut locked = prepared.file.clone();
        locked.locks.push(LockSpec {
            line,
            hands: None,
            strategy: [("call".to_string(), 1.0)].into_iter().collect(),
        });
        let locked = PreparedSpot::new(locked).unwrap();
        let mut solver = Solver::new(locked.game());
        solver.iterate();
        assert!(solver.exploitability_pct().is_finite());
    };
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(run)
        .unwrap()
        .join()
        .expect("the solve fits a 2 MiB stack");
}

#[test]
fn a_solve_file_naming_a_too_deep_spot_is_refused() {
    let (_, solver) = small_solver();
    let deep = spot(&river(1_100, "+1", "AA,KK", "QQ,AK"));
    let path = temp("deep.solve");
    file::save(&path, &deep, &solver, None).unwrap();
    let error = file::load_solver(&path, u64::MAX).err().unwrap();
    assert!(
        matches!(error, SolveError::Tree(TreeTooLarge::Depth { .. })),
        "{error}"
    );
}

#[test]
fn ranges_without_a_compatible_pair_are_refused() {
    let error = PreparedSpot::new(spot(&river(200, "50%", "AcAd", "AcAh"))).unwrap_err();
    assert!(
        matches!(
            error,
            SolveError::NoCompatiblePair {
                bunching: false,
                ..
            }
        ),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("the two ranges have no compatible pair of hands"),
        "{error}"
    );
    // One compatible pair is enough.
    assert!(PreparedSpot::new(spot(&river(200, "50%", "AcAd,KK", "AcAh"))).is_ok());
}

#[test]
fn folders_that_cannot_be_dealt_beside_any_pair_are_refused() {
    let turn = |oop: &str, ip: &str, folded: &str| {
        spot(&format!(
            "board = \"Td9d6hQc\"\noop_range = \"{oop}\"\nip_range = \"{ip}\"\nstarting_pot = 100\n\
             effective_stack = 100\nfolded_ranges = [\"{folded}\"]\n\n[bet_sizes]\nbet = \"50%\"\nraise = \"\"\n"
        ))
    };
    // The folder needs two aces; the players hold all four.
    let error = PreparedSpot::new(turn("AcAd", "AhAs", "AA")).unwrap_err();
    assert!(
        matches!(error, SolveError::NoCompatiblePair { bunching: true, .. }),
        "{error}"
    );
    // With kings for IP the folder gets the other two aces.
    let prepared = PreparedSpot::new(turn("AcAd", "KK", "AA")).unwrap();
    let solver = Solver::new(prepared.game());
    assert!(solver.exploitability_pct().is_finite());
}

#[test]
fn checkpoints_come_on_their_own_interval() {
    let (_, mut solver) = small_solver();
    solver.iteration = 0;
    let fresh = Solver::new(solver.game.clone());
    let run = |mut solver: Solver, check_every: u32, every: u32, max: u32| {
        let mut saved = Vec::new();
        solver.solve_saving(
            SolveOptions {
                target_pct: 0.0,
                max_iterations: max,
                check_every,
                checkpoint_every: Some(every),
            },
            |_, _| true,
            |s, measured| {
                saved.push((s.iteration, measured.is_some()));
                true
            },
        );
        saved
    };
    // Measured only at 0 and at the end: every checkpoint is still written, without a measurement.
    assert_eq!(
        run(Solver::new(fresh.game.clone()), 400, 5, 23),
        [(5, false), (10, false), (15, false), (20, false)]
    );
    // Where a measurement falls on a checkpoint it is passed along; the last state is the caller's.
    assert_eq!(
        run(Solver::new(fresh.game.clone()), 10, 10, 30),
        [(10, true), (20, true)]
    );
    // A resumed solve counts from where it starts.
    let mut resumed = Solver::new(fresh.game.clone());
    for _ in 0..7 {
        resumed.iterate();
    }
    assert_eq!(run(resumed, 400, 5, 18), [(12, false), (17, false)]);
    // Saving changes nothing in the iterates.
    let mut a = Solver::new(fresh.game.clone());
    let mut b = Solver::new(fresh.game.clone());
    for _ in 0..12 {
        a.iterate();
    }
    b.solve_saving(
        SolveOptions {
            target_pct: 0.0,
            max_iterations: 12,
            check_every: 4,
            checkpoint_every: Some(3),
        },
        |_, _| true,
        |_, _| true,
    );
    assert_eq!(a.storage, b.storage);
}

#[test]
fn output_paths_are_checked_before_solving() {
    let missing = temp("no-such-directory").join("out.solve");
    let error = file::check_writable(&missing).unwrap_err().to_string();
    assert!(
        error.contains("cannot write the solve file here"),
        "{error}"
    );
    let directory = temp("a-directory");
    std::fs::create_dir_all(&directory).unwrap();
    let error = file::check_writable(&directory).unwrap_err().to_string();
    assert!(error.contains("is a directory"), "{error}");
    let fine = temp("fine.solve");
    file::check_writable(&fine).unwrap();
    assert!(!fine.exists());
    let leftovers = std::fs::read_dir(fine.parent().unwrap())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".fine.solve"))
        .count();
    assert_eq!(leftovers, 0, "the probe leaves no file behind");
}

#[test]
fn orphan_temporary_files_of_killed_writes_are_removed() {
    if !Path::new("/proc/self").exists() {
        eprintln!("skipped: no /proc to tell whether a process still runs");
        return;
    }
    let dir = temp("orphans");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("out.solve");
    // Process ids above the kernel's maximum (2^22) belong to no process.
    let orphan = dir.join(".out.solve.tmp4999999");
    let running = dir.join(".out.solve.tmp1");
    let other = dir.join(".other.solve.tmp4999999");
    for file in [&orphan, &running, &other] {
        std::fs::write(file, b"partial").unwrap();
    }
    let (file, solver) = small_solver();
    file::save(&path, &file, &solver, None).unwrap();
    assert!(!orphan.exists(), "the killed write's file is removed");
    assert!(running.exists(), "a running process's write is left alone");
    assert!(other.exists(), "another output's file is left alone");
    assert!(file::load(&path).is_ok());
}

#[test]
fn bytes_after_the_compressed_stream_are_refused() {
    let (file, solver) = small_solver();
    let path = temp("trailing.solve");
    file::save(&path, &file, &solver, None).unwrap();
    assert!(file::load(&path).is_ok());
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"\0");
    std::fs::write(&path, &bytes).unwrap();
    let error = file::load(&path).unwrap_err().to_string();
    assert!(error.contains("bytes after the end"), "{error}");
}

#[test]
fn files_naming_huge_spots_are_refused_before_their_values_are_read() {
    let (_, solver) = small_solver();
    let huge = spot(
        "board = \"Td9d6h\"\noop_range = \"22+,A2+,K2+,Q2+,J2+,T2+\"\nip_range = \"22+,A2+,K2+,Q2+\"\n\
         starting_pot = 100\neffective_stack = 10000\n\n[bet_sizes]\nbet = \"33%,75%,a\"\n\
         raise = \"2.5x,a\"\n",
    );
    let path = temp("huge.solve");
    file::save(&path, &huge, &solver, None).unwrap();
    let error = file::load_solver(&path, 64 << 20).err().unwrap();
    assert!(matches!(error, SolveError::TooBig { .. }), "{error}");
}

#[test]
fn errors_echo_at_most_a_short_excerpt_of_the_input() {
    let long = "x".repeat(100_000);
    let short = |text: String| {
        assert!(
            text.chars().count() < MAX_ECHO + 200,
            "{} characters: {}...",
            text.len(),
            &text[..200]
        );
    };
    let (_, solver) = small_solver();
    short(report::follow_line(&solver, &long).unwrap_err().to_string());
    short(
        LockSpec::parse_inline(&long, "--lock 1")
            .unwrap_err()
            .to_string(),
    );
    short(
        LockSpec::parse_inline(&format!("{long} | call=1"), "--lock 1")
            .map(|(spec, origin)| {
                let prepared = PreparedSpot::new(spot(&river(200, "50%", "AA", "KK"))).unwrap();
                ponder_postflop::lock::resolve(
                    &[spec],
                    &[origin],
                    &prepared.tree,
                    &prepared.board,
                    [&prepared.ranges[0], &prepared.ranges[1]],
                )
                .unwrap_err()
                .to_string()
            })
            .unwrap(),
    );
    let digits = "1".repeat(100_000);
    short(
        PreparedSpot::new(spot(&river(200, &digits, "AA", "KK")))
            .unwrap_err()
            .to_string(),
    );
}
