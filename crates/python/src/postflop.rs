//! `ponder.PostflopSolver`: a range-vs-range postflop spot (a dict or TOML, the fields of a spot file)
//! solved with the GIL released, and queried at a line (`ponder show --line` syntax) as NumPy arrays.

use numpy::{PyArray1, PyArrayMethods};
use ponder_postflop::report::{follow_line, node_report, NodeReport};
use ponder_postflop::solver::SolveOptions;
use ponder_postflop::spot::SpotFile;
use ponder_postflop::{with_solver, AnySolver, PreparedSpot, Q16};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::error;

/// Default memory bound of a solve when none is given: 4 GiB (the CLI's fallback).
const DEFAULT_MAX_MEMORY: u64 = 4 << 30;

/// Most iterations one `solve` call runs (the CLI's cap on `--max-iterations`).
const MAX_ITERATIONS: u32 = 1_000_000_000;

/// A postflop spot dealt into its game and solved by discounted CFR.
#[pyclass(name = "PostflopSolver", module = "ponder")]
pub struct PyPostflopSolver {
    solver: AnySolver,
    spot: SpotFile,
}

fn spot_from_python(spot: &Bound<'_, PyAny>) -> PyResult<SpotFile> {
    if let Ok(text) = spot.extract::<String>() {
        return SpotFile::from_toml(&text, "<toml>").map_err(error);
    }
    if spot.cast::<PyDict>().is_ok() {
        let json = spot.py().import("json")?;
        let text: String = json.call_method1("dumps", (spot,))?.extract()?;
        return SpotFile::from_json(&text, "<dict>").map_err(error);
    }
    Err(pyo3::exceptions::PyTypeError::new_err(
        "a spot is a dict or TOML text with the fields of a spot file",
    ))
}

#[pymethods]
impl PyPostflopSolver {
    /// Prepares a spot (dict or TOML text: `board`, `oop_range`, `ip_range`, `starting_pot`,
    /// `effective_stack`, `bet_sizes`, ... as in a spot file) and allocates its solver, refusing a
    /// spot whose storage exceeds `max_memory` bytes (default 4 GiB). `compressed` stores 16-bit
    /// values. The spot's errors name the field.
    #[new]
    #[pyo3(signature = (spot, *, compressed = false, max_memory = DEFAULT_MAX_MEMORY))]
    fn new(
        py: Python<'_>,
        spot: &Bound<'_, PyAny>,
        compressed: bool,
        max_memory: u64,
    ) -> PyResult<Self> {
        let file = spot_from_python(spot)?;
        let spot = file.clone();
        let solver = py.detach(move || -> Result<AnySolver, String> {
            let prepared = PreparedSpot::new(file).map_err(|e| e.to_string())?;
            prepared
                .check_dealt_size(max_memory)
                .map_err(|e| e.to_string())?;
            let game = prepared.game();
            Ok(if compressed {
                AnySolver::Compressed(
                    ponder_postflop::new_solver::<Q16>(game, max_memory)
                        .map_err(|e| e.to_string())?,
                )
            } else {
                AnySolver::Full(
                    ponder_postflop::new_solver::<f32>(game, max_memory)
                        .map_err(|e| e.to_string())?,
                )
            })
        });
        Ok(PyPostflopSolver {
            solver: solver.map_err(error)?,
            spot,
        })
    }

    /// Solves until the exploitability is at most `target_pct` % of the starting pot or
    /// `max_iterations` iterations in all, measuring every `check_every` iterations; `callback(
    /// iteration, exploitability_pct)` sees each measurement and may stop the solve by returning
    /// `False`. The GIL is released; Ctrl-C stops at the next measurement. Returns `{"iterations",
    /// "exploitability_pct", "seconds"}`.
    #[pyo3(signature = (target_pct = 0.3, max_iterations = 1000, check_every = 10, callback = None))]
    fn solve<'py>(
        &mut self,
        py: Python<'py>,
        target_pct: f64,
        max_iterations: u32,
        check_every: u32,
        callback: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        if !(target_pct.is_finite() && target_pct >= 0.0) {
            return Err(error("target_pct must be a non-negative number"));
        }
        if max_iterations > MAX_ITERATIONS {
            return Err(error(format!(
                "max_iterations must be at most {MAX_ITERATIONS}"
            )));
        }
        if check_every == 0 {
            return Err(error("check_every must be at least 1"));
        }
        let options = SolveOptions {
            target_pct,
            max_iterations,
            check_every,
            checkpoint_every: None,
        };
        let solver = &mut self.solver;
        let (last, failure) = py.detach(|| {
            let mut failure: Option<PyErr> = None;
            let last = with_solver!(solver, s => s.solve(options, |_, checkpoint| {
                Python::attach(|py| -> PyResult<bool> {
                    py.check_signals()?;
                    match &callback {
                        Some(callback) => {
                            let answer = callback
                                .bind(py)
                                .call1((checkpoint.iteration, checkpoint.exploitability_pct))?;
                            Ok(!matches!(answer.extract::<bool>(), Ok(false)))
                        }
                        None => Ok(true),
                    }
                })
                .unwrap_or_else(|e| {
                    failure = Some(e);
                    false
                })
            }));
            (last, failure)
        });
        if let Some(failure) = failure {
            return Err(failure);
        }
        let dict = PyDict::new(py);
        dict.set_item("iterations", last.iteration)?;
        dict.set_item("exploitability_pct", last.exploitability_pct)?;
        dict.set_item("seconds", last.seconds)?;
        Ok(dict)
    }

    /// Iterations run so far.
    #[getter]
    fn iterations(&self) -> u32 {
        with_solver!(&self.solver, s => s.iteration)
    }

    /// Exact exploitability of the average strategies, in % of the starting pot.
    fn exploitability_pct(&self, py: Python<'_>) -> f64 {
        let solver = &self.solver;
        py.detach(|| with_solver!(solver, s => s.exploitability_pct()))
    }

    /// The spot as a dict (the fields of its spot file).
    fn spot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = serde_json::to_string(&self.spot).map_err(error)?;
        py.import("json")?.call_method1("loads", (text,))
    }

    /// The node reached by `line` (`ponder show --line` syntax: `"check, bet 120, call, Qs"`; empty
    /// for the root), for its player (OOP at chance and terminal nodes): `kind`, `player`, `board`,
    /// `pot`, `actions`, `frequencies` (over the deals reaching the node), `combo_frequencies` (over the
    /// range's own combos, PioSOLVER's convention), `weighting` (which is which), `range_ev`,
    /// `range_equity`, and per hand with reach (strongest first) `hands`, `classes`, `categories`, and
    /// NumPy arrays `weights`, `strategy` (hands × actions), `ev`, `equity`, `action_evs` (hands ×
    /// actions). EVs are in chips.
    #[pyo3(signature = (line = ""))]
    fn node<'py>(&self, py: Python<'py>, line: &str) -> PyResult<Bound<'py, PyDict>> {
        let solver = &self.solver;
        let report = py
            .detach(|| {
                with_solver!(solver, s => follow_line(s, line).map(|view| node_report(s, &view)))
            })
            .map_err(error)?;
        report_dict(py, &report)
    }

    fn __repr__(&self) -> String {
        format!(
            "PostflopSolver(board='{}', pot={}, stack={}, iterations={})",
            self.spot.board,
            self.spot.starting_pot,
            self.spot.effective_stack,
            self.iterations()
        )
    }
}

fn matrix<'py>(
    py: Python<'py>,
    rows: usize,
    columns: usize,
    values: impl Iterator<Item = f32>,
) -> PyResult<Bound<'py, PyAny>> {
    let flat: Vec<f32> = values.collect();
    Ok(PyArray1::from_vec(py, flat)
        .reshape([rows, columns])?
        .into_any())
}

fn report_dict<'py>(py: Python<'py>, report: &NodeReport) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("line", report.line.clone())?;
    dict.set_item("kind", &report.kind)?;
    dict.set_item("player", &report.player)?;
    dict.set_item("board", &report.board)?;
    dict.set_item("pot", report.pot)?;
    dict.set_item("actions", report.actions.clone())?;
    dict.set_item(
        "frequencies",
        PyArray1::from_vec(py, report.frequencies.clone()),
    )?;
    dict.set_item(
        "combo_frequencies",
        PyArray1::from_vec(py, report.combo_frequencies.clone()),
    )?;
    dict.set_item("weighting", report.weighting)?;
    dict.set_item("range_ev", report.range_ev)?;
    dict.set_item("range_equity", report.range_equity)?;
    let hands = &report.hands;
    let actions = report.actions.len();
    dict.set_item(
        "hands",
        hands.iter().map(|h| h.hand.clone()).collect::<Vec<_>>(),
    )?;
    dict.set_item(
        "classes",
        hands.iter().map(|h| h.class.clone()).collect::<Vec<_>>(),
    )?;
    dict.set_item(
        "categories",
        hands.iter().map(|h| h.category.clone()).collect::<Vec<_>>(),
    )?;
    dict.set_item(
        "weights",
        PyArray1::from_vec(py, hands.iter().map(|h| h.weight).collect()),
    )?;
    dict.set_item(
        "ev",
        PyArray1::from_vec(py, hands.iter().map(|h| h.ev).collect()),
    )?;
    dict.set_item(
        "equity",
        PyArray1::from_vec(py, hands.iter().map(|h| h.equity).collect()),
    )?;
    // Player nodes give every hand one entry per action; other nodes give none.
    let per_hand = |values: fn(&ponder_postflop::report::HandReport) -> &Vec<f32>| {
        let width = if hands.iter().all(|h| values(h).len() == actions) {
            actions
        } else {
            0
        };
        matrix(
            py,
            hands.len(),
            width,
            hands
                .iter()
                .flat_map(move |h| values(h).iter().take(width).copied()),
        )
    };
    dict.set_item("strategy", per_hand(|h| &h.strategy)?)?;
    dict.set_item("action_evs", per_hand(|h| &h.action_evs)?)?;
    Ok(dict)
}

/// Adds the postflop items to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<PyPostflopSolver>()?;
    Ok(())
}
