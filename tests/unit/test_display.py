"""A document in the form's words: labels of paths, values, what a reviewer may pick."""

import pytest

from server.domain import display, forms
from server.domain.sample import sample_document

DEFINITION = forms.load("annex1")


def _field(section, key):
    return display.field(display.section(DEFINITION, section), key)


def test_path_labels_name_section_row_and_field():
    doc = sample_document()
    member = doc["members"][0]
    assert display.path_label(DEFINITION, "household.phone", doc) == "A. 户基本情况 › 联系电话"
    assert display.path_label(DEFINITION, f"members.{member['id']}.id_number", doc) == (
        f"B. 家庭成员 › {member['name']} › 身份证号"
    )
    assert display.path_label(DEFINITION, "members", doc) == "B. 家庭成员"
    assert display.path_label(DEFINITION, "nowhere.x", doc) == "nowhere.x"


def test_values_in_words():
    assert display.value_text(_field("income", "wage_migrant"), "12000") == "12,000.00 元"
    assert display.value_text(_field("household", "land_cultivated"), "3.5") == "3.5 亩"
    assert display.value_text(_field("household", "cooperative"), True) == "是"
    assert display.value_text(_field("household", "cooperative"), False) == "否"
    assert display.value_text(_field("causes", "risks"), ["因病", "因学"]) == "因病、因学"
    assert display.value_text(_field("signoff", "photo"), "abc-123") == "已上传"
    gps = display.value_text(_field("signoff", "gps"), {"lat": 34.5, "lng": 109.1, "accuracy": 8})
    assert gps == "北纬 34.5，东经 109.1（精度约 8 米）"
    for empty in (None, "", []):
        assert display.value_text(_field("causes", "risks"), empty) == ""


def test_field_at_knows_only_the_forms_fields_and_the_documents_rows():
    doc = sample_document()
    member = doc["members"][0]["id"]
    assert display.field_at(DEFINITION, doc, "household.phone")["label"] == "联系电话"
    assert display.field_at(DEFINITION, doc, f"members.{member}.name")["label"] == "姓名"
    for path in (
        "household.nothing",
        "household",
        f"members.{member}",
        "members.00000000-0000-4000-8000-000000000999.name",
        "guarantees.medical_ok",  # computed by the server
        "",
        None,
    ):
        assert display.field_at(DEFINITION, doc, path) is None, path
    assert display.is_comment_path(DEFINITION, doc, "members")
    assert not display.is_comment_path(DEFINITION, doc, "membersx")


def test_field_groups_follow_the_form_and_the_rows():
    doc = sample_document()
    groups = display.field_groups(DEFINITION, doc, sections_too=True)
    assert groups[0]["label"] == "A. 户基本情况"
    assert groups[0]["options"][0][:2] == ("household", "（整个部分）")
    row_groups = [g for g in groups if g["label"].startswith("B. 家庭成员 › ")]
    assert len(row_groups) == len(doc["members"])
    paths = [p for g in groups for p, _, _ in g["options"]]
    assert "guarantees.medical_ok" not in paths
    assert all(display.is_comment_path(DEFINITION, doc, p) for p in paths)


@pytest.mark.parametrize(
    ("section", "key", "text", "value"),
    [
        ("income", "wage_migrant", "12,000", "12000.00"),
        ("income", "wage_migrant", "12.345", "12.345"),  # left for the validation to refuse
        ("household", "exit_year", "2019", 2019),
        ("household", "cooperative", "是", True),
        ("household", "cooperative", "否", False),
        ("causes", "risks", "因病、因学", ["因病", "因学"]),
        ("causes", "risks", "", []),
        ("household", "phone", " 13900000000 ", "13900000000"),
        ("household", "bank", "", None),
    ],
)
def test_typed_value_reads_a_text_box_as_the_field_holds_it(section, key, text, value):
    assert display.typed_value(_field(section, key), text) == value


def test_input_text_round_trips():
    for section, key, value in (
        ("household", "cooperative", True),
        ("causes", "risks", ["因病", "因学"]),
        ("income", "wage_migrant", "1200.00"),
        ("household", "exit_year", 2019),
    ):
        f = _field(section, key)
        assert display.typed_value(f, display.input_text(f, value)) == value
