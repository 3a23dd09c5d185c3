"""Loads PHH files with PokerKit and checks that its final stacks equal each file's finishing_stacks.

Usage: python pokerkit_phh.py FILE.phh [FILE.phh ...]
Output: one JSON object: {"hands": N, "mismatches": M, "examples": [...], "players": [...]}, where
"players" holds each file's `players` field as PokerKit read it (null when absent).
"""

import json
import sys

from pokerkit import HandHistory


def main():
    hands = 0
    mismatches = 0
    examples = []
    players = []
    for path in sys.argv[1:]:
        with open(path, "rb") as file:
            history = HandHistory.load(file)
        hands += 1
        players.append(None if history.players is None else list(history.players))
        try:
            state = None
            for state in history:
                pass
            final = list(state.stacks)
            error = None
        except Exception as exc:  # noqa: BLE001 - any refusal is a mismatch to report
            final, error = None, f"{type(exc).__name__}: {exc}"
        if final != list(history.finishing_stacks):
            mismatches += 1
            if len(examples) < 5:
                examples.append({"file": path, "pokerkit": final, "error": error})
    print(
        json.dumps(
            {"hands": hands, "mismatches": mismatches, "examples": examples, "players": players}
        )
    )


if __name__ == "__main__":
    main()
