"""A table's context: its title, parameters and rows, built from the SQL aggregates.

The context is plain data (str, int, lists), the one thing both views print, so the PDF and the
workbook cannot disagree, and the tests check the numbers without rendering anything.
Rows go township by township, each township's villages then its 小计; the county's 合计 closes
the table (or opens it, `total_first`). Every 小计 and 合计 is the sum of the rows above it
(`rows.by_village`); each family of tables builds its own rows (`annexes`, `distributions`,
`incomes`, `guarantees`, `progress`).
"""

from dataclasses import replace

from sqlalchemy import select

from server.core import clock
from server.core.errors import ApiError
from server.domain import lines
from server.domain.areacodes import LEVEL_WORDS
from server.domain.workflow import STATE_LABELS, STATES
from server.extensions import db
from server.models import Area, Campaign
from server.reports import annexes, distributions, guarantees, incomes, progress, queries
from server.reports.catalog import DEFAULT_STATES, DOCUMENTS, TABLES, line_for
from server.reports.rows import Request

COUNTY_LEVELS = ("county", "township")
# kind -> (the levels it is printed for, the function that builds its rows)
KINDS = {
    "summary": (COUNTY_LEVELS, annexes.summary),
    "monitoring": (COUNTY_LEVELS, annexes.summary),
    "list": (("village", "township", "county"), annexes.household_list),
    "causes": (COUNTY_LEVELS, distributions.causes),
    "people": (COUNTY_LEVELS, distributions.people),
    "bands": (COUNTY_LEVELS, incomes.bands),
    "composition": (COUNTY_LEVELS, incomes.composition),
    "guarantees": (COUNTY_LEVELS, guarantees.gaps),
    "progress": (COUNTY_LEVELS, progress.progress),
}
AREA_LEVELS = {kind: levels for kind, (levels, _) in KINDS.items()}
ALL_STATES_KINDS = frozenset({"progress"})  # counts every record, state by state


def check_format(request: Request, fmt: str) -> None:
    """A county's household list runs to tens of thousands of rows: a workbook, not paper."""
    if fmt == "pdf" and request.table.kind == "list" and request.area.level == "county":
        raise ApiError(422, "参数有误", "invalid", {"format": ["全县明细表行数过多，请导出Excel"]})


def levels_of(entry) -> tuple[str, ...]:
    """The area levels a table (by its kind) or a document for people (its own) is printed for."""
    return getattr(entry, "levels", None) or AREA_LEVELS[entry.kind]


def check(name: str, campaign_id: int, area_code: str, states=None, total_first=False) -> Request:
    """The parameters found and checked (422 with the field's message), before any work: what a
    job builds from, and what the kept document's data version reads."""
    table = TABLES.get(name) or DOCUMENTS.get(name)
    if table is None:
        raise ApiError(404, "没有这张报表", "report_unknown")
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise ApiError(422, "参数有误", "invalid", {"campaign": ["没有这个调查批次"]})
    area = db.session.scalar(select(Area).where(Area.code == area_code))
    if area is None:
        raise ApiError(422, "参数有误", "invalid", {"area": ["没有这个地区代码"]})
    levels = levels_of(table)
    if area.level not in levels:
        named = "、".join(LEVEL_WORDS[x] for x in levels)
        raise ApiError(422, "参数有误", "invalid", {"area": [f"这张表按{named}打印"]})
    # The states asked for; else those the campaign's tables count; else approved and accepted.
    states = tuple(states or campaign.report_states or DEFAULT_STATES)
    if not states or any(s not in STATES for s in states):
        raise ApiError(422, "参数有误", "invalid", {"states": ["审核状态有误"]})
    if table.kind in ALL_STATES_KINDS:
        states = tuple(STATES)
    line = _line(table, campaign) if name in TABLES else None
    today = clock.today()
    return Request(table, campaign, area, states, line, bool(total_first), today)


def build(
    name: str, campaign_id: int, area_code: str, states=None, total_first=False, stream=False
) -> dict:
    """The context of one table for one campaign, area and set of review states; `stream`: a
    household list's rows are an iterable read as it is consumed (a county's 100,000 households
    never sit in memory at once), else a list."""
    request = replace(check(name, campaign_id, area_code, states, total_first), stream=stream)
    table, campaign, area, states, line = (
        request.table,
        request.campaign,
        request.area,
        request.states,
        request.line,
    )
    _, rows_of = KINDS[table.kind]
    taken = clock.now()
    top, _ = queries.data_version(campaign.id, area)
    context = {
        "name": table.name,
        "kind": table.kind,
        "title": table.title.format(area=area.name),
        "unit": "户、人、元" if table.kind == "list" else table.unit,
        "parameters": {
            "campaign_id": campaign.id,
            "campaign": campaign.name,
            "area_code": area.code,
            "area": area.name,
            "states": list(states),
            "states_label": "、".join(STATE_LABELS[s] for s in states),
            "line": _line_words(table, line),
            "line_key": line["key"] if line else None,
            "total_first": bool(total_first),
            "taken_at": taken.strftime("%Y-%m-%d %H:%M"),
            "data_version": top,
        },
        "notes": [],
    }
    context.update(rows_of(request))
    return context


def _line(table, campaign) -> dict | None:
    """The campaign's line the table compares with: an annex's by its amount; the income bands'
    the exit line, else the monitoring line, else the first."""
    if table.kind == "bands":
        found = lines.by_purpose(campaign.lines, "exit") or lines.by_purpose(
            campaign.lines, "monitoring"
        )
        found = found or next(iter(campaign.lines or []), None)
        if found is None:
            raise ApiError(422, "参数有误", "invalid", {"campaign": ["该批次没有标准线"]})
        return found
    if table.amount is None:
        return None
    found = line_for(table, campaign.lines)
    if found is None:
        raise ApiError(
            422, "参数有误", "invalid", {"campaign": [f"该批次没有{table.amount}元的标准线"]}
        )
    return found


def _line_words(table, line: dict | None) -> str:
    if line is None:
        return ""
    if table.kind == "bands":
        return f"分段按{line['label']}（年人均纯收入{line['comparison']}{line['amount']}元）"
    return f"年人均纯收入{line['comparison']}{line['amount']}元（{line['label']}）"
