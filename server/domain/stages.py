"""A campaign's stages and their deadlines: which one is running, how many days it has left, and
whether a village is behind.

A campaign's stages are data (`{"name", "due"}`, in order): a survey first, township review in the
middle, county acceptance last. What a stage asks of a household is its `goal`, a review state it
must have reached by the due date; a stage that names none takes it from its place: the first
stage asks every household to be submitted, the last (of two or more) to be accepted by the
county, any between to be approved by the township. A record is past a goal once it has reached
it or a later state: a held record (存疑待核实) has been submitted, a returned one has not.
"""

from dataclasses import dataclass
from datetime import date

GOALS = ("submitted", "approved", "accepted")
GOAL_LABELS = {"submitted": "全部提交", "approved": "全部乡镇审核", "accepted": "全部县级确认"}
# goal -> the review states that have reached it
REACHED = {
    "submitted": frozenset({"submitted", "held", "approved", "accepted"}),
    "approved": frozenset({"approved", "accepted"}),
    "accepted": frozenset({"accepted"}),
}


@dataclass(frozen=True)
class Stage:
    name: str
    due: date | None
    goal: str


@dataclass(frozen=True)
class Timing:
    """Where a campaign stands on `today`: the stage running (the first whose due date is today or
    later; the last one once every date has passed) and the days left to its due date (negative:
    that many days overdue)."""

    stage: Stage | None
    days_left: int | None
    passed: tuple[Stage, ...]  # the stages whose due date is before today

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def _due(text) -> date | None:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        return None


def stages(data: list[dict] | None) -> list[Stage]:
    """A campaign's stored stages, each with its goal."""
    rows = [s for s in data or [] if isinstance(s, dict)]
    out = []
    for i, row in enumerate(rows):
        goal = row.get("goal")
        if goal not in GOALS:
            if i == 0:
                goal = "submitted"
            elif i == len(rows) - 1:
                goal = "accepted"
            else:
                goal = "approved"
        out.append(Stage(str(row.get("name") or f"阶段{i + 1}"), _due(row.get("due")), goal))
    return out


def timing(data: list[dict] | None, today: date) -> Timing:
    dated = [s for s in stages(data) if s.due is not None]
    if not dated:
        return Timing(None, None, ())
    passed = tuple(s for s in dated if s.due < today)
    current = next((s for s in dated if s.due >= today), dated[-1])
    return Timing(current, (current.due - today).days, passed)


def behind(counts: dict[str, int], goal: str) -> int:
    """How many of the households counted by review state (`counts`) have not reached `goal`."""
    reached = REACHED[goal]
    return sum(n for state, n in counts.items() if state not in reached)


def is_overdue(counts: dict[str, int], passed: tuple[Stage, ...]) -> bool:
    """A village is overdue when a stage's due date has passed and some household of it has not
    reached that stage's goal."""
    return any(behind(counts, s.goal) for s in passed)
