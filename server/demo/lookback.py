"""The 2019 look-back record of a demo family: the same household a year and a half earlier.

Source 001 surveyed every rural household door to door in April 2019, with the income of 2018. So
the look-back holds the families of the exit review as they were then: incomes a little lower,
children born since not yet there, members who have left since still at home, school years one
lower, and the register as it stood. Households that exited in 2019 were still poor, some of them
taken back in after an earlier exit (返贫) and some found outside the register (新识别); the
monitoring statuses of 2020 (脱贫不稳定户, 边缘易致贫户) did not exist yet.
"""

import copy
import random
from datetime import date

from server.demo.people import school_status
from server.domain import idcard
from server.domain.income import ITEMS, household_size

SURVEY = date(2019, 4, 15)
NEW_SINCE = 0.02  # families split off or moved in since the look-back: no record of theirs
OUTSIDE = "非建档立卡户"


def last_year(rng: random.Random, document: dict) -> dict | None:
    """The family's look-back questionnaire, or None for a family that was not there yet."""
    if rng.random() < NEW_SINCE:
        return None
    doc = copy.deepcopy(document)
    section = doc["household"]
    status = section.get("status")
    change = section.pop("register_change", None)
    poor = False
    if status == "未脱贫":
        if change == "新识别":  # found outside the register in 2020
            _outside(doc)
        elif change == "返贫":  # fell back in 2020: had exited before the look-back
            section["status"] = "已脱贫"
            section["exit_year"] = rng.randint(2014, 2018)
            section.pop("planned_exit_year", None)
        else:
            poor = True
            if rng.random() < 0.5:
                section["register_change"] = "新识别"
    elif status in ("已脱贫", "脱贫不稳定户"):
        if section.get("exit_year") == 2019:  # still poor at the look-back, exited that winter
            poor = True
            section["status"] = "未脱贫"
            section.pop("exit_year", None)
            section["planned_exit_year"] = 2019
            if rng.random() < 0.25:
                section["register_change"] = "返贫"
        else:
            section["status"] = "已脱贫"
    elif status != OUTSIDE:  # the monitoring statuses came in 2020
        _outside(doc)
    doc["members"] = [_younger(m) for m in doc["members"] if _born(m) < SURVEY]
    _earlier_income(rng, doc, poor)
    for measure in doc.get("measures") or []:
        measure["year"] = 2019
    if (doc.get("signoff") or {}).get("visit_date"):
        doc["signoff"]["visit_date"] = f"2019-04-{rng.randint(8, 30):02d}"
    else:
        doc["signoff"] = {"surveyor": "赵敏", "visit_date": f"2019-04-{rng.randint(8, 30):02d}"}
    return doc


def _outside(doc: dict) -> None:
    """A household outside the register: no attribute, standard, cause, helper or measure."""
    section = doc["household"]
    section["status"] = OUTSIDE
    for key in ("standard", "attribute", "exit_year", "planned_exit_year", "register_change"):
        section.pop(key, None)
    doc["causes"].pop("main_cause", None)
    doc["causes"].pop("other_causes", None)
    doc["helpers"] = []
    doc["measures"] = []


def _born(member: dict) -> date:
    return idcard.birth_date(member["id_number"])


def _younger(member: dict) -> dict:
    """The member at the look-back: still at home, a year younger."""
    member.pop("change_reason", None)
    member.pop("change_date", None)
    age = SURVEY.year - _born(member).year
    if age <= 17:
        member.pop("education", None)
        member["school_status"] = school_status(age)
    if age < 16:
        member["labour"] = "无劳动力"
        member.pop("migrant_place", None)
        member.pop("migrant_months", None)
        member["pension_insurance"] = False
    return member


def _earlier_income(rng: random.Random, doc: dict, poor: bool) -> None:
    """2018's income: a little lower; a household poor at the look-back below 4500 per head."""
    income = doc["income"]
    net = sum(float(v) for k, v in income.items() if k != "cost_business") - float(
        income.get("cost_business") or 0
    )
    size = household_size(doc["members"])
    if poor and net > 0 and size:
        factor = rng.uniform(2600, 4400) * size / net
    else:
        factor = rng.uniform(0.86, 0.96)
    for key in ITEMS:
        if key in income:
            value = int(round(float(income[key]) * factor))
            if key == "transfer_pension" and 0 < value < 88:
                value = 0  # a pension is never that small
            income[key] = f"{value}.00"
