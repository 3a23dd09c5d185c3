"""Replays hold'em hands recorded by ponder in PokerKit and compares final stacks chip for chip.

Input: a JSON-lines file, one hand per line as written by ponder-holdem's `HandRecord` (seat numbers are
ponder's; the button is given). Output: one JSON object: {"hands": N, "mismatches": M, "examples": [...]}; with `--time` after the
file, also "hands_per_second" of the replays alone (used by `ponder bench holdem`).

PokerKit numbers players from the first seat left of the button (heads-up: the big blind first), so
ponder seat (button + 1 + i) % n is PokerKit player i.
"""

import json
import sys
import time

from pokerkit import Automation, NoLimitTexasHoldem

RANKS = "23456789TJQKA"
SUITS = "cdhs"

AUTOMATIONS = (
    Automation.ANTE_POSTING,
    Automation.BET_COLLECTION,
    Automation.BLIND_OR_STRADDLE_POSTING,
    Automation.CARD_BURNING,
    Automation.HOLE_CARDS_SHOWING_OR_MUCKING,
    Automation.HAND_KILLING,
    Automation.CHIPS_PUSHING,
    Automation.CHIPS_PULLING,
)


def card_text(card):
    if isinstance(card, str):
        return card
    return RANKS[card // 4] + SUITS[card % 4]


def replay(hand):
    config = hand["config"]
    n = len(config["stacks"])
    button = config["button"]
    seat_of = [(button + 1 + i) % n for i in range(n)]
    if n == 2:
        # PokerKit: heads-up, player 0 is the big blind and player 1 the button (small blind).
        seat_of = [(button + 1) % 2, button]
    blinds = (config["small_blind"], config["big_blind"])
    state = NoLimitTexasHoldem.create_state(
        AUTOMATIONS,
        True,
        config.get("ante", 0),
        blinds,
        config["big_blind"],
        tuple(config["stacks"][seat_of[i]] for i in range(n)),
        n,
    )
    deal = hand["deal"]
    for i in range(n):
        hole = deal["hole"][seat_of[i]]
        state.deal_hole(card_text(hole[0]) + card_text(hole[1]))
    board = [card_text(c) for c in deal["board"]]
    dealt = 0
    actions = list(hand["actions"])

    def deal_board_if_needed():
        nonlocal dealt
        while state.can_deal_board():
            count = 3 if dealt == 0 else 1
            state.deal_board("".join(board[dealt : dealt + count]))
            dealt += count

    deal_board_if_needed()
    for action in actions:
        if action == "fold":
            state.fold()
        elif action == "check_call":
            state.check_or_call()
        else:
            state.complete_bet_or_raise_to(action["raise_to"])
        deal_board_if_needed()
    deal_board_if_needed()
    if state.status:
        raise RuntimeError("PokerKit thinks the hand is still running")
    final = [0] * n
    for i in range(n):
        final[seat_of[i]] = state.stacks[i]
    return final


def main():
    hands = 0
    mismatches = 0
    examples = []
    replay_seconds = 0.0
    with open(sys.argv[1]) as lines:
        for line in lines:
            hand = json.loads(line)
            hands += 1
            try:
                start = time.perf_counter()
                final = replay(hand)
                replay_seconds += time.perf_counter() - start
                error = None
            except Exception as exc:  # noqa: BLE001 - any PokerKit refusal is a mismatch to report
                final, error = None, f"{type(exc).__name__}: {exc}"
            if final != hand["final_stacks"]:
                mismatches += 1
                if len(examples) < 5:
                    examples.append(
                        {"hand": hand, "pokerkit": final, "error": error}
                    )
    report = {"hands": hands, "mismatches": mismatches, "examples": examples}
    if "--time" in sys.argv[2:]:
        # Only the replays are timed (not reading the file), as the fair side of a throughput ratio.
        report["hands_per_second"] = hands / replay_seconds if replay_seconds > 0 else None
    print(json.dumps(report))


if __name__ == "__main__":
    main()
