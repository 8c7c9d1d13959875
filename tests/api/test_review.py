"""Review through HTTP: submit, return, approve, accept, reopen, and who may make each move."""

from .conftest import fresh_document, household, make_household, push_one


def _review(client, auth, household_id, user, action, note=None):
    body = {"action": action}
    if note is not None:
        body["note"] = note
    return client.post(
        f"/api/households/{household_id}/review", json=body, headers=auth.headers(user)
    )


def test_submitting_an_incomplete_draft_is_422(client, auth, areas):
    document = fresh_document()
    del document["signoff"]["visit_date"]
    document["members"][0]["name"] = ""
    household_id = make_household(areas.surveyor_village, document)
    r = _review(client, auth, household_id, "demo-surveyor", "submit")
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert error["code"] == "incomplete"
    assert "signoff.visit_date" in error["fields"]
    assert household(household_id).review_state == "draft"


def test_the_whole_round(client, auth, areas):
    household_id = make_household(areas.surveyor_village)

    r = _review(client, auth, household_id, "demo-surveyor", "submit")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["review_state"] == "submitted"
    assert r.get_json()["version"] == 2

    r = _review(client, auth, household_id, "demo-reviewer", "return")
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"]["note"] == ["退回时请填写原因"]
    r = _review(client, auth, household_id, "demo-reviewer", "return", "   ")
    assert r.status_code == 422
    r = _review(client, auth, household_id, "demo-reviewer", "return", "请补充户主电话")
    assert r.status_code == 200
    assert r.get_json()["review_state"] == "returned"
    assert r.get_json()["review_note"] == "请补充户主电话"

    assert _review(client, auth, household_id, "demo-surveyor", "submit").status_code == 200
    r = _review(client, auth, household_id, "demo-reviewer", "approve")
    assert r.status_code == 200
    assert r.get_json()["review_state"] == "approved"

    r = _review(client, auth, household_id, "demo-county", "accept")
    assert r.status_code == 200
    assert r.get_json()["review_state"] == "accepted"

    assert _review(client, auth, household_id, "demo-county", "reopen").status_code == 422
    r = _review(client, auth, household_id, "demo-county", "reopen", "收入数据需核实")
    assert r.status_code == 200
    assert r.get_json()["review_state"] == "returned"
    assert r.get_json()["version"] == 7

    revisions = client.get(
        f"/api/households/{household_id}/revisions", headers=auth.headers("demo-county")
    ).get_json()
    assert [v["changes"].get("review_state") for v in revisions[1:]] == [
        ["draft", "submitted"],
        ["submitted", "returned"],
        ["returned", "submitted"],
        ["submitted", "approved"],
        ["approved", "accepted"],
        ["accepted", "returned"],
    ]
    assert all(v["kind"] == "review" for v in revisions[1:])


def test_the_wrong_role_is_409_in_chinese(client, auth, areas):
    household_id = make_household(areas.surveyor_village)
    r = _review(client, auth, household_id, "demo-reviewer", "submit")
    assert r.status_code == 409
    error = r.get_json()["error"]
    assert error["code"] == "invalid_transition"
    assert error["message"] == "乡镇审核员不能执行“提交”操作"

    assert _review(client, auth, household_id, "demo-surveyor", "submit").status_code == 200
    r = _review(client, auth, household_id, "demo-surveyor", "approve")
    assert r.status_code == 409
    assert r.get_json()["error"]["message"] == "调查员不能执行“审核通过”操作"
    r = _review(client, auth, household_id, "demo-county", "accept")
    assert r.status_code == 409
    assert "已提交" in r.get_json()["error"]["message"]  # the state is wrong, not the role
    assert household(household_id).review_state == "submitted"


def test_an_unknown_action_is_422(client, auth, areas):
    household_id = make_household(areas.surveyor_village)
    r = _review(client, auth, household_id, "demo-surveyor", "publish")
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"]["action"] == ["不在可选范围内"]


def _push(client, auth, user, household_id, base_version, changes, device):
    return push_one(client, auth.headers(user), household_id, base_version, changes, device)


def test_approve_is_blocked_while_a_conflict_is_open(client, auth, areas):
    household_id = make_household(areas.surveyor_village)
    # Two people change the same phone number from version 1, differently.
    first = _push(
        client,
        auth,
        "demo-surveyor",
        household_id,
        1,
        {"household.phone": "13900000001"},
        "phone-a",
    )
    assert first["status"] == "applied"
    second = _push(
        client, auth, "demo-reviewer", household_id, 1, {"household.phone": "13900000002"}, "desk-b"
    )
    assert second["status"] == "conflict", second
    assert household(household_id).conflict_open

    assert _review(client, auth, household_id, "demo-surveyor", "submit").status_code == 200
    r = _review(client, auth, household_id, "demo-reviewer", "approve")
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "conflict_open"
    assert "冲突" in r.get_json()["error"]["message"]
    assert household(household_id).review_state == "submitted"

    conflicts = client.get(
        f"/api/conflicts?household={household_id}", headers=auth.headers("demo-reviewer")
    ).get_json()
    assert len(conflicts) == 1
    r = client.post(
        f"/api/households/{household_id}/resolve",
        json={"resolutions": {str(conflicts[0]["id"]): {"choice": "device"}}},
        headers=auth.headers("demo-reviewer"),
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["conflict_open"] is False
    assert r.get_json()["document"]["household"]["phone"] == "13900000002"
    r = _review(client, auth, household_id, "demo-reviewer", "approve")
    assert r.status_code == 200
    assert r.get_json()["review_state"] == "approved"
