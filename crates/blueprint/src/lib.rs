//! `ponder-blueprint`: a no-limit hold'em blueprint in the manner of Libratus and Pluribus.
//!
//! - [`config`]: the action abstraction (bet sizes per street and raise depth), the game, the training
//!   schedule and the card abstraction, from TOML with located errors; presets `tiny`, `small`, `medium`.
//! - [`tree`]: the abstract betting tree, built once into flat arrays through ponder-holdem's engine.
//! - [`trainer`]: external-sampling MCCFR with linear weighting and negative-regret pruning, lock-free
//!   (Hogwild) on all threads, `i32` regrets with a floor.
//! - [`session`]: a training directory: config, card abstraction, crash-safe checkpoints, resume,
//!   the average strategy and the stats.
//! - [`Blueprint`]: loads a trained directory and answers the strategy at any real state, mapping
//!   off-tree bets by pseudo-harmonic translation; every action it returns is legal in the engine.

#![forbid(unsafe_code)]

pub mod blueprint;
pub mod config;
pub mod file;
pub mod session;
pub mod trainer;
pub mod tree;

pub use blueprint::{translate, Blueprint, PlayMode, RangePolicy};
pub use config::{BetSize, BlueprintConfig, ConfigError};
pub use ponder_abstraction::{AbstractionConfig, BuildProgress, CardAbstraction, CardBuckets};
pub use session::{MemoryEstimate, Progress, Summary, TrainOptions, Training};
pub use tree::{Tree, TreeStats};

use thiserror::Error;

/// Why training or loading a blueprint failed, or why a state could not be answered.
#[derive(Debug, Error)]
pub enum BlueprintError {
    /// A file could not be read or written.
    #[error("{path}: {error}")]
    Io {
        /// File path.
        path: String,
        /// Cause.
        error: std::io::Error,
    },
    /// A damaged file.
    #[error("{path}: damaged blueprint file: {why}")]
    Damaged {
        /// File path.
        path: String,
        /// What is wrong.
        why: String,
    },
    /// A file of another format version.
    #[error("{path}: format version {found}, this build reads version {expected}")]
    Version {
        /// File path.
        path: String,
        /// Version in the file.
        found: u32,
        /// Version this build reads.
        expected: u32,
    },
    /// A bad configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The tree could not be built.
    #[error(transparent)]
    Tree(#[from] tree::TreeError),
    /// The card abstraction could not be built, loaded or saved.
    #[error("card abstraction: {0}")]
    Abstraction(String),
    /// Files that do not belong together (another config, tree or abstraction).
    #[error("{path}: {what}")]
    Mismatch {
        /// File path.
        path: String,
        /// What differs.
        what: String,
    },
    /// The estimate exceeds the memory allowed.
    #[error("training needs about {needed} MiB ({detail}), more than the {allowed} MiB {source_of_limit}")]
    Memory {
        /// Estimated MiB.
        needed: u64,
        /// What the estimate is made of.
        detail: String,
        /// MiB allowed.
        allowed: u64,
        /// Where the limit comes from.
        source_of_limit: &'static str,
    },
    /// A training run or its resumption does not fit the directory.
    #[error("{0}")]
    Directory(String),
    /// A state the blueprint cannot be asked about (bad board or history).
    #[error("{0}")]
    State(String),
}

/// Checks the card abstraction's configuration (bucket counts), as a one-line message.
pub(crate) fn check_abstraction(config: &AbstractionConfig) -> Result<(), String> {
    config.validate().map_err(|e| e.to_string())
}
