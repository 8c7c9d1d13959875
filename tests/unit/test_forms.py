import datetime as dt
from decimal import Decimal

import pytest

from server.domain import conditions, forms, income, validation
from server.domain.sample import sample_document

TYPES = {"text", "integer", "decimal", "money", "select", "multiselect", "boolean", "date",
         "idcard", "phone", "attachment", "gps"}  # fmt: skip
ANNEX1 = forms.load("annex1")
SECTIONS = {s["key"]: s for s in ANNEX1["sections"]}


def all_fields():
    for section in ANNEX1["sections"]:
        for field in section["fields"]:
            yield section, field


def test_sections_in_order():
    assert [s["key"] for s in ANNEX1["sections"]] == [
        "household", "members", "income", "guarantees", "causes", "helpers", "measures", "signoff",
    ]  # fmt: skip
    kinds = {s["key"]: s["kind"] for s in ANNEX1["sections"]}
    assert {k for k, v in kinds.items() if v == "repeat"} == {"members", "helpers", "measures"}
    assert SECTIONS["members"]["min_items"] == 1


def test_income_keys_are_exactly_the_contract_table():
    fields = SECTIONS["income"]["fields"]
    assert [f["key"] for f in fields] == list(income.ITEMS)
    for field in fields:
        assert field["type"] == "money"
        assert (field["label"], field["group"]) == income.ITEMS[field["key"]]


def test_every_field_is_well_formed():
    for section, field in all_fields():
        where = f"{section['key']}.{field['key']}"
        assert field["type"] in TYPES, where
        assert field["label"], where
        if field["type"] in ("select", "multiselect") or "options" in field:
            assert field["options"], where
            assert len(set(field["options"])) == len(field["options"]), where
    keys = [(s["key"], f["key"]) for s, f in all_fields()]
    assert len(keys) == len(set(keys))


def test_relevant_conditions_name_existing_fields():
    for section, field in all_fields():
        own = {f["key"] for f in section["fields"]}
        for ref in conditions.field_refs(field.get("relevant")):
            if "." in ref:
                other, key = ref.split(".", 1)
                assert SECTIONS[other]["kind"] == "group", ref
                assert key in {f["key"] for f in SECTIONS[other]["fields"]}, ref
            else:
                assert ref in own and ref != field["key"], ref


def test_member_option_lists():
    fields = {f["key"]: f for f in SECTIONS["members"]["fields"]}
    assert len(fields["ethnicity"]["options"]) == 57
    assert {"汉族", "蒙古族", "维吾尔族", "其他"} <= set(fields["ethnicity"]["options"])
    assert fields["relation"]["options"][0] == "户主"
    assert fields["change_reason"]["options"] == [
        "新生儿", "迁入", "婚入", "死亡", "迁出", "服刑", "失踪", "婚出", "分户",
    ]  # fmt: skip
    assert fields["medical_insurance"]["options"] == [
        "城乡居民基本医疗保险",
        "城镇职工基本医疗保险",
    ]
    assert fields["disability_grade"]["relevant"] == {"field": "health", "in": ["残疾"]}


def test_derived_guarantees_are_computed_fields():
    fields = {f["key"]: f for f in SECTIONS["guarantees"]["fields"]}
    assert fields["medical_ok"]["computed"] and fields["housing_ok"]["computed"]


def test_income_table_columns():
    table = forms.load("income_table")
    keys = [c["key"] for c in table["columns"]]
    assert keys[:17] == ["income." + k for k in income.ITEMS]
    assert keys[17:] == ["household_size", "per_capita_net_income"]


def test_load_returns_a_copy_and_unknown_ids_raise():
    forms.load("annex1")["title"] = "changed"
    assert forms.load("annex1")["title"] == "入户调查表"
    with pytest.raises(KeyError):
        forms.load("annex9")
    with pytest.raises(KeyError):
        forms.etag("../etc/passwd")


def test_all_forms_and_etags():
    assert [f["id"] for f in forms.all_forms()] == ["annex1", "income_table"]
    assert forms.etag("annex1") == forms.etag("annex1")
    assert forms.etag("annex1") != forms.etag("income_table")
    assert len(forms.etag("annex1")) == 20


def test_the_sample_household_validates_clean():
    messages = validation.validate(ANNEX1, sample_document(), reference_date=dt.date(2020, 10, 12))
    assert messages == []


def test_every_text_field_states_its_maximum_length():
    for section, field in all_fields():
        if field["type"] == "text":
            assert type(field.get("max_length")) is int, f"{section['key']}.{field['key']}"


def test_every_amount_has_a_maximum_no_household_sum_can_overflow():
    """The derived money columns are Numeric(14,2): below 10**12. The largest of them is the
    annual income, the sum of every income item; the net income is at least minus the cost."""
    from server.models import Household

    limit = Decimal(10) ** (Household.annual_income.type.precision - 2)
    money_fields = [f for _, f in all_fields() if f["type"] == "money" and not f.get("computed")]
    assert all("max" in f and f.get("min") == 0 for f in money_fields)
    items = [f for f in SECTIONS["income"]["fields"] if f["key"] != "cost_business"]
    assert sum(Decimal(f["max"]) for f in items) < limit
    cost = next(f for f in SECTIONS["income"]["fields"] if f["key"] == "cost_business")
    assert Decimal(cost["max"]) < limit
    for column in ("annual_income", "net_income", "per_capita_net_income"):
        assert getattr(Household, column).type.precision == 14
        assert getattr(Household, column).type.scale == 2


def test_a_field_that_names_a_row_takes_a_row_id():
    member_id = next(f for _, f in all_fields() if f["key"] == "member_id")
    check = validation.check_value
    assert check(member_id, "6f1c2a3e-8b4d-4c1a-9e2f-000000000001")[0] is None
    for bad in ('"><img src=x onerror=alert(1)>', "x" * 37, "6F1C2A3E-8B4D-4C1A-9E2F-000000000001"):
        assert check(member_id, bad)[0], bad


def test_every_projected_column_holds_what_its_field_allows():
    """PostgreSQL refuses a text longer than its column: the longest option or text a field
    allows fits the column the server copies it into."""
    from server.models import Household, Member

    columns = {
        ("household", "household_no"): Household.household_no,
        ("household", "status"): Household.status,
        ("household", "attribute"): Household.poverty_attribute,
        ("causes", "main_cause"): Household.main_cause,
        ("members", "name"): Member.name,
        ("members", "name", "head"): Household.head_name,
        ("members", "id_number"): Member.id_number,
        ("members", "sex"): Member.sex,
        ("members", "relation"): Member.relation,
        ("members", "labour"): Member.labour,
    }
    for (section, key, *_), column in columns.items():
        field = next(f for f in SECTIONS[section]["fields"] if f["key"] == key)
        longest = (
            18
            if field["type"] == "idcard"
            else max(map(len, field["options"]))
            if "options" in field
            else field["max_length"]
        )
        assert longest <= column.type.length, (section, key)
