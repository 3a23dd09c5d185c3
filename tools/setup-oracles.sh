#!/usr/bin/env bash
# Creates .venv-oracles with the pinned Python oracles (OpenSpiel, PokerKit) that tests and benchmarks
# compare ponder against. Idempotent: a venv that already satisfies the pins is left as it is.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-oracles"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$root/tools/requirements-oracles.txt"
echo "$venv/bin/python"
