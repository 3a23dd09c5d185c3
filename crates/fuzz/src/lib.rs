//! `ponder-fuzz`: one fuzz target per parser and file format of ponder, each a function from bytes to
//! `Ok` (accepted) or `Err` (refused with an error), which panics only on a bug: a panic inside the parser
//! or a broken invariant such as `parse(print(x)) == x`.
//!
//! The targets run three ways: `examples/fuzz.rs` (a supervised, seeded, structure-aware mutation fuzzer
//! that runs a target for N inputs or N minutes and saves failing inputs), `tests/regressions.rs` (replays
//! every saved input under `regressions/<target>/`), and any other driver (e.g. a libFuzzer harness: the
//! signature is the one `fuzz_target!` wants).

#![forbid(unsafe_code)]

pub mod mutate;
mod targets;

pub use mutate::Mutator;

/// What a target did with an input: `Ok` when the input was accepted, `Err` with the parser's error
/// message when it was refused. A bug is a panic, never an `Err`.
pub type Outcome = Result<(), String>;

/// One fuzz target: a parser (and what ponder does next with what it parsed) with its seeds.
pub struct Target {
    /// Name used on the command line and as the folder of its saved regressions.
    pub name: &'static str,
    /// One line saying what the target feeds and what it checks.
    pub about: &'static str,
    /// Runs one input.
    pub run: fn(&[u8]) -> Outcome,
    /// Small valid inputs the mutations start from (some are built at run time, e.g. solve files).
    pub seeds: fn() -> Vec<Vec<u8>>,
    /// Tokens of the format that structure-aware mutations insert or substitute.
    pub dictionary: &'static [&'static str],
    /// A mutation that knows the format (e.g. re-compress a solve file with a valid checksum), tried
    /// for part of the inputs; `None` for text formats, which the generic mutations handle.
    pub mutate: Option<FormatMutation>,
}

/// A format-aware mutation: the mutated copy of an input.
pub type FormatMutation = fn(&mut Mutator, &[u8]) -> Vec<u8>;

/// Every target.
pub fn targets() -> &'static [Target] {
    targets::ALL
}

/// The target called `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    targets::ALL.iter().find(|t| t.name == name)
}

/// A UTF-8 view of `bytes`: ponder reads text formats with `read_to_string` and command-line arguments
/// as `String`, so invalid UTF-8 is refused before any parser sees it.
pub fn text(bytes: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))
}

/// A short stable name for an input (FNV-1a, 64 bits, hex): the file name of a saved regression.
pub fn input_hash(bytes: &[u8]) -> String {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for &byte in bytes {
        hash = (hash ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Saved regressions whose bug is not fixed yet, as `target/hash` (one a line, `#` comments): the
/// regression test skips them (an abort would kill the test binary) and the lead empties the list as
/// the fixes are merged.
pub const KNOWN_OPEN: &str = include_str!("../regressions/known-open.txt");

/// The `target/hash` entries of [`KNOWN_OPEN`].
pub fn known_open() -> Vec<&'static str> {
    KNOWN_OPEN
        .lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|line| !line.is_empty())
        .collect()
}
