"""The township dashboard: one row per village of a campaign, counted in one SQL aggregate.

Per village: the households in each review state (a draft split into 未入户 and 已入户未提交, as
`queue.state_clause` defines them), those with an open conflict, with plausibility warnings, with
errors, and below each of the campaign's lines; then, per township, the subtotal and, for the
county, the total. The campaign's timing (its running stage, the days left to its due date) comes
from `domain.stages`, and so does whether a village is overdue: a stage's due date has passed and
some household of the village has not reached that stage's goal. The aggregate reads the review
index alone (`ix_household_review`); nothing here reads a document.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select

from server.domain import stages
from server.extensions import db
from server.identity.access import visible_village_ids
from server.models import Area, Campaign, User
from server.review.filters import HH, QUEUE_STATES, Filters, below_clause, scope_of

COUNTS = (*QUEUE_STATES, "conflicts", "warnings", "errors")


@dataclass
class Row:
    """A village's counts, or a township's or the county's sums of them."""

    area_id: int | None
    name: str
    township: str = ""
    total: int = 0
    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    below: dict = field(default_factory=dict)
    overdue: bool = False
    reached: int = 0  # households past the running stage's goal

    @property
    def progress(self) -> int | None:
        """The share past the running stage's goal, in whole percent."""
        return None if not self.total else self.reached * 100 // self.total

    def add(self, other: "Row") -> None:
        self.total += other.total
        self.reached += other.reached
        for key, n in other.counts.items():
            self.counts[key] += n
        for key, n in other.below.items():
            self.below[key] = self.below.get(key, 0) + n
        self.overdue = self.overdue or other.overdue


@dataclass
class Township:
    row: Row
    villages: list[Row]


@dataclass
class Dashboard:
    campaign: Campaign | None
    lines: list[dict]
    timing: stages.Timing
    townships: list[Township]
    total: Row
    today: date

    @property
    def overdue_villages(self) -> int:
        return sum(v.overdue for t in self.townships for v in t.villages)


def _sum_when(condition):
    return func.sum(case((condition, 1), else_=0))


def village_counts(scope) -> dict[int, dict]:
    """{village id: {"total": n, each queue state: n, "conflicts", "warnings", "errors",
    "below_<n>": n}} of the scope's households.

    Grouped by village, review state and visit, in the review index's order (no sort): the
    states are the groups, so each row of the index feeds only the few sums that are not."""
    sums = {
        "conflicts": _sum_when(HH.c.conflict_open),
        "warnings": _sum_when(HH.c.warning_count > 0),
        "errors": _sum_when(HH.c.error_count > 0),
    }
    sums |= {f"below_{n}": _sum_when(below_clause(ln)) for n, ln in enumerate(scope.lines)}
    query = (
        select(
            HH.c.village_id,
            HH.c.review_state,
            HH.c.visited,
            func.count().label("n"),
            *(value.label(key) for key, value in sums.items()),
        )
        .where(*scope.where())
        .group_by(HH.c.village_id, HH.c.review_state, HH.c.visited)
    )
    out: dict[int, dict] = {}
    for row in db.session.execute(query).mappings():
        village = out.setdefault(
            row["village_id"], dict.fromkeys(("total", *QUEUE_STATES, *sums), 0)
        )
        state = row["review_state"]
        if state == "draft" and not row["visited"]:
            state = "not_visited"
        village["total"] += row["n"]
        village[state] = village.get(state, 0) + row["n"]
        for key in sums:
            village[key] += int(row[key] or 0)
    return out


def dashboard(user: User, campaign_id: int | None, today: date) -> Dashboard:
    """The dashboard of the villages `user` sees in a campaign (None: the current one)."""
    scope = scope_of(user, Filters(campaign=campaign_id))
    timing = stages.timing(scope.campaign.stages if scope.campaign else None, today)
    counts = village_counts(scope)
    township = Area.__table__.alias("township")
    villages = db.session.execute(
        select(Area.id, Area.name, township.c.id.label("tid"), township.c.name.label("tname"))
        .join(township, township.c.id == Area.parent_id)
        .where(Area.id.in_(sorted(visible_village_ids(user))))
        .order_by(township.c.code, Area.code)
    ).all()
    townships: dict[int, Township] = {}
    total = Row(None, "合计")
    for v in villages:
        row = _village_row(v, counts.get(v.id), scope.lines, timing)
        if v.tid not in townships:
            townships[v.tid] = Township(Row(v.tid, v.tname), [])
        townships[v.tid].villages.append(row)
        townships[v.tid].row.add(row)
        total.add(row)
    return Dashboard(scope.campaign, scope.lines, timing, list(townships.values()), total, today)


def _village_row(village, found: dict | None, lines: list[dict], timing: stages.Timing) -> Row:
    row = Row(village.id, village.name, village.tname)
    row.below = {ln["key"]: 0 for ln in lines}
    if not found:
        return row
    row.total = found["total"]
    row.counts = {key: int(found[key] or 0) for key in COUNTS}
    row.below = {ln["key"]: int(found[f"below_{n}"] or 0) for n, ln in enumerate(lines)}
    by_state = {s: row.counts[s] for s in QUEUE_STATES}
    row.overdue = stages.is_overdue(by_state, timing.passed)
    if timing.stage is not None:
        row.reached = row.total - stages.behind(by_state, timing.stage.goal)
    return row
