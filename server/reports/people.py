"""Documents for people: the context of a notice list, an announcement, the registration forms or
the handbooks of one campaign and area.

Like a table's, a document's context is plain data, built before anything is rendered, carrying
its parameters and the moment its data was taken; `people_render` turns it into a PDF or, for the
two lists, a workbook. The parameters a table does not have (the notice period, what the notice is
about, how many copies) are checked here, with the messages a county clerk reads.
"""

import datetime as dt

from flask import current_app
from sqlalchemy import select

from server.core import clock
from server.core.errors import ApiError
from server.domain import notices
from server.domain.areacodes import LEVEL_WORDS
from server.domain.workflow import STATE_LABELS, STATES
from server.extensions import db
from server.models import Area, Campaign
from server.reports import cards, public_lists, queries
from server.reports.catalog import DEFAULT_STATES, DOCUMENTS


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "参数有误", "invalid", {field: [message]})


def dated(name: str, options: dict) -> dict:
    """A list's options with its notice period's first day, today when not given: the day is then
    part of the document's parameters, so the next day's notice is not yesterday's served again."""
    if DOCUMENTS[name].kind in ("registration", "handbook") or options.get("start"):
        return options
    return options | {"start": clock.today().isoformat()}


def check_format(name: str, fmt: str) -> None:
    """A registration form or a handbook is a sheet of paper: PDF only."""
    document = DOCUMENTS[name]
    if fmt not in document.formats:
        raise _invalid("format", f"{document.title}只能打印为PDF，不能导出Excel")


def build(
    name: str,
    campaign_id: int,
    area_code: str,
    states=None,
    *,
    start: dt.date | None = None,
    days: int | None = None,
    subject: str | None = None,
    copies: int = 1,
    all_households: bool = False,
) -> dict:
    """The context of one document; ApiError 404/422 with a field message for a bad parameter."""
    document = DOCUMENTS.get(name)
    if document is None:
        raise ApiError(404, "没有这份文件", "report_unknown")
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise _invalid("campaign", "没有这个调查批次")
    area = db.session.scalar(select(Area).where(Area.code == area_code))
    if area is None:
        raise _invalid("area", "没有这个地区代码")
    if area.level not in document.levels:
        levels = "、".join(LEVEL_WORDS[x] for x in document.levels)
        raise _invalid("area", f"{document.title.format(area='', subject='')}按{levels}打印")
    states = tuple(states or DEFAULT_STATES)
    if any(s not in STATES for s in states):
        raise _invalid("states", "审核状态有误")
    if copies not in cards.COPY_MARKS:
        raise _invalid("copies", "份数应为1或2（农户、村委会各执一份）")
    chain = _chain(area)
    top, _ = queries.data_version(campaign.id, area)
    base = {
        "name": document.name,
        "parameters": {
            "campaign_id": campaign.id,
            "campaign": campaign.name,
            "area_code": area.code,
            "area": "".join(a.name for a in chain),
            "states": list(states),
            "states_label": "、".join(STATE_LABELS[s] for s in states),
            "taken_at": clock.now().strftime("%Y-%m-%d %H:%M"),
            "data_version": top,
        },
    }
    if document.kind in ("registration", "handbook"):
        return _cards(base, document, campaign, area, chain, states, copies, all_households)
    try:
        chosen = notices.subject_for(campaign.kind, subject)
    except KeyError:
        raise _invalid("subject", "公示事由应为识别、退出或监测") from None
    try:
        length = notices.DEFAULT_DAYS if days is None else days
        period = notices.period(start or clock.today(), length)
    except ValueError as e:
        raise _invalid("days", str(e)) from None
    base["parameters"] |= {"subject": chosen.key, "start": period[0].isoformat(), "days": length}
    settings = current_app.config
    if document.kind == "notice":
        village, township, county = chain[-1], chain[-2], chain[0]
        context = public_lists.notice(
            base, campaign, village, township, county, chosen, period, settings
        )
    else:
        context = public_lists.announcement(base, campaign, area, chosen, period, settings)
    context["title"] = document.title.format(area=base["parameters"]["area"], subject=chosen.noun)
    return context


def _chain(area: Area) -> list[Area]:
    """The area and those above it, county first: "青山县城关镇东坪村"."""
    chain = [area]
    while chain[0].parent_id is not None:
        chain.insert(0, db.session.get(Area, chain[0].parent_id))
    return chain


def _cards(base, document, campaign, village, chain, states, copies, all_households) -> dict:
    households = cards.cards(campaign, village, states, registered_only=not all_households)
    base["parameters"] |= {
        "copies": copies,
        "all_households": all_households,
        "scope": "全部农户" if all_households else "建档立卡户（未脱贫、已脱贫、脱贫不稳定户）",
    }
    return base | {
        "kind": document.kind,
        "title": document.title,
        "place": [(LEVEL_WORDS[a.level], a.name) for a in chain],
        "period": notices.period_text(campaign.period_start, campaign.period_end),
        "copies": list(cards.COPY_MARKS[copies]),
        "households": households,
    }
