//! stub

use pyo3::prelude::*;

/// Adds the items to the module.
pub fn register(_module: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
