//! Test-time search for games of hidden information on compiled trees: safe subgame re-solving with the
//! re-solving gadget ([`resolve`]), the search agent whose full policy is computed so that its
//! exploitability is exact ([`search_policy`]).
//!
//! ```
//! use ponder_search::{search_policy, PublicTree};
//! use ponder_solver::{evaluate, new_solver, Algorithm, SolverOptions};
//! let tree = ponder_games::parse_game("kuhn").unwrap().compile().unwrap();
//! let mut solver = new_solver(&tree, Algorithm::CfrPlus, &SolverOptions::default());
//! for _ in 0..10 {
//!     solver.iterate();
//! }
//! let blueprint = solver.average_policy();
//! let public_tree = PublicTree::new(&tree).unwrap();
//! let (searched, _) = search_policy(&tree, &public_tree, &blueprint, 100);
//! assert!(evaluate(&tree, &searched).nash_conv <= evaluate(&tree, &blueprint).nash_conv + 1e-12);
//! ```

#![forbid(unsafe_code)]
#![allow(clippy::needless_range_loop)] // parallel flat arrays are indexed by node id on purpose

mod agent;
pub mod guarantee;
mod resolve;
pub mod scale;

pub use agent::{
    check_two_player_zero_sum, search_policy, search_policy_with, DecisionPoint, PublicTree,
    SearchMode, SearchStats,
};
pub use resolve::{
    resolve, resolve_depth_limited, resolve_unsafe, LeafValues, ResolveOutcome, Resolved,
    CONTINUATION_BIAS,
};

/// Why search cannot run on a game.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    /// Safe re-solving needs two players and zero-sum payoffs.
    #[error("{game}: search needs a 2-player zero-sum game ({why})")]
    NotTwoPlayerZeroSum {
        /// Game string.
        game: String,
        /// What is wrong.
        why: String,
    },
    /// A public state where two players act or nodes lie at different depths.
    #[error("{game}: public state '{key}' mixes actors or depths; it cannot root a subgame")]
    MixedPublicState {
        /// Game string.
        game: String,
        /// Public state key.
        key: String,
    },
}
