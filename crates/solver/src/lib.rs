//! Equilibrium solvers on compiled game trees ([`ponder_games::CompiledTree`]): the CFR family
//! ([`CfrSolver`]: CFR, CFR+, linear and discounted CFR, predictive CFR+), Monte Carlo CFR
//! ([`ExternalSampling`], [`OutcomeSampling`]), exact best response and NashConv ([`evaluate`]), and
//! policies as JSON keyed by information-state keys ([`Policy`]).
//!
//! Conventions (alternation order, averaging weights, when discounts apply) follow OpenSpiel 2.0.2 as
//! documented in `games.json`, so the average policy after N iterations equals OpenSpiel's.
//!
//! ```
//! use ponder_solver::{evaluate, new_solver, Algorithm, SolverOptions};
//! let tree = ponder_games::parse_game("kuhn").unwrap().compile().unwrap();
//! let mut solver = new_solver(&tree, Algorithm::CfrPlus, &SolverOptions::default());
//! for _ in 0..1000 {
//!     solver.iterate();
//! }
//! let evaluation = evaluate(&tree, &solver.average_policy());
//! assert!((evaluation.on_policy_value[0] + 1.0 / 18.0).abs() < 1e-3);
//! ```

mod cfr;
mod evaluate;
mod mccfr;
mod policy;
mod vector_form;

pub use cfr::{CfrSolver, CfrVariant};
pub use evaluate::{best_response, best_response_values, evaluate, expected_values, Evaluation};
pub use mccfr::{ExternalSampling, OutcomeSampling};
pub use policy::{Policy, PolicyError};

use ponder_games::CompiledTree;

/// The solving algorithms ponder offers, as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Algorithm {
    /// Vanilla CFR (alternating updates unless [`SolverOptions::simultaneous`]).
    Cfr,
    /// CFR+: regret matching+, linear averaging, alternating updates.
    CfrPlus,
    /// Linear CFR = DCFR(1, 1, 1).
    LinearCfr,
    /// Discounted CFR with the given (alpha, beta, gamma).
    DiscountedCfr {
        /// Discount exponent for positive regrets.
        alpha: f64,
        /// Discount exponent for negative regrets.
        beta: f64,
        /// Exponent of the averaging weight.
        gamma: f64,
    },
    /// Predictive CFR+ (Farina, Kroer, Sandholm 2021) with quadratic averaging.
    PredictiveCfrPlus,
    /// External-sampling Monte Carlo CFR (simple averaging at opponent nodes).
    ExternalSamplingMccfr,
    /// Outcome-sampling Monte Carlo CFR with exploration epsilon at the update player's nodes.
    OutcomeSamplingMccfr {
        /// Exploration probability mixed into the update player's sampling policy.
        epsilon: f64,
    },
}

/// Error for an algorithm name that is not known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown algorithm '{0}' (known: cfr, cfr+, lcfr, dcfr, pcfr+, es-mccfr, os-mccfr)")]
pub struct UnknownAlgorithm(pub String);

impl std::str::FromStr for Algorithm {
    type Err = UnknownAlgorithm;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(match text.to_ascii_lowercase().as_str() {
            "cfr" => Algorithm::Cfr,
            "cfr+" | "cfrplus" | "cfr-plus" => Algorithm::CfrPlus,
            "lcfr" | "linear-cfr" => Algorithm::LinearCfr,
            "dcfr" | "discounted-cfr" => Algorithm::DiscountedCfr {
                alpha: 1.5,
                beta: 0.0,
                gamma: 2.0,
            },
            "pcfr+" | "pcfrplus" | "predictive-cfr+" => Algorithm::PredictiveCfrPlus,
            "es-mccfr" | "esmccfr" | "external-sampling" => Algorithm::ExternalSamplingMccfr,
            "os-mccfr" | "osmccfr" | "outcome-sampling" => {
                Algorithm::OutcomeSamplingMccfr { epsilon: 0.6 }
            }
            _ => return Err(UnknownAlgorithm(text.to_string())),
        })
    }
}

impl Algorithm {
    /// The command-line name of the algorithm.
    pub fn name(&self) -> &'static str {
        match self {
            Algorithm::Cfr => "cfr",
            Algorithm::CfrPlus => "cfr+",
            Algorithm::LinearCfr => "lcfr",
            Algorithm::DiscountedCfr { .. } => "dcfr",
            Algorithm::PredictiveCfrPlus => "pcfr+",
            Algorithm::ExternalSamplingMccfr => "es-mccfr",
            Algorithm::OutcomeSamplingMccfr { .. } => "os-mccfr",
        }
    }
}

/// Options shared by all solvers.
#[derive(Debug, Clone, Default)]
pub struct SolverOptions {
    /// Textbook simultaneous updates instead of alternating ones (full-tree CFR variants only).
    pub simultaneous: bool,
    /// Seed of the sampling solvers' random number generator.
    pub seed: u64,
}

/// An iterative solver: one [`Solver::iterate`] is one OpenSpiel `evaluate_and_update_policy()` (every
/// player updated once).
pub trait Solver: Send {
    /// Runs one iteration.
    fn iterate(&mut self);
    /// Iterations run so far.
    fn iterations(&self) -> u64;
    /// The average policy (the one that converges to equilibrium).
    fn average_policy(&self) -> Policy;
    /// The current (last-iterate) policy.
    fn current_policy(&self) -> Policy;
}

impl Algorithm {
    /// The full-tree CFR variant this algorithm runs, or `None` for the sampling (MCCFR) ones.
    pub fn cfr_variant(self) -> Option<CfrVariant> {
        Some(match self {
            Algorithm::Cfr => CfrVariant::Vanilla,
            Algorithm::CfrPlus => CfrVariant::Plus,
            Algorithm::LinearCfr => CfrVariant::Discounted {
                alpha: 1.0,
                beta: 1.0,
                gamma: 1.0,
            },
            Algorithm::DiscountedCfr { alpha, beta, gamma } => {
                CfrVariant::Discounted { alpha, beta, gamma }
            }
            Algorithm::PredictiveCfrPlus => CfrVariant::PredictivePlus,
            Algorithm::ExternalSamplingMccfr | Algorithm::OutcomeSamplingMccfr { .. } => {
                return None
            }
        })
    }
}

/// Creates the solver for `algorithm` on `tree`.
pub fn new_solver<'t>(
    tree: &'t CompiledTree,
    algorithm: Algorithm,
    options: &SolverOptions,
) -> Box<dyn Solver + 't> {
    let variant = match algorithm {
        Algorithm::ExternalSamplingMccfr => {
            return Box::new(ExternalSampling::new(tree, options.seed))
        }
        Algorithm::OutcomeSamplingMccfr { epsilon } => {
            return Box::new(OutcomeSampling::new(tree, options.seed, epsilon))
        }
        full_tree => full_tree
            .cfr_variant()
            .expect("every algorithm but the two MCCFRs is a full-tree CFR variant"),
    };
    Box::new(CfrSolver::new(tree, variant, options.simultaneous))
}
