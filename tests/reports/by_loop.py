"""Every table's figures the other way round: a plain loop over the stored documents through the
domain's functions (the summary, the lines, the verdicts), village by village.

Nothing here reads a column the writer derived or calls the reports' code: what a table counts is
written down again from the documents, so the SQL aggregates are checked against it cell by cell.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from server.domain import forms, lines
from server.domain.income import is_counted
from server.domain.summary import summarize
from server.extensions import db
from server.models import Area, Campaign, Household

LOOKBACK = 2
COUNTED = ("approved", "accepted")
CAUSES = forms.options("annex1", "causes", "main_cause")
REGISTERED = ("未脱贫", "已脱贫", "脱贫不稳定户")
MONITORING = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
PRIORITY = ("低保贫困户", "特困供养贫困户")
LABOUR = ["普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力"]
HEALTH = ["健康", "长期慢性病", "患有大病", "残疾"]
EDUCATION = ["文盲或半文盲", "小学", "初中", "高中", "大专", "本科及以上"]
WATER = ["water_quantity_ok", "water_quality_ok", "water_convenient_ok", "water_reliable_ok"]
ITEMS = [["food_secure"], ["clothing_secure"], ["education_ok"], ["medical_ok"], ["housing_ok"]]
ITEMS.append(WATER)
# the demo's stages and what finishes each (positions spelled out, not computed)
STAGE_MEASURES = {
    "入户调查": "visited",
    "乡镇审核": "approved",
    "县级验收": "accepted",
    "村级入户统计": "visited",
    "办事处汇总": "submitted",
    "部门比对": "approved",
    "区级审定": "accepted",
}
REACHED = {
    "submitted": ("submitted", "approved", "accepted"),
    "approved": ("approved", "accepted"),
    "accepted": ("accepted",),
}


def school_group(status: str) -> int:
    """学龄前儿童, 学前教育, 小学, 初中, 高中, 中职, 高职高专, 本科及以上: the group's index."""
    if status in ("七年级", "八年级", "九年级"):
        return 3
    for i, prefix in enumerate(["学龄前", "学前教育", "小学", "初中", "高中", "中职", "高职高专"]):
        if status.startswith(prefix):
            return i
    assert status == "本科及以上", status
    return 7


def pct(part: Decimal, whole: Decimal) -> str:
    if not whole:
        return ""
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def households(campaign_id: int, states):
    for hh in db.session.scalars(select(Household).order_by(Household.id)):
        if not hh.deleted and hh.campaign_id == campaign_id and hh.review_state in states:
            yield hh


def loop_figures(table, campaign_id, line_key=None, states=COUNTED) -> dict:
    """The annexes and the monitoring summary, per village."""
    campaign = db.session.get(Campaign, campaign_id)
    figures = defaultdict(lambda: [0] * 40)
    for hh in households(campaign_id, states):
        summary = summarize(hh.document, campaign.lines)
        size = summary["household_size"]
        section = hh.document.get("household") or {}
        cause = (hh.document.get("causes") or {}).get("main_cause")
        cells = figures[hh.village_id]
        if table == "monitoring":
            kind = summary["monitoring_type"]
            if kind in MONITORING:
                i = MONITORING.index(kind)
                cells[0] += 1
                cells[1] += size
                cells[2 + 2 * i] += 1
                cells[3 + 2 * i] += size
            continue
        if table in ("annex2", "annex3"):
            wanted = "返贫" if table == "annex2" else "新识别"
            if section.get("status") != "未脱贫" or section.get("register_change") != wanted:
                continue
        elif table == "causes":
            if section.get("status") not in REGISTERED:
                continue
        elif not summary["lines"][line_key]:
            continue
        if table == "annex4" and section.get("status") not in REGISTERED:
            continue
        i = CAUSES.index(cause if cause in CAUSES else "其他")
        cells[0] += 1
        cells[1] += size
        cells[2 + 2 * i] += 1
        cells[3 + 2 * i] += size
        for j, attribute in enumerate(PRIORITY):
            cells[2 + 2 * len(CAUSES) + j] += section.get("attribute") == attribute
    return figures


def village_ids() -> list[int]:
    return db.session.scalars(select(Area.id).where(Area.level == "village")).all()


def expected(name: str, campaign_id: int, line_key=None, states=COUNTED) -> dict:
    """{village id: the printed values of its row} of any county table, every village."""
    if name in ("monitoring", "causes") or name.startswith("annex"):
        width = {"monitoring": 8, "causes": 26}.get(name, 28)
        found = loop_figures(name, campaign_id, line_key, states)
        return {v: found[v][:width] for v in village_ids()}
    found = {
        "people": _people,
        "income_bands": _bands,
        "income_composition": _composition,
        "guarantees": _guarantees,
        "progress": _progress,
    }[name](campaign_id, states)
    return {v: found[v] for v in village_ids()}


def _people(campaign_id, states) -> dict:
    out = defaultdict(lambda: [0] * 24)
    for hh in households(campaign_id, states):
        if (hh.document.get("household") or {}).get("status") not in REGISTERED:
            continue
        cells = out[hh.village_id]
        for m in hh.document["members"]:
            if not is_counted(m):
                continue
            cells[0] += 1
            cells[1 + LABOUR.index(m["labour"])] += 1
            for h in m.get("health") or []:
                cells[6 + HEALTH.index(h)] += 1
            if m.get("education"):
                cells[10 + EDUCATION.index(m["education"])] += 1
            if m.get("school_status"):
                cells[16 + school_group(m["school_status"])] += 1
    return out


def _bands(campaign_id, states) -> dict:
    campaign = db.session.get(Campaign, campaign_id)
    line = lines.by_purpose(campaign.lines, "exit") or lines.by_purpose(
        campaign.lines, "monitoring"
    )
    out = defaultdict(lambda: [0] * 9)
    for hh in households(campaign_id, states):
        summary = summarize(hh.document, campaign.lines)
        size = summary["household_size"]
        cells = out[hh.village_id]
        cells[0] += 1
        cells[1] += size
        band = lines.income_band(summary["per_capita_net_income"], line)
        if band is None:
            cells[8] += 1
        else:
            cells[2 + 2 * band] += 1
            cells[3 + 2 * band] += size
    return out


def _composition(campaign_id, states) -> dict:
    campaign = db.session.get(Campaign, campaign_id)
    keys = ["annual_income", "wage_income", "business_income", "property_income"]
    keys += ["transfer_income", "business_cost", "net_income"]
    sums = defaultdict(lambda: [0, 0] + [Decimal(0)] * len(keys))
    for village in village_ids():
        sums[village]
    for hh in households(campaign_id, states):
        summary = summarize(hh.document, campaign.lines)
        cells = sums[hh.village_id]
        cells[0] += 1
        cells[1] += summary["household_size"]
        for i, key in enumerate(keys):
            cells[2 + i] += Decimal(summary[key])
    out = {}
    for village, (n, people, annual, *groups, cost, net) in sums.items():
        row = [n, people, f"{annual:.2f}"]
        for amount in groups:
            row += [f"{amount:.2f}", pct(amount, annual)]
        per_head = (net / people).quantize(Decimal("0.01"), ROUND_HALF_UP) if people else ""
        out[village] = [*row, f"{cost:.2f}", f"{net:.2f}", str(per_head)]
    return out


def _guarantees(campaign_id, states) -> dict:
    campaign = db.session.get(Campaign, campaign_id)
    out = defaultdict(lambda: [0] * 18)
    for hh in households(campaign_id, states):
        summary = summarize(hh.document, campaign.lines)
        unmet, size = set(summary["unmet_guarantees"]), summary["household_size"]
        cells = out[hh.village_id]
        if unmet:
            cells[0] += 1
            cells[1] += size
        for i, keys in enumerate(ITEMS):
            if unmet & set(keys):
                cells[2 + 2 * i] += 1
                cells[3 + 2 * i] += size
        for i, key in enumerate(WATER):
            cells[14 + i] += key in unmet
    return out


def _progress(campaign_id, _states) -> dict:
    """Every record counts here; the status word is checked by its own test."""
    campaign = db.session.get(Campaign, campaign_id)
    order = ["draft", "submitted", "held", "returned", "approved", "accepted"]
    raw = defaultdict(lambda: [0] * (2 + len(order)))
    for village in village_ids():
        raw[village]
    for hh in households(campaign_id, order):
        cells = raw[hh.village_id]
        cells[0] += 1
        cells[1] += bool((hh.document.get("signoff") or {}).get("visit_date"))
        cells[2 + order.index(hh.review_state)] += 1
    out = {}
    for village, (total, visited, *states) in raw.items():
        count = dict(zip(order, states, strict=True))
        row = [total, visited, *states]
        for stage in campaign.stages:
            measure = STAGE_MEASURES[stage["name"]]
            done = visited if measure == "visited" else sum(count[s] for s in REACHED[measure])
            row += [done, pct(done, total)]
        out[village] = row
    return out
