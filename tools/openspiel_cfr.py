"""OpenSpiel 2.0.2 oracle: NashConv of the average policy of a CFR-family solver at given iterations.

Usage: python openspiel_cfr.py GAME_STRING ALGORITHM CHECKPOINTS
  ALGORITHM: cfr | cfr+ (C++ pyspiel solvers), cfr-simultaneous | lcfr | dcfr (OpenSpiel Python solvers)
  CHECKPOINTS: comma-separated iteration counts, e.g. 1,10,100,1000
Prints one JSON object: {"game": ..., "algorithm": ..., "curve": [{"iterations": N, "nash_conv": x}, ...]}.
Goofspiel strings are loaded as turn-based games, as games.json does.
"""
import json
import sys

import pyspiel
from open_spiel.python import policy as policy_lib
from open_spiel.python.algorithms import cfr as cfr_py
from open_spiel.python.algorithms import discounted_cfr


def load(game_string):
    game = pyspiel.load_game(game_string)
    if game.get_type().dynamics == pyspiel.GameType.Dynamics.SIMULTANEOUS:
        game = pyspiel.convert_to_turn_based(game)
    return game


def main():
    game_string, algorithm, checkpoints = sys.argv[1], sys.argv[2], sys.argv[3]
    checkpoints = sorted(int(c) for c in checkpoints.split(","))
    game = load(game_string)
    python_solver = False
    if algorithm == "cfr":
        solver = pyspiel.CFRSolver(game)
    elif algorithm == "cfr+":
        solver = pyspiel.CFRPlusSolver(game)
    elif algorithm == "cfr-simultaneous":
        solver = cfr_py._CFRSolver(  # pylint: disable=protected-access
            game, regret_matching_plus=False, alternating_updates=False, linear_averaging=False)
        python_solver = True
    elif algorithm == "lcfr":
        solver = discounted_cfr.LCFRSolver(game)
        python_solver = True
    elif algorithm == "dcfr":
        solver = discounted_cfr.DCFRSolver(game, alpha=1.5, beta=0.0, gamma=2.0)
        python_solver = True
    else:
        raise SystemExit(f"unknown algorithm {algorithm}")
    curve = []
    done = 0
    for target in checkpoints:
        while done < target:
            solver.evaluate_and_update_policy()
            done += 1
        average = solver.average_policy()
        if python_solver:
            average = policy_lib.python_policy_to_pyspiel_policy(average)
        curve.append({"iterations": done, "nash_conv": pyspiel.nash_conv(game, average)})
    print(json.dumps({"game": game_string, "algorithm": algorithm, "curve": curve}))


if __name__ == "__main__":
    main()
