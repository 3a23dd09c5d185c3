"""Policies cross OpenSpiel 2.0.2 both ways with their NashConv intact (the issue's acceptance tests)."""

import os

import numpy as np
import pytest

import ponder

if os.environ.get("PONDER_REQUIRE_ORACLES"):
    import pyspiel  # noqa: F401  (fail, do not skip, when the oracles are required)
pyspiel = pytest.importorskip("pyspiel")
from open_spiel.python.algorithms import cfr, exploitability  # noqa: E402

from ponder.openspiel import (  # noqa: E402
    from_openspiel_keyed,
    from_tabular_policy,
    load_openspiel_game,
    openspiel_keyed,
    to_tabular_policy,
)


@pytest.mark.parametrize("name,iterations", [("kuhn_poker", 300), ("leduc_poker", 100)])
def test_ponder_policy_evaluated_by_openspiel(name, iterations):
    game = ponder.load_game(name)
    solver = ponder.Solver(game, "cfr+")
    solver.run(iterations)
    openspiel_game = pyspiel.load_game(name)
    tabular = to_tabular_policy(solver, game, openspiel_game)
    theirs = exploitability.nash_conv(openspiel_game, tabular)
    assert abs(theirs - solver.nash_conv()) < 1e-9
    assert solver.nash_conv() > 1e-6  # not a trivially exact equilibrium


@pytest.mark.parametrize("name,iterations", [("kuhn_poker", 100), ("leduc_poker", 10)])
def test_openspiel_cfr_policy_imported_into_ponder(name, iterations):
    openspiel_game = pyspiel.load_game(name)
    openspiel_solver = cfr.CFRSolver(openspiel_game)
    for _ in range(iterations):
        openspiel_solver.evaluate_and_update_policy()
    average = openspiel_solver.average_policy()
    theirs = exploitability.nash_conv(openspiel_game, average)
    game = ponder.load_game(name)
    imported = from_tabular_policy(average, game)
    assert abs(game.nash_conv(imported) - theirs) < 1e-9
    # ponder's CFR follows OpenSpiel's conventions: the same iterations give the same average policy.
    ours = ponder.Solver(game, "cfr")
    ours.run(iterations)
    assert np.allclose(ours.average_policy_array(), game.policy_array(imported), atol=1e-9)


def test_keys_equal_openspiel_strings_for_kuhn_and_rekey_for_leduc():
    kuhn = ponder.load_game("kuhn_poker")
    solver = ponder.Solver(kuhn)
    solver.run(10)
    assert openspiel_keyed(solver, kuhn) == solver.average_policy()
    leduc = ponder.load_game("leduc_poker")
    solver = ponder.Solver(leduc)
    solver.run(10)
    keyed = openspiel_keyed(solver, leduc)
    assert len(keyed) == leduc.num_infosets
    assert all(key.startswith("[Observer: ") for key in keyed)
    back = from_openspiel_keyed(keyed, leduc)
    original = solver.average_policy()
    assert back.keys() == original.keys()
    # Re-keying reads the probabilities through ponder's policy reader, which renormalises (1 ULP).
    for key, pairs in original.items():
        assert [a for a, _ in back[key]] == [a for a, _ in pairs]
        assert np.allclose([p for _, p in back[key]], [p for _, p in pairs], rtol=0, atol=1e-15)


def test_goofspiel_goes_through_the_turn_based_wrapper():
    game = ponder.load_game("goofspiel(num_cards=3)")
    solver = ponder.Solver(game, "cfr+")
    solver.run(20)
    openspiel_game = load_openspiel_game(game)
    theirs = exploitability.nash_conv(openspiel_game, to_tabular_policy(solver, game, openspiel_game))
    assert abs(theirs - solver.nash_conv()) < 1e-9
