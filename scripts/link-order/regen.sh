#!/bin/sh
# Regenerates crates/cli/link/hot-text.ld: builds ponder, records every function that the small
# solves enter (one-shot breakpoints on all function symbols, scripts/link-order/bpcov.c, so
# functions that run once at start-up are caught too) and writes them as linker-script patterns:
# first what `ponder bench postflop` runs, then what the other solve variants add.
# Needs cc, nm and python3; Linux x86_64 only (ptrace). Run from anywhere: sh scripts/link-order/regen.sh
set -eu
. "$(dirname "$0")/setup.sh"
record() { # record OUT RUNS: one run of ponder per line of RUNS
    echo "$2" | while read -r args; do
        # shellcheck disable=SC2086
        "$tmp/bpcov" "$tmp/addrs" "$1" -- "$bin" $args > /dev/null
    done
}
record "$tmp/bench" "bench postflop
bench postflop
bench postflop --json"
record "$tmp/other" "bench postflop --spot river_qsjh2h8d3c
bench postflop --spot turn_qsjh2h8d
bench postflop --spot turn_td9d6hqc
bench postflop --threads 1
bench postflop --compressed --max-iterations 30
solve
solve --threads 1
solve --json
solve --spot river_qsjh2h8d3c"
python3 scripts/link-order/gen_script.py "$bin" crates/cli/link/hot-text.ld "$tmp/bench" "$tmp/other"
echo "now: cargo build --release (relinks ponder with the new order)"
