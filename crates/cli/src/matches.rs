//! `ponder match`: bots play each other locally; win rates with 95% confidence intervals.

use anyhow::bail;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use ponder_bots::matches::{play_match, play_match_at, MatchSettings, BIG_BLIND, MAX_STACK_BB};
use ponder_bots::{make_bot, Bot};

/// Options of `ponder match`.
#[derive(Debug, Args)]
#[command(
    after_help = "Bots: random, call, raise (always the maximum), equity (Monte Carlo equity \
    thresholds), blueprint:DIR (a trained blueprint; also blueprint-average:DIR, \
    blueprint-purified:DIR), which sets the table to its own game.\n\nExample:\n  \
    ponder match equity random --hands 100000 --duplicate"
)]
pub struct MatchArgs {
    /// Two to nine bots, by name; the same bot may appear more than once.
    #[arg(required = true, num_args = 2..=9)]
    bots: Vec<String>,
    /// Hands to play.
    #[arg(long, default_value_t = 10_000, value_parser = crate::limits::hands)]
    hands: u64,
    /// Deal every card set once per seat rotation, cancelling the luck of the cards.
    #[arg(long)]
    duplicate: bool,
    /// Seed of the cards and of random bots.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Starting stack in big blinds, restored every hand (at most 2^47; default 100). A blueprint bot
    /// plays its own game (heads-up no-limit: 200 big blinds, blinds 50/100) and takes no --stack.
    #[arg(long)]
    stack: Option<u64>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
}

/// Runs a local match and prints each bot's win rate.
pub fn run(args: MatchArgs) -> anyhow::Result<()> {
    if args.hands == 0 {
        bail!("--hands must be positive");
    }
    let stack = args.stack.unwrap_or(100);
    if !(1..=MAX_STACK_BB).contains(&stack) {
        bail!(
            "--stack must be 1..={MAX_STACK_BB} big blinds (the engine's chip limit), not {stack}"
        );
    }
    let mut bots = args
        .bots
        .iter()
        .enumerate()
        .map(|(i, name)| {
            make_bot(name, args.seed.wrapping_add(i as u64 + 1)).map_err(anyhow::Error::from)
        })
        .collect::<anyhow::Result<Vec<Box<dyn Bot>>>>()?;
    let settings = MatchSettings {
        hands: args.hands,
        duplicate: args.duplicate,
        seed: args.seed,
        stack_bb: stack,
    };
    // A bot built for one game (a blueprint) sets the table; every other such bot must agree.
    let table = bots.iter().find_map(|b| b.table().cloned());
    if let (Some(table), Some(_)) = (&table, args.stack) {
        bail!(
            "--stack does not apply: a blueprint plays its own game ({} chips each, blinds {}/{})",
            table.config().stacks[0],
            table.config().small_blind,
            table.config().big_blind
        );
    }
    let bar = ProgressBar::new(args.hands).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} hands  {per_sec}  eta {eta}")
            .expect("static template"),
    );
    let start = std::time::Instant::now();
    let report = match &table {
        Some(table) => play_match_at(&mut bots, table, &settings, |done| bar.set_position(done))?,
        None => play_match(&mut bots, &settings, |done| bar.set_position(done))?,
    };
    let (big_blind, stack_chips, small_blind) = match &table {
        Some(table) => (
            table.config().big_blind,
            table.config().stacks[0],
            table.config().small_blind,
        ),
        None => (BIG_BLIND, stack * BIG_BLIND, BIG_BLIND / 2),
    };
    bar.finish_and_clear();
    let seconds = start.elapsed().as_secs_f64();
    if args.json {
        let bots: Vec<serde_json::Value> = report
            .bots
            .iter()
            .map(|b| {
                serde_json::json!({
                    "name": b.name,
                    "chips": chips_json(b.chips),
                    "bb_per_100": b.bb_per_100,
                    "ci95": b.ci95,
                    "mbb_per_hand": b.bb_per_100 * 10.0,
                })
            })
            .collect();
        let json = serde_json::json!({
            "hands": report.hands,
            "duplicate": args.duplicate,
            "big_blind": big_blind,
            "seconds": seconds,
            "bots": bots,
        });
        println!("{json:#}");
        return Ok(());
    }
    println!(
        "{} hands{} in {seconds:.1} s; stacks {} bb, blinds {small_blind}/{big_blind}",
        report.hands,
        if args.duplicate { " (duplicate)" } else { "" },
        stack_chips / big_blind
    );
    println!("  bot          bb/100     95% CI        mbb/hand        chips");
    for b in &report.bots {
        println!(
            "  {:<10} {:>+8.1}  ± {:<8.1}  {:>+10.0}  {:>+11}",
            b.name,
            b.bb_per_100,
            b.ci95,
            b.bb_per_100 * 10.0,
            b.chips
        );
    }
    Ok(())
}

/// A chip total as a JSON number: exact while it fits in 64 bits, else the nearest `f64` (JSON
/// readers rarely take wider integers; the sign and magnitude stay right).
pub fn chips_json(chips: i128) -> serde_json::Value {
    serde_json::Number::from_i128(chips)
        .map(serde_json::Value::Number)
        .unwrap_or_else(|| serde_json::json!(chips as f64))
}
