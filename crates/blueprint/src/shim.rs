//! TEMPORARY stand-in for ponder-abstraction's contract (/work/notes/hunl.md) until helper A's crate
//! lands on main; replaced by `pub use ponder_abstraction::{...}`. Not an abstraction: `build` refuses.

use std::path::Path;

use ponder_cards::Card;
use serde::{Deserialize, Serialize};

/// Buckets of hole cards on a board (the contract's trait).
pub trait CardBuckets: Send + Sync {
    /// Number of buckets on a street.
    fn buckets(&self, street: usize) -> u32;
    /// Bucket of a hole-card pair on a board.
    fn bucket(&self, street: usize, hole: [Card; 2], board: &[Card]) -> u32;
    /// Buckets of all 1,326 hole pairs on one board (u32::MAX for hands touching it).
    fn board_buckets(&self, street: usize, board: &[Card], out: &mut [u32]) {
        let dead = ponder_cards::CardSet::from_cards(board);
        for h in ponder_cards::HandIndex::all() {
            let (a, b) = h.cards();
            out[h.as_usize()] = if dead.contains(a) || dead.contains(b) {
                u32::MAX
            } else {
                self.bucket(street, [a, b], board)
            };
        }
    }
    /// Identifies the abstraction.
    fn fingerprint(&self) -> u64;
}

/// The contract's config (only the bucket counts are read here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbstractionConfig {
    /// Buckets per street.
    pub buckets: [u32; 4],
    /// Seed.
    #[serde(default)]
    pub seed: u64,
}

impl AbstractionConfig {
    /// Range check.
    pub fn validate(&self) -> Result<(), String> {
        if self.buckets.contains(&0) {
            return Err("abstraction: zero buckets on a street".into());
        }
        Ok(())
    }
}

/// Stand-in for the real card abstraction.
pub struct CardAbstraction {
    config: AbstractionConfig,
}

impl CardAbstraction {
    /// Refuses: the real abstraction has not landed.
    pub fn build(config: &AbstractionConfig) -> Result<CardAbstraction, String> {
        let _ = config;
        Err("ponder-abstraction has not landed yet".into())
    }
    /// Refuses.
    pub fn load(path: &Path) -> Result<CardAbstraction, String> {
        Err(format!(
            "{}: ponder-abstraction has not landed yet",
            path.display()
        ))
    }
    /// Refuses.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        Err(format!(
            "{}: ponder-abstraction has not landed yet",
            path.display()
        ))
    }
    /// The config.
    pub fn config(&self) -> &AbstractionConfig {
        &self.config
    }
}

impl CardBuckets for CardAbstraction {
    fn buckets(&self, street: usize) -> u32 {
        self.config.buckets[street]
    }
    fn bucket(&self, _: usize, _: [Card; 2], _: &[Card]) -> u32 {
        0
    }
    fn fingerprint(&self) -> u64 {
        0
    }
}
