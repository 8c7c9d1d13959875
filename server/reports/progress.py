"""The campaign's progress per village: records in each review state, against its stages' due dates.

Every record counts, whatever its state. A campaign's stages are names and dates set by the county
(入户调查 → 乡镇审核 → 县级验收; the look-back's four), so each is measured by position: the
first by the households visited, the last by those the county accepted, the ones between by those
submitted and then approved (three stages: visited, approved, accepted). A village is behind
(滞后) when a stage's due date has passed and not every household has reached it.
"""

from datetime import date

from sqlalchemy import func, select

from server.domain.workflow import STATE_LABELS, STATES
from server.models import Household
from server.reports import queries
from server.reports.rows import LEAD, Request, by_village, column, share

# measure -> (words, the review states that have reached it; None: visited, whatever the state)
MEASURES = {
    "visited": ("已走访", None),
    "submitted": ("已提交", ("submitted", "approved", "accepted")),
    "approved": ("乡镇已审核", ("approved", "accepted")),
    "accepted": ("县级已确认", ("accepted",)),
}
ORDER = tuple(MEASURES)


def measure_of(position: int, stages: int) -> str:
    """The measure of the stage at `position` of `stages`: spread from visited to accepted."""
    if stages <= 1:
        return "accepted"
    return ORDER[round(position * (len(ORDER) - 1) / (stages - 1) + 1e-9)]


def progress(request: Request) -> dict:
    stages = [s for s in request.campaign.stages or [] if s.get("name") and s.get("due")]
    # raw: total, visited, then each review state
    figures = [func.count(), queries.count_if(Household.visit_date.is_not(None))]
    figures += [queries.count_if(Household.review_state == state) for state in STATES]
    query = (
        select(Household.village_id, *figures)
        .where(queries.counted(request.campaign.id, request.area, STATES))
        .group_by(Household.village_id)
    )
    columns = [column(None, "总户数"), column(None, "已走访")]
    columns += [column("审核状态", STATE_LABELS[state]) for state in STATES]
    measured = [(stage, measure_of(i, len(stages))) for i, stage in enumerate(stages)]
    for stage, measure in measured:
        head = f"{stage['name']}（{_day(stage['due'])}前）"
        done = len(columns)
        columns += [
            column(head, f"{MEASURES[measure][0]}（户）"),
            column(head, "完成率（%）", "percent", ("percent", done, 0)),
        ]
    columns.append(column(None, "进度", "text"))

    def present(raw: list[int]) -> list:
        total, visited, *by_state = raw
        counts = dict(zip(STATES, by_state, strict=True))
        out = [total, visited, *by_state]
        reached = []
        for stage, measure in measured:
            n = _reached(measure, visited, counts)
            reached.append((stage, n))
            out += [n, share(n, total)]
        return [*out, _status(total, reached, request.today)]

    rows = by_village(
        request.area,
        queries.per_village(query),
        2 + len(STATES),
        present,
        total_first=request.total_first,
    )
    notes = [
        "计入本批次的全部记录（不论审核状态）；各阶段完成户数："
        + "；".join(f"{stage['name']}按{MEASURES[m][0]}计" for stage, m in measured),
        f"进度按统计之日（{request.today:%Y-%m-%d}）判断：截止日期已过而未全部完成的阶段为“滞后”",
    ]
    return {"lead": LEAD, "columns": columns, "rows": rows, "notes": notes}


def _reached(measure: str, visited: int, counts: dict[str, int]) -> int:
    states = MEASURES[measure][1]
    return visited if states is None else sum(counts[s] for s in states)


def _status(total: int, reached: list[tuple[dict, int]], today: date) -> str:
    if not total:
        return "—"
    if all(n == total for _, n in reached):
        return "已完成"
    late = [stage["name"] for stage, n in reached if n < total and _due(stage) < today]
    return f"滞后：{late[0]}" if late else "按期"


def _due(stage: dict) -> date:
    return date.fromisoformat(str(stage["due"])[:10])


def _day(due) -> str:
    d = date.fromisoformat(str(due)[:10])
    return f"{d.year}年{d.month}月{d.day}日"
