//! `ponder eval lbr`: how much local best response wins against a bot.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use ponder_bots::BotSpec;
use ponder_eval::lbr::{run_lbr, LbrActions, LbrSettings};
use ponder_holdem::Street;

/// Evaluation subcommands.
#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Local best response (Lisý & Bowling 2017): a lower bound on a heads-up bot's exploitability.
    Lbr(LbrArgs),
}

/// LBR's action set where it uses it.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum ActionSet {
    /// Fold or check/call.
    Fc,
    /// Fold, check/call, pot-sized raise, all-in.
    Fcpa,
}

/// The first street where LBR uses its action set.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum FirstStreet {
    /// From the first action.
    Preflop,
    /// From the flop.
    Flop,
    /// From the turn (the paper's headline setting with fcpa).
    Turn,
    /// On the river only.
    River,
}

/// Options of `ponder eval lbr`.
#[derive(Debug, Args)]
#[command(
    after_help = "LBR plays the bot heads-up, both seats on the same cards (duplicate), \
tracking the bot's range with the bot's own range policy. Where it uses its action set it takes \
the action with the best expected value if both players checked or called to the showdown \
afterwards (equity against the range, fold probability from the bot's policy facing the bet); \
before that street it checks or calls. The default is the paper's headline setting: fcpa on the \
turn and river. The figure is LBR's win rate, so higher means a more exploitable bot.\n\n\
Examples:\n  ponder eval lbr --bot call --hands 2000\n  \
ponder eval lbr --bot equity --hands 10000 --threads 2 --json"
)]
pub struct LbrArgs {
    /// The bot to evaluate (random, call, raise, equity).
    #[arg(long)]
    bot: String,
    /// Hands to play (rounded up to an even number: each deal is played in both seats).
    #[arg(long, default_value_t = 2_000, value_parser = crate::limits::hands)]
    hands: u64,
    /// Seed of the cards and of the bot's random stream.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Worker threads (default: every available core).
    #[arg(long, value_parser = crate::limits::threads)]
    threads: Option<usize>,
    /// LBR's action set.
    #[arg(long, value_enum, default_value = "fcpa")]
    actions: ActionSet,
    /// The first street where LBR uses its action set (before it: check/call).
    #[arg(long, value_enum, default_value = "turn")]
    from: FirstStreet,
    /// ACPC game definition file (default: the bot's own game, else heads-up no-limit, 20,000
    /// stacks, blinds 50/100).
    #[arg(long)]
    game: Option<PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// Runs an evaluation subcommand.
pub fn run(command: EvalCommand) -> anyhow::Result<()> {
    match command {
        EvalCommand::Lbr(args) => lbr(args),
    }
}

fn lbr(args: LbrArgs) -> anyhow::Result<()> {
    let spec = BotSpec::parse(&args.bot)?;
    let table = match (&args.game, spec.make(0).table()) {
        (None, Some(own)) => own.clone(),
        (game, _) => crate::acpc::load_game(game.as_ref())?.table()?,
    };
    let settings = LbrSettings {
        deals: args.hands.div_ceil(2),
        seed: args.seed,
        actions: match args.actions {
            ActionSet::Fc => LbrActions::FoldCall,
            ActionSet::Fcpa => LbrActions::FoldCallPotAllIn,
        },
        first_street: match args.from {
            FirstStreet::Preflop => Street::Preflop,
            FirstStreet::Flop => Street::Flop,
            FirstStreet::Turn => Street::Turn,
            FirstStreet::River => Street::River,
        },
        board: None,
    };
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("starting worker threads")?;
    let bar = ProgressBar::new(settings.deals).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} deals  {per_sec}  eta {eta}")
            .expect("static template"),
    );
    let start = Instant::now();
    let make = |seed| spec.make(seed);
    let report =
        pool.install(|| run_lbr(&table, &make, &settings, &|done| bar.set_position(done)))?;
    bar.finish_and_clear();
    let seconds = start.elapsed().as_secs_f64();
    let action_set = match args.actions {
        ActionSet::Fc => "fc",
        ActionSet::Fcpa => "fcpa",
    };
    let from = format!("{:?}", settings.first_street).to_lowercase();
    if args.json {
        let json = serde_json::json!({
            "bot": args.bot,
            "hands": report.hands,
            "deals": report.deals,
            "mbb_per_game": report.mbb_per_game,
            "ci95": report.ci95,
            "chips": crate::matches::chips_json(report.chips),
            "big_blind": report.big_blind,
            "actions": action_set,
            "from": from,
            "seed": args.seed,
            "threads": threads,
            "seconds": seconds,
        });
        println!("{json:#}");
        return Ok(());
    }
    println!(
        "LBR ({action_set} from the {from}) vs {}: {:+.0} ± {:.0} mbb/g over {} hands ({} duplicate deals) in {seconds:.1} s",
        args.bot, report.mbb_per_game, report.ci95, report.hands, report.deals
    );
    Ok(())
}
