"""Where the demo's review stands: the exit review near its end, the look-back closed.

Villages move at their own pace, as in a county: most have been accepted by the county (a few
records still with the township or sent back), one village per township is still being reviewed,
and the demo surveyor's two villages are still being surveyed, so that her phone has drafts to fill
in, records waiting for the township and one sent back to her. Those two villages follow a fixed
pattern by household (the browser tests rely on each kind being there); the others are drawn.
"""

import random

DONE, REVIEWING, SURVEYING = "done", "reviewing", "surveying"

# state -> weight, for a village of each pace
WEIGHTS = {
    DONE: {"accepted": 82, "approved": 8, "submitted": 4, "returned": 2, "draft": 4},
    REVIEWING: {"accepted": 20, "approved": 30, "submitted": 30, "returned": 7, "draft": 13},
}
# (state, visited) of the n-th household of a village still being surveyed, n modulo 10
SURVEYING_PATTERN = (
    ("draft", False),
    ("submitted", True),
    ("draft", True),
    ("approved", True),
    ("draft", False),
    ("returned", True),
    ("submitted", True),
    ("draft", True),
    ("accepted", True),
    ("submitted", True),
)
RETURN_NOTES = (
    "务工收入与务工月数不符，请核实后重新提交",
    "家庭人口与户籍不一致，请核实成员变动",
    "缺少户主签字确认，请补充",
    "住房安全等级与现场照片不符，请复核",
)
# The closed look-back: everything accepted but a few the township approved last.
LOOKBACK_WEIGHTS = {"accepted": 95, "approved": 5}


def village_paces(tree: dict[int, list[tuple[int, str]]], surveyed: list[int]) -> dict[int, str]:
    """{village id: pace}: `surveyed` still being surveyed, the last village of each township
    still being reviewed, every other one done."""
    paces = {}
    for villages in tree.values():
        for i, (vid, _) in enumerate(villages):
            last = i == len(villages) - 1
            paces[vid] = SURVEYING if vid in surveyed else REVIEWING if last else DONE
    return paces


def exit_review_state(rng: random.Random, pace: str, n: int) -> tuple[str, bool, str | None]:
    """(review state, visited, review note) of the n-th household of a village at its pace."""
    if pace == SURVEYING:
        state, visited = SURVEYING_PATTERN[n % len(SURVEYING_PATTERN)]
    else:
        weights = WEIGHTS[pace]
        state = rng.choices(list(weights), list(weights.values()))[0]
        visited = state != "draft" or rng.random() < 0.5
    note = RETURN_NOTES[n % len(RETURN_NOTES)] if state == "returned" else None
    return state, visited, note


def lookback_state(rng: random.Random) -> str:
    return rng.choices(list(LOOKBACK_WEIGHTS), list(LOOKBACK_WEIGHTS.values()))[0]
