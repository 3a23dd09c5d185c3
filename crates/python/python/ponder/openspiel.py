"""Policies to and from OpenSpiel (``pip install open-spiel==2.0.2``).

ponder keys policies by its own information-state keys (``Game.infoset_keys()``); they equal OpenSpiel's
``information_state_string`` for Kuhn poker but not for every game (Leduc's ``'0-||'`` is OpenSpiel's
``'[Observer: 0][Private: 0][Round 1]...'``). Both games number actions and chance outcomes alike, so
the bridge goes through histories: each OpenSpiel state's ``history()`` leads ponder's tree to the same
information state (``Game.keys_at``). That works for every game the two share, whatever the keys look like.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple, Union

import numpy as np

from ponder._native import Game, Solver, load_game

PolicyDict = Dict[str, List[Tuple[int, float]]]


def load_openspiel_game(game: Union[Game, str]):
    """The OpenSpiel game for a ponder game (Goofspiel through OpenSpiel's turn-based wrapper)."""
    import pyspiel

    name = game.name if isinstance(game, Game) else load_game(game).name
    if name.startswith("goofspiel"):
        inner = name[len("goofspiel") :].strip("()")
        params = {}
        for item in filter(None, inner.split(",")):
            key, value = item.split("=")
            params[key] = int(value) if value.lstrip("-").isdigit() else value
        params.setdefault("imp_info", True)
        params.setdefault("points_order", "descending")
        params = {k: (v == "true" if v in ("true", "false") else v) for k, v in params.items()}
        return pyspiel.load_game_as_turn_based("goofspiel", params)
    return pyspiel.load_game(name)


def _policy_dict(policy: Union[PolicyDict, Solver]) -> Dict[str, Any]:
    return policy.average_policy() if isinstance(policy, Solver) else policy


def _ponder_keys(game: Game, tabular) -> List[str]:
    return game.keys_at([list(state.history()) for state in tabular.states])


def to_tabular_policy(
    policy: Union[PolicyDict, Solver], game: Game, openspiel_game=None
):
    """A ponder policy (dict, or a Solver's average policy) as an OpenSpiel ``TabularPolicy``."""
    from open_spiel.python import policy as openspiel_policy

    openspiel_game = openspiel_game or load_openspiel_game(game)
    tabular = openspiel_policy.TabularPolicy(openspiel_game)
    probabilities = game.policy_array(_policy_dict(policy))
    table = tabular.action_probability_array
    table[:] = 0.0
    for row, key in enumerate(_ponder_keys(game, tabular)):
        start, end = game.slots(key)
        table[row, game.legal_actions(key)] = probabilities[start:end]
    return tabular


def from_tabular_policy(tabular, game: Game) -> PolicyDict:
    """An OpenSpiel ``TabularPolicy`` (e.g. ``cfr.CFRSolver.average_policy()``) as a ponder policy dict."""
    table = np.asarray(tabular.action_probability_array)
    result: PolicyDict = {}
    for row, key in enumerate(_ponder_keys(game, tabular)):
        actions = game.legal_actions(key)
        result[key] = [(action, float(table[row, action])) for action in actions]
    return result


def openspiel_keyed(
    policy: Union[PolicyDict, Solver], game: Game, openspiel_game=None
) -> Dict[str, List[Tuple[int, float]]]:
    """A ponder policy keyed by OpenSpiel's information-state strings instead of ponder's keys."""
    from open_spiel.python import policy as openspiel_policy

    openspiel_game = openspiel_game or load_openspiel_game(game)
    tabular = openspiel_policy.TabularPolicy(openspiel_game)
    policy = _policy_dict(policy)
    probabilities = game.policy_array(policy)
    result = {}
    for state, key in zip(tabular.states, _ponder_keys(game, tabular)):
        start, end = game.slots(key)
        actions = game.legal_actions(key)
        result[state.information_state_string()] = list(
            zip(actions, (float(p) for p in probabilities[start:end]))
        )
    return result


def from_openspiel_keyed(
    policy: Dict[str, Any], game: Game, openspiel_game=None
) -> PolicyDict:
    """A policy keyed by OpenSpiel's information-state strings, re-keyed for ponder."""
    from open_spiel.python import policy as openspiel_policy

    openspiel_game = openspiel_game or load_openspiel_game(game)
    tabular = openspiel_policy.TabularPolicy(openspiel_game)
    keys = _ponder_keys(game, tabular)
    return {
        key: policy[state.information_state_string()]
        for state, key in zip(tabular.states, keys)
        if state.information_state_string() in policy
    }


__all__ = [
    "load_openspiel_game",
    "to_tabular_policy",
    "from_tabular_policy",
    "openspiel_keyed",
    "from_openspiel_keyed",
]
