//! `ponder.Solver`: the CFR family and Monte Carlo CFR on a compiled game, run with the GIL released.
//!
//! ponder-solver's solvers borrow the tree they run on (`CfrSolver<'t>`); a Python object must own
//! what it points to, so the solver lives in a `self_cell` beside the `Arc<CompiledTree>` it borrows.

use std::sync::Arc;
use std::time::{Duration, Instant};

use numpy::PyArray1;
use ponder_games::CompiledTree;
use ponder_solver::{
    evaluate, Algorithm, CfrSolver, ExternalSampling, OutcomeSampling, Policy, Solver,
    SolverOptions,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::error;
use crate::game::{evaluation_dict, game_argument, policy_to_dict, PyGame};

/// One of ponder-solver's solvers, kept concrete so its arrays can be read.
// One per Python object, never in a collection: boxing the large variant would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Engine<'t> {
    /// CFR, CFR+, linear/discounted CFR, predictive CFR+.
    Cfr(CfrSolver<'t>),
    /// External-sampling MCCFR.
    External(ExternalSampling<'t>),
    /// Outcome-sampling MCCFR.
    Outcome(OutcomeSampling<'t>),
}

impl Engine<'_> {
    fn solver(&self) -> &dyn Solver {
        match self {
            Engine::Cfr(solver) => solver,
            Engine::External(solver) => solver,
            Engine::Outcome(solver) => solver,
        }
    }

    fn solver_mut(&mut self) -> &mut dyn Solver {
        match self {
            Engine::Cfr(solver) => solver,
            Engine::External(solver) => solver,
            Engine::Outcome(solver) => solver,
        }
    }

    fn regrets(&self) -> &[f64] {
        match self {
            Engine::Cfr(solver) => solver.cumulative_regrets(),
            Engine::External(solver) => solver.cumulative_regrets(),
            Engine::Outcome(solver) => solver.cumulative_regrets(),
        }
    }

    fn strategy_sums(&self) -> &[f64] {
        match self {
            Engine::Cfr(solver) => solver.average_weights(),
            Engine::External(solver) => solver.average_weights(),
            Engine::Outcome(solver) => solver.average_weights(),
        }
    }
}

self_cell::self_cell!(
    /// A solver together with the tree it borrows.
    pub struct SolverCell {
        owner: Arc<CompiledTree>,
        #[covariant]
        dependent: Engine,
    }
);

/// How long the solve runs without the GIL before it looks for Ctrl-C (and lets the callback's
/// schedule come round): short enough to feel immediate, long enough to cost nothing.
const SIGNAL_CHECK: Duration = Duration::from_millis(50);

/// A CFR-family or Monte Carlo CFR solver on one game.
#[pyclass(name = "Solver", module = "ponder")]
pub struct PySolver {
    cell: SolverCell,
    game: Py<PyGame>,
    algorithm: Algorithm,
    seed: u64,
}

impl PySolver {
    fn tree(&self) -> &CompiledTree {
        self.cell.borrow_owner()
    }

    fn policy(&self) -> Policy {
        self.cell.borrow_dependent().solver().average_policy()
    }
}

fn algorithm_from(
    name: &str,
    alpha: Option<f64>,
    beta: Option<f64>,
    gamma: Option<f64>,
    epsilon: Option<f64>,
) -> PyResult<Algorithm> {
    let algorithm: Algorithm = name.parse().map_err(error)?;
    let finite = |name: &str, value: f64| {
        if value.is_finite() {
            Ok(value)
        } else {
            Err(error(format!(
                "{name} must be a finite number, got {value}"
            )))
        }
    };
    let parameters_of = |given: &[(&str, Option<f64>)]| -> PyResult<()> {
        if let Some((parameter, _)) = given.iter().find(|(_, value)| value.is_some()) {
            return Err(error(format!(
                "{parameter} does not apply to {}",
                algorithm.name()
            )));
        }
        Ok(())
    };
    Ok(match algorithm {
        Algorithm::DiscountedCfr {
            alpha: a,
            beta: b,
            gamma: g,
        } => {
            parameters_of(&[("epsilon", epsilon)])?;
            Algorithm::DiscountedCfr {
                alpha: finite("alpha", alpha.unwrap_or(a))?,
                beta: finite("beta", beta.unwrap_or(b))?,
                gamma: finite("gamma", gamma.unwrap_or(g))?,
            }
        }
        Algorithm::OutcomeSamplingMccfr { epsilon: e } => {
            parameters_of(&[("alpha", alpha), ("beta", beta), ("gamma", gamma)])?;
            let epsilon = finite("epsilon", epsilon.unwrap_or(e))?;
            if !(0.0..=1.0).contains(&epsilon) {
                return Err(error(format!("epsilon must be in [0, 1], got {epsilon}")));
            }
            Algorithm::OutcomeSamplingMccfr { epsilon }
        }
        other => {
            parameters_of(&[
                ("alpha", alpha),
                ("beta", beta),
                ("gamma", gamma),
                ("epsilon", epsilon),
            ])?;
            other
        }
    })
}

fn build<'t>(tree: &'t CompiledTree, algorithm: Algorithm, options: &SolverOptions) -> Engine<'t> {
    match algorithm {
        Algorithm::ExternalSamplingMccfr => {
            Engine::External(ExternalSampling::new(tree, options.seed))
        }
        Algorithm::OutcomeSamplingMccfr { epsilon } => {
            Engine::Outcome(OutcomeSampling::new(tree, options.seed, epsilon))
        }
        full_tree => {
            let variant = full_tree
                .cfr_variant()
                .expect("every algorithm but the two MCCFRs is a full-tree CFR variant");
            Engine::Cfr(CfrSolver::new(tree, variant, options.simultaneous))
        }
    }
}

#[pymethods]
impl PySolver {
    /// A solver for `game` (a `Game` or a game string). `algorithm`: cfr, cfr+, lcfr, dcfr, pcfr+,
    /// es-mccfr, os-mccfr (as `ponder game solve --algo`). Keyword parameters: `seed` (MCCFR),
    /// `simultaneous` (full-tree variants), `alpha`/`beta`/`gamma` (dcfr), `epsilon` (os-mccfr),
    /// `threads` (1 or 2, full-tree variants).
    #[new]
    #[pyo3(signature = (game, algorithm = "cfr+", *, seed = 0, simultaneous = false, alpha = None, beta = None, gamma = None, epsilon = None, threads = 1))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        game: &Bound<'_, PyAny>,
        algorithm: &str,
        seed: u64,
        simultaneous: bool,
        alpha: Option<f64>,
        beta: Option<f64>,
        gamma: Option<f64>,
        epsilon: Option<f64>,
        threads: usize,
    ) -> PyResult<Self> {
        let algorithm = algorithm_from(algorithm, alpha, beta, gamma, epsilon)?;
        let sampling = matches!(
            algorithm,
            Algorithm::ExternalSamplingMccfr | Algorithm::OutcomeSamplingMccfr { .. }
        );
        if simultaneous && sampling {
            return Err(error(format!(
                "simultaneous applies to the full-tree CFR variants, not {}",
                algorithm.name()
            )));
        }
        if !(1..=2).contains(&threads) {
            return Err(error(format!("threads must be 1 or 2, not {threads}")));
        }
        if threads > 1 && sampling {
            return Err(error(format!(
                "threads applies to the full-tree CFR variants, not {}",
                algorithm.name()
            )));
        }
        let tree = game_argument(game)?;
        let game = match game.cast::<PyGame>() {
            Ok(game) => game.clone().unbind(),
            Err(_) => Py::new(
                py,
                PyGame {
                    tree: Arc::clone(&tree),
                },
            )?,
        };
        let options = SolverOptions { simultaneous, seed };
        let cell = py.detach(|| {
            SolverCell::new(tree, |tree| {
                let mut engine = build(tree, algorithm, &options);
                if let Engine::Cfr(solver) = &mut engine {
                    solver.set_threads(threads);
                }
                engine
            })
        });
        Ok(PySolver {
            cell,
            game,
            algorithm,
            seed,
        })
    }

    /// The game this solver runs on.
    #[getter]
    fn game(&self, py: Python<'_>) -> Py<PyGame> {
        self.game.clone_ref(py)
    }

    /// The algorithm's name (`cfr+`, `es-mccfr`, ...).
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.algorithm.name()
    }

    /// Iterations run so far (one iteration updates every player once).
    #[getter]
    fn iterations(&self) -> u64 {
        self.cell.borrow_dependent().solver().iterations()
    }

    /// Runs `iterations` more iterations with the GIL released. With `callback`, calls
    /// `callback(iterations_so_far, nash_conv)` every `every` iterations (default: a tenth of the run)
    /// and at the end; a callback returning `False` stops the run early. Ctrl-C raises
    /// `KeyboardInterrupt` within about 50 ms; the iterations done so far are kept. Returns the
    /// number of iterations run.
    #[pyo3(signature = (iterations, callback = None, every = None))]
    fn run(
        &mut self,
        py: Python<'_>,
        iterations: u64,
        callback: Option<Bound<'_, PyAny>>,
        every: Option<u64>,
    ) -> PyResult<u64> {
        if every == Some(0) {
            return Err(error("every must be at least 1"));
        }
        let start = self.iterations();
        let end = start
            .checked_add(iterations)
            .ok_or_else(|| error(format!("{iterations} iterations would overflow the count")))?;
        let every = every.unwrap_or((iterations / 10).max(1));
        let mut next_report = start + every;
        while self.iterations() < end {
            let stop = if callback.is_some() {
                next_report.min(end)
            } else {
                end
            };
            let cell = &mut self.cell;
            // Chunks end at the next report or after SIGNAL_CHECK, whichever is first.
            let reached = py.detach(|| {
                cell.with_dependent_mut(|_, engine| {
                    let solver = engine.solver_mut();
                    let started = Instant::now();
                    while solver.iterations() < stop {
                        solver.iterate();
                        if started.elapsed() >= SIGNAL_CHECK {
                            break;
                        }
                    }
                    solver.iterations()
                })
            });
            py.check_signals()?;
            if let Some(callback) = &callback {
                if reached == stop {
                    let nash_conv = self.compute_nash_conv(py);
                    next_report = reached.saturating_add(every);
                    let answer = callback.call1((reached, nash_conv))?;
                    if matches!(answer.extract::<bool>(), Ok(false)) {
                        break;
                    }
                }
            }
        }
        Ok(self.iterations() - start)
    }

    /// The average policy (the one that converges to equilibrium) as a dict
    /// `{key: [(action, probability), ...]}`, like OpenSpiel's `TabularPolicy.to_dict()`.
    fn average_policy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let policy = self.policy();
        policy_to_dict(py, self.tree(), &policy)
    }

    /// The current (last-iterate) policy, same shape as `average_policy`.
    fn current_policy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let policy = self.cell.borrow_dependent().solver().current_policy();
        policy_to_dict(py, self.tree(), &policy)
    }

    /// The average policy as one probability per slot (NumPy, handed over without a copy: the array
    /// is built fresh for the caller, so NumPy takes ownership of it).
    fn average_policy_array<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        let policy = self.policy();
        PyArray1::from_vec(py, policy.probabilities().to_vec())
    }

    /// Exact NashConv of the average policy.
    fn nash_conv(&self, py: Python<'_>) -> f64 {
        self.compute_nash_conv(py)
    }

    /// Exact exploitability of the average policy (NashConv / players).
    fn exploitability(&self, py: Python<'_>) -> f64 {
        let policy = self.policy();
        let tree = self.tree();
        py.detach(|| evaluate(tree, &policy).exploitability)
    }

    /// Exact values of the average policy (as `Game.evaluate`).
    fn evaluate<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let policy = self.policy();
        let tree = self.tree();
        let evaluation = py.detach(|| evaluate(tree, &policy));
        evaluation_dict(py, &evaluation)
    }

    /// Cumulative regrets per slot, a NumPy copy (see docs/python.md: the solver keeps writing its
    /// own array, with the GIL released, so a view could change or alias a write under the reader).
    fn regrets<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_slice(py, self.cell.borrow_dependent().regrets())
    }

    /// Cumulative average-policy weights (strategy sums) per slot, a NumPy copy (as `regrets`).
    fn strategy_sums<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_slice(py, self.cell.borrow_dependent().strategy_sums())
    }

    /// Threads the full-tree passes use (1, or 2 when asked for and the tree splits).
    #[getter]
    fn threads(&self) -> usize {
        match self.cell.borrow_dependent() {
            Engine::Cfr(solver) => solver.threads(),
            _ => 1,
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "Solver('{}', algorithm='{}', iterations={}{})",
            self.tree().game(),
            self.algorithm.name(),
            self.iterations(),
            if matches!(
                self.algorithm,
                Algorithm::ExternalSamplingMccfr | Algorithm::OutcomeSamplingMccfr { .. }
            ) {
                format!(", seed={}", self.seed)
            } else {
                String::new()
            }
        )
    }
}

impl PySolver {
    fn compute_nash_conv(&self, py: Python<'_>) -> f64 {
        let policy = self.policy();
        let tree = self.tree();
        py.detach(|| evaluate(tree, &policy).nash_conv)
    }
}

/// Adds the solver class to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<PySolver>()?;
    Ok(())
}
