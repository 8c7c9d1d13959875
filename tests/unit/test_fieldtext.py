"""A field as a person reads and types it: labels at change paths, values in words, typed text."""

from server.domain import fieldtext, forms
from server.domain.sample import sample_document

DEFINITION = forms.load("annex1")
DOCUMENT = sample_document()
SPOUSE = DOCUMENT["members"][1]


def field(path):
    return fieldtext.locate(DEFINITION, path)[1]


def test_labels_name_the_section_the_row_and_the_field():
    assert fieldtext.label(DEFINITION, DOCUMENT, "income.wage_migrant") == "收入情况 · 外出务工收入"
    member = f"members.{SPOUSE['id']}"
    assert (
        fieldtext.label(DEFINITION, DOCUMENT, f"{member}.labour") == "家庭成员 · 李秀兰 · 劳动技能"
    )
    assert fieldtext.label(DEFINITION, DOCUMENT, member) == "家庭成员 · 李秀兰（整行）"
    gone = "members.00000000-0000-4000-8000-000000000000.name"
    assert fieldtext.label(DEFINITION, DOCUMENT, gone) == "家庭成员 · （已删除的成员） · 姓名"
    assert fieldtext.label(DEFINITION, DOCUMENT, "nowhere.x") == "nowhere.x"


def test_values_in_words():
    words = lambda path, value: fieldtext.words(DEFINITION, DOCUMENT, path, value)  # noqa: E731
    assert words("income.wage_migrant", None) == "（空）"
    assert words("household.cooperative", True) == "是"
    assert words("causes.other_causes", ["缺资金", "缺技术"]) == "缺资金、缺技术"
    measure = DOCUMENT["measures"][0]["id"]
    assert words(f"measures.{measure}.member_id", SPOUSE["id"]) == "李秀兰"
    assert words(f"members.{SPOUSE['id']}", SPOUSE).startswith("李秀兰")
    assert words("signoff.gps", {"lat": 33.1, "lng": 107.2}) == "33.1, 107.2"


def test_typed_text_is_read_as_the_fields_kind_of_value():
    assert fieldtext.read(field("income.wage_migrant"), " 12000 ") == "12000.00"
    assert fieldtext.read(field("income.wage_migrant"), "很多") == "很多"  # validation words it
    assert fieldtext.read(field("household.exit_year"), "2020") == 2020
    assert fieldtext.read(field("household.exit_year"), "2020年") == "2020年"
    assert fieldtext.read(field("household.cooperative"), "否") is False
    assert fieldtext.read(field("causes.other_causes"), "缺资金、缺技术") == ["缺资金", "缺技术"]
    assert fieldtext.read(field("household.bank"), "  ") is None
    assert not fieldtext.can_type(field("signoff.signature"))
    assert not fieldtext.can_type(None)  # a whole row
