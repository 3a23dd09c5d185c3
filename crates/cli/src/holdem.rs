//! `ponder bench holdem`: the hold'em engine's random-play throughput, side by side with PokerKit.

use std::io::Write;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Args;
use ponder_holdem::{play_random_hand, record_random_hand, Betting, Table, TableConfig, MAX_CHIPS};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// PokerKit's replay script, compiled in so the installed binary needs no source tree beside it.
const POKERKIT_REPLAY: &str = include_str!("../../../tools/pokerkit_replay.py");

/// Options of `ponder bench holdem`.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  ponder bench holdem --hands 2000000 --seats 6")]
pub struct BenchArgs {
    /// Random-action hands to play (one thread).
    #[arg(long, default_value_t = 1_000_000, value_parser = crate::limits::hands)]
    hands: u64,
    /// Seats at the table (2..=9).
    #[arg(long, default_value_t = 6)]
    seats: usize,
    /// Starting stack in big blinds (shorter stacks mean more all-ins and side pots).
    #[arg(long, default_value_t = 100)]
    stack_bb: u64,
    /// Hands PokerKit replays, at the same table, for the side-by-side ratio (0 skips it).
    #[arg(long, default_value_t = 2_000, value_parser = crate::limits::oracle_hands)]
    pokerkit_hands: usize,
    /// Seed of the cards and actions.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
}

/// Runs the engine benchmark and, when the oracle venv exists, PokerKit on hands of the same kind.
pub fn run_bench(args: BenchArgs) -> anyhow::Result<()> {
    if !(2..=9).contains(&args.seats) {
        bail!("--seats must be 2..=9, not {}", args.seats);
    }
    if args.hands == 0 {
        bail!("--hands must be positive");
    }
    if !(1..=MAX_CHIPS / 2).contains(&args.stack_bb) {
        bail!(
            "--stack-bb must be 1..={} big blinds (the engine's chip limit), not {}",
            MAX_CHIPS / 2,
            args.stack_bb
        );
    }
    let config = TableConfig::new(
        vec![args.stack_bb * 2; args.seats],
        0,
        1,
        2,
        Betting::NoLimit,
    );
    // One checked table per button seat, built before the timed loop.
    let table = config.validate()?;
    let tables = (0..args.seats)
        .map(|button| table.with_button(button))
        .collect::<Result<Vec<Table>, _>>()?;
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let start = Instant::now();
    let mut checksum = 0u64;
    for hand in 0..args.hands {
        let table = &tables[(hand % args.seats as u64) as usize];
        let state = play_random_hand(table, &mut rng);
        checksum = checksum.wrapping_add(state.final_stacks()[0]);
    }
    let seconds = start.elapsed().as_secs_f64();
    let ponder_rate = args.hands as f64 / seconds;

    let pokerkit = if args.pokerkit_hands > 0 {
        pokerkit_rate(&args, &tables)?
    } else {
        None
    };
    let ratio = pokerkit.map(|rate| ponder_rate / rate);
    if args.json {
        let report = serde_json::json!({
            "seats": args.seats,
            "hands": args.hands,
            "seconds": seconds,
            "hands_per_second": ponder_rate,
            "hands_per_minute_per_core": ponder_rate * 60.0,
            "pokerkit_hands_per_second": pokerkit,
            "ratio_vs_pokerkit": ratio,
            "checksum": checksum,
        });
        println!("{report:#}");
    } else {
        println!("engine       seats  hands/s        hands/min/core");
        println!(
            "ponder       {:>5}  {:>13.0}  {:>14.0}",
            args.seats,
            ponder_rate,
            ponder_rate * 60.0
        );
        match (pokerkit, ratio) {
            (Some(rate), Some(ratio)) => {
                println!(
                    "PokerKit     {:>5}  {:>13.0}  {:>14.0}   (replaying hands of the same table)",
                    args.seats,
                    rate,
                    rate * 60.0
                );
                println!("ponder / PokerKit: {ratio:.0}x");
            }
            _ => println!("PokerKit: not measured (run tools/setup-oracles.sh to add it)"),
        }
    }
    Ok(())
}

/// PokerKit's hands per second replaying `pokerkit_hands` random hands at `tables` (button rotating), or
/// `None` when no oracle interpreter is found (`ponder_oracles::find_python`).
fn pokerkit_rate(args: &BenchArgs, tables: &[Table]) -> anyhow::Result<Option<f64>> {
    let Some(python) = ponder_oracles::find_python() else {
        return Ok(None);
    };
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let path =
        std::env::temp_dir().join(format!("ponder-bench-holdem-{}.jsonl", std::process::id()));
    let mut file = std::fs::File::create(&path).context("writing the hands for PokerKit")?;
    for hand in 0..args.pokerkit_hands {
        let record = record_random_hand(&tables[hand % args.seats], &mut rng);
        writeln!(file, "{}", serde_json::to_string(&record)?)?;
    }
    drop(file);
    let output = std::process::Command::new(&python)
        .arg("-c")
        .arg(POKERKIT_REPLAY)
        .arg(&path)
        .arg("--time")
        .output()
        .context("running PokerKit")?;
    std::fs::remove_file(&path).ok();
    if !output.status.success() {
        bail!(
            "PokerKit failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    if report["mismatches"] != 0 {
        bail!(
            "PokerKit disagrees with ponder on some hands: {}",
            report["examples"]
        );
    }
    Ok(report["hands_per_second"].as_f64())
}
