"""One demo household's questionnaire, as a surveyor would have filled it in.

Statuses, incomes and risks are spread the way a county's are: most households above the campaign
lines, a tail below them, a few registered households still poor or at risk, so that the lists,
verdicts and county figures have something to show.
"""

import random
from datetime import date
from decimal import Decimal

from server.demo.areas import GROUPS, GROUPS_PER_VILLAGE
from server.demo.people import People, full_name, new_uuid
from server.domain import forms
from server.domain.income import is_counted

CAUSES = [c for c in forms.options("annex1", "causes", "main_cause") if c != "其他"]
RISKS = [
    "因病",
    "因学",
    "因残",
    "因自然灾害",
    "因意外事故",
    "因产业失败",
    "因务工就业不稳",
    "因缺劳动力",
]


def household(
    rng: random.Random,
    people: People,
    village_code: str,
    n: int,
    survey: date,
    visited: bool = True,
) -> dict:
    """The document of the n-th household of a village; `visited` fills in the sign-off."""
    members = people.family(survey)
    status = rng.choices(
        ["已脱贫", "未脱贫", "脱贫不稳定户", "边缘易致贫户", "非建档立卡户"], [60, 4, 5, 6, 25]
    )[0]
    size = sum(1 for m in members if is_counted(m))
    # Per-capita net income spread around the lines: most above, a tail below 4000–5000; a
    # household still to exit is below the exit line.
    if status == "未脱贫":
        per_capita = rng.uniform(2400, 3990)
    else:
        per_capita = max(800.0, rng.lognormvariate(8.95, 0.42))
    net = per_capita * size
    migrants = sum(1 for m in members if m.get("migrant_place"))
    wage = net * (0.55 if migrants else 0.15) * rng.uniform(0.8, 1.2)
    cost = net * rng.uniform(0.05, 0.2)
    farming = max(0.0, net - wage + cost) * 0.7
    transfer = max(0.0, net - wage - farming + cost)
    danger = rng.choices(["A", "B", "C", "D"], [70, 27, 2, 1])[0]
    returned = round(rng.uniform(0, 2), 1) if rng.random() < 0.4 else 0
    registered = status != "非建档立卡户" and status not in ("边缘易致贫户", "突发严重困难户")
    # Part of what the land brings is rent for a plot let out, and registered households share
    # the dividends of the village's assets (资产收益扶贫): the same net income, told apart.
    rent = farming * rng.uniform(0.1, 0.4) if rng.random() < 0.15 else 0.0
    dividend = min(farming / 2, rng.choice([300, 500, 800])) if registered else 0.0
    dividend = dividend if rng.random() < 0.4 else 0.0
    farming -= rent + dividend
    income = {
        "wage_migrant" if migrants else "wage_local": _money(wage),
        "business_farming": _money(farming),
        "transfer_other": _money(transfer * 0.6),
        "transfer_pension": _money(transfer * 0.4) if transfer * 0.4 >= 88 else "0.00",
        "cost_business": _money(cost),
    }
    if rent:
        income["property_land_rent"] = _money(rent)
    if dividend >= 1:
        income["property_dividend"] = _money(dividend)
    if returned:
        income["transfer_eco"] = _money(returned * 250)
    section = _section(rng, f"{village_code}{n:04d}", status, registered, danger, returned)
    water_ok = rng.random() > 0.01
    causes = _causes(rng, status)
    return {
        "household": section,
        "members": members,
        "income": income,
        "guarantees": {
            "food_secure": True,
            "clothing_secure": True,
            "education_ok": rng.random() > 0.003,
            "water_quantity_ok": water_ok,
            "water_quality_ok": True,
            "water_convenient_ok": True,
            "water_reliable_ok": True,
        },
        "causes": causes,
        "helpers": [
            {
                "id": new_uuid(rng),
                "name": full_name(rng),
                "kind": "结对帮扶责任人",
                "unit": "青山县农业农村局",
                "title": "干部",
                "phone": f"139{rng.randint(10000000, 99999999)}",
                "date_from": "2018-03-01",
                "date_to": None,
            }
        ]
        if registered
        else [],
        "measures": [
            {
                "id": new_uuid(rng),
                "measure": "产业扶持",
                "member_id": None,
                "amount": _money(rng.choice([1000, 2000, 3000])),
                "year": 2020,
            }
        ]
        if registered
        else [],
        "signoff": {"surveyor": "赵敏", "visit_date": f"2020-10-{rng.randint(2, 20):02d}"}
        if visited
        else {},
    }


def _money(value: float) -> str:
    """A whole amount of yuan in the wire form ("1234.00")."""
    return str(Decimal(int(round(value))).quantize(Decimal("0.01")))


def _section(
    rng: random.Random,
    household_no: str,
    status: str,
    registered: bool,
    danger: str,
    returned: float,
) -> dict:
    """The household section: land, housing, roads, water, and the registration it has."""
    section = {
        "group": rng.choice(GROUPS[:GROUPS_PER_VILLAGE]),
        "household_no": household_no,
        "phone": f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
        "status": status,
        "land_cultivated": f"{rng.uniform(0.5, 8):.1f}",
        "land_forest": f"{returned + rng.uniform(0, 3):.1f}",
        "land_returned": f"{returned:.1f}",
        "land_pasture": "0",
        "power_production": True,
        "power_household": True,
        "radio_tv": True,
        "road_distance": f"{rng.uniform(0, 3):.1f}",
        "road_type": rng.choice(["水泥路", "水泥路", "砂石路"]),
        "housing_area": str(rng.randint(40, 160)),
        "danger_grade": danger,
        "relocated": rng.random() < 0.05,
        "water_safe": True,
        "water_difficult": False,
        "fuel": rng.choice(["柴草", "煤炭", "清洁能源"]),
        "sanitary_toilet": rng.random() < 0.7,
    }
    if registered:
        section["standard"] = "国家标准"
        section["attribute"] = rng.choices(
            ["一般贫困户", "低保贫困户", "特困供养贫困户"], [80, 17, 3]
        )[0]
    if status in ("已脱贫", "脱贫不稳定户"):
        section["exit_year"] = rng.randint(2014, 2019)
    if status == "未脱贫":
        section["planned_exit_year"] = 2020
        # Taken into the register this year: found outside it, or fallen back after an exit.
        change = rng.choices(["", "新识别", "返贫"], [55, 30, 15])[0]
        if change:
            section["register_change"] = change
    return section


def _causes(rng: random.Random, status: str) -> dict:
    """Why a registered household was poor, and the risks of the unstable and marginal ones."""
    causes = {"risks": [], "sudden_hardship": False}
    if status in ("未脱贫", "已脱贫", "脱贫不稳定户"):
        causes["main_cause"] = rng.choice(CAUSES)
        causes["other_causes"] = []
    if status in ("脱贫不稳定户", "边缘易致贫户") or rng.random() < 0.05:
        causes["risks"] = [rng.choice(RISKS)]
        causes["risk_note"] = (
            "家庭成员患病，医疗支出较大" if causes["risks"][0] == "因病" else "需持续关注"
        )
    return causes
