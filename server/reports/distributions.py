"""Distributions of the register: households by main cause, and people by labour ability, health,
education and school status (the member projection, counted members only).

A person may have several health conditions, so the health columns may add up to more than the
people; education and school status are each filled for exactly one of a member's two.
"""

from sqlalchemy import select

from server.domain import flags, forms
from server.models import Household, Member
from server.reports import queries
from server.reports.catalog import CAUSES
from server.reports.rows import LEAD, Request, by_village, column

LABOUR = forms.options("annex1", "members", "labour")
EDUCATION = forms.options("annex1", "members", "education")
SCHOOL_OPTIONS = forms.options("annex1", "members", "school_status")
# The school years grouped as a county counts them: each option in exactly one group.
_MIDDLE = ("七年级", "八年级", "九年级")
SCHOOL_GROUPS = tuple(
    (group, tuple(o for o in SCHOOL_OPTIONS if test(o)))
    for group, test in (
        ("学龄前儿童", lambda o: o == "学龄前儿童"),
        ("学前教育", lambda o: o == "学前教育"),
        ("小学", lambda o: o.startswith("小学")),
        ("初中", lambda o: o in _MIDDLE),
        ("高中", lambda o: o.startswith("高中")),
        ("中职", lambda o: o.startswith("中职")),
        ("高职高专", lambda o: o.startswith("高职高专")),
        ("本科及以上", lambda o: o == "本科及以上"),
    )
)


def causes(request: Request) -> dict:
    """户 and 人 of the registered households by main cause (the annexes' columns, no line)."""
    figures = queries.summary_figures(request.campaign.id, request.area, request.states, None, True)
    width = 2 + 2 * len(CAUSES)
    figures = {village: values[:width] for village, values in figures.items()}
    columns = [column("合计", "户"), column("合计", "人")]
    for cause in CAUSES:
        columns += [column(cause, "户"), column(cause, "人")]
    rows = by_village(request.area, figures, width, total_first=request.total_first)
    notes = ["计入建档立卡户（未脱贫、已脱贫、脱贫不稳定户）", "“其他”含未填写主要原因的户"]
    return {"lead": LEAD, "columns": columns, "rows": rows, "notes": notes}


def people(request: Request) -> dict:
    figures = people_figures(
        request.campaign.id, request.area, request.states, request.table.registered_only
    )
    columns = [column(None, "人口合计")]
    columns += [column("劳动技能", label) for label in LABOUR]
    columns += [column("健康状况", label) for label in flags.HEALTH]
    columns += [column("文化程度（不在校）", label) for label in EDUCATION]
    columns += [column("在校生状况", group) for group, _ in SCHOOL_GROUPS]
    rows = by_village(request.area, figures, len(columns), total_first=request.total_first)
    notes = [
        "计入建档立卡户中计入家庭人口的成员",
        "健康状况可多选，各项之和可大于人口合计",
        "文化程度与在校生状况每人填写其一",
    ]
    return {"lead": LEAD, "columns": columns, "rows": rows, "notes": notes}


def people_figures(campaign_id, area, states, registered) -> dict[int, list[int]]:
    """Per village: counted members, then by labour, health, education and school group."""
    columns = [queries.count_if(Member.id.is_not(None))]
    columns += [queries.count_if(Member.labour == label) for label in LABOUR]
    columns += [
        queries.count_if(queries.has_bit(Member.health, flags.bit(flags.HEALTH, h)))
        for h in flags.HEALTH
    ]
    columns += [queries.count_if(Member.education == label) for label in EDUCATION]
    columns += [queries.count_if(Member.school_status.in_(group)) for _, group in SCHOOL_GROUPS]
    query = (
        select(Household.village_id, *columns)
        .join(Member, Member.household_id == Household.id)
        .where(queries.counted(campaign_id, area, states, registered=registered))
        .where(Member.counted.is_(True))
        .group_by(Household.village_id)
    )
    return queries.per_village(query)
