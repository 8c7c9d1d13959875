"""The demo county's two campaigns and the accounts that work on them.

The exit inspection is the active survey the phones fill in, near its end; the look-back of 2019 is
a closed campaign with statistical lines (the same families, a year earlier), so that a campaign's
lines are seen to differ from one campaign to another and both have tables to print.
"""

from datetime import date

from server.demo.areas import COUNTY_ID

PASSWORD = "demo12345"

EXIT_CAMPAIGN_LINES = [
    # Source 000: "人均纯收入稳定超过4000元" and "人均纯收入5000元以下且存在返贫致贫风险".
    {
        "key": "exit",
        "label": "退出标准4000元",
        "purpose": "exit",
        "amount": "4000.00",
        "comparison": "超过",
    },
    {
        "key": "monitoring",
        "label": "监测标准5000元",
        "purpose": "monitoring",
        "amount": "5000.00",
        "comparison": "以下",
    },
]
LOOKBACK_LINES = [
    # Source 001: "年人均纯收入低于4500元、5000元的农村人口 … 分别统计".
    {
        "key": "below_4500",
        "label": "低于4500元",
        "purpose": "statistic",
        "amount": "4500.00",
        "comparison": "低于",
    },
    {
        "key": "below_5000",
        "label": "低于5000元",
        "purpose": "statistic",
        "amount": "5000.00",
        "comparison": "低于",
    },
    {
        "key": "monitoring",
        "label": "监测标准5000元",
        "purpose": "monitoring",
        "amount": "5000.00",
        "comparison": "低于",
    },
]

EXIT_CAMPAIGN_ID = 1
LOOKBACK_CAMPAIGN_ID = 2


def _campaign(
    campaign_id: int,
    name: str,
    kind: str,
    year: int,
    period: tuple[date, date],
    lines: list[dict],
    stages: list[tuple[str, str]],
    active: bool = True,
) -> dict:
    """A row of the campaign table: the whole county, on the annex-1 form."""
    return {
        "id": campaign_id,
        "name": name,
        "kind": kind,
        "area_id": COUNTY_ID,
        "year": year,
        "period_start": period[0],
        "period_end": period[1],
        "lines": lines,
        "form_id": "annex1",
        "active": active,
        "stages": [{"name": stage, "due": due} for stage, due in stages],
    }


CAMPAIGNS = [
    _campaign(
        EXIT_CAMPAIGN_ID,
        "2020年度贫困退出验收和脱贫成果检视",
        "退出验收",
        2020,
        (date(2019, 10, 1), date(2020, 9, 30)),
        EXIT_CAMPAIGN_LINES,
        [("入户调查", "2020-10-20"), ("乡镇审核", "2020-10-31"), ("县级验收", "2020-11-15")],
    ),
    _campaign(
        LOOKBACK_CAMPAIGN_ID,
        "2019年脱贫质量“回头看”",
        "回头看",
        2019,
        (date(2018, 1, 1), date(2018, 12, 31)),
        LOOKBACK_LINES,
        [
            ("村级入户统计", "2019-04-30"),
            ("办事处汇总", "2019-05-10"),
            ("部门比对", "2019-05-20"),
            ("区级审定", "2019-05-31"),
        ],
        active=False,  # closed: its records stay for the tables, the phones no longer get them
    ),
]


def accounts(tree: dict[int, list[tuple[int, str]]]) -> list[tuple[str, str, str, list[int]]]:
    """(username, name, role, area ids) of the demo accounts, one of each role.

    The surveyor works two villages of the first township, the reviewer that township, the county
    account the whole county; the admin needs no area.
    """
    first_township = next(iter(tree))
    return [
        (
            "demo-surveyor",
            "赵敏",
            "surveyor",
            [tree[first_township][0][0], tree[first_township][1][0]],
        ),
        ("demo-reviewer", "钱进", "reviewer", [first_township]),
        ("demo-county", "孙立", "county", [COUNTY_ID]),
        ("demo-admin", "李管", "admin", []),
    ]
