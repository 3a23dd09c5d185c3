"""Times OpenSpiel 2.0.2's C++ solvers (through pyspiel) on the `ponder bench game` workloads.

Usage: python bench_openspiel.py [SECONDS_PER_CASE]
Prints one JSON object: {"openspiel": version, "cases": [{"name", "game", "algorithm", "iterations",
"seconds", "iterations_per_second"}, ...]}. Each case runs whole iterations until SECONDS_PER_CASE
(default 3) have passed; solver construction is not timed. Install with tools/setup-oracles.sh.
"""
import json
import sys
import time

import pyspiel

CASES = [
    ("cfr+ leduc", "leduc_poker", "cfr+"),
    ("cfr+ liars_dice", "liars_dice", "cfr+"),
    ("es-mccfr leduc", "leduc_poker", "es-mccfr"),
]


def make(game, algorithm):
    if algorithm == "cfr+":
        return pyspiel.CFRPlusSolver(game)
    if algorithm == "es-mccfr":
        return pyspiel.ExternalSamplingMCCFRSolver(game, seed=0)
    raise ValueError(algorithm)


def step(solver, algorithm):
    if algorithm == "es-mccfr":
        solver.run_iteration()
    else:
        solver.evaluate_and_update_policy()


def main():
    budget = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    only = set(sys.argv[2].split(",")) if len(sys.argv) > 2 else None
    cases = []
    for name, game_name, algorithm in CASES:
        if only and name not in only:
            continue
        game = pyspiel.load_game(game_name)
        solver = make(game, algorithm)
        batch = 1 if algorithm != "es-mccfr" else 100
        iterations = 0
        start = time.perf_counter()
        while True:
            for _ in range(batch):
                step(solver, algorithm)
            iterations += batch
            elapsed = time.perf_counter() - start
            if elapsed >= budget and iterations >= 2:
                break
        cases.append({
            "name": name,
            "game": game_name,
            "algorithm": algorithm,
            "iterations": iterations,
            "seconds": elapsed,
            "iterations_per_second": iterations / elapsed,
        })
    print(json.dumps({"openspiel": "2.0.2", "cases": cases}))


if __name__ == "__main__":
    main()
