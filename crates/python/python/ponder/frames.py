"""pandas views of ponder results (pandas is optional: ``pip install pandas``)."""

from __future__ import annotations

from typing import Any, Dict


def node_frame(node: Dict[str, Any]):
    """A ``PostflopSolver.node()`` result as a pandas DataFrame: one row per hand (class, category,
    weight, equity, EV) and one column per action's frequency and EV."""
    import pandas as pd

    frame = pd.DataFrame(
        {
            "hand": node["hands"],
            "class": node["classes"],
            "category": node["categories"],
            "weight": node["weights"],
            "equity": node["equity"],
            "ev": node["ev"],
        }
    )
    strategy, action_evs = node["strategy"], node["action_evs"]
    for column, action in enumerate(node["actions"]):
        if strategy.shape[1] == len(node["actions"]):
            frame[action] = strategy[:, column]
        if action_evs.shape[1] == len(node["actions"]):
            frame[f"ev {action}"] = action_evs[:, column]
    return frame.set_index("hand")
