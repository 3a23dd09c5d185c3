//! The targets, grouped by the crate whose parsers they feed.

mod acpc;
mod cards;
mod postflop;

use crate::Target;

/// Every target, in the order the fuzzer lists them.
pub(crate) static ALL: &[Target] = &[
    cards::CARDS,
    cards::RANGE,
    cards::GAME_STRING,
    postflop::BET_SIZES,
    postflop::SPOT_TOML,
    postflop::SPOT_JSON,
    postflop::LOCK_LINE,
    postflop::SHOW_LINE,
    postflop::SOLVE_FILE,
    acpc::GAMEDEF,
    acpc::MATCHSTATE,
    acpc::ACPC_LOG,
    acpc::PHH,
];

/// Seeds given as text constants.
pub(crate) fn texts(seeds: &[&str]) -> Vec<Vec<u8>> {
    seeds.iter().map(|s| s.as_bytes().to_vec()).collect()
}

/// Panics unless a 1-based `column` points inside `text` or just past its end.
pub(crate) fn assert_column(column: usize, text: &str, what: &str) {
    let chars = text.chars().count();
    assert!(
        (1..=chars + 1).contains(&column),
        "{what}: column {column} outside 1..={} of {text:?}",
        chars + 1
    );
}
