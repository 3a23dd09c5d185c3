#!/usr/bin/env bash
# Builds the Python wheel (crates/python, maturin from PyPI), installs it into a fresh venv with NumPy,
# pytest and OpenSpiel 2.0.2, and runs the Python tests. Needs only crates.io and PyPI.
# Venvs live under target/: target/python-build (maturin) and target/python-tests (made once per
# checkout, as in CI's fresh clone; the wheel is reinstalled on every run).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
build="$root/target/python-build"
tests="$root/target/python-tests"
wheels="$root/target/wheels"

if [ ! -x "$build/bin/maturin" ]; then
  "$python" -m venv "$build"
  "$build/bin/python" -m pip install --quiet --disable-pip-version-check "maturin>=1.7,<2"
fi
rm -rf "$wheels"
"$build/bin/maturin" build --release --quiet -m crates/python/Cargo.toml -o "$wheels"

# The performance test compares with the CLI's iterations/s; build it if the Rust tests did not.
cargo build --release --quiet -p ponder

if [ ! -x "$tests/bin/pytest" ]; then
  rm -rf "$tests"
  "$python" -m venv "$tests"
  "$tests/bin/python" -m pip install --quiet --disable-pip-version-check numpy pytest open-spiel==2.0.2
fi
"$tests/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
  "$wheels"/ponder-*.whl

# Run from outside the source tree so `import ponder` finds the installed wheel, not crates/python/python.
cd "$root/target"
PONDER_REQUIRE_ORACLES=1 PONDER_REQUIRE_CLI=1 PONDER_BIN="$root/target/release/ponder" \
  "$tests/bin/python" -m pytest -q -p no:cacheprovider "$root/crates/python/tests"
