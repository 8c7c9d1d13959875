"""What can be printed: each table's title, who is counted, against which line, at which level.

The layouts are the county's (REPORTS.md): annexes 2–6 of the look-back review as a summary by
township and village and as a village's household list (annex 2 the households taken back after
an exit, 返贫; annex 3 those found outside the register, 新识别, as the questionnaire records
it), the monitoring summary, and the county's other tables: causes, people, income bands and
composition, 两不愁三保障 gaps, the campaign's progress. The line an annex compares with is the
campaign's own (found by its amount), so its comparison word is the campaign's, never assumed here.
"""

from dataclasses import dataclass
from decimal import Decimal

from server.domain import forms, roles
from server.domain.roles import COUNTY, REVIEWER

CAUSES = forms.options("annex1", "causes", "main_cause")  # the named causes, then 其他
OTHER_CAUSE = "其他"
# Statuses of the register (建档立卡): the households annex 4 counts.
REGISTERED = ("未脱贫", "已脱贫", "脱贫不稳定户")
MONITORING_TYPES = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
# The priority groups of source 001 that the stored columns can count, and those they cannot.
PRIORITY_GROUPS = (
    ("dibao", "有农村低保对象户", "低保贫困户"),
    ("tekun", "分散供养的农村特困人员（五保户）", "特困供养贫困户"),
)
NOT_COUNTED_GROUPS = (
    "C/D级危房户、有大病和慢性病人口户、有持证残疾人户、有65岁以上老人户、历年清退户、"
    "常住本地的外籍户：所需项目未随户存为统计列，本表不计"
)
DEFAULT_STATES = ("approved", "accepted")


@dataclass(frozen=True)
class Table:
    name: str
    title: str  # "{area}" is replaced by the area's name
    kind: str  # summary / list / monitoring
    amount: Decimal | None = None  # the line's amount, found among the campaign's lines
    registered_only: bool = False
    file_label: str = ""
    # The roles that may print it, each within its own areas (server/reports/access.py): a
    # township reviewer for the township, the county office for the county; a village's public
    # notice adds the surveyor.
    who: tuple[str, ...] = (REVIEWER, COUNTY)
    change: str | None = None  # who annexes 2 and 3 count: the household's register change
    unit: str = "户、人"


TABLES = {
    t.name: t
    for t in (
        Table("annex4", "{area}贫困户年人均收入5000元以下统计表", "summary", Decimal(5000), True),
        Table("annex5", "{area}农户年人均收入4500元以下统计表", "summary", Decimal(4500)),
        Table("annex6", "{area}农户年人均收入5000元以下统计表", "summary", Decimal(5000)),
        Table("annex4_list", "{area}贫困户年人均收入5000元以下明细表", "list", Decimal(5000), True),
        Table("annex5_list", "{area}农户年人均收入4500元以下明细表", "list", Decimal(4500)),
        Table("annex6_list", "{area}农户年人均收入5000元以下明细表", "list", Decimal(5000)),
        Table("monitoring", "{area}防止返贫监测对象统计表", "monitoring"),
        Table("annex2", "{area}返贫（重点扶持）人口统计表", "summary", change="返贫"),
        Table("annex3", "{area}新识别（重点扶持）贫困人口统计表", "summary", change="新识别"),
        Table("annex2_list", "{area}返贫（重点扶持）人口明细表", "list", change="返贫"),
        Table("annex3_list", "{area}新识别（重点扶持）贫困人口明细表", "list", change="新识别"),
        Table("causes", "{area}建档立卡户致贫原因分布统计表", "causes", registered_only=True),
        Table(
            "people",
            "{area}建档立卡人口劳动技能、健康、文化程度和在校生状况统计表",
            "people",
            registered_only=True,
            unit="人",
        ),
        Table("income_bands", "{area}农户人均纯收入分段统计表", "bands"),
        Table(
            "income_composition", "{area}农户收入构成统计表", "composition", unit="户、人、元、%"
        ),
        Table("guarantees", "{area}“两不愁三保障”及饮水安全未达标户统计表", "guarantees"),
        Table("progress", "{area}调查工作进度表", "progress", unit="户、%"),
    )
}


def line_for(table: Table, campaign_lines: list[dict]) -> dict | None:
    """The campaign's line of the table's amount: a statistical line first, then any other."""
    found = [
        line
        for line in campaign_lines or []
        if table.amount is not None and Decimal(str(line.get("amount"))) == table.amount
    ]
    found.sort(key=lambda line: line.get("purpose") != "statistic")
    return found[0] if found else None


# Documents for people: what a village posts and a household keeps (REPORTS.md, source 004).
# `who` names the roles that may print one (each within the areas assigned to them): a surveyor
# prints the notice list of the villages assigned; the registration form and the handbook carry
# full ID numbers, bank accounts and phones, so they stay with the township and the county.


@dataclass(frozen=True)
class Document:
    name: str
    title: str  # "{area}" and "{subject}" are filled in by the context
    kind: str  # notice / announcement / registration / handbook
    levels: tuple[str, ...]  # the area levels it is printed for
    formats: tuple[str, ...]
    who: tuple[str, ...]
    masked: bool  # ID numbers masked (posted) or in full (for the household and the village)
    file_label: str = ""


DOCUMENTS = {
    d.name: d
    for d in (
        Document(
            "notice",
            "{area}{subject}公示名单",
            "notice",
            ("village",),
            ("pdf", "xlsx"),
            (roles.SURVEYOR, roles.REVIEWER, roles.COUNTY),
            True,
            "公示名单",
        ),
        Document(
            "announcement",
            "{area}{subject}公告",
            "announcement",
            ("county",),
            ("pdf", "xlsx"),
            (roles.COUNTY,),
            True,
            "公告",
        ),
        Document(
            "registration",
            "贫困农户登记表",
            "registration",
            ("village",),
            ("pdf",),
            (roles.REVIEWER, roles.COUNTY),
            False,
            "贫困农户登记表",
        ),
        Document(
            "handbook",
            "扶贫手册",
            "handbook",
            ("village",),
            ("pdf",),
            (roles.REVIEWER, roles.COUNTY),
            False,
            "扶贫手册",
        ),
    )
}
