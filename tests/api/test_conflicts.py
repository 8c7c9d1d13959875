"""Conflicts through HTTP: listed with the value in force now, resolved one by one or a household
at a time, and every refusal leaves the household as it was."""

from sqlalchemy import select

from server.extensions import db
from server.models import Conflict

from .conftest import household, make_household, push_one


def push(client, auth, user, household_id, base_version, changes, device):
    return push_one(client, auth.headers(user), household_id, base_version, changes, device)


def make_conflict(
    client,
    auth,
    village,
    path="income.wage_migrant",
    first="10000.00",
    second="9000.00",
    user="demo-surveyor",
):
    """A household whose `path` two phones changed from version 1: `first` is in force (version
    2), `second` is the conflict's device value (version 3)."""
    household_id = make_household(village)
    assert (
        push(client, auth, user, household_id, 1, {path: first}, "phone-a")["status"] == "applied"
    )
    result = push(client, auth, user, household_id, 1, {path: second}, "phone-b")
    assert result["status"] == "conflict", result
    return household_id


def listed(client, auth, household_id, user="demo-reviewer"):
    r = client.get(f"/api/conflicts?household={household_id}", headers=auth.headers(user))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def resolve(client, auth, household_id, resolutions, user="demo-reviewer", **extra):
    return client.post(
        f"/api/households/{household_id}/resolve",
        json={"resolutions": resolutions, **extra},
        headers=auth.headers(user),
    )


def test_a_field_changed_again_shows_and_keeps_the_value_in_force(client, auth, areas):
    household_id = make_conflict(client, auth, areas.surveyor_village)
    # After the conflict, someone changes the same field again: 11000 is in force now.
    again = push(
        client, auth, "demo-surveyor", household_id, 3, {"income.wage_migrant": "11000.00"}, "pa"
    )
    assert again["status"] == "applied"
    (conflict,) = listed(client, auth, household_id)
    assert conflict["server"] == "10000.00"  # what the server held when the conflict was made
    assert conflict["current"] == "11000.00"  # what "keep" keeps
    assert conflict["device"] == "9000.00"

    r = resolve(client, auth, household_id, {str(conflict["id"]): {"choice": "server"}})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["document"]["income"]["wage_migrant"] == "11000.00"
    db.session.rollback()
    stored = db.session.get(Conflict, conflict["id"])
    assert stored.resolution == {"choice": "server", "value": "11000.00"}
    db.session.rollback()


def snapshot(household_id):
    """What a refused decision must leave as it was."""
    hh = household(household_id)
    db.session.rollback()
    conflicts = db.session.scalars(
        select(Conflict).where(Conflict.household_id == household_id).order_by(Conflict.id)
    ).all()
    state = [(c.id, c.resolved_at, c.resolution) for c in conflicts]
    db.session.rollback()
    return hh.version, hh.document, hh.conflict_open, state


def test_keep_all_and_take_all_decide_a_whole_household(client, auth, areas):
    household_id = make_conflict(client, auth, areas.surveyor_village)
    assert (
        push(client, auth, "demo-surveyor", household_id, 1, {"household.bank": "信用社"}, "pc")[
            "status"
        ]
        == "merged"
    )  # version 4: the bank, from version 1, merges in
    assert (
        push(client, auth, "demo-surveyor", household_id, 3, {"household.bank": "农行"}, "pd")[
            "status"
        ]
        == "conflict"
    )
    assert len(listed(client, auth, household_id)) == 2

    r = client.post(
        f"/api/households/{household_id}/resolve-all",
        json={"choice": "device", "version": 5, "note": "以入户核实为准"},
        headers=auth.headers("demo-reviewer"),
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["conflict_open"] is False
    assert body["document"]["income"]["wage_migrant"] == "9000.00"
    assert body["document"]["household"]["bank"] == "农行"
    assert listed(client, auth, household_id) == []
    revisions = client.get(
        f"/api/households/{household_id}/revisions", headers=auth.headers("demo-reviewer")
    ).get_json()
    assert revisions[-1]["kind"] == "resolve" and revisions[-1]["note"] == "以入户核实为准"

    other = make_conflict(client, auth, areas.surveyor_village)
    r = client.post(
        f"/api/households/{other}/resolve-all",
        json={"choice": "server"},
        headers=auth.headers("demo-county"),
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["document"]["income"]["wage_migrant"] == "10000.00"
    assert r.get_json()["conflict_open"] is False


def test_a_household_without_open_conflicts_is_422(client, auth, areas):
    household_id = make_household(areas.surveyor_village)
    r = client.post(
        f"/api/households/{household_id}/resolve-all",
        json={"choice": "server"},
        headers=auth.headers("demo-reviewer"),
    )
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"]["choice"] == ["没有可处理的冲突"]


def test_another_townships_reviewer_gets_404_and_a_surveyor_403(client, auth, areas):
    household_id = make_conflict(client, auth, areas.township2_village, user="demo-county")
    before = snapshot(household_id)
    (conflict,) = listed(client, auth, household_id, user="demo-county")
    for url, body in (
        ("resolve", {"resolutions": {str(conflict["id"]): {"choice": "device"}}}),
        ("resolve-all", {"choice": "device"}),
    ):
        r = client.post(
            f"/api/households/{household_id}/{url}",
            json=body,
            headers=auth.headers("demo-reviewer"),
        )
        assert r.status_code == 404, r.get_json()
    r = client.get(
        f"/api/conflicts?household={household_id}", headers=auth.headers("demo-reviewer")
    )
    assert r.status_code == 404
    r = client.get(
        f"/api/conflicts?township={areas.township2}", headers=auth.headers("demo-reviewer")
    )
    assert r.status_code == 403
    assert snapshot(household_id) == before


def test_bad_choices_and_values_are_422_with_field_messages_and_write_nothing(client, auth, areas):
    household_id = make_conflict(client, auth, areas.surveyor_village)
    (conflict,) = listed(client, auth, household_id)
    key = str(conflict["id"])
    before = snapshot(household_id)
    cases = [
        ({"resolutions": {key: {"choice": "mine"}}}, f"resolutions.{key}"),
        ({"resolutions": {key: {"choice": "value", "value": "很多"}}}, f"resolutions.{key}.value"),
        ({"resolutions": {key: {"choice": "value", "value": "-5.00"}}}, f"resolutions.{key}.value"),
        ({"resolutions": {"999999": {"choice": "server"}}}, "resolutions.999999"),
        ({"resolutions": {"x": {"choice": "server"}}}, "resolutions"),
        ({"resolutions": {}}, "resolutions"),
    ]
    for body, field in cases:
        r = resolve(client, auth, household_id, body["resolutions"])
        assert r.status_code == 422, (body, r.get_json())
        fields = r.get_json()["error"]["fields"]
        assert any(k == field or k.startswith(field) for k in fields), (body, fields)
        assert all(all(isinstance(m, str) for m in ms) for ms in fields.values())
        assert snapshot(household_id) == before, body
    r = client.post(
        f"/api/households/{household_id}/resolve-all",
        json={"choice": "value"},
        headers=auth.headers("demo-reviewer"),
    )
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"]["choice"] == ["不在可选范围内"]
    assert snapshot(household_id) == before


def test_a_typed_value_is_validated_and_recorded(client, auth, areas):
    household_id = make_conflict(client, auth, areas.surveyor_village)
    (conflict,) = listed(client, auth, household_id)
    r = resolve(
        client, auth, household_id, {str(conflict["id"]): {"choice": "value", "value": "9500"}}
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["document"]["income"]["wage_migrant"] == "9500"
    db.session.rollback()
    stored = db.session.get(Conflict, conflict["id"])
    assert stored.resolution == {"choice": "value", "value": "9500"}
    assert stored.resolved_by is not None
    db.session.rollback()


def test_a_decision_on_a_page_that_is_out_of_date_is_409(client, auth, areas):
    household_id = make_conflict(client, auth, areas.surveyor_village)
    (conflict,) = listed(client, auth, household_id)
    assert (
        push(
            client,
            auth,
            "demo-surveyor",
            household_id,
            3,
            {"income.wage_migrant": "11000.00"},
            "pa",
        )["status"]
        == "applied"
    )
    before = snapshot(household_id)
    r = resolve(client, auth, household_id, {str(conflict["id"]): {"choice": "server"}}, version=3)
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "stale_version"
    assert "刷新" in r.get_json()["error"]["message"]
    assert snapshot(household_id) == before


def test_two_conflicts_on_one_field_must_agree(client, auth, areas):
    household_id = make_conflict(client, auth, areas.surveyor_village)
    third = push(
        client, auth, "demo-surveyor", household_id, 1, {"income.wage_migrant": "8000.00"}, "pc"
    )
    assert third["status"] == "conflict"
    first, second = listed(client, auth, household_id)
    before = snapshot(household_id)
    r = resolve(
        client,
        auth,
        household_id,
        {str(first["id"]): {"choice": "device"}, str(second["id"]): {"choice": "device"}},
    )
    assert r.status_code == 422
    assert f"resolutions.{second['id']}" in r.get_json()["error"]["fields"]
    assert snapshot(household_id) == before
    r = client.post(
        f"/api/households/{household_id}/resolve-all",
        json={"choice": "device"},
        headers=auth.headers("demo-reviewer"),
    )
    assert r.status_code == 422
    assert snapshot(household_id) == before
    r = resolve(
        client,
        auth,
        household_id,
        {
            str(first["id"]): {"choice": "device"},
            str(second["id"]): {"choice": "value", "value": "9000.00"},
        },
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["conflict_open"] is False


def test_the_desk_session_resolves_through_the_api_only_with_its_csrf_header(client, auth, areas):
    from tests.api.test_desk_session import desk_login

    household_id = make_conflict(client, auth, areas.surveyor_village)
    (conflict,) = listed(client, auth, household_id)
    before = snapshot(household_id)
    desk_login(client, "demo-reviewer")
    body = {"resolutions": {str(conflict["id"]): {"choice": "device"}}}
    r = client.post(f"/api/households/{household_id}/resolve", json=body)
    assert r.status_code == 401
    r = client.post(f"/api/households/{household_id}/resolve-all", json={"choice": "device"})
    assert r.status_code == 401
    assert snapshot(household_id) == before
    token = client.get_cookie("csrf_access_token").value
    r = client.post(
        f"/api/households/{household_id}/resolve", json=body, headers={"X-CSRF-TOKEN": token}
    )
    assert r.status_code == 200, r.get_json()


def pulled(client, auth, household_id, user="demo-surveyor"):
    records = []
    cursor = None
    while True:
        url = "/api/sync/pull?limit=500" + (f"&since={cursor}" if cursor else "")
        page = client.get(url, headers=auth.headers(user)).get_json()
        records += page["records"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    return next(r for r in records if r["id"] == household_id)


def test_the_pull_carries_a_households_conflicts_then_the_decision(client, auth, areas):
    household_id = make_conflict(client, auth, areas.surveyor_village)
    (conflict,) = pulled(client, auth, household_id)["conflicts"]
    assert conflict["path"] == "income.wage_migrant"
    assert (conflict["base"], conflict["server"], conflict["device"]) == (
        "24000.00",  # the sample household's
        "10000.00",
        "9000.00",
    )
    assert conflict["device_id"] == "phone-b"
    assert conflict["device_user_name"]  # the surveyor whose phone it was
    assert conflict["resolved_at"] is None and conflict["resolution"] is None

    (listed_conflict,) = listed(client, auth, household_id)
    r = resolve(client, auth, household_id, {str(listed_conflict["id"]): {"choice": "device"}})
    assert r.status_code == 200
    record = pulled(client, auth, household_id)
    assert record["conflict_open"] is False
    (decided,) = record["conflicts"]
    assert decided["resolved_at"] is not None
    assert decided["resolution"] == {"choice": "device", "value": "9000.00"}
    assert record["document"]["income"]["wage_migrant"] == "9000.00"

    other = make_household(areas.surveyor_village)
    assert pulled(client, auth, other)["conflicts"] == []
