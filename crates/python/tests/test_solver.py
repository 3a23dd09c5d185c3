"""Games and solvers through the Python API, checked against the reference facts in
crates/oracles/data/games.json (OpenSpiel 2.0.2 tree counts and uniform-policy values)."""

import json
import pathlib
import subprocess

import numpy as np
import pytest

import ponder

GAMES_JSON = json.loads(
    (pathlib.Path(__file__).resolve().parents[2] / "oracles" / "data" / "games.json").read_text()
)["games"]


@pytest.mark.parametrize("name", ["kuhn_poker", "leduc_poker", "kuhn_poker_3p", "liars_dice"])
def test_counts_match_openspiel_reference(name):
    reference = GAMES_JSON[name]
    game = ponder.load_game(reference["game_string"])
    info = game.info()
    for key, value in reference["tree"].items():
        assert info[key] == value, key
    uniform = game.evaluate(game.uniform_policy())
    expected = reference["uniform_random"]
    assert uniform["nash_conv"] == pytest.approx(expected["nash_conv"], abs=1e-12)
    if "on_policy_value" in expected:
        assert uniform["on_policy_value"] == pytest.approx(expected["on_policy_value"], abs=1e-12)


@pytest.mark.parametrize(
    "text", ["kuhn", "leduc", "kuhn_poker(players=3)", "leduc_poker(players=3)", "liars_dice",
             "goofspiel(num_cards=4)", "shapley_3x3", "shapley_3x3(weighted=true)",
             "turn_based_simultaneous_game(game=goofspiel(num_cards=3,imp_info=True,points_order=descending))"]
)
def test_every_registry_game_loads(text):
    game = ponder.load_game(text)
    assert game.num_nodes > 0 and len(game.infoset_keys()) == game.num_infosets


def test_bad_game_strings_raise_ponder_errors():
    with pytest.raises(ponder.PonderError, match="unknown game"):
        ponder.load_game("chess")
    with pytest.raises(ponder.PonderError, match="players"):
        ponder.load_game("kuhn_poker(players=9)")
    assert issubclass(ponder.PonderError, ValueError)


def test_cfr_plus_on_leduc_converges_and_matches_cli_value(leduc):
    solver = ponder.Solver(leduc, "cfr+")
    curve = []
    assert solver.run(100, callback=lambda it, nc: curve.append((it, nc)), every=25) == 100
    assert [it for it, _ in curve] == [25, 50, 75, 100]
    # `ponder scale leduc` prints NashConv 0.026832 after 100 CFR+ iterations (README).
    assert curve[-1][1] == pytest.approx(0.026832, abs=5e-7)
    assert all(a > b for (_, a), (_, b) in zip(curve, curve[1:]))
    assert solver.nash_conv() == curve[-1][1]
    assert solver.exploitability() == pytest.approx(solver.nash_conv() / 2)
    assert leduc.nash_conv(solver.average_policy()) == pytest.approx(solver.nash_conv(), abs=1e-12)


def test_callback_can_stop_and_errors_propagate(kuhn):
    solver = ponder.Solver(kuhn)
    assert solver.run(1000, callback=lambda it, nc: it < 30, every=10) == 30
    with pytest.raises(ZeroDivisionError):
        solver.run(10, callback=lambda it, nc: 1 / 0, every=5)
    assert solver.iterations == 35
    with pytest.raises(ponder.PonderError):
        solver.run(10, every=0)


def test_arrays(kuhn):
    solver = ponder.Solver(kuhn, "cfr")
    solver.run(50)
    regrets, sums = solver.regrets(), solver.strategy_sums()
    assert regrets.shape == sums.shape == (kuhn.num_slots,)
    assert regrets.dtype == np.float64
    policy = solver.average_policy()
    array = solver.average_policy_array()
    for key, pairs in policy.items():
        start, end = kuhn.slots(key)
        assert np.allclose(array[start:end], [p for _, p in pairs])
        total = sums[start:end].sum()
        if total > 0:
            assert np.allclose(sums[start:end] / total, array[start:end])


@pytest.mark.parametrize("algorithm", ["es-mccfr", "os-mccfr"])
def test_mccfr_is_seeded(kuhn, algorithm):
    runs = []
    for seed in (7, 7, 8):
        solver = ponder.Solver(kuhn, algorithm, seed=seed)
        solver.run(2000)
        runs.append(solver.average_policy_array())
    assert np.array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])
    assert ponder.Solver(kuhn, algorithm, seed=7).regrets().sum() == 0


def test_solver_parameters_are_checked(kuhn):
    with pytest.raises(ponder.PonderError, match="unknown algorithm"):
        ponder.Solver(kuhn, "cfr++")
    with pytest.raises(ponder.PonderError, match="alpha does not apply"):
        ponder.Solver(kuhn, "cfr+", alpha=2.0)
    with pytest.raises(ponder.PonderError, match="simultaneous"):
        ponder.Solver(kuhn, "es-mccfr", simultaneous=True)
    with pytest.raises(TypeError):
        ponder.Solver(kuhn, "cfr+", learning_rate=1)
    dcfr = ponder.Solver("kuhn", "dcfr", alpha=1.0, beta=1.0, gamma=1.0)
    lcfr = ponder.Solver("kuhn", "lcfr")
    dcfr.run(100)
    lcfr.run(100)
    assert np.array_equal(dcfr.average_policy_array(), lcfr.average_policy_array())


def test_policy_dict_errors_name_the_key(kuhn):
    with pytest.raises(ponder.PonderError, match="unknown information-state key 'zz'"):
        kuhn.nash_conv({"zz": [0.5, 0.5]})
    with pytest.raises(ponder.PonderError, match="'0'.*sum to"):
        kuhn.nash_conv({"0": [0.5, 0.6]})
    with pytest.raises(ponder.PonderError, match="'0'"):
        kuhn.nash_conv({"0": [float("nan"), 1.0]})
    # Three accepted shapes give the same policy.
    shapes = [{"0": [1.0, 0.0]}, {"0": {0: 1.0}}, {"0": [(0, 1.0), (1, 0.0)]}]
    values = {kuhn.nash_conv(shape) for shape in shapes}
    assert len(values) == 1


def test_key_at_follows_openspiel_histories(kuhn, leduc):
    assert kuhn.key_at([0, 1]) == "0"
    assert kuhn.key_at([0, 1, 0]) == "1p"
    with pytest.raises(ponder.PonderError, match="not available"):
        kuhn.key_at([0, 0])
    with pytest.raises(ponder.PonderError, match="decision node"):
        kuhn.key_at([0])
    assert leduc.key_at([0, 1]) == leduc.infoset_keys()[0]


@pytest.mark.parametrize("game,algorithm", [("leduc", "es-mccfr"), ("kuhn", "os-mccfr"), ("leduc", "dcfr")])
def test_same_run_as_the_cli(cli, game, algorithm):
    """The wheel drives the same solvers as `ponder game solve`: same seed, same NashConv, to the bit."""
    iterations = 3000 if "mccfr" in algorithm else 200
    output = subprocess.run(
        [cli, "game", "solve", game, "--algo", algorithm, "--iterations", str(iterations), "--seed", "7", "--json"],
        check=True, capture_output=True, text=True,
    ).stdout
    solver = ponder.Solver(game, algorithm, seed=7)
    solver.run(iterations)
    assert solver.nash_conv() == json.loads(output)["nash_conv"]


def test_ctrl_c_interrupts_a_long_run():
    """SIGINT during run() raises KeyboardInterrupt within a chunk (about 50 ms); the iterations done
    so far are kept and the solver stays usable."""
    import os
    import signal
    import threading
    import time

    solver = ponder.Solver("leduc_poker", "cfr+")
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    started = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        solver.run(10**12)
    elapsed = time.perf_counter() - started
    timer.join()
    done = solver.iterations
    assert 0 < done < 10**12 and elapsed < 5
    assert solver.run(10) == 10 and solver.iterations == done + 10
