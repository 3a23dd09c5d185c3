//! `ponder-cards`: the poker card layer. Cards and card sets ([`card`]), the 5/6/7-card evaluator
//! ([`eval`]) and the census of every 5/6/7-card hand ([`census`]), hole-hand indices and ranges
//! ([`hand_index`], [`range`]).
//!
//! Everything here is exact and allocation-free in its hot paths; the evaluator's tables are generated
//! at build time (`build.rs` from `src/tables_gen.rs`) and embedded.

pub mod card;
pub mod census;
pub mod equity;
pub mod eval;
pub mod excerpt;
pub mod hand_index;
pub mod iso;
pub mod range;
pub mod strength;
// Shared with build.rs, which uses every field; the library itself only reads it from tests.
#[allow(dead_code)]
mod tables_gen;

pub use card::{
    parse_board, parse_cards, Card, CardErrorKind, CardParseError, CardSet, Rank, Suit, DECK_SIZE,
};
pub use census::{Census, CensusError};
pub use equity::{equity, Equity, EquityError, EquityOptions};
pub use eval::{evaluate, Category, Hand, HandRank, DISTINCT_RANKS, TABLE_BYTES};
pub use excerpt::{excerpt, EXCERPT_CHARS};
pub use hand_index::{HandClass, HandIndex, HAND_CARDS, HAND_COUNT};
pub use iso::SuitIndexer;
pub use range::{Range, RangeErrorKind, RangeParseError};
pub use strength::{hand_strength, HandStrength, StrengthOptions};
