"""A village's figures for a campaign: how far its review is (households per review state), and
the totals a township submits and the county signs.

The totals come from the same SQL aggregates as the county's tables (server/reports/queries.py:
households and people, by main cause, per line, per monitoring type), so a signed village adds up
to what the tables print for it; the income sums are one more aggregate here. Nothing here writes.
"""

from datetime import UTC, datetime

from sqlalchemy import and_, case, func, or_, select

from server.domain import money
from server.extensions import db
from server.models import Area, Household, VillageSubmission
from server.reports import queries as report_queries
from server.reports.catalog import MONITORING_TYPES, OTHER_CAUSE, PRIORITY_GROUPS

DECIDED = ("approved", "accepted")  # a household the township has decided (and the county may)
UNDECIDED_LABELS = {
    "draft": "未提交",
    "submitted": "待审核",
    "held": "存疑待核实",
    "returned": "已退回",
}


def progress(campaign_id: int, village_ids) -> dict[int, dict]:
    """{village id: {"states": {state: households}, "households", "conflicts"}} of the live
    households of the campaign in those villages, in one GROUP BY."""
    village_ids = list(village_ids)
    out: dict[int, dict] = {v: {"states": {}, "households": 0, "conflicts": 0} for v in village_ids}
    if not village_ids:
        return out
    query = (
        select(
            Household.village_id,
            Household.review_state,
            func.count(),
            func.sum(case((Household.conflict_open.is_(True), 1), else_=0)),
        )
        .where(
            Household.campaign_id == campaign_id,
            Household.deleted.is_(False),
            Household.village_id.in_(village_ids),
        )
        .group_by(Household.village_id, Household.review_state)
    )
    for village_id, state, count, conflicts in db.session.execute(query):
        row = out[village_id]
        row["states"][state] = count
        row["households"] += count
        row["conflicts"] += int(conflicts or 0)
    return out


def blocking(figures: dict) -> list[str]:
    """What keeps a village from being submitted or accepted, in words ("3 户未审核（…）")."""
    states = figures["states"]
    undecided = {s: n for s, n in states.items() if s not in DECIDED and n}
    out = []
    if undecided:
        parts = "、".join(
            f"{n} 户{UNDECIDED_LABELS.get(s, s)}" for s, n in sorted(undecided.items(), key=_order)
        )
        out.append(f"{sum(undecided.values())} 户未审核（{parts}）")
    if figures["conflicts"]:
        out.append(f"{figures['conflicts']} 户有未处理的冲突")
    return out


def _order(item):
    return list(UNDECIDED_LABELS).index(item[0]) if item[0] in UNDECIDED_LABELS else 99


def reopened(campaign_id: int, village_ids) -> dict[int, dict[str, int]]:
    """For accepted villages: {village id: {"reopened", "added"}}: the households that are not
    accepted or were changed since the county accepted the village (a record reopened, edited,
    decided and accepted again one by one is still not what was signed), told apart by whether
    they existed when it was accepted. A verdict recomputed after a line changed is no change of
    a record: it moves no `updated_at`."""
    village_ids = list(village_ids)
    if not village_ids:
        return {}
    vs = VillageSubmission
    added = Household.created_at > vs.decided_at
    changed = or_(Household.review_state != "accepted", Household.updated_at > vs.decided_at)
    query = (
        select(
            Household.village_id,
            func.sum(case((added, 0), else_=1)),
            func.sum(case((added, 1), else_=0)),
        )
        .join(
            vs,
            and_(vs.campaign_id == Household.campaign_id, vs.village_id == Household.village_id),
        )
        .where(
            Household.campaign_id == campaign_id,
            Household.village_id.in_(village_ids),
            Household.deleted.is_(False),
            changed,
            vs.state == "accepted",
        )
        .group_by(Household.village_id)
    )
    return {
        v: {"reopened": int(r or 0), "added": int(a or 0)} for v, r, a in db.session.execute(query)
    }


def snapshot(campaign, village: Area) -> dict:
    """The village's totals now, over its decided households: what is submitted and signed."""
    states = DECIDED
    figures = report_queries.summary_figures(campaign.id, village, states, None, False)
    row = figures.get(village.id) or []
    households, people = (row[0], row[1]) if row else (0, 0)
    causes = {}
    named = [*report_queries.NAMED_CAUSES, OTHER_CAUSE]
    for i, cause in enumerate(named):
        pair = row[2 + 2 * i : 4 + 2 * i] if row else [0, 0]
        if pair and pair[0]:
            causes[cause] = {"households": pair[0], "people": pair[1]}
    groups = row[2 + 2 * len(named) :] if row else []
    lines = {}
    for line in campaign.lines or []:
        per_line = report_queries.summary_figures(campaign.id, village, states, line["key"], False)
        pair = (per_line.get(village.id) or [0, 0])[:2]
        lines[line["key"]] = {
            "label": line["label"],
            "comparison": line["comparison"],
            "amount": line["amount"],
            "households": pair[0],
            "people": pair[1],
        }
    monitoring_row = (
        report_queries.monitoring_figures(campaign.id, village, states).get(village.id) or []
    )
    monitoring = {
        kind: {"households": monitoring_row[2 + 2 * i], "people": monitoring_row[3 + 2 * i]}
        for i, kind in enumerate(MONITORING_TYPES)
        if monitoring_row and monitoring_row[2 + 2 * i]
    }
    return {
        "households": households,
        "people": people,
        "lines": lines,
        "causes": causes,
        "groups": {label: n for (_, label, _), n in zip(PRIORITY_GROUPS, groups, strict=False)},
        "monitoring": monitoring,
        **_income(campaign.id, village.id, states),
        "taken_at": datetime.now(UTC).isoformat(),
    }


def _income(campaign_id: int, village_id: int, states) -> dict:
    """The sums of income over the households counted, and the per-capita figure of them all."""
    query = select(
        func.sum(Household.annual_income),
        func.sum(Household.net_income),
        func.sum(Household.per_capita_net_income),
        func.sum(case((Household.exit_eligible.is_(True), 1), else_=0)),
        func.sum(Household.household_size),
    ).where(
        Household.campaign_id == campaign_id,
        Household.village_id == village_id,
        Household.deleted.is_(False),
        Household.review_state.in_(list(states)),
    )
    annual, net, per_capita, exit_eligible, people = db.session.execute(query).one()
    sums = [money.to_str(money.parse_or_zero(v)) for v in (annual, net, per_capita)]
    average = money.to_str(money.parse_or_zero(net) / people) if people else None
    return {
        "annual_income": sums[0],
        "net_income": sums[1],
        "per_capita_sum": sums[2],
        "per_capita_average": average,
        "exit_eligible": int(exit_eligible or 0),
    }


def comparable(snapshot_: dict) -> dict:
    """A snapshot without when it was taken: two snapshots of unchanged figures are equal."""
    return {k: v for k, v in snapshot_.items() if k != "taken_at"}
