"""Cards, the hold'em engine, Python bots in ponder's match loop and the postflop solver, checked against
figures ponder's CLI prints (README) and invariants (frequencies sum to 1, zero-sum chips)."""

import numpy as np
import pytest

import ponder


def test_evaluate_and_census_ranks():
    assert ponder.evaluate("AhKh QsJsTs") == (5862, "straight")
    assert ponder.evaluate("AsKsQsJsTs")[1] == "straight_flush"
    assert ponder.distinct_ranks() == 7462
    with pytest.raises(ponder.PonderError, match="expected 5 to 7 cards"):
        ponder.evaluate("AhKh")
    with pytest.raises(ponder.PonderError, match="duplicate card Ah at column 3"):
        ponder.evaluate("AhAh QsJsTs")


def test_equity_exact_matches_cli():
    result = ponder.equity("AhKh", "QsQd")
    assert result["exact"] and result["trials"] == 1712304
    assert result["equity"][0] == pytest.approx(0.462145, abs=5e-7)
    result = ponder.equity("66+,A8s+", "KQ,T9s,22-55", board="Td9d6h", dead="2c")
    assert result["equity"][0] == pytest.approx(0.722041, abs=5e-7)
    sampled = ponder.equity("QQ+,AKs", "22+,AT+", seed=7, samples=20000, exact=False)
    assert not sampled["exact"] and sampled["std_error"] > 0
    assert sampled == ponder.equity("QQ+,AKs", "22+,AT+", seed=7, samples=20000, exact=False)
    with pytest.raises(ponder.PonderError):
        ponder.equity("AhKh", "AhQd")
    with pytest.raises(ponder.PonderError, match="samples"):
        ponder.equity("AA", "KK", samples=0)


def test_ranges_and_isomorphism():
    r = ponder.Range("AA,KK:0.5,AKs,AQo-AJo,A5s-A2s,66+,K9s+,T9o:0.25,AhKh,QQ-88,ATo+")
    assert r.canonical() == "66+,AK,A5s-A2s,AQo-ATo,K9s+,T9o:0.25"
    assert r.combos("Td9d6h") == 125.5 and r.combos() == 141
    weights = r.weights()
    assert weights.shape == (1326,) and weights.dtype == np.float32
    assert weights.sum() == pytest.approx(141)
    names = ponder.hand_names()
    assert dict(zip(names, weights))[next(n for n in names if set(n) == set("AhKh"))] == 1.0
    assert r.weight("KhAh") == 1.0 and r.weight("2c2d") == 0.0
    with pytest.raises(ponder.PonderError, match="column 7"):
        ponder.Range("AA,KK:1.5")
    assert ponder.iso_index("AhKh", "Td9d6h") == (1217641, 1286792, "flop", "KcAc6c9dTd")
    assert ponder.iso_index("Td9d6h", board_only=True) == (914, 1755, "flop board", "6d9cTc")
    assert ponder.iso_index("AhKh")[1] == 169


def test_hand_state_plays_a_hand():
    hand = ponder.HandState([200, 200], seed=7)
    assert hand.legal() == {"seat": 0, "can_fold": True, "can_check": False, "call": 1, "raise": (4, 200)}
    with pytest.raises(ponder.PonderError, match="may raise to 4..=200, not 3"):
        hand.apply("raise 3")
    hand.apply(("raise", 6))
    hand.apply("call")
    assert hand.street == "flop" and len(hand.board) == 3 and hand.pot == 12
    copy = hand.copy()
    while not hand.is_over:
        hand.apply("call")
    assert hand.street == "over" and sum(hand.payoffs) == 0
    assert not copy.is_over
    assert [step[2] for step in hand.history][:2] == ["raise 6", "call"]
    fixed = ponder.HandState([100, 100], hole=["AhKh", "QsQd"], board="2c7d9hTsJs")
    assert fixed.hole(1) == ["Qs", "Qd"]
    with pytest.raises(ponder.PonderError):
        ponder.HandState([100])
    with pytest.raises(ponder.PonderError):
        ponder.HandState([100, 100], hole=["AhKh", "AhQd"], board="2c7d9hTsJs")


def test_python_bot_in_the_match_loop():
    seen = []

    class Folder:
        name = "folder"

        def act(self, observation):
            seen.append(observation)
            return "fold" if observation["legal"]["can_fold"] else "call"

    report = ponder.play_match(Folder(), "call", hands=400, seed=3)
    folder, caller = report["bots"]
    assert report["hands"] == 400 and folder["name"] == "folder" and folder["python"]
    assert folder["chips"] + caller["chips"] == 0
    # Folding every hand it faces a bet: it loses its small blinds and never wins a pot it contests.
    assert folder["chips"] < 0 and folder["illegal"] == 0
    assert all(len(o["hole"]) == 2 for o in seen)
    # The same seed replays the same match.
    assert ponder.play_match(Folder(), "call", hands=400, seed=3) == report
    illegal = ponder.play_match(lambda o: "raise 1", "call", hands=50)
    assert illegal["bots"][0]["illegal"] > 0


def test_python_bot_exception_is_raised_after_the_match():
    def broken(observation):
        raise RuntimeError("bot bug")

    with pytest.raises(RuntimeError, match="bot bug"):
        ponder.play_match(broken, "equity", hands=100)
    with pytest.raises(ponder.PonderError, match="unknown bot"):
        ponder.play_match("nit", "call")
    with pytest.raises(ponder.PonderError, match="2 to 9 bots"):
        ponder.play_match("call")


SPOT = dict(
    board="Td9d6hQc2s",
    oop_range="AA,KK,QQ,T9s,65s",
    ip_range="AK,KQ,JJ",
    starting_pot=100,
    effective_stack=200,
    bet_sizes={"bet": "50%, a", "raise": "2.5x"},
)

SPOT_TOML = """
board = "Td9d6hQc2s"
oop_range = "AA,KK,QQ,T9s,65s"
ip_range = "AK,KQ,JJ"
starting_pot = 100
effective_stack = 200

[bet_sizes]
bet = "50%, a"
raise = "2.5x"
"""


def test_postflop_solve_and_query():
    solver = ponder.PostflopSolver(SPOT)
    checks = []
    result = solver.solve(target_pct=0.05, max_iterations=500, callback=lambda i, e: checks.append(e))
    assert result["exploitability_pct"] <= 0.05 and checks[0] > checks[-1]
    assert solver.exploitability_pct() == pytest.approx(result["exploitability_pct"])
    root = solver.node()
    assert root["kind"] == "player" and root["player"] == "OOP"
    assert root["actions"] == ["check", "bet 50", "bet 200"]
    strategy = root["strategy"]
    assert strategy.shape == (len(root["hands"]), 3) and strategy.dtype == np.float32
    assert np.allclose(strategy.sum(axis=1), 1.0, atol=1e-5)
    weights = root["weights"]
    # Combo frequencies weigh each hand by its own reach; frequencies weigh deals (the opponent's
    # compatible reach too), so they differ but both are distributions.
    assert np.allclose((weights[:, None] * strategy).sum(axis=0) / weights.sum(), root["combo_frequencies"], atol=1e-5)
    assert root["frequencies"].sum() == pytest.approx(1.0)
    assert "deals" in root["weighting"]
    # T9s on this board is two pair: it wins against IP's whole range (AK, KQ, JJ) at showdown.
    assert all(root["equity"][i] == pytest.approx(1.0) for i, h in enumerate(root["hands"]) if h[0] == "T")
    facing = solver.node("bet 50")
    assert facing["player"] == "IP" and facing["actions"][0] == "fold"
    assert facing["action_evs"].shape == facing["strategy"].shape
    with pytest.raises(ponder.PonderError, match="line"):
        solver.node("bet 77")
    # The TOML form of the same spot gives the same solve, bit for bit.
    again = ponder.PostflopSolver(SPOT_TOML)
    again.solve(target_pct=0.05, max_iterations=500)
    assert np.array_equal(again.node()["strategy"], strategy)


def test_postflop_bad_spots_raise_with_the_field():
    with pytest.raises(ponder.PonderError, match="oop_range"):
        ponder.PostflopSolver({**SPOT, "oop_range": "AA,KK:2"})
    with pytest.raises(ponder.PonderError, match="unknown field"):
        ponder.PostflopSolver({**SPOT, "stack": 3})
    with pytest.raises(ponder.PonderError, match="3:"):
        ponder.PostflopSolver('board = "Td9d6h"\noop_range = "AA"\nip_range = 7\n')
    with pytest.raises(ponder.PonderError):
        ponder.PostflopSolver(SPOT, max_memory=1000)
    with pytest.raises(ponder.PonderError, match="check_every"):
        ponder.PostflopSolver(SPOT).solve(check_every=0)
