//! `ponder`: the one binary. It parses arguments, calls the library crates and prints; no game logic
//! lives here.

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Parser, Subcommand};

mod abstraction;
mod acpc;
mod anchors;
mod bench;
mod bot;
mod cards;
mod eval;
mod game;
mod holdem;
mod limits;
mod matches;
mod memory;
mod postflop;
mod scale;
mod serve;
mod train;

/// Command-line interface of ponder.
#[derive(Debug, Parser)]
#[command(
    name = "ponder",
    version,
    about = "Equilibrium solving, search and evaluation for games of hidden information",
    after_help = "Examples:\n  ponder game solve leduc --algo cfr+ --iterations 1000\n  ponder game info 'kuhn_poker(players=3)' --json"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Top-level subcommands; each lives in its own module so that features do not collide.
#[derive(Debug, Subcommand)]
enum Command {
    /// Card abstraction for hold'em: build bucket tables per street, inspect a file.
    #[command(subcommand)]
    Abstraction(abstraction::AbstractionCommand),
    /// Play hold'em over the ACPC protocol: a dealer that referees, a client that plays a bot.
    #[command(subcommand)]
    Acpc(acpc::AcpcCommand),
    /// Side-by-side benchmarks against the anchors (OpenSpiel, pokers, ...).
    #[command(
        subcommand,
        after_help = "The Python oracles (OpenSpiel, PokerKit) run from $PONDER_PYTHON, else from\n.venv-oracles/bin/python in the current directory or the nearest ancestor that has one\n(tools/setup-oracles.sh makes it); without one, ponder is timed alone."
    )]
    Bench(bench::BenchCommand),
    /// Ask a bot for its whole policy at a state (every hole pair it could hold).
    #[command(subcommand)]
    Bot(bot::BotCommand),
    /// Card layer: evaluate hands, census of all hands, suit-isomorphism index, ranges, equity.
    #[command(subcommand)]
    Cards(cards::CardsCommand),
    /// Equity of a hand or range against another, with board and dead cards (= `cards equity`).
    Equity(cards::EquityArgs),
    /// Evaluate a bot: local best response (a lower bound on its exploitability).
    #[command(subcommand)]
    Eval(eval::EvalCommand),
    /// Small benchmark games: tree info, CFR-family solving with exact NashConv, policy evaluation.
    #[command(subcommand)]
    Game(game::GameCommand),
    /// Bots play each other locally: win rates in bb/100 with 95% confidence intervals.
    Match(matches::MatchArgs),
    /// Parse a range: combos after board blockers, canonical form, 13x13 grid (= `cards range`).
    Range(cards::RangeArgs),
    /// Solve a postflop spot range against range (default: the built-in turn spot).
    Solve(postflop::SolveArgs),
    /// Browse a solve file: strategy, EV and equity at a node.
    Show(postflop::ShowArgs),
    /// Web app: browse and start solves, play against a bot (JSON API under /api/).
    Serve(serve::ServeArgs),
    /// Compute-scaling lab: blueprint training x test-time search, exact exploitability, exchange rate.
    Scale(scale::ScaleArgs),
    /// Train a no-limit hold'em blueprint (MCCFR over an abstraction), with checkpoints and resume.
    #[command(subcommand)]
    Train(train::TrainCommand),
}

fn main() -> ExitCode {
    // `ponder ... | head` must end quietly like any Unix tool, not panic on a closed pipe: restore the
    // default SIGPIPE action that the Rust runtime replaces with "ignore".
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version are not errors, and a bare `ponder` or `ponder bench` shows the help:
        // clap prints those as it always does.
        Err(error)
            if !error.use_stderr()
                || error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            error.exit()
        }
        Err(error) => {
            eprintln!("{}", limits::one_line(&error));
            return ExitCode::from(2);
        }
    };
    let result: anyhow::Result<()> = match cli.command {
        Command::Abstraction(command) => abstraction::run(command),
        Command::Acpc(command) => acpc::run(command),
        Command::Bench(command) => bench::run(command),
        Command::Bot(command) => bot::run(command),
        Command::Cards(command) => cards::run(command),
        Command::Equity(args) => cards::run_equity(args),
        Command::Eval(command) => eval::run(command),
        Command::Game(command) => game::run(command),
        Command::Match(args) => matches::run(args),
        Command::Range(args) => cards::run_range(args),
        Command::Solve(args) => postflop::run_solve(args),
        Command::Show(args) => postflop::run_show(args),
        Command::Scale(args) => scale::run(args),
        Command::Train(command) => train::run(command),
        Command::Serve(args) => serve::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
