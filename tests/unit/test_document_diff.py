"""The pure diff between two versions of a questionnaire, in the form's words."""

import copy

import pytest

from server.domain import diff, forms
from server.domain.sample import sample_document

DEFINITION = forms.load("annex1")
NEW_ID = "00000000-0000-4000-8000-0000000000ff"


@pytest.fixture()
def before():
    return sample_document()


def _after(before, change):
    after = copy.deepcopy(before)
    change(after)
    return after


def _by_path(changes):
    return {c.path: c for c in changes}


def test_the_same_document_has_no_changes(before):
    assert diff.changes(DEFINITION, before, copy.deepcopy(before)) == []


def test_a_field_change_is_labelled_with_section_and_field(before):
    after = _after(before, lambda d: d["household"].update(phone="13900000000"))
    [change] = diff.changes(DEFINITION, before, after)
    assert change.path == "household.phone"
    assert change.kind == "changed"
    assert change.label == "A. 户基本情况 › 联系电话"
    assert (change.old_text, change.new_text) == (before["household"]["phone"], "13900000000")


def test_money_is_formatted_and_compared_as_an_amount(before):
    after = _after(before, lambda d: d["income"].update(wage_migrant="15000.5"))
    [change] = diff.changes(DEFINITION, before, after)
    assert change.label == "C. 收入情况 › 外出务工收入"
    assert change.old_text == "24,000.00 元" and change.new_text == "15,000.50 元"
    same = _after(before, lambda d: d["income"].update(wage_migrant="24000"))
    assert diff.changes(DEFINITION, before, same) == []


def test_no_answer_is_one_thing_whatever_its_spelling(before):
    before["household"]["bank"] = None
    after = _after(before, lambda d: d["household"].update(bank=""))
    assert diff.changes(DEFINITION, before, after) == []
    after = _after(before, lambda d: d["household"].update(bank="农村信用社"))
    [change] = diff.changes(DEFINITION, before, after)
    assert change.kind == "filled" and change.old_text == ""


def test_options_and_yes_no_read_as_words(before):
    def edit(d):
        d["household"]["cooperative"] = not before["household"].get("cooperative")
        d["causes"]["other_causes"] = ["缺技术", "缺资金"]

    changes = _by_path(diff.changes(DEFINITION, before, _after(before, edit)))
    assert changes["household.cooperative"].new_text in ("是", "否")
    assert changes["causes.other_causes"].new_text == "缺技术、缺资金"


def test_members_are_matched_by_id_not_by_position(before):
    after = _after(before, lambda d: d["members"].reverse())
    assert diff.changes(DEFINITION, before, after) == []


def test_a_member_added_removed_and_changed(before):
    gone = before["members"][2]
    first = before["members"][0]

    def edit(d):
        d["members"][0]["name"] = "王建军"
        del d["members"][2]
        d["members"].append({"id": NEW_ID, "name": "王小明", "relation": "之子", "sex": "男"})

    changes = _by_path(diff.changes(DEFINITION, before, _after(before, edit)))
    renamed = changes[f"members.{first['id']}.name"]
    assert renamed.kind == "changed"
    assert renamed.label == "B. 家庭成员 › 王建军 › 姓名"  # the row named as it is now
    added = changes[f"members.{NEW_ID}"]
    assert added.kind == "row_added" and added.label == "B. 家庭成员 › 王小明"
    assert ("与户主关系", "之子") in added.details
    removed = changes[f"members.{gone['id']}"]
    assert removed.kind == "row_removed" and removed.row == gone["name"]
    assert removed.reason is None  # deleted as a mistake: the form gave no reason


def test_a_removed_row_keeps_the_reason_the_form_gave(before):
    before["members"][2]["change_reason"] = "婚出"
    gone = before["members"][2]
    after = _after(before, lambda d: d["members"].pop(2))
    [change] = diff.changes(DEFINITION, before, after)
    assert change.kind == "row_removed" and change.reason == "婚出"
    assert change.path == f"members.{gone['id']}"


def test_a_member_who_leaves_is_reported_with_the_reason(before):
    member = before["members"][1]

    def edit(d):
        d["members"][1].update(change_reason="迁出", change_date="2020-05-01")

    changes = diff.changes(DEFINITION, before, _after(before, edit))
    assert [c.kind for c in changes] == ["row_left", "filled", "filled"]
    assert changes[0].reason == "迁出" and changes[0].row == member["name"]
    assert changes[0].new_text == "不计入家庭人口"
    assert changes[1].label.endswith("› 成员变动原因")


def test_a_measure_names_its_beneficiary_by_name(before):
    measure = before["measures"][0]
    other = before["members"][1]
    after = _after(before, lambda d: d["measures"][0].update(member_id=other["id"]))
    if measure.get("member_id") == other["id"]:
        pytest.skip("the sample's measure already names that member")
    [change] = diff.changes(DEFINITION, before, after)
    assert change.new_text == other["name"]


def test_changes_come_in_the_forms_order(before):
    def edit(d):
        d["signoff"]["surveyor"] = "张三"
        d["income"]["cost_business"] = "100.00"
        d["household"]["phone"] = "13900000000"

    labels = [c.section for c in diff.changes(DEFINITION, before, _after(before, edit))]
    assert labels == ["A. 户基本情况", "C. 收入情况", "G. 签字确认"]


def test_authors_credit_each_step_with_what_it_changed(before):
    v2 = _after(before, lambda d: d["household"].update(phone="13900000000"))
    v3 = copy.deepcopy(v2)  # a review decision: the document does not move
    v4 = _after(v3, lambda d: d["income"].update(wage_migrant="1.00"))
    v5 = _after(v4, lambda d: d["household"].update(phone="13900000001"))
    versions = [(1, before), (2, v2), (3, v3), (4, v4), (5, v5)]
    paths = [c.path for c in diff.changes(DEFINITION, before, v5)]
    made = diff.authors(DEFINITION, versions, paths)
    assert made == {"household.phone": [2, 5], "income.wage_migrant": [4]}


def test_a_row_added_then_edited_is_credited_to_both(before):
    v2 = _after(before, lambda d: d["members"].append({"id": NEW_ID, "name": "甲"}))
    v3 = _after(v2, lambda d: d["members"][-1].update(name="乙"))
    made = diff.authors(DEFINITION, [(1, before), (2, v2), (3, v3)], [f"members.{NEW_ID}"])
    assert made == {f"members.{NEW_ID}": [2, 3]}


def test_as_dict_is_plain_json(before):
    import json

    after = _after(before, lambda d: d["members"].append({"id": NEW_ID, "name": "甲"}))
    out = [c.as_dict() for c in diff.changes(DEFINITION, before, after)]
    assert json.loads(json.dumps(out, ensure_ascii=False)) == out
    assert out[0]["label"] == "B. 家庭成员 › 甲"
