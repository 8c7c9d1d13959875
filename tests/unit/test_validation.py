import datetime as dt

import pytest

from server.domain import forms, idcard
from server.domain.sample import HEAD_ID, SON_ID, SPOUSE_ID, sample_document
from server.domain.validation import errors_only, validate

ANNEX1 = forms.load("annex1")
ON = dt.date(2020, 10, 12)
OTHER_ID = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"  # a row id no row of the sample has


def check(doc, **kw):
    return validate(ANNEX1, doc, reference_date=ON, **kw)


def at(messages, path):
    return [(m["severity"], m["message"]) for m in messages if m["path"] == path]


def member(doc, row_id):
    return next(m for m in doc["members"] if m["id"] == row_id)


@pytest.fixture
def doc():
    return sample_document()


# --- field checks -------------------------------------------------------------------------


def test_required_fields(doc):
    del doc["household"]["household_no"]
    del member(doc, SON_ID)["name"]
    doc["signoff"]["surveyor"] = ""
    messages = check(doc)
    assert at(messages, "household.household_no") == [("error", "请填写户编号")]
    assert at(messages, f"members.{SON_ID}.name") == [("error", "请填写姓名")]
    assert at(messages, "signoff.surveyor") == [("error", "请填写调查人")]


def test_a_draft_skips_completeness_but_not_bad_values(doc):
    del doc["household"]["household_no"]
    doc["household"]["phone"] = "12345"
    messages = check(doc, check_required=False)
    assert at(messages, "household.household_no") == []
    assert at(messages, "household.phone") == [("error", "手机号应为11位数字")]


def test_a_draft_may_have_no_members(doc):
    doc["members"] = []
    assert at(check(doc), "members") == [("error", "至少填写1个成员")]
    assert at(check(doc, check_required=False), "members") == []


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("household", "exit_year", "二〇一八", "脱贫年度应为整数"),
        ("household", "exit_year", True, "脱贫年度应为整数"),
        ("household", "exit_year", 2013, "脱贫年度不能小于2014"),
        ("household", "land_forest", "两亩", "林地面积应为数字"),
        ("household", "land_forest", -1, "林地面积不能小于0亩"),
        ("household", "danger_grade", "E", "住房安全等级的选项“E”无效"),
        ("household", "cooperative", "是", "是否加入农民专业合作社应为“是”或“否”"),
        ("household", "household_no", "01/02", "户编号只能包含数字、字母和连字符"),
        ("household", "group", "组" * 31, "村民小组不能超过30个字"),
        ("household", "phone", "1389123456", "手机号应为11位数字"),
        ("household", "phone", "23891234567", "手机号应为11位数字"),
        ("income", "wage_migrant", "1,200.00", "外出务工收入应为金额（如 1234.50）"),
        ("income", "wage_migrant", "NaN", "外出务工收入应为金额（如 1234.50）"),
        ("income", "wage_migrant", "12.345", "外出务工收入最多保留两位小数"),
        ("income", "wage_migrant", "-5.00", "外出务工收入不能小于0元"),
        ("guarantees", "food_secure", 1, "不愁吃应为“是”或“否”"),
        ("causes", "risks", "因病", "风险类型应为多选列表"),
        ("causes", "risks", ["因病", "因穷"], "风险类型的选项“因穷”无效"),
        ("causes", "risks", ["因病", "因病"], "风险类型有重复选项"),
        ("causes", "other_causes", ["缺资金", "缺水", "缺劳力"], "其他致贫原因最多选择2项"),
        ("signoff", "visit_date", "2020/10/12", "调查日期应为日期（年-月-日）"),
        ("signoff", "visit_date", "2020-02-30", "调查日期应为日期（年-月-日）"),
        ("signoff", "signature", "../x", "户主签字确认附件编号无效"),
        ("signoff", "gps", {"lat": 95, "lng": 100}, "位置经纬度无效"),
        ("signoff", "gps", {"lat": 34.9}, "位置应包含经纬度"),
    ],
)
def test_bad_values(doc, section, key, value, message):
    doc[section][key] = value
    assert at(check(doc), f"{section}.{key}") == [("error", message)]


def test_money_accepts_numbers_and_strings(doc):
    doc["income"]["wage_migrant"] = 24000
    doc["income"]["wage_local"] = "500.5"
    assert errors_only(check(doc)) == []


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("id_number", "610526196804120312", "身份证号校验位不正确"),
        ("id_number", "61052619680412031", "身份证号应为18位，前17位为数字，末位为数字或X"),
        ("sex", "未知", "性别的选项“未知”无效"),
        ("health", ["健康", "残疾"], "“健康”不能与其他健康状况同时选择"),
        (
            "medical_insurance",
            ["城乡居民基本医疗保险", "城镇职工基本医疗保险"],
            "基本医疗保险只能选择一项",
        ),
        ("migrant_months", 13, "务工时间不能大于12月"),
    ],
)
def test_bad_member_values(doc, key, value, message):
    member(doc, HEAD_ID)[key] = value
    assert at(check(doc), f"members.{HEAD_ID}.{key}") == [("error", message)]


def test_unknown_sections_and_fields(doc):
    doc["extra"] = {}
    doc["household"]["head_name"] = "王建国"
    member(doc, SON_ID)["nickname"] = "磊磊"
    messages = check(doc)
    assert at(messages, "extra") == [("error", "未知的部分")]
    assert at(messages, "household.head_name") == [("error", "未知字段")]
    assert at(messages, f"members.{SON_ID}.nickname") == [("error", "未知字段")]


def test_rows_need_unique_ids(doc):
    doc["helpers"].append(dict(doc["helpers"][0]))
    doc["measures"].append({"measure": "光伏", "year": 2020})
    messages = check(doc)
    assert at(messages, f"helpers.{doc['helpers'][0]['id']}") == [("error", "id重复")]
    assert at(messages, "measures") == [("error", "每个措施都需要id")]


def test_sections_of_the_wrong_shape(doc):
    doc["household"] = []
    doc["members"] = {}
    messages = check(doc)
    assert ("error", "该部分数据格式不正确") in at(messages, "household")
    assert at(messages, "members") == [("error", "该部分应为列表")]
    assert check("not a document") == [
        {"path": "", "message": "问卷数据格式不正确", "severity": "error"}
    ]


# --- relevance ----------------------------------------------------------------------------


def test_irrelevant_values_are_kept_and_not_used(doc):
    """A value left over from an earlier answer is neither required nor used by the rules across
    fields: a per-household measure may still name someone who is not (or no longer) a member."""
    doc["household"]["planned_exit_year"] = 2025  # only asked of 未脱贫 households
    member(doc, HEAD_ID)["disability_kind"] = "肢体"  # not disabled
    doc["measures"][0]["member_id"] = OTHER_ID  # a per-household measure
    assert check(doc) == []


@pytest.mark.parametrize(
    ("section", "key", "value", "text"),
    [
        ("household", "planned_exit_year", "garbage", "计划脱贫年度应为整数"),
        ("household", "planned_exit_year", 1990, "计划脱贫年度不能小于2014"),
        ("causes", "risk_note", {"evil": [1, 2, 3]}, "风险说明应为文本"),
        ("causes", "risk_note", "长" * 501, "风险说明不能超过500个字"),
        ("measures", "member_id", "nobody", "受益成员无效"),
        ("measures", "member_id", "x" * 100_000, "受益成员不能超过36个字"),
        ("members", "disability_grade", 9, "残疾等级不能大于4"),
        ("members", "disability_kind", [], "残疾类别只能选择一项"),
    ],
)
def test_irrelevant_values_are_still_values_their_field_allows(doc, section, key, value, text):
    """What is stored is what the form allows, asked or not (the document keeps the value)."""
    if section == "members":
        row = member(doc, HEAD_ID)
    elif section == "measures":
        row = doc["measures"][0]  # a per-household measure names nobody
    else:
        row = None
    (row if row is not None else doc[section])[key] = value
    path = f"{section}.{row['id']}.{key}" if row is not None else f"{section}.{key}"
    assert at(check(doc), path) == [("error", text)]
    assert at(check(doc, check_required=False), path) == [("error", text)]


def test_an_account_without_a_bank_is_still_digits(doc):
    del doc["household"]["bank"]
    doc["household"]["bank_account"] = {"a": {"b": {"c": [1, 2, 3]}}}
    assert at(check(doc), "household.bank_account") == [("error", "银行账号应为文本")]
    doc["household"]["bank_account"] = "6230270700001234567"
    assert check(doc) == []


def test_relevant_fields_become_required(doc):
    member(doc, HEAD_ID)["health"] = ["残疾"]
    member(doc, HEAD_ID)["change_reason"] = "迁入"
    doc["household"]["status"] = "未脱贫"
    doc["household"]["planned_exit_year"] = 2031
    messages = check(doc)
    assert at(messages, f"members.{HEAD_ID}.disability_kind") == [("error", "请填写残疾类别")]
    assert at(messages, f"members.{HEAD_ID}.disability_grade") == [("error", "请填写残疾等级")]
    assert at(messages, f"members.{HEAD_ID}.change_date") == [("error", "请填写变动日期")]
    assert at(messages, "household.planned_exit_year") == [("error", "计划脱贫年度不能大于2030")]
    assert at(messages, "household.exit_year") == []  # no longer relevant


def test_disability_grade_is_one_to_four(doc):
    head = member(doc, HEAD_ID)
    head.update(health=["残疾"], disability_kind="肢体", disability_grade=5)
    assert at(check(doc), f"members.{HEAD_ID}.disability_grade") == [("error", "残疾等级不能大于4")]
    head["disability_grade"] = 0
    assert at(check(doc), f"members.{HEAD_ID}.disability_grade") == [("error", "残疾等级不能小于1")]
    head["disability_grade"] = 4
    assert check(doc) == []


def test_cross_section_condition_on_household_status(doc):
    doc["household"]["status"] = "非建档立卡户"
    del doc["household"]["exit_year"]
    doc["causes"]["main_cause"] = "因病"  # irrelevant now: not a registered household
    doc["causes"]["other_causes"] = ["因病"]  # so the rule against repeating it is not asked
    assert errors_only(check(doc)) == []
    doc["causes"]["main_cause"] = "不存在的原因"  # kept with the document: still an option
    expected = [("error", "主要致贫原因的选项“不存在的原因”无效")]
    assert at(check(doc), "causes.main_cause") == expected


# --- members ------------------------------------------------------------------------------


def test_exactly_one_head(doc):
    member(doc, SON_ID)["relation"] = "户主"
    assert at(check(doc), f"members.{SON_ID}.relation") == [("error", "只能有一名户主")]
    member(doc, SON_ID)["relation"] = "之子"
    member(doc, HEAD_ID)["relation"] = "其他"
    assert at(check(doc), "members") == [("error", "家庭成员中应有一名户主")]


def test_a_head_who_left_does_not_count(doc):
    member(doc, HEAD_ID).update(change_reason="死亡", change_date="2020-03-01")
    assert at(check(doc), "members") == [("error", "家庭成员中应有一名户主")]
    member(doc, SPOUSE_ID)["relation"] = "户主"
    assert errors_only(check(doc)) == []


def test_spouse_count_and_sex(doc):
    second = idcard.make("610526", "1972-01-01", 2)
    doc["members"].append({**member(doc, SPOUSE_ID), "id": OTHER_ID, "id_number": second})
    assert at(check(doc), f"members.{OTHER_ID}.relation") == [("error", "只能有一名配偶")]
    doc["members"].pop()
    spouse = member(doc, SPOUSE_ID)
    spouse.update(id_number=idcard.make("610526", "1970-11-03", 41), sex="男")
    assert at(check(doc), f"members.{SPOUSE_ID}.relation") == [("error", "配偶应与户主性别不同")]


def test_relation_must_fit_the_sex_from_the_id_number(doc):
    son = member(doc, SON_ID)
    son["id_number"] = idcard.make("610526", "2004-09-21", 16)  # a girl's number
    son["sex"] = "女"
    assert at(check(doc), f"members.{SON_ID}.relation") == [("error", "与户主关系“之子”应为男性")]
    son["relation"] = "之女"
    assert check(doc) == []
    member(doc, SPOUSE_ID)["relation"] = "之父"
    assert ("error", "与户主关系“之父”应为男性") in at(check(doc), f"members.{SPOUSE_ID}.relation")


def test_typed_sex_and_birth_date_must_match_the_id_number(doc):
    son = member(doc, SON_ID)
    son["sex"] = "女"
    son["birth_date"] = "2004-09-22"
    messages = check(doc)
    assert at(messages, f"members.{SON_ID}.sex") == [
        ("error", "性别与身份证号不符（身份证号为男性），请核对性别或身份证号")
    ]
    assert at(messages, f"members.{SON_ID}.birth_date") == [
        ("error", "出生日期与身份证号不符（身份证号为2004-09-21）")
    ]
    son["sex"] = "男"
    son["birth_date"] = "2004-09-21"
    assert check(doc) == []


def test_a_sex_that_contradicts_the_id_number_gives_one_message(doc):
    """A man's number with 女 and 之女 chosen: the sex disagrees with the number, and that is the
    one thing to fix; the relation fits the sex the surveyor chose, so it is not blamed too."""
    son = member(doc, SON_ID)  # a man's ID number
    son["sex"] = "女"
    son["relation"] = "之女"
    messages = [m for m in check(doc) if m["path"].startswith(f"members.{SON_ID}.")]
    assert [(m["path"], m["message"]) for m in messages] == [
        (f"members.{SON_ID}.sex", "性别与身份证号不符（身份证号为男性），请核对性别或身份证号")
    ]
    son["sex"] = "男"  # the sex now agrees with the number: the relation is what is wrong
    assert at(check(doc), f"members.{SON_ID}.relation") == [("error", "与户主关系“之女”应为女性")]


def test_birth_after_the_reference_date(doc):
    member(doc, SON_ID)["id_number"] = idcard.make("610526", "2021-01-01", 15)
    member(doc, SON_ID)["school_status"] = "学龄前儿童"
    messages = check(doc)
    assert at(messages, f"members.{SON_ID}.id_number") == [
        ("error", "身份证号中的出生日期晚于调查日期")
    ]


def test_duplicate_id_numbers(doc):
    member(doc, SON_ID)["id_number"] = member(doc, HEAD_ID)["id_number"]
    messages = check(doc)
    assert at(messages, f"members.{SON_ID}.id_number") == [("error", "身份证号与其他成员重复")]
    assert at(messages, f"members.{HEAD_ID}.id_number") == []


def test_education_or_school_status_exactly_one(doc):
    member(doc, SON_ID)["education"] = "初中"
    messages = check(doc)
    assert at(messages, f"members.{SON_ID}.school_status") == [
        ("error", "文化程度与在校生状况只能填写一项")
    ]
    del member(doc, SON_ID)["education"]
    del member(doc, SON_ID)["school_status"]
    assert at(check(doc), f"members.{SON_ID}.education") == [
        ("error", "请填写文化程度或在校生状况")
    ]
    assert at(check(doc, check_required=False), f"members.{SON_ID}.education") == []


def test_migrant_place_and_months_together(doc):
    del member(doc, HEAD_ID)["migrant_months"]
    assert at(check(doc), f"members.{HEAD_ID}.migrant_months") == [
        ("error", "填写了务工地点，请填写务工时间")
    ]
    member(doc, SPOUSE_ID)["migrant_months"] = 3
    assert at(check(doc), f"members.{SPOUSE_ID}.migrant_place") == [
        ("error", "填写了务工时间，请填写务工地点")
    ]


def test_missing_medical_insurance_is_a_warning(doc):
    del member(doc, SPOUSE_ID)["medical_insurance"]
    assert at(check(doc), f"members.{SPOUSE_ID}.medical_insurance") == [
        ("warning", "未参加基本医疗保险，基本医疗保障未达标")
    ]


def test_in_law_relation_hints_at_the_head_sex(doc):
    doc["members"].append({
        **member(doc, SPOUSE_ID), "id": OTHER_ID, "relation": "之婆婆",
        "id_number": idcard.make("610526", "1945-02-02", 22),
    })  # fmt: skip
    assert at(check(doc), f"members.{OTHER_ID}.relation") == [
        ("warning", "“之婆婆”通常对应女性户主，请核实与户主关系")
    ]


def test_nobody_counted_is_a_warning(doc):
    for m in doc["members"]:
        m.update(change_reason="迁出", change_date="2020-05-01")
    assert at(check(doc), "members") == [("warning", "没有计入家庭人口的成员")]


@pytest.mark.parametrize(
    ("born", "health", "school", "warned"),
    [
        ("1990-01-01", ["健康"], None, True),  # 30
        ("2004-10-12", ["健康"], None, True),  # 16 on the reference date
        ("2004-10-13", ["健康"], None, False),  # one day short of 16
        ("1960-10-12", ["健康"], None, True),  # 60
        ("1959-10-12", ["健康"], None, False),  # 61
        ("1990-01-01", ["长期慢性病"], None, False),
        ("1998-01-01", ["健康"], "本科及以上", False),
    ],
)
def test_healthy_working_age_without_labour_is_a_warning(doc, born, health, school, warned):
    son = member(doc, SON_ID)
    son.update(id_number=idcard.make("610526", born, 15), health=health, labour="无劳动力")
    son.pop("school_status")
    son.update({"school_status": school} if school else {"education": "初中"})
    messages = check(doc)
    expected = [m for m in at(messages, f"members.{SON_ID}.labour") if m[0] == "warning"]
    assert bool(expected) is warned
    assert errors_only(messages) == []


def test_labour_warning_uses_the_reference_date(doc):
    son = member(doc, SON_ID)
    son.update(labour="无劳动力", education="高中")
    del son["school_status"]
    assert validate(ANNEX1, doc, reference_date=dt.date(2020, 9, 20)) == []
    assert validate(ANNEX1, doc, reference_date=dt.date(2020, 9, 21)) == [{
        "path": f"members.{SON_ID}.labour",
        "message": "16岁、健康且不在校的成员通常不是无劳动力，请核实",
        "severity": "warning",
    }]  # fmt: skip


# --- household, causes, help --------------------------------------------------------------


def test_returned_farmland_within_forest_and_pasture(doc):
    doc["household"].update(land_forest="1.0", land_pasture="0.5", land_returned="1.5")
    assert check(doc) == []
    doc["household"]["land_returned"] = "1.6"
    assert at(check(doc), "household.land_returned") == [
        ("error", "退耕还林面积不能超过林地与牧草地面积之和")
    ]


def test_other_causes_not_the_main_cause(doc):
    doc["causes"]["other_causes"] = ["缺技术"]
    assert at(check(doc), "causes.other_causes") == [
        ("error", "其他致贫原因不能与主要致贫原因相同")
    ]


def test_helper_dates_in_order(doc):
    doc["helpers"][0]["date_to"] = "2015-12-31"
    path = f"helpers.{doc['helpers'][0]['id']}.date_to"
    assert at(check(doc), path) == [("error", "结束时间不能早于结对时间")]


def test_per_person_measure_names_a_member(doc):
    row = doc["measures"][1]
    row["member_id"] = OTHER_ID
    assert at(check(doc), f"measures.{row['id']}.member_id") == [
        ("error", "受益成员不在家庭成员中")
    ]
    row["member_id"] = "someone-else"
    assert at(check(doc), f"measures.{row['id']}.member_id") == [("error", "受益成员无效")]
    row["member_id"] = None
    assert at(check(doc), f"measures.{row['id']}.member_id") == [("error", "请填写受益成员")]


# --- plausibility warnings ----------------------------------------------------------------


def warnings_at(doc, path):
    return [m for m in at(check(doc), path) if m[0] == "warning"]


def test_business_income_without_cost(doc):
    doc["income"]["cost_business"] = "0.00"
    assert warnings_at(doc, "income.cost_business") == [
        ("warning", "有生产经营性收入但没有生产经营性支出，请核实")
    ]
    doc["income"] = {"wage_migrant": "24000.00"}
    assert warnings_at(doc, "income.cost_business") == []


def test_eco_compensation_without_returned_farmland(doc):
    doc["household"]["land_returned"] = "0"
    assert warnings_at(doc, "income.transfer_eco") == [
        ("warning", "有生态补偿金但没有退耕还林面积，请核实")
    ]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("transfer_dibao", "199.99", "低保金不足200元，请核实是否为全年金额"),
        ("transfer_family_planning", "99.00", "计划生育金不足100元，请核实是否为全年金额"),
        ("transfer_pension", "87.99", "养老保险金不足88元，请核实是否为全年金额"),
        ("wage_local", "299.99", "本地务工收入不足300元，请核实是否为全年金额"),
        ("wage_migrant", "300000.01", "外出务工收入超过300000元，请核实"),
    ],
)
def test_implausible_amounts(doc, key, value, message):
    doc["income"][key] = value
    messages = check(doc)
    assert at(messages, f"income.{key}") == [("warning", message)]
    assert errors_only(messages) == []


@pytest.mark.parametrize(
    ("key", "value"),
    [("transfer_dibao", "0.00"), ("transfer_dibao", "200.00"), ("transfer_family_planning", "100"),
     ("transfer_pension", "88.00"), ("wage_local", "300.00"), ("wage_migrant", "300000.00")],
)  # fmt: skip
def test_plausible_amounts_at_the_bounds(doc, key, value):
    doc["income"][key] = value
    assert at(check(doc), f"income.{key}") == []


def test_errors_only_drops_warnings():
    messages = [
        {"path": "a", "message": "x", "severity": "warning"},
        {"path": "b", "message": "y", "severity": "error"},
    ]
    assert errors_only(messages) == [messages[1]]


# --- what is stored is what the form allows -------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "text"),
    [
        ("household.status", [], "户状态只能选择一项"),
        ("household.status", {}, "户状态应为一个选项"),
        ("household.status", 7, "户状态应为一个选项"),
        ("household.household_no", [], "户编号应为文本"),
        ("household.group", {}, "村民小组应为文本"),
        ("income.wage_migrant", [], "外出务工收入应为金额（如 1234.50）"),
        ("income.wage_migrant", {}, "外出务工收入应为金额（如 1234.50）"),
        ("income.wage_migrant", "10000000.01", "外出务工收入不能大于10000000元"),
        ("income.wage_migrant", 10**12, "外出务工收入不能大于10000000元"),
        ("income.wage_migrant", "１２", "外出务工收入应为金额（如 1234.50）"),
        ("household.land_forest", "１２", "林地面积应为数字"),
        ("household.exit_year", "２０１８", "脱贫年度应为整数"),
        ("signoff.visit_date", "２０２０-１０-１２", "调查日期应为日期（年-月-日）"),
        ("household.group", "一\x00组", "村民小组含有无法保存的字符"),
        ("household.group", "\ud800", "村民小组含有无法保存的字符"),
        ("household.group", "一\x7f", "村民小组含有无法保存的字符"),
        ("signoff.gps", {"lat": 1, "lng": 2, "evil": {"a": 1}}, "位置经纬度无效"),
        ("signoff.gps", {"lat": 1, "lng": 2, "accuracy": -1}, "位置经纬度无效"),
        ("signoff.gps", {"lat": True, "lng": 2}, "位置经纬度无效"),
        ("signoff.gps", {"lat": 1}, "位置应包含经纬度"),
        ("guarantees.medical_ok", {"evil": 1}, "基本医疗有保障应为“是”或“否”"),
        ("causes.risks", [{}], "风险类型的选项无效"),
        ("causes.risks", ["<b>" * 10], "风险类型的选项“<b><b><b><b><b><b><b…”无效"),
        ("household.status", "\x00", "户状态的选项无效"),
    ],
)
def test_a_value_of_the_wrong_type_or_size_is_an_error(doc, path, value, text):
    section, key = path.split(".")
    doc[section][key] = value
    assert at(check(doc, check_required=False), path) == [("error", text)]


@pytest.mark.parametrize(
    "value", ["队\t一\n二\r", "　王　", "王𠮷", "a" * 30, "\u200b王"], ids=repr
)
def test_text_with_breaks_wide_spaces_and_rare_characters_is_text(doc, value):
    doc["household"]["group"] = value
    assert at(check(doc), "household.group") == []


def test_no_answer_is_none_or_empty_text_and_an_empty_list_for_a_multi_select(doc):
    doc["household"]["phone"] = ""
    doc["household"]["road_type"] = None
    doc["causes"]["risks"] = []
    assert check(doc) == []
    doc["members"][0]["health"] = []
    assert at(check(doc), f"members.{HEAD_ID}.health") == [("error", "请填写健康状况")]


def test_a_position_from_the_phone_is_a_position(doc):
    doc["signoff"]["gps"] = {"lat": 34.9, "lng": 109.6, "accuracy": 12}
    assert check(doc) == []


@pytest.mark.parametrize(
    "row_id",
    ["m1", '"><img src=x onerror=alert(1)>', OTHER_ID.upper(), OTHER_ID.replace("-", ""), "x" * 36],
)
def test_a_row_id_is_a_uuid_and_is_never_repeated_in_a_message(doc, row_id):
    doc["helpers"][0]["id"] = row_id
    messages = check(doc)
    assert at(messages, "helpers") == [("error", "帮扶人的id无效（应为设备生成的UUID）")]
    assert all(row_id not in m["path"] + m["message"] for m in messages)


def test_an_unknown_key_is_named_only_when_it_looks_like_one(doc):
    doc["household"]["colour"] = "红"
    doc["household"]["<script>"] = "1"
    doc["members"][0]["\ud800"] = 1
    doc["x" * 1000] = 1
    messages = check(doc)
    assert at(messages, "household.colour") == [("error", "未知字段")]
    assert at(messages, "household") == [("error", "未知字段")]
    assert at(messages, f"members.{HEAD_ID}") == [("error", "未知字段")]
    assert at(messages, "") == [("error", "未知的部分")]
