#!/usr/bin/env bash
# Runs the unsafe code's small tests under Miri (undefined behaviour: out-of-bounds reads, data races,
# aliasing): the evaluator's unchecked table read (ponder-cards, tests/miri.rs) and the two-thread CFR
# passes (ponder-solver, tests/miri.rs). Miri needs a nightly toolchain; when none with Miri can be
# installed from the registries, this prints "miri: SKIPPED (reason)" and passes.
set -uo pipefail
cd "$(dirname "$0")/.."

skip() {
    echo "miri: SKIPPED ($1)"
    exit 0
}

if ! cargo +nightly miri --version >/dev/null 2>&1; then
    timeout 600 rustup toolchain install nightly --profile minimal --component miri rust-src >/dev/null 2>&1 ||
        skip "rustup could not install a nightly toolchain with miri"
    cargo +nightly miri --version >/dev/null 2>&1 || skip "cargo miri unavailable after installing nightly"
fi
# Miri builds its own standard library from rust-src.
if ! rustup +nightly component list --installed 2>/dev/null | grep -q '^rust-src'; then
    timeout 600 rustup component add rust-src --toolchain nightly >/dev/null 2>&1 ||
        skip "rustup could not add rust-src to nightly"
fi
cargo +nightly miri setup >/dev/null 2>&1 || skip "cargo miri setup failed"

# Tree Borrows: rayon's scheduler (crossbeam-deque) trips the stricter Stacked Borrows model in code that
# is not ours, and crossbeam-epoch casts integers to pointers (permissive provenance silences the warning).
export MIRIFLAGS="${MIRIFLAGS:--Zmiri-tree-borrows -Zmiri-permissive-provenance}"
status=0
for crate in ponder-cards ponder-solver; do
    echo "miri: $crate (tests/miri.rs)"
    cargo +nightly miri test --quiet -p "$crate" --test miri || status=1
done
exit $status
