//! `ponder bench`: side-by-side benchmarks, one subcommand per area. Each area's implementation lives in
//! that area's module; this file only routes.

use clap::Subcommand;

/// Benchmark areas.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {}

/// Runs the chosen benchmark.
// The allow goes when the first area adds its benchmark variant.
#[allow(unreachable_code, unused_variables)]
pub fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {}
}
