//! Bounds on every count a user passes on the command line, as clap value parsers, so a typo such as
//! `--threads 100000` or `--samples 18446744073709551615` is refused at once with a one-line error
//! (exit code 2) instead of starting 100,000 threads or running for ever.
//!
//! The bounds are far above any useful value and far below what hurts the machine.

/// Most iterations of any solver (`game solve --iterations`, `solve --max-iterations`, ...): a billion
/// iterations of the smallest game take hours; more is a typo.
pub const MAX_ITERATIONS: u64 = 1_000_000_000;

/// Most hands of a match, an ACPC match or the engine benchmark: ~100 s of the fastest local match,
/// ~10 GB of ACPC log.
pub const MAX_HANDS: u64 = 100_000_000;

/// Most Monte Carlo samples (equity, hand strength): minutes at the sampler's speed.
pub const MAX_SAMPLES: u64 = 1_000_000_000;

/// Most hands PokerKit replays in `bench holdem` (it replays a few thousand a second).
pub const MAX_ORACLE_HANDS: u64 = 1_000_000;

/// Most histogram bins of `cards strength`.
pub const MAX_BINS: u64 = 10_000;

/// Longest time limit per action of the ACPC dealer, in milliseconds (one hour).
pub const MAX_TIME_LIMIT_MS: u64 = 3_600_000;

/// Longest `bench game` run per case, in seconds (one hour).
pub const MAX_BENCH_SECONDS: f64 = 3600.0;

/// Threads per available core `--threads` may ask for: oversubscribing more only slows a solve down.
const THREADS_PER_CORE: usize = 4;

/// The most worker threads `--threads` accepts: 4 per available core (at least 4).
pub fn max_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores * THREADS_PER_CORE).max(THREADS_PER_CORE)
}

/// A whole number in `min..=max`, with an error that says the range.
fn count(text: &str, min: u64, max: u64) -> Result<u64, String> {
    let value: u64 = text
        .trim()
        .parse()
        .map_err(|_| format!("expected a whole number from {min} to {max}"))?;
    if value < min || value > max {
        return Err(format!("must be from {min} to {max}"));
    }
    Ok(value)
}

/// `--threads`: 1 to [`max_threads`].
pub fn threads(text: &str) -> Result<usize, String> {
    let max = max_threads();
    let value = text
        .trim()
        .parse::<usize>()
        .map_err(|_| format!("expected a whole number from 1 to {max}"))?;
    if value == 0 || value > max {
        return Err(format!(
            "must be from 1 to {max} ({THREADS_PER_CORE} per available core)"
        ));
    }
    Ok(value)
}

/// `ponder serve --max-solves`: solves running at once, 1 to 64.
pub fn concurrent_solves(text: &str) -> Result<usize, String> {
    count(text, 1, 64).map(|n| n as usize)
}

/// An iteration count or interval: 1 to [`MAX_ITERATIONS`].
pub fn iterations(text: &str) -> Result<u64, String> {
    count(text, 1, MAX_ITERATIONS)
}

/// An iteration count or interval stored in 32 bits (the postflop solver's): 1 to [`MAX_ITERATIONS`].
pub fn iterations_u32(text: &str) -> Result<u32, String> {
    // MAX_ITERATIONS < u32::MAX, so the conversion cannot fail once the bound holds.
    count(text, 1, MAX_ITERATIONS).map(|n| n as u32)
}

/// An iteration cap where 0 means "build and report without iterating": 0 to [`MAX_ITERATIONS`].
pub fn iteration_cap_u32(text: &str) -> Result<u32, String> {
    count(text, 0, MAX_ITERATIONS).map(|n| n as u32)
}

/// A number of hands: 1 to [`MAX_HANDS`].
pub fn hands(text: &str) -> Result<u64, String> {
    count(text, 1, MAX_HANDS)
}

/// Hands for the oracle to replay: 0 (skip it) to [`MAX_ORACLE_HANDS`].
pub fn oracle_hands(text: &str) -> Result<usize, String> {
    count(text, 0, MAX_ORACLE_HANDS).map(|n| n as usize)
}

/// Monte Carlo samples: 1 to [`MAX_SAMPLES`].
pub fn samples(text: &str) -> Result<u64, String> {
    count(text, 1, MAX_SAMPLES)
}

/// Histogram bins: 1 to [`MAX_BINS`].
pub fn bins(text: &str) -> Result<usize, String> {
    count(text, 1, MAX_BINS).map(|n| n as usize)
}

/// A time limit per action in milliseconds: 1 to [`MAX_TIME_LIMIT_MS`].
pub fn time_limit_ms(text: &str) -> Result<u64, String> {
    count(text, 1, MAX_TIME_LIMIT_MS)
}

/// Seconds of a benchmark case: more than 0, at most [`MAX_BENCH_SECONDS`].
pub fn bench_seconds(text: &str) -> Result<f64, String> {
    let value: f64 = text.trim().parse().map_err(|_| {
        format!("expected a number of seconds, more than 0 and at most {MAX_BENCH_SECONDS}")
    })?;
    if !(value > 0.0 && value <= MAX_BENCH_SECONDS) {
        return Err(format!(
            "must be more than 0 and at most {MAX_BENCH_SECONDS}"
        ));
    }
    Ok(value)
}

/// `--buckets preflop,flop,turn,river`: preflop 1 to 169 (169 = lossless), flop and turn 1 to
/// [`ponder_abstraction::MAX_BUCKETS`], river 1 to [`ponder_abstraction::RIVER_SCORES`].
pub fn bucket_counts(text: &str) -> Result<[u32; 4], String> {
    use ponder_abstraction::{MAX_BUCKETS, PREFLOP_CLASSES, RIVER_SCORES};
    let parts: Vec<&str> = text.split(',').collect();
    if parts.len() != 4 {
        return Err(format!(
            "expected four counts preflop,flop,turn,river (e.g. 169,50,50,50), got {}",
            parts.len()
        ));
    }
    let bounds = [
        ("preflop", PREFLOP_CLASSES),
        ("flop", MAX_BUCKETS),
        ("turn", MAX_BUCKETS),
        ("river", RIVER_SCORES),
    ];
    let mut counts = [0u32; 4];
    for (i, (part, (street, max))) in parts.iter().zip(bounds).enumerate() {
        counts[i] =
            count(part, 1, max as u64).map_err(|e| format!("{street} buckets: {e}"))? as u32;
    }
    Ok(counts)
}

/// Histogram bins of the abstraction's next-street strength: 2 to
/// [`ponder_abstraction::MAX_HISTOGRAM_BINS`].
pub fn histogram_bins(text: &str) -> Result<u32, String> {
    count(text, 2, ponder_abstraction::MAX_HISTOGRAM_BINS as u64).map(|n| n as u32)
}

/// Hands k-means samples: 1 to [`ponder_abstraction::MAX_KMEANS_SAMPLE`] (the build also needs at
/// least as many as buckets).
pub fn kmeans_sample(text: &str) -> Result<u32, String> {
    count(text, 1, ponder_abstraction::MAX_KMEANS_SAMPLE as u64).map(|n| n as u32)
}

/// Lloyd iterations of k-means: 1 to [`ponder_abstraction::MAX_KMEANS_ITERATIONS`].
pub fn kmeans_iterations(text: &str) -> Result<u32, String> {
    count(text, 1, ponder_abstraction::MAX_KMEANS_ITERATIONS as u64).map(|n| n as u32)
}

/// Renders a clap error as one line (`error: ...; tip: ...`), the way every other error of the CLI is
/// shown: clap's own rendering spans several lines (message, tip, usage, "For more information").
pub fn one_line(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let parts: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .take_while(|line| !line.starts_with("Usage:") && !line.starts_with("For more information"))
        .filter(|line| !line.is_empty())
        .collect();
    let mut line = String::new();
    for part in parts {
        if !line.is_empty() {
            // A list clap introduces with a colon continues the sentence; other lines are new ones.
            line.push_str(if line.ends_with(':') { " " } else { "; " });
        }
        line.push_str(part);
    }
    if line.starts_with("error:") {
        line
    } else {
        format!("error: {line}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_bounded_both_ways() {
        assert_eq!(iterations("1"), Ok(1));
        assert_eq!(iterations("1000000000"), Ok(MAX_ITERATIONS));
        assert!(iterations("1000000001").is_err());
        assert!(iterations("0").is_err());
        assert!(iterations("-1").is_err());
        assert!(iterations("18446744073709551616").is_err());
        assert_eq!(iterations_u32("1000000000"), Ok(1_000_000_000));
        assert!(samples("18446744073709551615").is_err());
        assert!(hands("18446744073709551615").is_err());
        assert_eq!(oracle_hands("0"), Ok(0));
        assert!(bins("0").is_err());
        assert!(bench_seconds("NaN").is_err());
        assert!(bench_seconds("0").is_err());
        assert_eq!(bench_seconds("2.5"), Ok(2.5));
    }

    #[test]
    fn bucket_counts_are_bounded_per_street() {
        assert_eq!(bucket_counts("169,50,50,50"), Ok([169, 50, 50, 50]));
        assert_eq!(
            bucket_counts("1,65535,65535,1981"),
            Ok([1, 65535, 65535, 1981])
        );
        assert!(bucket_counts("170,50,50,50")
            .unwrap_err()
            .contains("preflop"));
        assert!(bucket_counts("169,0,50,50").unwrap_err().contains("flop"));
        assert!(bucket_counts("169,50,65536,50")
            .unwrap_err()
            .contains("turn"));
        assert!(bucket_counts("169,50,50,1982")
            .unwrap_err()
            .contains("river"));
        assert!(bucket_counts("169,50,50").is_err());
        assert!(bucket_counts("169,50,50,-1").is_err());
        assert!(histogram_bins("1").is_err());
        assert!(kmeans_sample("0").is_err());
        assert!(kmeans_iterations("1001").is_err());
    }

    #[test]
    fn clap_errors_become_one_line() {
        use clap::{Arg, Command};
        let command =
            Command::new("ponder").arg(Arg::new("threads").long("threads").value_parser(threads));
        let error = command
            .try_get_matches_from(["ponder", "--threads", "100000"])
            .unwrap_err();
        let line = one_line(&error);
        assert!(!line.contains('\n'), "{line}");
        assert!(
            line.starts_with("error: invalid value '100000' for '--threads"),
            "{line}"
        );
        assert!(line.contains("must be from 1 to"), "{line}");
    }

    #[test]
    fn threads_are_bounded_by_the_cores() {
        assert_eq!(threads("1"), Ok(1));
        assert_eq!(threads(&max_threads().to_string()), Ok(max_threads()));
        assert!(threads(&(max_threads() + 1).to_string()).is_err());
        assert!(threads("0").is_err());
        assert!(threads("100000").is_err());
    }
}
