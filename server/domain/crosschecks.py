"""Rules across fields and rows of a household (README §3B, §3A land, §3E causes, §3F help).

Input is the clean document built by validation.py: only relevant, well-typed values, parsed.
"""

import datetime as dt

from server.domain import idcard, income

MALE_RELATIONS = frozenset(
    {
        "之子",
        "之女婿",
        "之孙子",
        "之外孙子",
        "之曾孙子",
        "之父",
        "之岳父",
        "之公公",
        "之祖父",
        "之外祖父",
    }
)
FEMALE_RELATIONS = frozenset(
    {
        "之女",
        "之儿媳",
        "之孙女",
        "之外孙女",
        "之曾孙女",
        "之母",
        "之岳母",
        "之婆婆",
        "之祖母",
        "之外祖母",
    }
)
# A wife's parents are the head's 岳父/岳母, a husband's parents are 公公/婆婆.
HEAD_SEX_IMPLIED = {"之岳父": "男", "之岳母": "男", "之公公": "女", "之婆婆": "女"}
WORKING_AGE = (16, 60)
LAND_LIMITS = ("land_forest", "land_pasture")  # 退耕还林 is converted from these two
# Key of a clean section or row listing the fields filled with a value that failed its own check:
# such a field counts as filled for "filled together" rules, and is absent for rules on values.
INVALID = "_invalid"


def has(clean: dict, key: str) -> bool:
    """Filled, valid or not, so that a typo is reported once and not again as "missing"."""
    return key in clean or key in clean.get(INVALID, ())


def _error(path, text):
    return {"path": path, "message": text, "severity": "error"}


def _warning(path, text):
    return {"path": path, "message": text, "severity": "warning"}


def member_sex(member: dict) -> str | None:
    """The ID number decides; the typed sex is only a fallback when the number is missing."""
    if "id_number" in member:
        return idcard.sex(member["id_number"])
    return member.get("sex")


def check(clean: dict, today: dt.date, check_required: bool = True) -> list[dict]:
    out = []
    out += _members(clean.get("members", []), today, check_required)
    out += _household(clean.get("household", {}))
    out += _causes(clean.get("causes", {}))
    out += _helpers(clean.get("helpers", []))
    out += _measures(clean.get("measures", []), clean.get("members", []))
    return out


def _members(members: list[dict], today: dt.date, check_required: bool) -> list[dict]:
    out: list[dict] = []
    duplicates = []  # _duplicate_ids(), found in the same pass: reported after every row's own
    seen_numbers = set()
    counted = []  # income.counted_members()
    heads, spouses = [], []  # (row, sex) of the counted heads and spouses
    in_laws = []  # the counted members whose relation implies the head's sex
    for m in members:
        # A clean row's ID number passed idcard.checked() in validation, which normalized it: it
        # is read here without being checked again (every member of every push comes through).
        number = m.get("id_number")
        born, sex = idcard.read_valid(number) if number else (None, member_sex(m))
        is_counted = income.is_counted(m)
        _member_row(m, number, born, sex, is_counted, today, check_required, out)
        if number is not None:
            if number in seen_numbers:
                duplicates.append(_error(f"members.{m['id']}.id_number", "身份证号与其他成员重复"))
            seen_numbers.add(number)
        if is_counted:
            counted.append(m)
            relation = m.get("relation")
            if relation == "户主":
                heads.append((m, sex))
            elif relation == "配偶":
                spouses.append((m, sex))
            elif relation in HEAD_SEX_IMPLIED:
                in_laws.append(m)
    out += duplicates
    if members and not counted:
        out.append(_warning("members", "没有计入家庭人口的成员"))
        return out
    if not heads and check_required and counted:
        out.append(_error("members", "家庭成员中应有一名户主"))
    for extra, _ in heads[1:]:
        out.append(_error(f"members.{extra['id']}.relation", "只能有一名户主"))
    head_sex = heads[0][1] if len(heads) == 1 else None
    for extra, _ in spouses[1:]:
        out.append(_error(f"members.{extra['id']}.relation", "只能有一名配偶"))
    if not head_sex:
        return out
    for spouse, sex in spouses:
        if sex == head_sex:
            out.append(_error(f"members.{spouse['id']}.relation", "配偶应与户主性别不同"))
    for m in in_laws:
        implied = HEAD_SEX_IMPLIED[m["relation"]]
        if implied != head_sex:
            out.append(
                _warning(
                    f"members.{m['id']}.relation",
                    f"“{m['relation']}”通常对应{implied}性户主，请核实与户主关系",
                )
            )
    return out


def _member_row(m: dict, number, born, sex, counted: bool, today, check_required, out) -> None:
    """The rules of one member row, onto out.

    born and sex are what its ID number says (the typed sex when there is no number).
    """
    sex_contradicted = False  # the typed sex and the number disagree: that one message only
    if number:
        if born > today:
            out.append(_error(f"members.{m['id']}.id_number", "身份证号中的出生日期晚于调查日期"))
        typed = m.get("sex")
        if typed and typed != sex:
            sex_contradicted = True
            text = f"性别与身份证号不符（身份证号为{sex}性），请核对性别或身份证号"
            out.append(_error(f"members.{m['id']}.sex", text))
        given = m.get("birth_date")
        if given and given != born:
            text = f"出生日期与身份证号不符（身份证号为{born.isoformat()}）"
            out.append(_error(f"members.{m['id']}.birth_date", text))
    relation = m.get("relation")
    if sex_contradicted:
        pass  # which sex is right is unknown until the sex or the number is corrected
    elif sex == "女" and relation in MALE_RELATIONS:
        out.append(_error(f"members.{m['id']}.relation", f"与户主关系“{relation}”应为男性"))
    elif sex == "男" and relation in FEMALE_RELATIONS:
        out.append(_error(f"members.{m['id']}.relation", f"与户主关系“{relation}”应为女性"))
    invalid = m.get(INVALID, ())  # has(), inline: a filled field, valid or not
    education = "education" in m or "education" in invalid
    school = "school_status" in m or "school_status" in invalid
    if education and school:
        out.append(_error(f"members.{m['id']}.school_status", "文化程度与在校生状况只能填写一项"))
    elif check_required and not education and not school:
        out.append(_error(f"members.{m['id']}.education", "请填写文化程度或在校生状况"))
    place = "migrant_place" in m or "migrant_place" in invalid
    months = "migrant_months" in m or "migrant_months" in invalid
    if place and not months:
        out.append(_error(f"members.{m['id']}.migrant_months", "填写了务工地点，请填写务工时间"))
    if months and not place:
        out.append(_error(f"members.{m['id']}.migrant_place", "填写了务工时间，请填写务工地点"))
    health = m.get("health") or []
    if "健康" in health and len(health) > 1:
        out.append(_error(f"members.{m['id']}.health", "“健康”不能与其他健康状况同时选择"))
    if not counted:
        return
    if "medical_insurance" not in m and "medical_insurance" not in invalid:
        text = "未参加基本医疗保险，基本医疗保障未达标"
        out.append(_warning(f"members.{m['id']}.medical_insurance", text))
    if m.get("labour") == "无劳动力" and number and health == ["健康"] and not school:
        years = idcard.completed_years(born, today)
        if WORKING_AGE[0] <= years <= WORKING_AGE[1]:
            text = f"{years}岁、健康且不在校的成员通常不是无劳动力，请核实"
            out.append(_warning(f"members.{m['id']}.labour", text))


def _household(household: dict) -> list[dict]:
    returned = household.get("land_returned")
    if returned is None:
        return []
    invalid, limit = household.get(INVALID, ()), 0
    for key in LAND_LIMITS:  # a loop, not generators: every push comes here
        if key in invalid:
            return []
        limit += household.get(key, 0)
    if returned > limit:
        return [_error("household.land_returned", "退耕还林面积不能超过林地与牧草地面积之和")]
    return []


def _causes(causes: dict) -> list[dict]:
    main, others = causes.get("main_cause"), causes.get("other_causes") or []
    if main and main in others:
        return [_error("causes.other_causes", "其他致贫原因不能与主要致贫原因相同")]
    return []


def _helpers(helpers: list[dict]) -> list[dict]:
    out = []
    for h in helpers:
        start, end = h.get("date_from"), h.get("date_to")
        if start and end and end < start:
            out.append(_error(f"helpers.{h['id']}.date_to", "结束时间不能早于结对时间"))
    return out


def _measures(measures: list[dict], members: list[dict]) -> list[dict]:
    member_ids = None  # built for the first measure that names a member
    out = []
    for row in measures:
        if not row.get("member_id"):
            continue
        if member_ids is None:
            member_ids = {m["id"] for m in members}
        if row["member_id"] not in member_ids:
            out.append(_error(f"measures.{row['id']}.member_id", "受益成员不在家庭成员中"))
    return out
