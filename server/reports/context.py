"""A table's context: its title, parameters and rows, built from the SQL aggregates.

The context is plain data (str, int, lists), the one thing both views print, so the PDF and the
workbook cannot disagree, and the tests check the numbers without rendering anything.
Rows go township by township, each township's villages then its 小计; the county's 合计 closes
the table (or opens it, `total_first`). Every 小计 and 合计 is the sum of the rows above it.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from server.core.errors import ApiError
from server.domain import idcard, money
from server.domain.workflow import STATE_LABELS, STATES
from server.extensions import db
from server.models import Area, Campaign
from server.reports import queries
from server.reports.catalog import (
    CAUSES,
    DEFAULT_STATES,
    DOCUMENTS,
    MONITORING_TYPES,
    NOT_COUNTED_GROUPS,
    PRIORITY_GROUPS,
    TABLES,
    Table,
    line_for,
)

AREA_LEVELS = {
    "summary": ("county", "township"),
    "monitoring": ("county", "township"),
    "list": ("village",),
}


@dataclass(frozen=True)
class Request:
    """The parameters of one document, checked: what a job may build without failing on them."""

    table: Table
    campaign: Campaign
    area: Area
    states: tuple[str, ...]
    line: dict | None


def levels_of(entry) -> tuple[str, ...]:
    """The area levels a table (by its kind) or a document for people (its own) is printed for."""
    return getattr(entry, "levels", None) or AREA_LEVELS[entry.kind]


def check(name: str, campaign_id: int, area_code: str, states=None) -> Request:
    """The parameters found and checked (422 with the field's message), before any work."""
    table = TABLES.get(name) or DOCUMENTS.get(name)
    if table is None:
        raise ApiError(404, "没有这张报表", "report_unknown")
    area_levels = levels_of(table)
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise ApiError(422, "参数有误", "invalid", {"campaign": ["没有这个调查批次"]})
    area = db.session.scalar(select(Area).where(Area.code == area_code))
    if area is None:
        raise ApiError(422, "参数有误", "invalid", {"area": ["没有这个地区代码"]})
    if area.level not in area_levels:
        levels = "、".join(
            {"county": "县", "township": "乡镇", "village": "村"}[x] for x in area_levels
        )
        raise ApiError(422, "参数有误", "invalid", {"area": [f"这张表按{levels}打印"]})
    # The states asked for; else those the campaign's tables count; else approved and accepted.
    states = tuple(states or campaign.report_states or DEFAULT_STATES)
    if not states or any(s not in STATES for s in states):
        raise ApiError(422, "参数有误", "invalid", {"states": ["审核状态有误"]})
    line = None
    if getattr(table, "amount", None) is not None:
        line = line_for(table, campaign.lines)
        if line is None:
            raise ApiError(
                422, "参数有误", "invalid", {"campaign": [f"该批次没有{table.amount}元的标准线"]}
            )
    return Request(table, campaign, area, states, line)


def build(name: str, campaign_id: int, area_code: str, states=None, total_first=False) -> dict:
    """The context of one table for one campaign, area and set of review states."""
    checked = check(name, campaign_id, area_code, states)
    table, campaign, area = checked.table, checked.campaign, checked.area
    states, line = checked.states, checked.line
    top, _ = queries.data_version(campaign.id, area)
    context = {
        "name": table.name,
        "kind": table.kind,
        "title": table.title.format(area=area.name),
        "unit": "户、人、元" if table.kind == "list" else "户、人",
        "parameters": {
            "campaign_id": campaign.id,
            "campaign": campaign.name,
            "area_code": area.code,
            "area": area.name,
            "states": list(states),
            "states_label": "、".join(STATE_LABELS[s] for s in states),
            "line": f"年人均纯收入{line['comparison']}{line['amount']}元（{line['label']}）"
            if line
            else "",
            "line_key": line["key"] if line else None,
            "total_first": bool(total_first),
            "taken_at": datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M"),
            "data_version": top,
        },
        "notes": [],
    }
    if table.kind == "list":
        context.update(_list(table, campaign.id, area, states, line))
    else:
        context.update(_summary(table, campaign, area, states, line, total_first))
    return context


def _summary(table: Table, campaign, area, states, line, total_first) -> dict:
    if table.kind == "monitoring":
        figures = queries.monitoring_figures(campaign.id, area, states)
        columns = [("三类对象合计", "户"), ("三类对象合计", "人")]
        for kind in MONITORING_TYPES:
            columns += [(kind, "户"), (kind, "人")]
        notes = ["累计消除风险、未消除风险与风险消除率：风险消除的记录尚未随户存储，本表不计"]
    else:
        figures = queries.summary_figures(
            campaign.id, area, states, line["key"], table.registered_only
        )
        columns = [("合计", "户"), ("合计", "人")]
        for cause in CAUSES:
            columns += [(cause, "户"), (cause, "人")]
        columns += [("其中重点人群户数", label) for _, label, _ in PRIORITY_GROUPS]
        notes = ["“其他”含未填写主要原因的户", f"重点人群中{NOT_COUNTED_GROUPS}"]
    width = len(columns)
    rows, total, number = [], [0] * width, 0
    by_township: dict[int, list] = {}
    for township, village in queries.villages_in(area):
        by_township.setdefault(township.id, [township, []])[1].append(village)
    for township, villages in by_township.values():
        subtotal = [0] * width
        for village in villages:
            number += 1
            values = figures.get(village.id, [0] * width)
            subtotal = [a + b for a, b in zip(subtotal, values, strict=True)]
            rows.append(
                {
                    "kind": "village",
                    "lead": [str(number), township.name, village.name],
                    "values": values,
                }
            )
        rows.append({"kind": "subtotal", "lead": ["", township.name, "小计"], "values": subtotal})
        total = [a + b for a, b in zip(total, subtotal, strict=True)]
    total_row = {"kind": "total", "lead": ["", "合计", ""], "values": total}
    rows = [total_row, *rows] if total_first else [*rows, total_row]
    return {
        "lead": ["序号", "乡镇", "村"],
        "columns": [{"group": g, "label": label, "format": "count"} for g, label in columns],
        "rows": rows,
        "notes": notes,
    }


def _list(table: Table, campaign_id: int, area, states, line) -> dict:
    """A village's households: ID numbers masked, as on anything posted."""
    township = db.session.get(Area, area.parent_id)
    people = households = 0
    rows = []
    for n, row in enumerate(
        queries.household_list(campaign_id, area, states, line["key"], table.registered_only), 1
    ):
        (_, group, number, head, id_number, size, per_capita, cause, attribute, status) = row
        per_capita = (
            None if per_capita is None else money.to_str(money.quantize(Decimal(per_capita)))
        )
        rows.append(
            {
                "kind": "household",
                "lead": [
                    str(n),
                    township.name,
                    area.name,
                    group or "",
                    head or "",
                    idcard.mask(id_number) if id_number else "",
                ],
                "values": [
                    int(size or 0),
                    per_capita or "",
                    cause or "",
                    attribute or "",
                    _priority(attribute),
                    status or "",
                ],
            }
        )
        households += 1
        people += int(size or 0)
    rows.append(
        {
            "kind": "total",
            "lead": ["", "合计", f"{households}户", "", "", ""],
            "values": [people, "", "", "", "", ""],
        }
    )
    return {
        "lead": ["序号", "乡镇", "村", "组", "户主姓名", "身份证号"],
        "columns": [
            {"group": None, "label": "家庭人口", "format": "count"},
            {"group": None, "label": "年人均纯收入（元）", "format": "money"},
            {"group": None, "label": "主要致贫/返贫原因", "format": "text"},
            {"group": None, "label": "属性", "format": "text"},
            {"group": None, "label": "重点人群", "format": "text"},
            {"group": None, "label": "备注（户类别）", "format": "text"},
        ],
        "rows": rows,
        "notes": [f"重点人群只列低保、特困供养；{NOT_COUNTED_GROUPS}", "身份证号已隐去中间十位"],
    }


def _priority(attribute: str | None) -> str:
    return next((label for _, label, a in PRIORITY_GROUPS if a == attribute), "")
