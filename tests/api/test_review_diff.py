"""What changed between two versions, through HTTP: labelled changes, members matched by id,
who made each change on which device, and the default range (since the last decision)."""

from .conftest import fresh_document, make_household, push_one

NEW_MEMBER = "00000000-0000-4000-8000-00000000abcd"


def _push(client, auth, household_id, base_version, changes, device="phone-1", submit=False):
    """The demo surveyor's push; the version it made."""
    headers = auth.headers("demo-surveyor")
    result = push_one(client, headers, household_id, base_version, changes, device, submit)
    assert result["status"] in ("applied", "merged"), result["errors"]
    return result["version"]


def _diff(client, auth, household_id, query="", user="demo-reviewer"):
    return client.get(f"/api/households/{household_id}/diff{query}", headers=auth.headers(user))


def _round(client, auth, areas):
    """Submitted, returned by the reviewer, fixed and resubmitted by the surveyor's phone:
    a member added, one removed (moved out), one renamed, an income corrected."""
    document = fresh_document()
    household_id = make_household(areas.surveyor_village, document)
    members = document["members"]
    named = {m["member_id"] for m in document["measures"]}
    gone = next(m for m in members[1:] if m["id"] not in named)
    renamed = next(m for m in members[1:] if m is not gone)
    version = _push(client, auth, household_id, 1, {"household.phone": "13900000001"}, submit=True)
    r = client.post(
        f"/api/households/{household_id}/review",
        json={"action": "return", "note": "成员信息有误"},
        headers=auth.headers("demo-reviewer"),
    )
    assert r.status_code == 200
    version = r.get_json()["version"]
    changes = {
        # the one who left, entered again by mistake as a new row under another name
        f"members.{NEW_MEMBER}": dict(gone, id=NEW_MEMBER, name="王小明"),
        f"members.{gone['id']}": None,
        f"members.{renamed['id']}.name": "李秀英",
        "income.wage_migrant": "20000.00",
    }
    version = _push(client, auth, household_id, version, changes, device="phone-2", submit=True)
    return household_id, document, version, gone, renamed


def test_the_default_diff_is_since_the_last_decision(client, auth, areas):
    household_id, document, version, gone, renamed = _round(client, auth, areas)
    r = _diff(client, auth, household_id)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["from"], body["to"]) == (3, version)
    assert "上次审核决定" in body["why"]
    by_path = {c["path"]: c for c in body["changes"]}
    added = by_path[f"members.{NEW_MEMBER}"]
    assert added["kind"] == "row_added" and added["label"] == "B. 家庭成员 › 王小明"
    removed = by_path[f"members.{gone['id']}"]
    assert removed["kind"] == "row_removed" and removed["row"] == gone["name"]
    name = by_path[f"members.{renamed['id']}.name"]
    assert name["label"] == "B. 家庭成员 › 李秀英 › 姓名"
    assert (name["old_text"], name["new_text"]) == (renamed["name"], "李秀英")
    income = by_path["income.wage_migrant"]
    assert income["label"] == "C. 收入情况 › 外出务工收入"
    assert income["new_text"] == "20,000.00 元"
    assert "household.phone" not in by_path  # changed before the return
    [made] = income["by"]
    assert made["author"] == "赵敏" and made["device_id"] == "phone-2"
    assert made["version"] == version and made["kind_label"] == "修改"


def test_any_two_versions(client, auth, areas):
    household_id, _, version, _, _ = _round(client, auth, areas)
    body = _diff(client, auth, household_id, f"?from=1&to={version}").get_json()
    paths = [c["path"] for c in body["changes"]]
    assert "household.phone" in paths and "income.wage_migrant" in paths
    phone = next(c for c in body["changes"] if c["path"] == "household.phone")
    assert [v["version"] for v in phone["by"]] == [2]
    assert [v["version"] for v in body["versions"]] == list(range(1, version + 1))
    assert _diff(client, auth, household_id, "?from=2&to=3").get_json()["changes"] == []


def test_before_any_decision_the_diff_is_since_the_first_submission(client, auth, areas):
    household_id = make_household(areas.surveyor_village)
    _push(client, auth, household_id, 1, {"household.phone": "13900000002"}, submit=True)
    _push(client, auth, household_id, 2, {"household.phone": "13900000003"})
    body = _diff(client, auth, household_id).get_json()
    assert (body["from"], body["to"]) == (2, 3)
    assert "首次提交" in body["why"]
    [change] = body["changes"]
    assert (change["old_text"], change["new_text"]) == ("13900000002", "13900000003")


def test_versions_out_of_range_are_422(client, auth, areas):
    household_id = make_household(areas.surveyor_village)
    for query in ("?from=0", "?to=2", "?from=abc", "?from=5&to=1"):
        r = _diff(client, auth, household_id, query)
        assert r.status_code == 422, query
        assert r.get_json()["error"]["fields"]


def test_the_diff_of_a_household_outside_the_area_is_404(client, auth, areas):
    household_id = make_household(areas.township2_village)
    assert _diff(client, auth, household_id).status_code == 404
    assert _diff(client, auth, household_id, user="demo-county").status_code == 200
