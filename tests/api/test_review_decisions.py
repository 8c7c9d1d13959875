"""Review decisions through HTTP: return with a reason and field comments, hold, undo, and a
reviewer's direct correction; every refusal leaves the record exactly as it was."""

from sqlalchemy import func, select

from server.extensions import db
from server.models import Revision

from .conftest import fresh_document, household, make_household


def _review(client, auth, household_id, user, action, **body):
    return client.post(
        f"/api/households/{household_id}/review",
        json={"action": action, **body},
        headers=auth.headers(user),
    )


def _correct(client, auth, household_id, user, changes, **body):
    return client.post(
        f"/api/households/{household_id}/corrections",
        json={"changes": changes, **body},
        headers=auth.headers(user),
    )


def _state(household_id):
    """What a refused write must not change."""
    hh = household(household_id)
    revisions = db.session.scalar(
        select(func.count()).select_from(Revision).where(Revision.household_id == household_id)
    )
    db.session.rollback()
    return (
        hh.version,
        hh.review_state,
        hh.review_note,
        hh.review_comments,
        hh.document,
        hh.per_capita_net_income,
        revisions,
    )


def _submitted(areas, document=None):
    return make_household(areas.surveyor_village, document, state="submitted")


def test_a_return_needs_a_reason_and_writes_nothing_without_one(client, auth, areas):
    household_id = _submitted(areas)
    before = _state(household_id)
    for body in ({}, {"note": "  "}):
        r = _review(client, auth, household_id, "demo-reviewer", "return", **body)
        assert r.status_code == 422
        assert r.get_json()["error"]["fields"] == {"note": ["退回时请填写原因"]}
    assert _state(household_id) == before


def test_a_return_with_comments_on_fields(client, auth, areas):
    document = fresh_document()
    household_id = _submitted(areas, document)
    member = document["members"][0]["id"]
    comments = {
        "household.phone": "电话号码打不通，请核实",
        f"members.{member}.id_number": "身份证号与户口本不一致",
        "helpers": "请补充帮扶责任人",
    }
    r = _review(
        client, auth, household_id, "demo-reviewer", "return", note="请核实电话", comments=comments
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["review_state"] == "returned"
    assert body["review_note"] == "请核实电话"
    assert body["review_comments"] == comments
    revisions = client.get(
        f"/api/households/{household_id}/revisions", headers=auth.headers("demo-reviewer")
    ).get_json()
    last = revisions[-1]
    assert last["kind"] == "review" and last["note"] == "请核实电话"
    assert last["changes"] == {
        "review_state": ["submitted", "returned"],
        "review_action": "return",
        "review_comments": comments,
    }
    # The comments stay through the surveyor's resubmission and go with the next approval.
    assert _review(client, auth, household_id, "demo-surveyor", "submit").status_code == 200
    assert household(household_id).review_comments == comments
    r = _review(client, auth, household_id, "demo-reviewer", "approve")
    assert r.status_code == 200 and r.get_json()["review_comments"] is None


def test_comments_on_unknown_paths_are_422_and_nothing_is_written(client, auth, areas):
    household_id = _submitted(areas)
    before = _state(household_id)
    for comments, key in (
        ({"household.nothing": "x"}, "comments.household.nothing"),
        (
            {"members.00000000-0000-4000-8000-000000000999.name": "x"},
            "comments.members.00000000-0000-4000-8000-000000000999.name",
        ),
        ({"guarantees.medical_ok": "x"}, "comments.guarantees.medical_ok"),
        ({"household.phone": "   "}, "comments.household.phone"),
    ):
        r = _review(
            client, auth, household_id, "demo-reviewer", "return", note="原因", comments=comments
        )
        assert r.status_code == 422, comments
        assert key in r.get_json()["error"]["fields"], r.get_json()
    r = _review(
        client,
        auth,
        household_id,
        "demo-reviewer",
        "return",
        note="原因",
        comments={"household.phone": "长" * 201},
    )
    assert r.status_code == 422
    r = _review(
        client, auth, household_id, "demo-reviewer", "approve", comments={"household.phone": "x"}
    )
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"] == {"comments": ["只有退回修改时可以对字段批注"]}
    assert _state(household_id) == before


def test_hold_then_decide(client, auth, areas):
    household_id = _submitted(areas)
    r = _review(client, auth, household_id, "demo-reviewer", "hold", note="电话核实收入")
    assert r.status_code == 200 and r.get_json()["review_state"] == "held"
    assert _review(client, auth, household_id, "demo-reviewer", "hold").status_code == 409
    r = _review(client, auth, household_id, "demo-reviewer", "approve")
    assert r.status_code == 200 and r.get_json()["review_state"] == "approved"


def test_undo_each_decision_back_to_where_it_found_the_record(client, auth, areas):
    household_id = _submitted(areas)
    for action, after in (("hold", "held"), ("approve", "approved"), ("return", "returned")):
        note = "原因" if action == "return" else None
        r = _review(client, auth, household_id, "demo-reviewer", action, note=note)
        assert r.status_code == 200 and r.get_json()["review_state"] == after
        before = r.get_json()["version"]
        r = _review(client, auth, household_id, "demo-reviewer", "undo")
        assert r.status_code == 200, r.get_json()
        assert r.get_json()["review_state"] == "submitted"
        assert r.get_json()["version"] == before + 1
    revisions = client.get(
        f"/api/households/{household_id}/revisions", headers=auth.headers("demo-reviewer")
    ).get_json()
    undone = [r for r in revisions if r["changes"].get("review_action") == "undo"]
    assert [r["note"] for r in undone] == ["撤销“存疑待核实”", "撤销“审核通过”", "撤销“退回”"]
    assert all(r["kind"] == "review" for r in undone)
    assert undone[0]["changes"]["review_state"] == ["held", "submitted"]


def test_undo_of_an_undo_or_of_nothing_is_refused(client, auth, areas):
    household_id = _submitted(areas)
    before = _state(household_id)
    r = _review(client, auth, household_id, "demo-reviewer", "undo")
    assert r.status_code == 409
    assert r.get_json()["error"]["message"] == "该户没有可以撤销的审核决定"
    assert _state(household_id) == before
    assert _review(client, auth, household_id, "demo-reviewer", "approve").status_code == 200
    assert _review(client, auth, household_id, "demo-reviewer", "undo").status_code == 200
    assert _review(client, auth, household_id, "demo-reviewer", "undo").status_code == 409


def test_undo_is_refused_once_the_county_has_accepted(client, auth, areas):
    household_id = _submitted(areas)
    assert _review(client, auth, household_id, "demo-reviewer", "approve").status_code == 200
    assert _review(client, auth, household_id, "demo-county", "accept").status_code == 200
    before = _state(household_id)
    r = _review(client, auth, household_id, "demo-reviewer", "undo")
    assert r.status_code == 409
    assert r.get_json()["error"]["message"] == "县级已确认的记录不能撤销审核决定"
    assert _state(household_id) == before


def test_only_the_maker_undoes_and_not_after_the_surveyor_moved(client, auth, areas):
    household_id = _submitted(areas)
    assert (
        _review(client, auth, household_id, "demo-reviewer", "return", note="补充").status_code
        == 200
    )
    r = _review(client, auth, household_id, "demo-county", "undo")
    assert r.status_code == 409
    assert r.get_json()["error"]["message"] == "只能撤销您本人做出的审核决定"
    assert _review(client, auth, household_id, "demo-surveyor", "submit").status_code == 200
    r = _review(client, auth, household_id, "demo-reviewer", "undo")
    assert r.status_code == 409
    assert household(household_id).review_state == "submitted"


def test_a_decision_on_a_version_not_seen_is_refused(client, auth, areas):
    household_id = _submitted(areas)
    before = _state(household_id)
    r = _review(client, auth, household_id, "demo-reviewer", "approve", base_version=7)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "stale_version"
    assert _state(household_id) == before
    r = _review(client, auth, household_id, "demo-reviewer", "approve", base_version=1)
    assert r.status_code == 200


def test_a_reviewers_correction_recomputes_the_income(client, auth, areas):
    document = fresh_document()
    household_id = _submitted(areas, document)
    old = household(household_id)
    r = _correct(
        client,
        auth,
        household_id,
        "demo-reviewer",
        {"income.wage_migrant": "1000.00"},
        note="外出务工收入为月收入误填",
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["version"] == old.version + 1
    assert body["document"]["income"]["wage_migrant"] == "1000.00"
    assert body["review_state"] == "submitted"
    assert float(body["per_capita_net_income"]) < float(old.per_capita_net_income)
    new = household(household_id)
    assert new.summary["per_capita_net_income"] == body["per_capita_net_income"]
    revisions = client.get(
        f"/api/households/{household_id}/revisions", headers=auth.headers("demo-reviewer")
    ).get_json()
    assert revisions[-1]["kind"] == "correct"
    assert revisions[-1]["changes"] == {"income.wage_migrant": "1000.00"}
    assert revisions[-1]["note"] == "外出务工收入为月收入误填"


def test_a_correction_is_validated_like_any_write(client, auth, areas):
    document = fresh_document()
    household_id = _submitted(areas, document)
    member = document["members"][0]["id"]
    before = _state(household_id)
    for changes, field in (
        ({"income.wage_migrant": "12.345"}, "income.wage_migrant"),
        ({f"members.{member}.id_number": "123"}, f"members.{member}.id_number"),
        ({"household.phone": "12345"}, "household.phone"),
        ({"household.unknown": "1"}, "changes.household.unknown"),
        ({"guarantees.medical_ok": True}, "changes.guarantees.medical_ok"),
        ({"signoff.photo": "00000000-0000-4000-8000-000000000001"}, "changes.signoff.photo"),
    ):
        r = _correct(client, auth, household_id, "demo-reviewer", changes)
        assert r.status_code == 422, changes
        fields = r.get_json()["error"]["fields"]
        assert field in fields, fields
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in fields[field])
    r = _correct(
        client,
        auth,
        household_id,
        "demo-reviewer",
        {"household.phone": document["household"]["phone"]},
    )
    assert r.status_code == 422 and r.get_json()["error"]["fields"] == {
        "changes": ["更正的值与原值相同"]
    }
    assert _state(household_id) == before


def test_who_may_correct_what(client, auth, areas):
    household_id = make_household(areas.surveyor_village)  # a draft: the surveyor's
    change = {"household.phone": "13900000009"}
    r = _correct(client, auth, household_id, "demo-reviewer", change)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "not_correctable"
    assert _correct(client, auth, household_id, "demo-surveyor", change).status_code == 403
    outside = make_household(areas.township2_village, state="submitted")
    assert _correct(client, auth, outside, "demo-reviewer", change).status_code == 404
    assert _correct(client, auth, outside, "demo-county", change).status_code == 200


def test_the_openapi_document_states_the_actions_and_the_new_endpoints(client):
    spec = client.get("/api/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    action = schemas["ReviewAction"]["properties"]["action"]
    assert {"submit", "approve", "return", "hold", "undo", "accept"} <= set(action["enum"])
    comments = schemas["ReviewAction"]["properties"]["comments"]
    assert comments["maxProperties"] == 100
    assert comments["additionalProperties"]["maxLength"] == 200
    assert schemas["SpotCheckResult"]["properties"]["result"]["enum"] == ["符合", "不符合"]
    diff = spec["paths"]["/api/households/{household_id}/diff"]["get"]
    assert [p["name"] for p in diff["parameters"]] == ["from", "to"]
    spot = spec["paths"]["/api/spotchecks"]
    assert {p["name"]: p["required"] for p in spot["get"]["parameters"]} == {
        "village": True,
        "campaign": True,
    }
    assert spot["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SpotCheckDraw"
    }
    corrections = spec["paths"]["/api/households/{household_id}/corrections"]["post"]
    assert corrections["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Correction"
    }
