//! `ponder bench`: side-by-side benchmarks, one subcommand per area. Each area's implementation lives in
//! that area's module; this file only routes.

use clap::Subcommand;

/// Benchmark areas.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// CFR+ and ES-MCCFR on Leduc and liar's dice, side by side with OpenSpiel's C++ solvers.
    Game(crate::game::BenchArgs),
    /// Hold'em engine: random-action hands per second, side by side with PokerKit.
    Holdem(crate::holdem::BenchArgs),
    /// Range-vs-range postflop solver on the built-in bench spots (or `--spots FILE`).
    Postflop(crate::postflop::BenchArgs),
}

/// Runs the chosen benchmark.
pub fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Game(args) => crate::game::run_bench(args),
        BenchCommand::Holdem(args) => crate::holdem::run_bench(args),
        BenchCommand::Postflop(args) => crate::postflop::run_bench(args),
    }
}
