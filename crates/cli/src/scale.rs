//! `ponder scale`: the compute-scaling lab (blueprint training × search budget, exact exploitability,
//! exchange rate N*), writing scale.csv, scale.svg and scale.json.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use ponder_search::scale::{parse_grid, run_scale, Progress, ScaleReport, MAX_SEARCH, MAX_TRAIN};
use ponder_search::{search_policy_with, PublicTree, SearchMode};
use ponder_solver::{new_solver, Algorithm, SolverOptions};

/// Arguments of `ponder scale`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ponder scale leduc --train 10,100,1000,10000 --search 0,10,100,1000 --out scale-leduc\n  ponder scale 'kuhn_poker(players=3)' --self-play 10,100,1000,10000"
)]
pub struct ScaleArgs {
    /// Game string of a 2-player zero-sum game (e.g. leduc, kuhn, liars_dice).
    pub game: String,
    /// Blueprint CFR+ iterations, comma-separated, strictly increasing.
    #[arg(long, default_value = "10,100,1000,10000")]
    pub train: String,
    /// Search budgets (CFR+ iterations per re-solve), comma-separated, strictly increasing; 0 = none.
    #[arg(long, default_value = "0,10,100,1000")]
    pub search: String,
    /// The no-search reference curve runs to this many iterations (default: 10 × the largest --train).
    #[arg(long, value_parser = crate::limits::iterations)]
    pub reference_max: Option<u64>,
    /// Output directory for scale.csv, scale.svg and scale.json.
    #[arg(long, default_value = "scale-out")]
    pub out: PathBuf,
    /// Worker threads for search (default: all cores; at most 4 per core).
    #[arg(long, value_parser = crate::limits::threads)]
    pub threads: Option<usize>,
    /// Also time one search (largest budget on the first blueprint) on 1 and 2 threads.
    #[arg(long)]
    pub speedup: bool,
    /// Depth-limited search (to the next chance node, opponent continuation strategies at the leaves)
    /// instead of re-solving to the end of the game.
    #[arg(long)]
    pub depth_limited: bool,
    /// Instead of the grid: regret-minimising self-play (vanilla CFR) with NashConv and the gap to a
    /// coarse correlated equilibrium at these iteration counts (any number of players, general-sum:
    /// e.g. leduc_poker(players=3), shapley_3x3(weighted=true)).
    #[arg(long, value_name = "ITERATIONS")]
    pub self_play: Option<String>,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs the lab.
pub fn run(args: ScaleArgs) -> anyhow::Result<()> {
    let train = parse_grid("train", &args.train, 1, MAX_TRAIN)?;
    let search = parse_grid("search", &args.search, 0, MAX_SEARCH as u64)?;
    if args.threads == Some(0) {
        anyhow::bail!("--threads must be at least 1");
    }
    let max_train = *train.last().expect("non-empty grid");
    let reference_max = args
        .reference_max
        .unwrap_or(max_train.saturating_mul(10))
        .min(MAX_TRAIN);
    if reference_max < max_train {
        anyhow::bail!("--reference-max {reference_max} is below the largest --train {max_train}");
    }
    let tree = crate::game::compile(&args.game)?;
    if let Some(self_play) = &args.self_play {
        return run_self_play(&tree, self_play, &args);
    }
    PublicTree::new(&tree)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()?;
    let mode = if args.depth_limited {
        SearchMode::DepthLimited
    } else {
        SearchMode::Full
    };
    let checkpoints = ponder_search::scale::checkpoints(reference_max, &train).len();
    let bar = ProgressBar::new((checkpoints + train.len() * search.len()) as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .expect("valid template"),
    );
    let started = Instant::now();
    let report = pool.install(|| {
        run_scale(&tree, &train, &search, reference_max, mode, |event| {
            match event {
                Progress::Reference(n, value) => {
                    bar.set_message(format!("no-search curve: {n} it, NashConv {value:.6}"))
                }
                Progress::Cell(n, b, value) => {
                    bar.set_message(format!("train {n}, search {b}: NashConv {value:.6}"))
                }
            }
            bar.inc(1);
        })
    })?;
    bar.finish_and_clear();
    let total_seconds = started.elapsed().as_secs_f64();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    std::fs::write(args.out.join("scale.csv"), report.to_csv())?;
    std::fs::write(args.out.join("scale.svg"), report.to_svg())?;
    let speedup = if args.speedup {
        Some(measure_speedup(
            &tree,
            train[0],
            *search.last().expect("non-empty"),
            mode,
        )?)
    } else {
        None
    };
    let json = serde_json::json!({
        "report": report,
        "total_seconds": total_seconds,
        "speedup": speedup.map(|(one, two, parallelism)| serde_json::json!({"one_thread_seconds": one, "two_thread_seconds": two, "speedup": one / two, "work_over_span": parallelism})),
    });
    std::fs::write(
        args.out.join("scale.json"),
        serde_json::to_string_pretty(&json)?,
    )?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        print_table(&report);
        println!(
            "grid done in {total_seconds:.1} s; wrote {0}/scale.csv, {0}/scale.svg, {0}/scale.json",
            args.out.display()
        );
        if let Some((one, two, parallelism)) = speedup {
            println!(
                "one search (train {}, search {}): 1 thread {one:.3} s, 2 threads {two:.3} s, speed-up {:.2}x (work/span {parallelism:.2}: the most threads could give)",
                train[0],
                search.last().expect("non-empty"),
                one / two
            );
        }
    }
    Ok(())
}

fn run_self_play(
    tree: &ponder_games::CompiledTree,
    list: &str,
    args: &ScaleArgs,
) -> anyhow::Result<()> {
    let checkpoints = parse_grid("self-play", list, 1, MAX_TRAIN)?;
    let started = Instant::now();
    let points = ponder_search::guarantee::self_play(tree, &checkpoints);
    let seconds = started.elapsed().as_secs_f64();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut csv = String::from("game,iterations,nash_conv,cce_gap\n");
    for point in &points {
        csv.push_str(&format!(
            "\"{}\",{},{:.9},{:.9}\n",
            tree.game(),
            point.iterations,
            point.nash_conv,
            point.cce_gap
        ));
    }
    std::fs::write(args.out.join("selfplay.csv"), csv)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "game": tree.game(),
                "players": tree.num_players(),
                "points": points,
                "seconds": seconds,
            }))?
        );
    } else {
        println!(
            "{} ({} players, {} nodes): vanilla CFR self-play, simultaneous updates",
            tree.game(),
            tree.num_players(),
            tree.num_nodes()
        );
        println!("{:>10} {:>14} {:>14}", "iterations", "NashConv", "CCE gap");
        for point in &points {
            println!(
                "{:>10} {:>14.6} {:>14.6}",
                point.iterations, point.nash_conv, point.cce_gap
            );
        }
        println!(
            "done in {seconds:.1} s; wrote {}/selfplay.csv",
            args.out.display()
        );
    }
    Ok(())
}

fn print_table(report: &ScaleReport) {
    println!(
        "{} ({} nodes, {} decision points, {:?} search)",
        report.game, report.tree_nodes, report.decision_points, report.mode
    );
    println!(
        "{:>8} {:>7} {:>12} {:>9} {:>9} {:>9} {:>12} {:>8} {:>10}",
        "train", "search", "NashConv", "train s", "search s", "adopted", "N*", "N*/N", "exchange"
    );
    for cell in &report.cells {
        let n_star = cell.n_star.map_or_else(
            || format!(">{}", report.reference.last().map_or(0, |r| r.0)),
            |n| format!("{n:.0}"),
        );
        let ratio = cell.n_star.map_or_else(
            || "-".to_string(),
            |n| format!("{:.2}", n / cell.train_iterations as f64),
        );
        let exchange = cell
            .exchange_rate(report.tree_nodes)
            .map_or_else(|| "-".to_string(), |rate| format!("{rate:.3}"));
        println!(
            "{:>8} {:>7} {:>12.6} {:>9.3} {:>9.3} {:>9} {:>12} {:>8} {:>10}",
            cell.train_iterations,
            cell.search_iterations,
            cell.nash_conv,
            cell.train_seconds,
            cell.search_seconds,
            format!("{}/{}", cell.improved, cell.resolves),
            n_star,
            ratio,
            exchange
        );
    }
}

/// Seconds for one full-policy search on 1 and on 2 threads.
fn measure_speedup(
    tree: &ponder_games::CompiledTree,
    train: u64,
    budget: u64,
    mode: SearchMode,
) -> anyhow::Result<(f64, f64, f64)> {
    let public_tree = PublicTree::new(tree)?;
    let mut solver = new_solver(tree, Algorithm::CfrPlus, &SolverOptions::default());
    for _ in 0..train {
        solver.iterate();
    }
    let blueprint = solver.average_policy();
    let mut seconds = Vec::new();
    let mut parallelism = 1.0;
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        let started = Instant::now();
        let (_, stats) = pool
            .install(|| search_policy_with(tree, &public_tree, &blueprint, budget as usize, mode));
        seconds.push(started.elapsed().as_secs_f64());
        parallelism = stats.node_iterations as f64 / stats.span_node_iterations.max(1) as f64;
    }
    Ok((seconds[0], seconds[1], parallelism))
}
