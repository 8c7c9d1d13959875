"""The look-back's annexes 2–6 and the monitoring summary: summaries by village, a village's list.

A summary counts 户 and 人 by main cause and the priority groups the stored columns know; annexes
4–6 count the households below their line, annexes 2 and 3 those the questionnaire records as
taken back after an exit (返贫) or found outside the register (新识别).
"""

from decimal import Decimal

from server.domain import idcard, money
from server.reports import queries
from server.reports.catalog import CAUSES, MONITORING_TYPES, NOT_COUNTED_GROUPS, PRIORITY_GROUPS
from server.reports.rows import LEAD, Request, by_village, column


def summary(request: Request) -> dict:
    table, campaign, area, states = request.table, request.campaign, request.area, request.states
    if table.kind == "monitoring":
        figures = queries.monitoring_figures(campaign.id, area, states)
        columns = [column("三类对象合计", "户"), column("三类对象合计", "人")]
        for kind in MONITORING_TYPES:
            columns += [column(kind, "户"), column(kind, "人")]
        notes = ["累计消除风险、未消除风险与风险消除率：风险消除的记录尚未随户存储，本表不计"]
    else:
        line_key = request.line["key"] if request.line else None
        figures = queries.summary_figures(
            campaign.id, area, states, line_key, table.registered_only, table.change
        )
        columns = [column("合计", "户"), column("合计", "人")]
        for cause in CAUSES:
            columns += [column(cause, "户"), column(cause, "人")]
        columns += [column("其中重点人群户数", label) for _, label, _ in PRIORITY_GROUPS]
        notes = ["“其他”含未填写主要原因的户", f"重点人群中{NOT_COUNTED_GROUPS}"]
        if table.change:
            notes.insert(0, _WHO[table.change])
    rows = by_village(area, figures, len(columns), total_first=request.total_first)
    return {"lead": LEAD, "columns": columns, "rows": rows, "notes": notes}


_WHO = {
    "返贫": "计入：户状态为未脱贫、本次纳入类型为“返贫”（已脱贫后返贫、重新纳入扶持）的户",
    "新识别": "计入：户状态为未脱贫、本次纳入类型为“新识别”（建档立卡以外新识别纳入）的户",
}


def household_list(request: Request) -> dict:
    """The households of a village, a township or the county, village by village: ID numbers
    masked, as on anything posted."""
    table = request.table
    listed = HouseholdRows(request)
    rows = listed if request.stream else list(listed)
    notes = [f"重点人群只列低保、特困供养；{NOT_COUNTED_GROUPS}", "身份证号已隐去中间十位"]
    if table.change:
        notes.insert(0, _WHO[table.change])
    return {
        "lead": ["序号", "乡镇", "村", "组", "户主姓名", "身份证号"],
        "columns": [
            column(None, "家庭人口"),
            column(None, "年人均纯收入（元）", "money"),
            column(None, "主要致贫/返贫原因", "text"),
            column(None, "属性", "text"),
            column(None, "重点人群", "text"),
            column(None, "备注（户类别）", "text"),
        ],
        "rows": rows,
        "notes": notes,
    }


class HouseholdRows:
    """A household list's rows, then its 合计, read from the database as they are iterated, on a
    connection of their own (a job writes its progress meanwhile). Its length, counted first,
    is what a progress bar divides by."""

    def __init__(self, request: Request):
        table, area = request.table, request.area
        line_key = request.line["key"] if request.line else None
        self.names = queries.village_names(area)
        self.query = queries.household_list_query(
            request.campaign.id, area, request.states, line_key, table.registered_only, table.change
        )
        self.count = queries.count_of(self.query)

    def __len__(self) -> int:
        return self.count + 1  # and the 合计

    def __iter__(self):
        people = households = 0
        for n, row in enumerate(queries.streamed(self.query), 1):
            village_id, group, _, head, id_number, size, income, cause, attribute, status = row
            per_capita = "" if income is None else money.to_str(money.quantize(Decimal(income)))
            yield {
                "kind": "household",
                "lead": [
                    str(n),
                    *self.names[village_id],
                    group or "",
                    head or "",
                    idcard.mask(id_number) if id_number else "",
                ],
                "values": [
                    int(size or 0),
                    per_capita,
                    cause or "",
                    attribute or "",
                    _priority(attribute),
                    status or "",
                ],
            }
            households += 1
            people += int(size or 0)
        yield {
            "kind": "total",
            "lead": ["", "合计", f"{households}户", "", "", ""],
            "values": [people, "", "", "", "", ""],
        }


def _priority(attribute: str | None) -> str:
    return next((label for _, label, a in PRIORITY_GROUPS if a == attribute), "")
