"""Public notices (公示) and the county's announcement (公告): period, wording, who is listed.

Registration goes application → village appraisal → two village notices → township review →
county announcement [004]; a notice runs 5 to 7 days (README §6). A published county notice words
its period "公示时间为5天（2021年8月16日至8月20日）" and names the national supervision telephone
12317 beside the local ones. What a notice is about follows the campaign: identification lists the
households to be registered, an exit review the households to exit, a look-back or monitoring
round the households to be monitored.
"""

import datetime as dt
from dataclasses import dataclass

from server.domain import money

NOTICE_DAYS = (5, 6, 7)  # README §6: 5–7 days
DEFAULT_DAYS = 7  # the longer end: villagers away for work get the most time to object
NATIONAL_HOTLINE = "12317"  # 全国扶贫监督举报电话
MONITORING_TYPES = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")


@dataclass(frozen=True)
class Subject:
    """What a notice is about: whom it lists, what it calls them and why each is listed."""

    key: str
    noun: str  # the households listed, as the notice's title names them
    procedure: str  # the steps already taken, for the preamble
    reason_label: str  # the heading of the column that says why a household is listed


SUBJECTS = {
    s.key: s
    for s in (
        Subject(
            "identification",
            "拟识别贫困户",
            "农户申请、入户调查、村民代表民主评议",
            "主要致贫原因",
        ),
        Subject(
            "exit",
            "拟退出贫困户",
            "入户核实、贫困户确认、村民代表民主评议",
            "退出依据",
        ),
        Subject(
            "monitoring",
            "拟纳入防返贫监测对象",
            "农户申报、干部走访排查、入户核实、村民代表民主评议",
            "监测类型及风险",
        ),
    )
}
# A campaign's kind (README §5) decides what its notice is about, unless the printer says.
SUBJECT_OF_KIND = {
    "识别": "identification",
    "退出验收": "exit",
    "回头看": "monitoring",
    "监测排查": "monitoring",
}


def subject_for(campaign_kind: str, chosen: str | None = None) -> Subject:
    """The subject asked for, else the one the campaign's kind implies; KeyError when unknown."""
    return SUBJECTS[chosen or SUBJECT_OF_KIND.get(campaign_kind, "monitoring")]


def listed(subject: str, status: str | None, exit_eligible: bool, monitoring: str | None) -> bool:
    """Whether a household belongs on the notice (the SQL of the reports says the same)."""
    if subject == "identification":
        return status == "未脱贫"
    if subject == "exit":
        return status == "未脱贫" and bool(exit_eligible)
    return monitoring in MONITORING_TYPES


def reason(
    subject: str,
    *,
    main_cause: str | None,
    per_capita: str | None,
    exit_line: dict | None,
    monitoring: str | None,
    risks: list | None,
) -> str:
    """Why a household is listed, in the words a villager reads on the board."""
    if subject == "identification":
        return main_cause or ""
    if subject == "exit":
        income = "" if per_capita is None else money.to_str(money.quantize(money.parse(per_capita)))
        line = f"，{exit_line['comparison']}{amount(exit_line['amount'])}元" if exit_line else ""
        return f"年人均纯收入{income}元{line}；两不愁三保障达标" if income else ""
    named = "、".join(r for r in risks or [] if isinstance(r, str))
    return f"{monitoring}：{named}" if monitoring and named else (monitoring or "")


def amount(line_amount) -> str:
    """A line's amount as the notices print it: "4000", "4500.50"."""
    value = money.quantize(money.parse(line_amount))
    whole = value.to_integral_value()
    return str(whole) if value == whole else str(value)


def period(start: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """First and last day of a notice of `days` days, both counted (16 to 20 August is 5 days)."""
    if days not in NOTICE_DAYS:
        raise ValueError("公示期应为5至7天")
    return start, start + dt.timedelta(days=days - 1)


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def period_text(start: dt.date, end: dt.date) -> str:
    """ "2020年11月1日至11月7日": the year is said once when both days share it."""
    last = f"{end.month}月{end.day}日" if end.year == start.year else chinese_date(end)
    return f"{chinese_date(start)}至{last}"
