//! `ponder-postflop`: the range-vs-range postflop solver. A spot (board, two ranges, pot, stacks, bet sizes)
//! becomes a public betting tree; cards are dealt into a flat game tree whose nodes hold one value per hand;
//! discounted CFR in vector form solves it, and an exact best response measures exploitability.
//!
//! Modules by concept: [`spot`] and [`bet_size`] (the file users write), [`tree`] (the public betting
//! tree), [`prepare`] (a spot checked and dealt), [`game`] (the dealt game), [`bunching`], [`lock`],
//! [`storage`] (f32 or 16-bit values), [`cfr`] (the traversal), [`best_response`], [`solver`] (state,
//! iteration loop), [`memory`] (estimate), [`file`](mod@file) (solve files), [`line`](mod@line) (the `show --line` syntax),
//! [`report`] (what `show` prints). The items most callers need are re-exported here.

#![forbid(unsafe_code)]

pub mod best_response;
pub mod bet_size;
pub mod bunching;
pub mod cards_glue;
pub mod cfr;
pub mod error;
pub mod file;
pub mod game;
pub mod line;
pub mod lock;
pub mod memory;
mod pool;
pub mod prepare;
pub mod report;
pub mod solver;
pub mod spot;
pub mod storage;
mod terminal;
pub mod tree;

pub use best_response::{evaluate, Play};
pub use cfr::DiscountParams;
pub use error::SolveError;
pub use file::{SolveFileReader, SolveHeader, StoredValues};
pub use game::{Game, NodeId, NodeKind};
pub use lock::{LockError, LockSpec};
pub use memory::MemoryEstimate;
pub use prepare::PreparedSpot;
pub use report::{follow_line, node_report, LineError, NodeReport, NodeView};
pub use solver::{new_solver, AnySolver, Checkpoint, CompressedSolver, SolveOptions, Solver};
pub use spot::{BenchFile, SpotError, SpotFile};
pub use storage::{StoredValue, Q16};
pub use tree::{Action, ActionTree, Player, Street, TreeConfig, TreeTooLarge};
