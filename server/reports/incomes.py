"""Income tables of all households surveyed: per-capita net income in bands around the campaign's
line, and where the income comes from (the four groups of section C as shares of 年收入).

Bands follow the line's own word at both boundaries (`domain.lines.income_band`): for the exit
line "超过4000元", 4000 itself is below it and 6000 itself in the middle band. Money is summed in
fen in the database and printed in yuan; a share or a per-capita figure is worked out from its
row's sums, so a 小计's share is the township's, not a sum of its villages'.
"""

from decimal import Decimal

from sqlalchemy import and_, func, not_, select

from server.domain import lines
from server.models import Household
from server.reports import queries
from server.reports.rows import LEAD, Request, by_village, column, per, share, yuan

_SQL = {">=": "__ge__", "<=": "__le__", ">": "__gt__", "<": "__lt__"}
GROUPS = (
    ("wage_income", "工资性收入"),
    ("business_income", "生产经营性收入"),
    ("property_income", "财产性收入"),
    ("transfer_income", "转移性收入"),
)


def _side(line: dict):
    """The SQL condition of a stored per-capita income (two places) being on the line's side."""
    operator = _SQL[lines.COMPARISONS[line["comparison"]]]
    return getattr(Household.per_capita_net_income, operator)(Decimal(str(line["amount"])))


def bands(request: Request) -> dict:
    below = request.line | {"comparison": lines.below_word(request.line)}
    upper = lines.scaled(below, lines.BAND_FACTOR)
    known = Household.per_capita_net_income.is_not(None)
    conditions = [
        and_(known, _side(below)),
        and_(known, not_(_side(below)), _side(upper)),
        and_(known, not_(_side(upper))),
    ]
    columns = [func.count(), func.sum(Household.household_size)]
    for condition in conditions:
        columns += queries.pair(condition)
    columns.append(queries.count_if(Household.per_capita_net_income.is_(None)))
    query = (
        select(Household.village_id, *columns)
        .where(queries.counted(request.campaign.id, request.area, request.states))
        .group_by(Household.village_id)
    )
    amount, top = request.line["amount"], upper["amount"]
    heads = [
        lines.phrase(below["comparison"], amount),
        f"{lines.phrase(lines.OTHER_SIDE[below['comparison']], amount)}至"
        f"{lines.phrase(below['comparison'], top)}",
        lines.phrase(lines.OTHER_SIDE[below["comparison"]], top),
    ]
    out = [column("合计", "户"), column("合计", "人")]
    for head in heads:
        out += [column(head, "户"), column(head, "人")]
    out.append(column(None, "无法计算人均（户）"))
    rows = by_village(
        request.area, queries.per_village(query), len(out), total_first=request.total_first
    )
    notes = [
        "计入调查的全部农户；年人均纯收入按四舍五入到分的金额比较，分段界线按标准线的比较用语",
        "无法计算人均：家庭人口为0的户",
    ]
    return {"lead": LEAD, "columns": out, "rows": rows, "notes": notes}


def composition(request: Request) -> dict:
    h = Household
    figures = [func.count(), func.sum(h.household_size), queries.fen(h.annual_income)]
    figures += [queries.fen(getattr(h, key)) for key, _ in GROUPS]
    figures += [queries.fen(h.annual_income) - queries.fen(h.net_income), queries.fen(h.net_income)]
    query = (
        select(h.village_id, *figures)
        .where(queries.counted(request.campaign.id, request.area, request.states))
        .group_by(h.village_id)
    )
    # printed: 户, 人, 年收入, then each group (元, 占比), 生产经营性支出, 纯收入, 人均纯收入
    columns = [column(None, "户数"), column(None, "人数"), column(None, "年收入（元）", "money")]
    for i, (_, label) in enumerate(GROUPS):
        amount = 3 + 2 * i
        columns += [
            column(label, "金额（元）", "money"),
            column(label, "占年收入（%）", "percent", ("percent", amount, 2)),
        ]
    columns += [
        column(None, "生产经营性支出（元）", "money"),
        column(None, "家庭纯收入（元）", "money"),
        column(None, "人均纯收入（元）", "money", ("per", 12, 1)),
    ]

    def present(raw: list[int]) -> list:
        households, people, annual, *groups, cost, net = raw
        out = [households, people, yuan(annual)]
        for amount in groups:
            out += [yuan(amount), share(yuan(amount), yuan(annual))]
        return [*out, yuan(cost), yuan(net), per(yuan(net), people)]

    rows = by_village(
        request.area, queries.per_village(query), 9, present, total_first=request.total_first
    )
    notes = [
        "计入调查的全部农户；年收入＝工资性、生产经营性、财产性、转移性收入之和",
        "占比与人均纯收入按本行合计数计算（四舍五入到0.01），不是下级数的相加",
    ]
    return {"lead": LEAD, "columns": columns, "rows": rows, "notes": notes}
