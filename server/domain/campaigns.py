"""What a campaign (调查轮次) must hold, checked field by field with messages for the county office,
and what a household carried into the next campaign keeps.

A campaign's lines are data (lines.py): each has an amount above nothing and one of the comparison
words the Civil Code reads (art. 1259); at most one line says who may exit and one who is
monitored, because the verdicts read the first of each. Its stages fall in order, near its
statistical period. `validate` takes what a form or a JSON body sent (text or numbers) and gives
the campaign in stored form, or the messages keyed by field path ("lines.0.amount").
"""

import re
from datetime import date

from server.domain import money
from server.domain.lines import COMPARISONS
from server.domain.workflow import STATES

KINDS = ("识别", "回头看", "退出验收", "监测排查")
PURPOSES = {"exit": "退出标准", "monitoring": "监测标准", "statistic": "统计口径"}
DEFAULT_REPORT_STATES = ("approved", "accepted")
YEARS = (2000, 2100)
MAX_LINES = 12
MAX_STAGES = 12
LINE_AMOUNT_MAX = money.parse("1000000")  # a per-capita line of a million yuan is a typo
KEY = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
# Stages come after the period they count, but not years later.
STAGE_YEARS_AFTER = 2
# The words a person reads in the form, in the order the comparison select offers them.
COMPARISON_WORDS = ("超过", "以上", "以下", "以内", "低于", "不满")
assert set(COMPARISON_WORDS) == set(COMPARISONS)


class CampaignInvalid(ValueError):
    """The campaign as sent cannot be stored; `fields` says why, field by field."""

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__("调查轮次填写有误")
        self.fields = fields


def validate(raw: dict) -> dict:
    """The campaign in stored form: name, kind, year, area_id, period_start/end (dates), lines,
    stages, report_states, active. Raises CampaignInvalid with every message at once."""
    errors: dict[str, list[str]] = {}

    def err(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    out: dict = {}
    name = _text(raw.get("name"))
    if not name:
        err("name", "请填写名称")
    elif len(name) > 120:
        err("name", "名称不能超过 120 个字")
    out["name"] = name
    kind = _text(raw.get("kind"))
    if kind not in KINDS:
        err("kind", "请选择类型：" + "、".join(KINDS))
    out["kind"] = kind
    out["year"] = year = integer(raw.get("year"))
    if year is None or not YEARS[0] <= year <= YEARS[1]:
        err("year", f"年度应为 {YEARS[0]} 到 {YEARS[1]} 之间的整数")
    out["area_id"] = integer(raw.get("area_id"))
    if out["area_id"] is None or out["area_id"] < 1:
        err("area_id", "请选择范围")
    start, end = _date(raw.get("period_start")), _date(raw.get("period_end"))
    if start is None:
        err("period_start", "请填写统计期开始日期（年-月-日）")
    if end is None:
        err("period_end", "请填写统计期结束日期（年-月-日）")
    if start and end and start > end:
        err("period_end", "统计期结束日期不能早于开始日期")
    elif start and end and (end - start).days > 731:
        err("period_end", "统计期不能超过两年")
    out["period_start"], out["period_end"] = start, end
    out["lines"] = _lines(raw.get("lines"), err)
    out["stages"] = _stages(raw.get("stages"), start, end, err)
    out["report_states"] = _states(raw.get("report_states"), err)
    out["active"] = bool(raw.get("active", True))
    if errors:
        raise CampaignInvalid(errors)
    return out


def _lines(rows, err) -> list[dict]:
    if not isinstance(rows, list) or not rows:
        err("lines", "至少需要一条收入线")
        return []
    if len(rows) > MAX_LINES:
        err("lines", f"收入线不能超过 {MAX_LINES} 条")
        return []
    lines, keys, purposes = [], set(), set()
    for i, row in enumerate(rows):
        row = row if isinstance(row, dict) else {}
        at = f"lines.{i}"
        label = _text(row.get("label"))
        if not label:
            err(f"{at}.label", "请填写收入线名称")
        elif len(label) > 40:
            err(f"{at}.label", "名称不能超过 40 个字")
        amount = _amount(row.get("amount"))
        if amount is None:
            err(f"{at}.amount", "金额应为数字，最多两位小数")
        elif amount <= 0:
            err(f"{at}.amount", "金额应大于 0")
        elif amount > LINE_AMOUNT_MAX:
            err(f"{at}.amount", "金额过大，请核对")
        comparison = _text(row.get("comparison"))
        if comparison not in COMPARISONS:
            err(f"{at}.comparison", "请选择比较方式：" + "、".join(COMPARISON_WORDS))
        purpose = _text(row.get("purpose")) or "statistic"
        twice = purpose != "statistic" and purpose in purposes
        if purpose not in PURPOSES:
            err(f"{at}.purpose", "请选择用途：" + "、".join(PURPOSES.values()))
        elif twice:
            err(f"{at}.purpose", f"只能有一条{PURPOSES[purpose]}线")
        purposes.add(purpose)
        key = _text(row.get("key")) or _key_for(purpose, amount, comparison)
        if not key:  # made from the amount, which is wrong and said so
            pass
        elif not KEY.match(key):
            err(f"{at}.key", "代码应为小写字母开头的字母、数字或下划线")
        elif key in keys and not twice:  # the same purpose twice is said once, on the purpose
            err(f"{at}.key", "代码与另一条线重复")
        keys.add(key)
        text = money.to_str(amount) if amount is not None else ""
        line = {"key": key, "label": label, "purpose": purpose, "amount": text}
        lines.append(line | {"comparison": comparison})
    return lines


def _key_for(purpose: str, amount, comparison: str) -> str:
    """A line's key when none is given: the purpose for exit and monitoring, else the side and
    the amount ("below_4500"), as the reports name their columns."""
    if purpose in ("exit", "monitoring"):
        return purpose
    if amount is None:
        return ""
    side = "above" if COMPARISONS.get(comparison, "<").startswith(">") else "below"
    whole = int(amount) if amount == int(amount) else str(amount).replace(".", "_")
    return f"{side}_{whole}"


def _stages(rows, start: date | None, end: date | None, err) -> list[dict]:
    if rows is None:
        return []
    if not isinstance(rows, list) or len(rows) > MAX_STAGES:
        err("stages", f"阶段不能超过 {MAX_STAGES} 个")
        return []
    stages, before = [], None
    for i, row in enumerate(rows):
        row = row if isinstance(row, dict) else {}
        name = _text(row.get("name"))
        if not name:
            err(f"stages.{i}.name", "请填写阶段名称")
        elif len(name) > 40:
            err(f"stages.{i}.name", "名称不能超过 40 个字")
        due = _date(row.get("due"))
        if due is None:
            err(f"stages.{i}.due", "请填写截止日期（年-月-日）")
        elif start and end and not start <= due <= _years_later(end, STAGE_YEARS_AFTER):
            err(f"stages.{i}.due", "截止日期应在统计期开始之后、结束后两年之内")
        elif before and due < before:
            err(f"stages.{i}.due", "截止日期不能早于上一阶段")
        before = due or before
        stages.append({"name": name, "due": due.isoformat() if due else ""})
    return stages


def _states(value, err) -> list[str]:
    if value is None:
        return list(DEFAULT_REPORT_STATES)
    if not isinstance(value, list) or not value:
        err("report_states", "至少选择一个计入报表的审核状态")
        return []
    if any(s not in STATES for s in value):
        err("report_states", "审核状态有误")
        return []
    return [s for s in STATES if s in value]  # in the workflow's order, each once


def next_year(campaign: dict) -> dict:
    """ "Copy last year's": the same campaign a year on — its name's year, its period and its
    stages' dates moved by a year, the same lines and counted states — to be checked and saved."""
    year = campaign["year"]
    name = campaign["name"].replace(str(year), str(year + 1)) if year else campaign["name"]
    if name == campaign["name"]:
        name = f"{name}（{year + 1}年）"
    return {
        "name": name,
        "kind": campaign["kind"],
        "year": year + 1,
        "area_id": campaign["area_id"],
        "period_start": _years_later(campaign["period_start"], 1),
        "period_end": _years_later(campaign["period_end"], 1),
        "lines": [dict(line) for line in campaign["lines"] or []],
        "stages": [
            {"name": s["name"], "due": _years_later(_date(s["due"]), 1).isoformat()}
            for s in campaign["stages"] or []
            if _date(s.get("due"))
        ],
        "report_states": list(campaign.get("report_states") or DEFAULT_REPORT_STATES),
        "active": True,
        "source_campaign_id": campaign.get("id"),
    }


# What a family's household keeps when it is carried into the next campaign: who lives there and
# the household's facts. Income is measured again for the new period, and the visit is signed
# again (its signature and photo belong to the old record).
CARRIED_SECTIONS = ("household", "members", "guarantees", "causes", "helpers", "measures")


def carried_document(document: dict) -> dict:
    """The new campaign's document of a family, pre-filled from its latest questionnaire.

    The sections kept are the document's own, not copies: pass a document the new household may
    own (one just read from the database), as copying a county's documents cost a sixth of a
    carry forward."""
    out = {key: document[key] for key in CARRIED_SECTIONS if key in document}
    out["income"] = {}
    out["signoff"] = {}
    return out


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def integer(value) -> int | None:
    """A whole number from a form's text or a JSON number; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def _amount(value):
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        amount = money.parse(value.strip() if isinstance(value, str) else value)
    except (money.MoneyError, ValueError):
        return None
    if amount != amount.quantize(money.CENT):
        return None
    return amount


def _date(value) -> date | None:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None
