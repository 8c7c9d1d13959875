"""两不愁三保障 and safe drinking water: the households with each unmet item.

An item is unmet when it is answered no or left unanswered (`domain.verdicts`); basic medical
care and safe housing are worked out from the members' insurance and the house's grade. Drinking
water is unmet when any of its four checks is.
"""

from functools import reduce
from operator import or_

from sqlalchemy import select

from server.domain import flags
from server.domain.verdicts import GUARANTEES
from server.models import Household
from server.reports import queries
from server.reports.rows import LEAD, Request, by_village, column

ITEMS = (
    ("不愁吃", ("food_secure",)),
    ("不愁穿", ("clothing_secure",)),
    ("义务教育有保障", ("education_ok",)),
    ("基本医疗有保障", ("medical_ok",)),
    ("住房安全有保障", ("housing_ok",)),
    ("饮水安全有保障", flags.WATER),
)
WATER_CHECKS = (
    ("水量达标", "water_quantity_ok"),
    ("水质达标", "water_quality_ok"),
    ("取水方便", "water_convenient_ok"),
    ("供水有保证", "water_reliable_ok"),
)


def _bits(keys) -> int:
    return reduce(or_, (flags.bit(GUARANTEES, key) for key in keys))


def gaps(request: Request) -> dict:
    unmet = Household.unmet_guarantees
    figures = queries.pair(queries.has_bit(unmet, _bits(GUARANTEES)))
    for _, keys in ITEMS:
        figures += queries.pair(queries.has_bit(unmet, _bits(keys)))
    figures += [queries.count_if(queries.has_bit(unmet, _bits((k,)))) for _, k in WATER_CHECKS]
    query = (
        select(Household.village_id, *figures)
        .where(queries.counted(request.campaign.id, request.area, request.states))
        .group_by(Household.village_id)
    )
    columns = [column("未达标户合计", "户"), column("未达标户合计", "人")]
    for label, _ in ITEMS:
        columns += [column(f"{label}未达标", "户"), column(f"{label}未达标", "人")]
    columns += [column("其中饮水未达标项（户）", label) for label, _ in WATER_CHECKS]
    rows = by_village(
        request.area, queries.per_village(query), len(columns), total_first=request.total_first
    )
    notes = [
        "计入调查的全部农户；一户可有多项未达标，各项之和可大于合计",
        "未作答的项目按未达标计；基本医疗：计入家庭人口的成员均参加基本医疗保险；"
        "住房安全：住房安全等级不是C级或D级",
    ]
    return {"lead": LEAD, "columns": columns, "rows": rows, "notes": notes}
