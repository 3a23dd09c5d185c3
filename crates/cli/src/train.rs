//! `ponder train hunl`: trains a no-limit hold'em blueprint (ponder-blueprint) into a directory.

use std::path::PathBuf;

use anyhow::bail;
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use ponder_blueprint::{BlueprintConfig, BuildProgress, TrainOptions, Training, Tree, TreeStats};

use crate::limits;

/// Longest `--minutes` (a week): more is a typo.
const MAX_MINUTES: f64 = 7.0 * 24.0 * 60.0;

/// What to train.
#[derive(Debug, Subcommand)]
pub enum TrainCommand {
    /// Heads-up (or 3-6 player) no-limit hold'em blueprint by external-sampling MCCFR.
    #[command(after_help = "Examples:
  ponder train hunl --preset tiny --iterations 20000 --out /tmp/bp-tiny
  ponder train hunl my.toml --minutes 30 --threads 2 --out /tmp/bp
  ponder train hunl --out /tmp/bp --resume --minutes 30

The directory receives config.toml, abstraction.bin (the card abstraction, built once and reused),
checkpoint.bin (regrets and strategy sums, rewritten crash-safely every --checkpoint-minutes and at
the end), strategy.bin (the average strategy a blueprint bot plays) and stats.json.
Presets: tiny (under 2 minutes, for tests), small (about 30 minutes on 2 cores), medium (hours, 16 GiB).
With --threads 1 a run is reproducible from its seed, through kills and --resume.")]
    Hunl(HunlArgs),
}

/// Arguments of `ponder train hunl`.
#[derive(Debug, Args)]
pub struct HunlArgs {
    /// Configuration file (TOML: players, stack, blinds, `[betting]`, `[training]`, `[abstraction]`).
    pub config: Option<PathBuf>,
    /// A built-in configuration instead of a file: tiny, small or medium.
    #[arg(long, conflicts_with = "config")]
    pub preset: Option<String>,
    /// Train for this many minutes (of this run).
    #[arg(long, value_parser = minutes)]
    pub minutes: Option<f64>,
    /// Train until this many iterations are done in total (counting a resumed run's).
    #[arg(long, value_parser = limits::iterations, conflicts_with = "minutes")]
    pub iterations: Option<u64>,
    /// Worker threads (lock-free updates; 1 = reproducible).
    #[arg(long, value_parser = limits::threads, default_value = "2")]
    pub threads: usize,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
    /// Continue the training in --out from its last checkpoint.
    #[arg(long)]
    pub resume: bool,
    /// Minutes between checkpoints.
    #[arg(long, value_parser = checkpoint_minutes, default_value = "10")]
    pub checkpoint_minutes: f64,
    /// Refuse to start when the memory estimate exceeds this (e.g. 8GiB; default: available memory).
    #[arg(long)]
    pub max_memory: Option<String>,
    /// Print the tree, its information sets and the memory estimate, then stop (builds nothing).
    #[arg(long)]
    pub dry_run: bool,
}

fn minutes(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("expected a number of minutes above 0, at most {MAX_MINUTES}"))?;
    if !(value > 0.0 && value <= MAX_MINUTES) {
        return Err(format!("must be above 0 and at most {MAX_MINUTES}"));
    }
    Ok(value)
}

fn checkpoint_minutes(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| "expected a number of minutes above 0".to_string())?;
    if !(value > 0.0 && value <= MAX_MINUTES) {
        return Err(format!("must be above 0 and at most {MAX_MINUTES}"));
    }
    Ok(value)
}

/// Runs `ponder train`.
pub fn run(command: TrainCommand) -> anyhow::Result<()> {
    let TrainCommand::Hunl(args) = command;
    if args.minutes.is_none() && args.iterations.is_none() && !args.dry_run {
        bail!("say how long to train: --minutes M or --iterations N");
    }
    let max_memory = args
        .max_memory
        .as_deref()
        .map(|text| crate::anchors::parse_bytes("--max-memory", text))
        .transpose()?;
    let config = match (&args.config, &args.preset) {
        (Some(path), _) => Some(BlueprintConfig::load(path)?),
        (None, Some(name)) => Some(BlueprintConfig::preset(name)?),
        (None, None) if args.resume => None,
        (None, None) => bail!("give a config file or --preset tiny|small|medium"),
    };
    if args.dry_run {
        let config = match config {
            Some(config) => config,
            None => BlueprintConfig::load(&args.out.join("config.toml"))?,
        };
        let tree = Tree::build(&config, config.text.abstraction.buckets)?;
        let stats = tree.stats();
        print_tree(&config, &tree, &stats);
        println!(
            "memory estimate: {:.1} MiB for regrets and sums, {:.1} MiB for the strategy, {:.1} MiB for the tree, plus the card abstraction",
            mib(tree.slots * ponder_blueprint::trainer::BYTES_PER_SLOT),
            mib(tree.slots * 2),
            mib(tree.bytes())
        );
        return Ok(());
    }
    let spinner = ProgressBar::new_spinner();
    spinner.set_message("card abstraction: loading or building (once per directory)");
    spinner.enable_steady_tick(std::time::Duration::from_millis(200));
    let training = Training::prepare(&args.out, config, args.resume, &|p: BuildProgress| {
        spinner.set_message(format!(
            "card abstraction: {:?} {}/{}",
            p.stage, p.done, p.total
        ));
    });
    spinner.finish_and_clear();
    let training = training?;
    let stats = training.stats();
    let estimate = training.estimate();
    print_tree(&training.config, &training.tree, &stats);
    println!(
        "memory estimate: {:.1} MiB (regrets and sums {:.1}, strategy {:.1}, tree {:.1}, card abstraction {:.1}, overhead {:.1})",
        mib(estimate.total()),
        mib(estimate.tables),
        mib(estimate.strategy),
        mib(estimate.tree),
        mib(estimate.abstraction),
        mib(estimate.overhead)
    );
    if let Some(header) = &training.resume_from {
        println!(
            "resuming at iteration {} ({:.0} s trained)",
            header.iteration, header.seconds
        );
    }
    let options = TrainOptions {
        iterations: args.iterations,
        minutes: args.minutes,
        threads: args.threads,
        checkpoint_minutes: args.checkpoint_minutes,
        max_memory,
    };
    let bar = match (args.iterations, args.minutes) {
        (Some(n), _) => ProgressBar::new(n),
        (None, Some(m)) => ProgressBar::new((m * 60.0) as u64),
        _ => ProgressBar::new_spinner(),
    };
    bar.set_style(
        ProgressStyle::with_template("[{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let by_time = args.iterations.is_none();
    let mut checkpoints = 0;
    let summary = training.run(&options, &mut |p| {
        bar.set_position(if by_time {
            p.seconds as u64
        } else {
            p.iteration
        });
        if p.checkpoint {
            checkpoints += 1;
        }
        bar.set_message(format!(
            "it {}  {:.0} it/s  {:.0} infosets touched/s  checkpoints {}",
            p.iteration,
            p.run_iterations as f64 / p.seconds.max(1e-9),
            p.run_updates as f64 / p.seconds.max(1e-9),
            checkpoints
        ));
    })?;
    bar.finish_and_clear();
    println!(
        "trained {} iterations in {:.1} s on {} threads: {:.0} iterations/s, {:.0} infoset updates/s ({} iterations, {} updates in total)",
        summary.run_iterations,
        summary.run_seconds,
        summary.threads,
        summary.iterations_per_second,
        summary.updates_per_second,
        summary.iterations,
        summary.updates
    );
    println!(
        "regrets: largest |r| {}, {} of {} slots outside the 16-bit range",
        summary.max_abs_regret, summary.regrets_outside_i16, summary.slots
    );
    if let Some(peak) = crate::memory::peak_rss() {
        println!(
            "peak RSS {:.1} MiB (estimate {:.1} MiB)",
            mib(peak),
            mib(summary.memory_estimate)
        );
    }
    println!("wrote {}", args.out.display());
    Ok(())
}

fn print_tree(config: &BlueprintConfig, tree: &Tree, stats: &TreeStats) {
    let c = &config.text;
    println!(
        "game: {} players, stacks {}, blinds {}/{}; card buckets {:?}",
        c.players, c.stack, c.small_blind, c.big_blind, c.abstraction.buckets
    );
    println!(
        "tree: {} nodes ({} decisions: preflop {}, flop {}, turn {}, river {}; {} terminals)",
        tree.nodes.len(),
        stats.decisions.iter().sum::<u64>(),
        stats.decisions[0],
        stats.decisions[1],
        stats.decisions[2],
        stats.decisions[3],
        stats.terminals
    );
    println!(
        "information sets: {} ({} regret slots)",
        stats.infosets, stats.slots
    );
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1u64 << 20) as f64
}
