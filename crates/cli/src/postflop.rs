//! `ponder solve`, `ponder show` and `ponder bench postflop`: the range-vs-range postflop solver's commands.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use ponder_postflop::file as solve_file;
use ponder_postflop::game::NodeKind;
use ponder_postflop::lock::{LockOrigin, LockSpec};
use ponder_postflop::memory::format_bytes;
use ponder_postflop::spot::{excerpt, BenchFile, SpotFile, DEFAULT_SPOT_TOML};
use ponder_postflop::tree::Player;
use ponder_postflop::with_solver;
use ponder_postflop::{
    AnySolver, Checkpoint, MemoryEstimate, PreparedSpot, SolveOptions, Solver, StoredValue,
    StoredValues, Q16,
};
use serde_json::json;

use crate::{limits, memory};

/// Solve a postflop spot range against range.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ponder solve                          # the built-in spot turn_td9d6hqc\n  ponder solve --spot river_qsjh2h8d3c --target 0.1 --json\n  ponder solve my-spot.toml --output spot.solve --checkpoint-every 50\n  ponder solve --resume spot.solve --target 0.1 --output spot.solve\n  ponder solve --spot river_qsjh2h8d3c --lock \"check,bet 150 | call=1\" --lock \"check,bet 150 | fold=1 | 22-99\"\n\nA lock fixes the strategy of some hands at a node and solves the rest around it; a spot file can hold\nthe same as [[lock]] tables: line = \"check,bet 120\", strategy = { call = 1.0 }, hands = \"AA,KK\" (optional).\nThe line uses `ponder show --line` syntax; `*` stands for every dealt card.\n--compressed stores regrets and strategy sums in 16 bits: about half the memory."
)]
pub struct SolveArgs {
    /// Spot file (TOML, or JSON with the fields of a bench file's spots); omit for the default.
    pub spot_file: Option<PathBuf>,
    /// A spot of the built-in bench file by name (or of `--spots FILE`).
    #[arg(long, conflicts_with = "spot_file")]
    pub spot: Option<String>,
    /// Bench file (JSON, the built-in one's format) to look `--spot NAME` up in instead of the built-in one.
    #[arg(long, value_name = "FILE", requires = "spot")]
    pub spots: Option<PathBuf>,
    /// Continue the solve stored in this file.
    #[arg(long, conflicts_with_all = ["spot_file", "spot"])]
    pub resume: Option<PathBuf>,
    /// Target exploitability in % of the starting pot.
    #[arg(long, default_value_t = 0.3, allow_negative_numbers = true)]
    pub target: f64,
    /// Stop after this many iterations in total.
    #[arg(long, default_value_t = 1000, value_parser = limits::iteration_cap_u32)]
    pub max_iterations: u32,
    /// Measure exploitability every this many iterations.
    #[arg(long, default_value_t = 10, value_parser = limits::iterations_u32)]
    pub check_every: u32,
    /// Refuse spots needing more memory than this (e.g. 2GiB, 500MiB); default 80% of available memory.
    #[arg(long)]
    pub max_memory: Option<String>,
    /// Write the solve to this file (crash-safe: temporary file, fsync, rename).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Also write `--output` every this many iterations, so a killed solve can resume.
    #[arg(long, requires = "output", value_parser = limits::iterations_u32)]
    pub checkpoint_every: Option<u32>,
    /// Worker threads (default: all cores; at most 4 per core).
    #[arg(long, value_parser = limits::threads)]
    pub threads: Option<usize>,
    /// Lock a node: `LINE | ACTION=FREQ,... [| HANDS]` (repeatable; applied after the spot's `[[lock]]` tables).
    #[arg(long, conflicts_with = "resume", value_name = "LOCK")]
    pub lock: Vec<String>,
    /// Store regrets and strategy sums in 16 bits (about half the memory); `--resume` keeps the file's
    /// storage unless this converts a 32-bit solve.
    #[arg(long)]
    pub compressed: bool,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// Browse a solve file.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ponder show spot.solve\n  ponder show spot.solve --line \"check,bet 120,call,Qs\" --hand AhKh\n  ponder show spot.solve --line check --json"
)]
pub struct ShowArgs {
    /// The solve file.
    pub file: PathBuf,
    /// Actions (and dealt cards) from the root, comma-separated: `check,bet 120,call,Qs`.
    #[arg(long, default_value = "")]
    pub line: String,
    /// Show only this hand (e.g. AhKh).
    #[arg(long)]
    pub hand: Option<String>,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Refuse files whose stored spot needs more memory than this (e.g. 2GiB); default 80% of available
    /// memory.
    #[arg(long)]
    pub max_memory: Option<String>,
}

/// Benchmark the postflop solver on the spots of the built-in bench file (or `--spots FILE`).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ponder bench postflop --spot turn_td9d6hqc\n  ponder bench postflop --json\n  ponder bench postflop --all --anchors anchors.toml\n  ponder bench postflop --spot flop_td9d6h --anchor flop_td9d6h=102.8,693MiB\n  ponder bench postflop --spot flop_td9d6h --compressed --json\n  ponder bench postflop --spots my-spots.json\n\nMemory: river and turn spots are measured by the solver's private memory after the solve (RssAnon:\nstorage, tree, heap, stacks), flop spots by the whole process's peak (VmHWM); the target is\npostflop-solver's published whole-process peak for the built-in spot (1.0x).\n\nAnchors: `--anchor`/`--anchors` give another solver's seconds to the spot's final target and peak memory,\nmeasured on this host; the bench prints ponder's time and memory (same measure as above) divided by them.\nNo anchor times are built in: figures from another host mislead by up to 1.5x."
)]
pub struct BenchArgs {
    /// Only this spot (default: all except the flop spots, which take minutes; `--all` for every spot).
    #[arg(long)]
    pub spot: Option<String>,
    /// Every spot of the bench file, the flop spots included (minutes each).
    #[arg(long, conflicts_with = "spot")]
    pub all: bool,
    /// Another solver's figures for a spot, measured on this host: `SPOT=SECONDS[,MEMORY]` (seconds to the
    /// spot's final target, peak memory such as 693MiB); repeatable; overrides `--anchors`.
    #[arg(long, value_name = "SPOT=SECONDS[,MEMORY]")]
    pub anchor: Vec<String>,
    /// Anchor figures from a file: TOML or JSON, `host = "..."` and `[spots.NAME]` tables with `seconds`,
    /// `memory` and `host` (example: docs/postflop-anchors.example.toml).
    #[arg(long, value_name = "FILE")]
    pub anchors: Option<PathBuf>,
    /// Bench file (JSON, the built-in one's format) to read instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub spots: Option<PathBuf>,
    /// Worker threads (default: all cores; at most 4 per core).
    #[arg(long, value_parser = limits::threads)]
    pub threads: Option<usize>,
    /// Iteration cap.
    #[arg(long, default_value_t = 2000, value_parser = limits::iterations_u32)]
    pub max_iterations: u32,
    /// 16-bit compressed storage of regrets and strategy sums.
    #[arg(long)]
    pub compressed: bool,
    /// One JSON object per spot (one per line).
    #[arg(long)]
    pub json: bool,
}

/// The bench file `--spots FILE` names, else the built-in one (compiled in: works from any directory).
fn load_bench(spots: Option<&Path>) -> anyhow::Result<BenchFile> {
    Ok(match spots {
        Some(path) => BenchFile::load(path)?,
        None => BenchFile::builtin(),
    })
}

fn max_memory(arg: &Option<String>) -> anyhow::Result<u64> {
    match arg {
        Some(text) => crate::anchors::parse_bytes("--max-memory", text),
        None => Ok(crate::memory::available_memory()
            .map(|b| b / 10 * 8)
            .unwrap_or(4 << 30)),
    }
}

fn set_threads(threads: Option<usize>) -> anyhow::Result<usize> {
    if let Some(n) = threads {
        if n == 0 {
            bail!("--threads must be at least 1");
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .ok();
    }
    Ok(rayon::current_num_threads())
}

fn progress_bar(target: f64, max_iterations: u32) -> ProgressBar {
    let bar = ProgressBar::new(max_iterations as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} it {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(format!("exploitability -, target {target}% pot"));
    bar
}

/// Runs `ponder solve`.
pub fn run_solve(args: SolveArgs) -> anyhow::Result<()> {
    let threads = set_threads(args.threads)?;
    if !(args.target.is_finite() && args.target >= 0.0) {
        bail!("--target must be a non-negative number");
    }
    // A mistyped output path is refused now, not after the solve.
    if let Some(path) = &args.output {
        solve_file::check_writable(path)?;
    }
    let limit = max_memory(&args.max_memory)?;
    // A spot file is prepared at once, so its errors point at the file's line and column. A solve file
    // is opened and its spot checked against --max-memory before its values are read.
    let mut prepared = None;
    let (name, file, resume) = if let Some(path) = &args.resume {
        let (reader, game) = solve_file::open_checked(path, limit)?;
        (
            path.display().to_string(),
            reader.header.spot.clone(),
            Some((reader, game)),
        )
    } else if let Some(path) = &args.spot_file {
        let spot = PreparedSpot::load(path)?;
        let file = spot.file.clone();
        prepared = Some(spot);
        (path.display().to_string(), file, None)
    } else if let Some(name) = &args.spot {
        (
            name.clone(),
            load_bench(args.spots.as_deref())?.spot(name)?.clone(),
            None,
        )
    } else {
        (
            "turn_td9d6hqc (built-in default)".to_string(),
            SpotFile::from_toml(DEFAULT_SPOT_TOML, "built-in spot")?,
            None,
        )
    };
    let mut file = file;
    if !args.lock.is_empty() {
        // Spot files read from JSON carry no positions: name their locks by number.
        while file.lock_origins.len() < file.locks.len() {
            let i = file.lock_origins.len();
            file.lock_origins.push(LockOrigin::unknown(i));
        }
        for (i, text) in args.lock.iter().enumerate() {
            let (spec, origin) = LockSpec::parse_inline(text, &format!("--lock {}", i + 1))?;
            file.locks.push(spec);
            file.lock_origins.push(origin);
        }
        // The spot changed: prepare it again with the added locks.
        prepared = None;
    }
    let build_start = Instant::now();
    let prepared = match prepared {
        Some(prepared) => prepared,
        None => PreparedSpot::new(file.clone())?,
    };
    prepared.check_dealt_size(limit)?;
    let (resume, game) = match resume {
        // The reader's game was dealt (and checked) from the same stored spot.
        Some((reader, game)) => (Some(reader), game),
        None => (None, prepared.game()),
    };
    let estimate = MemoryEstimate::of(&game);
    let build_seconds = build_start.elapsed().as_secs_f64();
    if !args.json {
        print_header(&name, &prepared, &game, &estimate, limit, threads);
    }
    let solver = match resume {
        None if args.compressed => AnySolver::Compressed(ponder_postflop::new_solver(game, limit)?),
        None => AnySolver::Full(ponder_postflop::new_solver(game, limit)?),
        Some(reader) => {
            let path = args.resume.as_deref().unwrap_or(Path::new(&name));
            let header = reader.header.clone();
            let mut solver = match reader.read_values()? {
                StoredValues::Full(v) if args.compressed => AnySolver::Compressed(
                    solve_file::solver_from_values(path, &header, game, v)?.convert(),
                ),
                StoredValues::Full(v) => {
                    AnySolver::Full(solve_file::solver_from_values(path, &header, game, v)?)
                }
                StoredValues::Compressed(v) => {
                    AnySolver::Compressed(solve_file::solver_from_values(path, &header, game, v)?)
                }
            };
            with_solver!(&mut solver, s => s.iteration = header.iteration);
            solver
        }
    };
    if !args.json {
        println!(
            "storage          {}",
            if matches!(solver, AnySolver::Compressed(_)) {
                "16-bit (compressed)"
            } else {
                "32-bit"
            }
        );
    }
    with_solver!(solver, s => finish_solve(&args, &name, &file, &estimate, build_seconds, threads, s))
}

/// The iteration loop, checkpoints and output of `ponder solve`, for either storage kind.
fn finish_solve<S: StoredValue>(
    args: &SolveArgs,
    name: &str,
    file: &SpotFile,
    estimate: &MemoryEstimate,
    build_seconds: f64,
    threads: usize,
    mut solver: Solver<S>,
) -> anyhow::Result<()> {
    let options = SolveOptions {
        target_pct: args.target,
        max_iterations: args.max_iterations,
        check_every: args.check_every,
        checkpoint_every: args.output.as_ref().and(args.checkpoint_every),
    };
    let bar = if args.json {
        ProgressBar::hidden()
    } else {
        progress_bar(args.target, args.max_iterations)
    };
    bar.set_position(solver.iteration as u64);
    let mut save_error: Option<anyhow::Error> = None;
    let start = Instant::now();
    let on_check = |_: &Solver<S>, checkpoint: &Checkpoint| {
        bar.set_position(checkpoint.iteration as u64);
        bar.set_message(format!(
            "exploitability {:.3}% pot, target {}%",
            checkpoint.exploitability_pct, args.target
        ));
        true
    };
    // Checkpoints come on their own interval, measured or not (the header then has no exploitability).
    let on_save = |solver: &Solver<S>, measured: Option<f64>| {
        let Some(path) = &args.output else {
            return true;
        };
        bar.set_position(solver.iteration as u64);
        match solve_file::save(path, file, solver, measured) {
            Ok(()) => true,
            Err(e) => {
                save_error = Some(e.into());
                false
            }
        }
    };
    let last = solver.solve_saving(options, on_check, on_save);
    bar.finish_and_clear();
    if let Some(error) = save_error {
        return Err(error);
    }
    let seconds = start.elapsed().as_secs_f64();
    if let Some(path) = &args.output {
        solve_file::save(path, file, &solver, Some(last.exploitability_pct))?;
    }
    let root = root_summary(&solver);
    // Only a locked solve has a full game distinct from the one it solved.
    let full_game = (!solver.game.locks.is_empty()).then(|| solver.full_game_exploitability_pct());
    if args.json {
        let value = json!({
            "spot": name,
            "board": file.board,
            "threads": threads,
            "compressed": S::COMPRESSED,
            "tree_nodes": estimate.counts.per_street.iter().sum::<u64>(),
            "decision_nodes": estimate.counts.decision_nodes,
            "memory_bytes": estimate.bytes_32,
            "memory_bytes_16bit": estimate.bytes_16,
            "build_seconds": build_seconds,
            "bunching_folders": solver.game.bunching.as_ref().map_or(0, |b| b.folders),
            "iterations": last.iteration,
            "exploitability_pct": last.exploitability_pct,
            "seconds": seconds,
            "peak_rss_bytes": memory::peak_rss(),
            "private_bytes": memory::private_rss(),
            "root": root.iter().map(|(a, f, ev)| json!({"action": a, "frequency": f, "ev": ev})).collect::<Vec<_>>(),
            "output": args.output.as_ref().map(|p| p.display().to_string()),
            "locked": !solver.game.locks.is_empty(),
            "locks": file.locks.len(),
            "locked_nodes": solver.game.locks.len(),
            "full_game_exploitability_pct": full_game,
        });
        println!("{value}");
    } else {
        println!("iterations       {}", last.iteration);
        println!(
            "exploitability   {:.4}% of the starting pot{}",
            last.exploitability_pct,
            if solver.game.locks.is_empty() {
                ""
            } else {
                " (LOCKED game: locked hands keep their lock)"
            }
        );
        if let Some(full) = full_game {
            println!(
                "full game        {full:.4}% of the starting pot (locks lifted for both best \
                 responses: the locks' cost plus what the exploiting strategy risks)"
            );
        }
        println!("time             {seconds:.2} s (tree built in {build_seconds:.3} s)");
        if let Some(rss) = memory::peak_rss() {
            let private = memory::private_rss()
                .map(|p| format!(" ({} private: storage, tree, heap)", format_bytes(p)))
                .unwrap_or_default();
            println!("peak memory      {}{private}", format_bytes(rss));
        }
        println!(
            "root ({}, frequency over deals):",
            player_name(root_player(&solver))
        );
        for (action, frequency, _) in &root {
            println!("  {action:<12} {:>6.1}%", frequency * 100.0);
        }
        if let Some(path) = &args.output {
            println!("saved            {}", path.display());
        }
    }
    Ok(())
}

fn print_header(
    name: &str,
    prepared: &PreparedSpot,
    game: &ponder_postflop::game::Game,
    estimate: &MemoryEstimate,
    limit: u64,
    threads: usize,
) {
    let file = &prepared.file;
    println!("spot             {name}");
    println!(
        "board            {}   pot {}   stack {}",
        file.board, file.starting_pot, file.effective_stack
    );
    println!(
        "hands            OOP {}   IP {}",
        game.hands[0].len(),
        game.hands[1].len()
    );
    if let Some(bunching) = &game.bunching {
        println!(
            "bunching         {} folded range{}, exact deal weights: {} board table{} and the folders' weight table ({}); tabulated in {:.2} s using {}",
            bunching.folders,
            if bunching.folders == 1 { "" } else { "s" },
            bunching.boards.len(),
            if bunching.boards.len() == 1 { "" } else { "s" },
            format_bytes(bunching.bytes()),
            bunching.coverage.seconds,
            format_bytes(bunching.coverage.working_bytes)
        );
    }
    let counts = &estimate.counts;
    println!(
        "tree             {} nodes (flop {}, turn {}, river {}), {} decision nodes",
        counts.per_street.iter().sum::<u64>(),
        counts.per_street[0],
        counts.per_street[1],
        counts.per_street[2],
        counts.decision_nodes
    );
    println!(
        "memory           {} (32-bit storage), {} (16-bit); limit {}",
        format_bytes(estimate.bytes_32),
        format_bytes(estimate.bytes_16),
        format_bytes(limit)
    );
    println!("threads          {threads}");
    if !game.locks.is_empty() {
        let mut per_player = [0usize; 2];
        for (id, _) in game.locks.iter() {
            if let NodeKind::Player(p) = game.nodes[id.0 as usize].kind {
                per_player[p.index()] += 1;
            }
        }
        println!(
            "LOCKED           {} lock(s) on {} node(s) (OOP {}, IP {}); locked hands play their lock, the rest is solved around it{}",
            prepared.locks.len(),
            game.locks.len(),
            per_player[0],
            per_player[1],
            if prepared.locks.iter().any(|l| l.crosses_chance()) {
                "; suit isomorphism off (a lock sits below a dealt card)"
            } else {
                ""
            }
        );
    }
}

fn player_name(player: Player) -> &'static str {
    match player {
        Player::Oop => "OOP",
        Player::Ip => "IP",
    }
}

fn root_player<S: StoredValue>(solver: &Solver<S>) -> Player {
    match solver.game.nodes[0].kind {
        NodeKind::Player(p) => p,
        _ => Player::Oop,
    }
}

/// Root actions with their frequency over the deals (each hand × the opponent's compatible range).
fn root_summary<S: StoredValue>(solver: &Solver<S>) -> Vec<(String, f64, Option<f64>)> {
    let game = &solver.game;
    let Ok(view) = ponder_postflop::report::follow_line(solver, "") else {
        return Vec::new();
    };
    let frequencies = ponder_postflop::report::action_frequencies(solver, &view);
    let anode = game.tree.node(game.nodes[0].action_node);
    anode
        .actions
        .iter()
        .zip(frequencies)
        .map(|(action, f)| (action.to_string(), f, None))
        .collect()
}

const RANKS: &[u8] = b"AKQJT98765432";

fn grid_class(row: usize, col: usize) -> String {
    let (r, c) = (RANKS[row] as char, RANKS[col] as char);
    match row.cmp(&col) {
        std::cmp::Ordering::Equal => format!("{r}{c}"),
        std::cmp::Ordering::Less => format!("{r}{c}s"),
        std::cmp::Ordering::Greater => format!("{c}{r}o"),
    }
}

/// Runs `ponder show`.
pub fn run_show(args: ShowArgs) -> anyhow::Result<()> {
    // The game is dealt again from the stored spot; the file's storage kind is kept.
    let limit = max_memory(&args.max_memory)?;
    let (header, solver) = solve_file::load_solver(&args.file, limit)?;
    with_solver!(solver, s => show(&args, &header.spot, &s, header.exploitability_pct))
}

fn show<S: StoredValue>(
    args: &ShowArgs,
    spot: &SpotFile,
    solver: &Solver<S>,
    exploitability: Option<f64>,
) -> anyhow::Result<()> {
    let view = ponder_postflop::report::follow_line(solver, &args.line)?;
    let mut report = ponder_postflop::report::node_report(solver, &view);
    if let Some(hand) = &args.hand {
        let cards = ponder_postflop::cards_glue::parse_board_cards(hand)
            .with_context(|| format!("--hand `{}`", excerpt(hand)))?;
        if cards.len() != 2 {
            bail!("--hand `{}`: give two cards such as AhKh", excerpt(hand));
        }
        let names = [
            format!(
                "{}{}",
                ponder_postflop::cards_glue::card_name(cards[0]),
                ponder_postflop::cards_glue::card_name(cards[1])
            ),
            format!(
                "{}{}",
                ponder_postflop::cards_glue::card_name(cards[1]),
                ponder_postflop::cards_glue::card_name(cards[0])
            ),
        ];
        report.hands.retain(|h| names.contains(&h.hand));
        report.locked_hands = report.hands.iter().filter(|h| h.locked).count();
        if report.hands.is_empty() {
            bail!(
                "--hand `{}`: not in {}'s range at this node",
                excerpt(hand),
                report.player
            );
        }
    }
    if args.json {
        // The same object `ponder serve` gives at `GET /api/solves/{id}/node`.
        println!(
            "{}",
            ponder_server::node::node_json(solver, &report, exploitability)
        );
        return Ok(());
    }
    println!(
        "spot        board {} pot {} stack {} ({} iterations, exploitability {}{})",
        spot.board,
        spot.starting_pot,
        spot.effective_stack,
        solver.iteration,
        exploitability
            .map(|e| format!("{e:.3}% pot"))
            .unwrap_or_else(|| "-".into()),
        if S::COMPRESSED {
            ", 16-bit storage"
        } else {
            ""
        }
    );
    println!(
        "line        {}",
        if report.line.is_empty() {
            "(root)".to_string()
        } else {
            report.line.join(", ")
        }
    );
    println!(
        "node        {} ({}), board {}, pot {}",
        report.kind, report.player, report.board, report.pot
    );
    if !solver.game.locks.is_empty() {
        println!(
            "LOCKED      solve with {} lock(s) on {} node(s); here {} of {} hands are locked (marked *)",
            spot.locks.len(),
            solver.game.locks.len(),
            report.locked_hands,
            report.hands.len()
        );
    }
    println!(
        "range       EV {:.2} chips, equity {:.1}% (expectations over deals: each hand x the opponent's compatible range{})",
        report.range_ev,
        report.range_equity * 100.0,
        if solver.game.bunching.is_some() {
            " x the folders' deal weight"
        } else {
            ""
        }
    );
    if report.kind == "player" {
        println!(
            "actions     {} (over deals; combos: {})",
            report
                .actions
                .iter()
                .zip(&report.frequencies)
                .map(|(a, f)| format!("{a} {:.1}%", f * 100.0))
                .collect::<Vec<_>>()
                .join("   "),
            report
                .combo_frequencies
                .iter()
                .map(|f| format!("{:.1}%", f * 100.0))
                .collect::<Vec<_>>()
                .join(" ")
        );
        if args.hand.is_none() {
            print_aggregates(&report);
            // One 13x13 grid per action: the class's frequency in percent ('.' = not in range here).
            let mut by_class: std::collections::HashMap<String, (f64, Vec<f64>)> =
                std::collections::HashMap::new();
            for hand in &report.hands {
                let entry = by_class
                    .entry(hand.class.clone())
                    .or_insert_with(|| (0.0, vec![0.0; report.actions.len()]));
                entry.0 += hand.deal_weight;
                for (slot, &s) in entry.1.iter_mut().zip(&hand.strategy) {
                    *slot += hand.deal_weight * s as f64;
                }
            }
            for (k, action) in report.actions.iter().enumerate() {
                println!();
                println!("{action} (% of each hand class, over deals)");
                let header: String = RANKS
                    .iter()
                    .take(13)
                    .map(|&r| format!("{:>4}", r as char))
                    .collect();
                println!("     {header}");
                for (row, &rank) in RANKS.iter().enumerate().take(13) {
                    let line: Vec<String> = (0..13)
                        .map(|col| match by_class.get(&grid_class(row, col)) {
                            Some((w, f)) if *w > 0.0 => format!("{:>4.0}", f[k] / w * 100.0),
                            _ => "   .".to_string(),
                        })
                        .collect();
                    println!("  {}  {}", rank as char, line.join(""));
                }
            }
        }
    }
    println!();
    let header: Vec<String> = report
        .actions
        .iter()
        .filter(|_| report.kind == "player")
        .map(|a| format!("{a:>10}"))
        .collect();
    println!(
        "{:<7} {:>5} {:>8} {:>7} {}",
        "hand",
        "class",
        "EV",
        "equity",
        header.join("")
    );
    let shown = if args.hand.is_some() {
        report.hands.len()
    } else {
        report.hands.len().min(25)
    };
    for hand in &report.hands[..shown] {
        let row: Vec<String> = hand
            .strategy
            .iter()
            .map(|s| format!("{:>9.1}%", s * 100.0))
            .collect();
        println!(
            "{:<6}{} {:>5} {:>8.2} {:>6.1}% {}",
            hand.hand,
            if hand.locked { "*" } else { " " },
            hand.class,
            hand.ev,
            hand.equity * 100.0,
            row.join("")
        );
    }
    if shown < report.hands.len() {
        println!(
            "... {} more hands (use --hand or --json)",
            report.hands.len() - shown
        );
    }
    Ok(())
}

/// Prints the range by action (frequency, combos, EV) and action frequencies by hand category and draw.
fn print_aggregates(report: &ponder_postflop::report::NodeReport) {
    println!();
    println!("frequency, share, EV, equity: over deals (each hand x the opponent's compatible range); combos: own reach");
    println!(
        "{:<14} {:>9} {:>8} {:>9}",
        "by action", "frequency", "combos", "EV"
    );
    for a in &report.by_action {
        println!(
            "{:<14} {:>8.1}% {:>8.1} {:>9.2}",
            a.action,
            a.frequency * 100.0,
            a.combos,
            a.ev
        );
    }
    let header: String = report.actions.iter().map(|a| format!("{a:>10}")).collect();
    for (title, rows) in [
        ("by category", &report.by_category),
        ("by draw", &report.by_draw),
    ] {
        if rows.is_empty() {
            continue;
        }
        println!();
        println!(
            "{:<14} {:>7} {:>6} {:>8} {:>7}{header}",
            title, "combos", "share", "EV", "equity"
        );
        for row in rows {
            let cells: String = row
                .frequencies
                .iter()
                .map(|f| format!("{:>9.1}%", f * 100.0))
                .collect();
            println!(
                "{:<14} {:>7.1} {:>5.1}% {:>8.2} {:>6.1}%{cells}",
                row.category,
                row.combos,
                row.share * 100.0,
                row.ev,
                row.equity * 100.0
            );
        }
    }
}

/// What `ponder bench postflop` compares with the anchor's whole-process peak: river and turn spots
/// count the solver's own memory, flop spots the whole process (there the solver is nearly all of it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MemoryMeasure {
    /// Resident private memory after the solve (`RssAnon`): storage, tree, heap, thread stacks.
    Private,
    /// Peak resident memory of the whole process (`VmHWM`), binary and shared libraries included.
    Peak,
}

impl MemoryMeasure {
    /// The measure for a spot that starts on the flop (`Peak`) or later (`Private`).
    fn for_spot(starts_on_flop: bool) -> MemoryMeasure {
        if starts_on_flop {
            MemoryMeasure::Peak
        } else {
            MemoryMeasure::Private
        }
    }

    fn name(self) -> &'static str {
        match self {
            MemoryMeasure::Private => "private",
            MemoryMeasure::Peak => "peak",
        }
    }
}

/// The memory target of a built-in bench spot: postflop-solver's published whole-process peak RSS for
/// it (docs/performance.md), in bytes, at 32-bit or 16-bit storage; `None` where it published none.
fn memory_target(spot: &str, compressed: bool) -> Option<u64> {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    match (spot, compressed) {
        ("river_qsjh2h8d3c", false) => Some(4_403 * KIB),
        ("turn_td9d6hqc", false) => Some(16 * MIB),
        ("turn_qsjh2h8d", false) => Some(20 * MIB),
        ("flop_td9d6h", false) => Some(692 * MIB),
        ("flop_td9d6h", true) => Some(364 * MIB),
        _ => None,
    }
}

/// Runs `ponder bench postflop`.
pub fn run_bench(args: BenchArgs) -> anyhow::Result<()> {
    let threads = set_threads(args.threads)?;
    let bench = load_bench(args.spots.as_deref())?;
    // The anchor's figures belong to the built-in spots, not to same-named spots of another file.
    let builtin = args.spots.is_none();
    let names: Vec<String> = match &args.spot {
        Some(name) => {
            bench.spot(name)?;
            vec![name.clone()]
        }
        None => bench
            .spots
            .keys()
            .filter(|n| args.all || !n.starts_with("flop"))
            .cloned()
            .collect(),
    };
    let mut anchors = match &args.anchors {
        Some(path) => crate::anchors::load(path)?,
        None => Default::default(),
    };
    for text in &args.anchor {
        let (spot, anchor) = crate::anchors::parse_anchor(text)?;
        let entry = anchors.entry(spot).or_default();
        entry.seconds = anchor.seconds.or(entry.seconds);
        entry.memory = anchor.memory.or(entry.memory);
        entry.host = Some("given with --anchor".to_string());
    }
    for spot in anchors.keys() {
        if bench.spot(spot).is_err() {
            bail!(
                "anchor for spot `{}`: no such spot in the bench file (spots: {})",
                excerpt(spot),
                bench.spots.keys().cloned().collect::<Vec<_>>().join(", ")
            );
        }
    }
    if !args.json {
        if anchors.is_empty() {
            println!("anchors: none given (--anchor SPOT=SECONDS[,MEMORY] or --anchors FILE, measured on this host)");
        }
        for (spot, anchor) in &anchors {
            println!(
                "anchor {spot}: {} s, {} ({})",
                anchor
                    .seconds
                    .map(|s| format!("{s}"))
                    .unwrap_or_else(|| "-".into()),
                anchor
                    .memory
                    .map(format_bytes)
                    .unwrap_or_else(|| "-".into()),
                anchor.host.as_deref().unwrap_or("no host note")
            );
        }
        println!(
            "{:<22} {:>7} {:>4} {:>9} {:>10} {:>10} {:>10} {:>8} {:>10} {:>7} {:>13} {:>13} {:>10} {:>10} {:>10} {:>7} {:>7}",
            "spot",
            "threads",
            "bits",
            "nodes",
            "estimate",
            "peak RSS",
            "private",
            "measure",
            "target",
            "ratio",
            "0.5% (s/it)",
            "0.3% (s/it)",
            "final %",
            "build s",
            "anchor s",
            "time x",
            "mem x"
        );
    }
    for name in names {
        let file = bench.spot(&name)?.clone();
        let targets = file
            .targets_pct_pot
            .clone()
            .unwrap_or_else(|| vec![0.5, 0.3]);
        let final_target = targets.iter().cloned().fold(f64::INFINITY, f64::min);
        // Each spot's own peak, not the largest so far (the previous spot's memory is freed by now).
        memory::reset_peak_rss();
        let build_start = Instant::now();
        let prepared = PreparedSpot::new(file)?;
        let game = prepared.game();
        let estimate = MemoryEstimate::of(&game);
        let limit = max_memory(&None)?;
        let solver = if args.compressed {
            AnySolver::Compressed(ponder_postflop::new_solver::<Q16>(game, limit)?)
        } else {
            AnySolver::Full(ponder_postflop::new_solver::<f32>(game, limit)?)
        };
        let build_seconds = build_start.elapsed().as_secs_f64();
        let memory = if args.compressed {
            estimate.bytes_16
        } else {
            estimate.bytes_32
        };
        let mut reached: Vec<Option<(f64, u32)>> = vec![None; targets.len()];
        let start = Instant::now();
        let options = SolveOptions {
            target_pct: final_target,
            max_iterations: args.max_iterations,
            check_every: 10,
            checkpoint_every: None,
        };
        let mut on_check = |checkpoint: &Checkpoint| {
            for (slot, &target) in reached.iter_mut().zip(&targets) {
                if slot.is_none() && checkpoint.exploitability_pct <= target {
                    *slot = Some((start.elapsed().as_secs_f64(), checkpoint.iteration));
                }
            }
            true
        };
        let mut solver = solver;
        let last = with_solver!(&mut solver, s => s.solve(options, |_, c| on_check(c)));
        let peak = memory::peak_rss();
        let private = memory::private_rss();
        let measure = MemoryMeasure::for_spot(estimate.counts.per_street[0] > 0);
        let measured = match measure {
            MemoryMeasure::Private => private,
            MemoryMeasure::Peak => peak,
        };
        let target = memory_target(&name, args.compressed).filter(|_| builtin);
        let ratio = measured
            .zip(target)
            .map(|(bytes, target)| bytes as f64 / target as f64);
        let anchor = anchors.get(&name);
        // Against the anchor: ponder's time to the final target, and its memory by the spot's measure.
        let final_seconds = targets
            .iter()
            .position(|&t| t == final_target)
            .and_then(|i| reached[i])
            .map(|r| r.0);
        let anchor_time_ratio = final_seconds
            .zip(anchor.and_then(|a| a.seconds))
            .map(|(s, a)| s / a);
        let anchor_memory_ratio = measured
            .zip(anchor.and_then(|a| a.memory))
            .map(|(m, a)| m as f64 / a as f64);
        let key = |t: f64| format!("{t}");
        if args.json {
            let seconds: serde_json::Map<String, serde_json::Value> = targets
                .iter()
                .zip(&reached)
                .map(|(t, r)| (key(*t), json!(r.map(|x| x.0))))
                .collect();
            let iterations: serde_json::Map<String, serde_json::Value> = targets
                .iter()
                .zip(&reached)
                .map(|(t, r)| (key(*t), json!(r.map(|x| x.1))))
                .collect();
            println!(
                "{}",
                json!({
                    "spot": name,
                    "threads": threads,
                    "compressed": args.compressed,
                    "tree_nodes": estimate.counts.per_street.iter().sum::<u64>(),
                    "memory_bytes": memory,
                    "peak_rss_bytes": peak,
                    "private_bytes": private,
                    "memory_measure": measure.name(),
                    "memory_measured_bytes": measured,
                    "memory_target_bytes": target,
                    "memory_ratio": ratio,
                    "build_seconds": build_seconds,
                    "seconds_to_target": seconds,
                    "iterations_to_target": iterations,
                    "final_exploitability_pct": last.exploitability_pct,
                    "iterations": last.iteration,
                    "anchor": anchor.map(|a| json!({
                        "seconds": a.seconds,
                        "memory_bytes": a.memory,
                        "host": a.host,
                    })),
                    "anchor_time_ratio": anchor_time_ratio,
                    "anchor_memory_ratio": anchor_memory_ratio,
                })
            );
        } else {
            let cell = |r: &Option<(f64, u32)>| match r {
                Some((s, i)) => format!("{s:.3}/{i}"),
                None => "-".to_string(),
            };
            let times =
                |r: Option<f64>| r.map(|r| format!("{r:.2}x")).unwrap_or_else(|| "-".into());
            println!(
                "{:<22} {:>7} {:>4} {:>9} {:>10} {:>10} {:>10} {:>8} {:>10} {:>7} {:>13} {:>13} {:>10.4} {:>10.3} {:>10} {:>7} {:>7}",
                name,
                threads,
                if args.compressed { 16 } else { 32 },
                estimate.counts.per_street.iter().sum::<u64>(),
                format_bytes(memory),
                peak.map(format_bytes).unwrap_or_else(|| "-".into()),
                private
                    .map(format_bytes)
                    .unwrap_or_else(|| "-".into()),
                measure.name(),
                target
                    .map(format_bytes)
                    .unwrap_or_else(|| "-".into()),
                ratio
                    .map(|r| format!("{r:.2}x"))
                    .unwrap_or_else(|| "-".into()),
                reached.first().map(cell).unwrap_or_default(),
                reached.get(1).map(cell).unwrap_or_default(),
                last.exploitability_pct,
                build_seconds,
                anchor
                    .and_then(|a| a.seconds)
                    .map(|s| format!("{s:.3}"))
                    .unwrap_or_else(|| "-".into()),
                times(anchor_time_ratio),
                times(anchor_memory_ratio)
            );
        }
    }
    Ok(())
}
