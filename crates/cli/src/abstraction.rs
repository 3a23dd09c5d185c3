//! `ponder abstraction build|info`: card abstractions for hold'em (`ponder-abstraction`) from the
//! command line.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use ponder_abstraction::{
    AbstractionConfig, BuildProgress, BuildStage, CardAbstraction, CardBuckets, Method,
    StreetReport,
};
use serde_json::json;

use crate::limits;

/// `ponder abstraction ...` subcommands.
#[derive(Debug, Subcommand)]
pub enum AbstractionCommand {
    /// Build a card abstraction (buckets per street) and write it to a file.
    #[command(
        long_about = "Build a card abstraction and write it to a file.\n\nA card abstraction maps a hole-card pair on a board to a bucket per street, so that a\nblueprint (MCCFR) treats hands of one bucket alike. Preflop has 169 classes under suit\nisomorphism (169 buckets = lossless; fewer group them by EHS). Flop and turn hands are\nclustered over every canonical hand: by EHS (expected hand strength against a uniform\nopponent over all runouts; --method ehs), or by the histogram of next-street strength under\nthe earth mover's distance (--method potential, after Johanson et al. 2013: hands with equal\nEHS but different draws fall apart). River buckets group hand strength against every\nunblocked opponent hand, computed at lookup. The build is deterministic from --seed, whatever\nthe thread count.\n\nThe summary gives per street the build time and the within-bucket spread: the standard\ndeviation of EHS around the bucket's mean (EHS std) and the mean earth mover's distance of a\nhand's next-street histogram to its bucket's mean (hist EMD), both lower = finer.",
        after_help = "Examples:\n  ponder abstraction build --buckets 169,8,8,8 --out tiny.abs\n  ponder abstraction build --buckets 169,50,50,50 --method potential --seed 1 --out small.abs --json\n\nCost: about 20-40 s and 0.8 GB on 2 cores for any bucket counts with --method ehs; the\npotential method adds k-means (minutes for a few hundred buckets)."
    )]
    Build(BuildArgs),
    /// Show an abstraction file: config, per-street buckets and spread, table sizes, fingerprint.
    #[command(
        after_help = "Examples:\n  ponder abstraction info tiny.abs\n  ponder abstraction info tiny.abs --json"
    )]
    Info(InfoArgs),
}

/// Clustering method of the flop and turn.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MethodArg {
    /// One-dimensional k-means on expected hand strength (buckets ordered by EHS).
    Ehs,
    /// k-means on next-street strength histograms under the earth mover's distance.
    Potential,
}

/// Arguments of `ponder abstraction build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Buckets per street: preflop,flop,turn,river (preflop at most 169 = lossless; flop and turn
    /// at most 65,535; river at most 1,981, the distinct river strengths).
    #[arg(long, default_value = "169,50,50,50", value_parser = limits::bucket_counts)]
    buckets: [u32; 4],
    /// Clustering of the flop and turn.
    #[arg(long, value_enum, default_value_t = MethodArg::Ehs)]
    method: MethodArg,
    /// Seed of k-means (sample and initial centroids).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Bins of the next-street strength histograms (potential method).
    #[arg(long, default_value_t = 20, value_parser = limits::histogram_bins)]
    bins: u32,
    /// Canonical hands k-means clusters before assigning all (potential method).
    #[arg(long, default_value_t = 50_000, value_parser = limits::kmeans_sample)]
    sample: u32,
    /// Most Lloyd iterations of k-means (potential method).
    #[arg(long, default_value_t = 30, value_parser = limits::kmeans_iterations)]
    iterations: u32,
    /// Worker threads (default: all cores; at most 4 per core). The result does not depend on it.
    #[arg(long, value_parser = limits::threads)]
    threads: Option<usize>,
    /// Output file (written crash-safely: temporary file, fsync, rename).
    #[arg(long)]
    out: PathBuf,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `ponder abstraction info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// The abstraction file.
    file: PathBuf,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs an `abstraction` subcommand.
pub fn run(command: AbstractionCommand) -> anyhow::Result<()> {
    match command {
        AbstractionCommand::Build(args) => build(args),
        AbstractionCommand::Info(args) => info(args),
    }
}

fn build(args: BuildArgs) -> anyhow::Result<()> {
    let mut config = match args.method {
        MethodArg::Ehs => AbstractionConfig::ehs(args.buckets),
        MethodArg::Potential => AbstractionConfig::potential(args.buckets),
    };
    config.seed = args.seed;
    config.histogram_bins = args.bins;
    config.kmeans_sample = args.sample;
    config.kmeans_iterations = args.iterations;
    config.validate()?;
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .ok();
    }
    let bar = ProgressBar::new(1);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg:16} {bar:30} {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let stage: Mutex<Option<BuildStage>> = Mutex::new(None);
    let progress = |p: BuildProgress| {
        let mut current = stage.lock().unwrap_or_else(|e| e.into_inner());
        if *current != Some(p.stage) {
            *current = Some(p.stage);
            bar.set_message(p.stage.label());
            bar.set_length(p.total);
            bar.set_position(0);
        }
        bar.set_position(p.done);
    };
    let started = Instant::now();
    let abstraction = CardAbstraction::build(&config, &progress)?;
    let seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    abstraction.save(&args.out)?;
    let bytes = std::fs::metadata(&args.out)
        .with_context(|| format!("{}", args.out.display()))?
        .len();
    print_summary(&abstraction, &args.out, bytes, Some(seconds), args.json);
    Ok(())
}

fn info(args: InfoArgs) -> anyhow::Result<()> {
    let abstraction = CardAbstraction::load(&args.file)?;
    let bytes = std::fs::metadata(&args.file)
        .with_context(|| format!("{}", args.file.display()))?
        .len();
    print_summary(&abstraction, &args.file, bytes, None, args.json);
    Ok(())
}

fn method_name(config: &AbstractionConfig) -> String {
    let flop = config.flop.name();
    let turn = config.turn.name();
    if config.flop == config.turn {
        flop.to_string()
    } else {
        format!("flop {flop}, turn {turn}")
    }
}

fn print_summary(
    abstraction: &CardAbstraction,
    file: &std::path::Path,
    bytes: u64,
    seconds: Option<f64>,
    as_json: bool,
) {
    let config = abstraction.config();
    let reports: &[StreetReport] = abstraction.reports();
    if as_json {
        let mut value = json!({
            "file": file.display().to_string(),
            "bytes": bytes,
            "fingerprint": format!("{:016x}", abstraction.fingerprint()),
            "format_version": ponder_abstraction::FORMAT_VERSION,
            "config": config,
            "table_entries": abstraction.table_sizes(),
            "streets": reports,
        });
        if let Some(seconds) = seconds {
            value["seconds"] = json!(seconds);
            value["threads"] = json!(rayon::current_num_threads());
        }
        println!("{value:#}");
        return;
    }
    let buckets = config.buckets.map(|b| b.to_string()).join("/");
    println!(
        "abstraction {buckets} ({}, seed {}) in {} ({bytes} bytes, format {}, fingerprint {:016x})",
        method_name(config),
        config.seed,
        file.display(),
        ponder_abstraction::FORMAT_VERSION,
        abstraction.fingerprint()
    );
    if config.flop == Method::Potential || config.turn == Method::Potential {
        println!(
            "potential: {} histogram bins, k-means on {} sampled hands, at most {} iterations",
            config.histogram_bins, config.kmeans_sample, config.kmeans_iterations
        );
    }
    if let Some(seconds) = seconds {
        println!(
            "built in {seconds:.1} s on {} threads",
            rayon::current_num_threads()
        );
    }
    println!(
        "{:<8} {:>7} {:>10} {:>11} {:>9} {:>8} {:>9}",
        "street", "buckets", "method", "entries", "seconds", "EHS std", "hist EMD"
    );
    for report in reports {
        let emd = report
            .histogram_emd
            .map_or("-".to_string(), |e| format!("{e:.4}"));
        let entries = if report.entries == 0 {
            "at lookup".to_string()
        } else {
            report.entries.to_string()
        };
        println!(
            "{:<8} {:>7} {:>10} {:>11} {:>9.1} {:>8.4} {:>9}",
            report.street,
            report.buckets,
            report.method,
            entries,
            report.seconds,
            report.ehs_std,
            emd
        );
    }
}
