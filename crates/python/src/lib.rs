//! `ponder-py`: Python bindings of ponder, the module `ponder` (built into an abi3 wheel by maturin).
//!
//! Every class wraps a library crate's public API and nothing more: games and CFR solvers
//! ([`game`], [`solver`]), the card layer ([`cards`]), the postflop solver ([`postflop`]) and the
//! hold'em engine with local bot matches ([`holdem`]). Errors become `ponder.PonderError` (a
//! `ValueError`) carrying ponder's own message; long work runs with the GIL released and checks
//! for Ctrl-C between chunks.

#![forbid(unsafe_code)]

pub mod cards;
pub mod game;
pub mod holdem;
pub mod postflop;
pub mod solver;

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

create_exception!(
    ponder,
    PonderError,
    PyValueError,
    "Bad input or a refused request, with ponder's message (what was wrong and where)."
);

/// Turns any ponder error into a `PonderError` with its display text.
pub(crate) fn error(error: impl std::fmt::Display) -> PyErr {
    PonderError::new_err(error.to_string())
}

/// The `ponder` Python module.
#[pymodule]
#[pyo3(name = "_native")]
fn native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("PonderError", module.py().get_type::<PonderError>())?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    game::register(module)?;
    solver::register(module)?;
    cards::register(module)?;
    postflop::register(module)?;
    holdem::register(module)?;
    Ok(())
}
