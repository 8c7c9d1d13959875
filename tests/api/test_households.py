"""Households through HTTP: list a village, read one, create, update with a base version."""

import uuid
from decimal import Decimal

from sqlalchemy import func, select

from server.extensions import db
from server.models import Household, Member, Revision, User

from .conftest import count, fresh_document, household, make_household, user_id

SURVEYOR = "demo-surveyor"


def _create(client, auth, **body):
    """POST /api/households as the surveyor, with `body` as the JSON."""
    return client.post("/api/households", json=body, headers=auth.headers(SURVEYOR))


def _list(client, auth, **params):
    r = client.get("/api/households", query_string=params, headers=auth.headers(SURVEYOR))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def in_villages(*village_ids: int) -> int:
    """Live households of the villages, in both of the demo's campaigns, read from the table."""
    db.session.rollback()
    n = db.session.scalar(
        select(func.count())
        .select_from(Household)
        .where(Household.village_id.in_(village_ids), Household.deleted.is_(False))
    )
    db.session.rollback()
    return n


def test_list_a_village_in_pages(client, auth, areas):
    # 120 families over 40 villages: 3 in the exit review, most of them in the look-back too
    total = in_villages(areas.surveyor_village)
    assert 4 <= total <= 6
    first = _list(client, auth, village=areas.surveyor_village, per_page=4)
    assert first["page"] == 1 and first["per_page"] == 4
    assert first["total"] == total
    assert len(first["items"]) == 4
    second = _list(client, auth, village=areas.surveyor_village, per_page=4, page=2)
    assert len(second["items"]) == total - 4
    ids = [h["id"] for h in first["items"] + second["items"]]
    assert len(set(ids)) == total
    numbers = [h["household_no"] for h in first["items"] + second["items"]]
    assert numbers == sorted(numbers)
    item = first["items"][0]
    assert "document" not in item  # a list is light; the document comes with the single read
    assert {"id", "version", "review_state", "household_no", "head_name"} <= set(item)


def test_page_size_is_capped(client, auth, areas, app, monkeypatch):
    monkeypatch.setitem(app.config, "RUHU_PAGE_SIZE_MAX", 2)
    body = _list(client, auth, per_page=1000)
    assert body["per_page"] == 2
    assert len(body["items"]) == 2
    surveyor = db.session.scalar(select(User).where(User.username == SURVEYOR))
    assert body["total"] == in_villages(*(a.id for a in surveyor.areas))  # both assigned villages


def test_bad_paging_is_422(client, auth):
    r = client.get("/api/households?page=0", headers=auth.headers(SURVEYOR))
    assert r.status_code == 422
    assert "page" in r.get_json()["error"]["fields"]


def test_search_by_name_id_number_and_household_number(client, auth, areas):
    document = fresh_document()
    head = document["members"][0]
    head["name"] = "欧阳修远"
    make_household(areas.surveyor_village, document, household_no="QS-SEARCH-0001")
    for q in ("欧阳修", head["id_number"][-8:], "SEARCH-0001"):
        body = _list(client, auth, q=q)
        assert [h["household_no"] for h in body["items"]] == ["QS-SEARCH-0001"], q
        assert body["total"] == 1


def test_filter_by_review_state(client, auth, areas):
    everything = _list(client, auth, village=areas.surveyor_village)["items"]
    for state in ("draft", "submitted", "approved"):
        body = _list(client, auth, village=areas.surveyor_village, state=state)
        assert all(h["review_state"] == state for h in body["items"])
        assert body["total"] == sum(1 for h in everything if h["review_state"] == state)


def test_get_one(client, auth, areas):
    household_id = make_household(areas.surveyor_village)
    r = client.get(f"/api/households/{household_id}", headers=auth.headers(SURVEYOR))
    assert r.status_code == 200
    body = r.get_json()
    assert body["id"] == household_id
    assert body["version"] == 1
    assert r.headers["ETag"] == '"1"'
    assert body["document"]["members"][0]["name"] == "王建国"
    assert body["summary"]["household_size"] == 3


def test_unknown_household_is_404(client, auth):
    r = client.get(f"/api/households/{uuid.uuid4()}", headers=auth.headers(SURVEYOR))
    assert r.status_code == 404
    assert r.get_json()["error"]["message"]


def test_create_with_a_client_made_id(client, auth, areas):
    household_id = str(uuid.uuid4())
    envelope = {"id": household_id, "village_id": areas.surveyor_village, "campaign_id": 1}
    r = _create(client, auth, **envelope, document=fresh_document())
    assert r.status_code == 201, r.get_json()
    assert r.headers["Location"].endswith(f"/api/households/{household_id}")
    assert r.get_json()["id"] == household_id
    assert r.get_json()["version"] == 1
    follow = client.get(r.headers["Location"], headers=auth.headers(SURVEYOR))
    assert follow.status_code == 200
    assert household(household_id).updated_by == user_id(SURVEYOR)
    # Sending the same id again (with new row ids) does not make a second household.
    again = _create(client, auth, **envelope, document=fresh_document())
    assert again.status_code == 409


def test_create_without_an_id_makes_one(client, auth, areas):
    r = _create(client, auth, village_id=areas.surveyor_village, campaign_id=1, document={})
    assert r.status_code == 201  # a draft may be empty: nothing typed on the phone is lost
    assert uuid.UUID(r.get_json()["id"])


def test_a_bad_document_is_422_with_chinese_field_messages_and_writes_nothing(client, auth, areas):
    document = fresh_document()
    head = document["members"][0]
    head["id_number"] = head["id_number"][:-1] + ("0" if head["id_number"][-1] != "0" else "1")
    document["household"]["phone"] = "12345"
    before = [count(m) for m in (Household, Member, Revision)]
    r = _create(client, auth, village_id=areas.surveyor_village, campaign_id=1, document=document)
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert error["code"] == "invalid_document"
    fields = error["fields"]
    assert f"members.{head['id']}.id_number" in fields
    assert "household.phone" in fields
    for messages in fields.values():
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in messages), messages
    assert [count(m) for m in (Household, Member, Revision)] == before


def test_a_bad_envelope_is_422(client, auth, areas):
    r = _create(client, auth, village_id="东坪村", campaign_id=1, document=[], colour="red")
    assert r.status_code == 422
    fields = r.get_json()["error"]["fields"]
    assert fields["village_id"] == ["应为整数"]
    assert fields["colour"] == ["未知字段"]
    assert "document" in fields


def test_unknown_campaign_is_422(client, auth, areas):
    before = count(Household)
    r = _create(client, auth, village_id=areas.surveyor_village, campaign_id=999, document={})
    assert r.status_code == 422
    assert "campaign_id" in r.get_json()["error"]["fields"]
    assert count(Household) == before


def _put(client, auth, household_id, document, *, if_match=None, base_version=None, user=SURVEYOR):
    headers = auth.headers(user)
    if if_match is not None:
        headers["If-Match"] = f'"{if_match}"'
    body = {"document": document}
    if base_version is not None:
        body["base_version"] = base_version
    return client.put(f"/api/households/{household_id}", json=body, headers=headers)


def test_update_with_if_match_then_with_base_version(client, auth, areas):
    document = fresh_document()
    household_id = make_household(areas.surveyor_village, document)
    document["household"]["phone"] = "13900000001"
    r = _put(client, auth, household_id, document, if_match=1)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["version"] == 2
    assert r.headers["ETag"] == '"2"'
    document["household"]["phone"] = "13900000002"
    r = _put(client, auth, household_id, document, base_version=2)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["version"] == 3
    assert household(household_id).document["household"]["phone"] == "13900000002"


def test_a_stale_version_is_409_that_says_what_to_do(client, auth, areas):
    document = fresh_document()
    household_id = make_household(areas.surveyor_village, document)
    document["household"]["phone"] = "13900000001"
    assert _put(client, auth, household_id, document, if_match=1).status_code == 200
    document["household"]["phone"] = "13900000009"
    r = _put(client, auth, household_id, document, if_match=1, user="demo-reviewer")
    assert r.status_code == 409
    error = r.get_json()["error"]
    assert error["code"] == "stale_version"
    assert error["current_version"] == 2
    assert "同步" in error["message"]  # what to do: sync first, or send it through the sync API
    assert household(household_id).document["household"]["phone"] == "13900000001"


def test_update_without_a_version_is_428(client, auth, areas):
    household_id = make_household(areas.surveyor_village)
    r = _put(client, auth, household_id, fresh_document())
    assert r.status_code == 428
    assert r.get_json()["error"]["code"] == "version_required"
    assert household(household_id).version == 1


def test_an_approved_record_is_locked(client, auth, areas):
    document = fresh_document()
    household_id = make_household(areas.surveyor_village, document, state="approved")
    document["household"]["phone"] = "13900000001"
    r = _put(client, auth, household_id, document, if_match=1)
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "locked"
    assert "锁定" in r.get_json()["error"]["message"]
    assert household(household_id).version == 1


def test_an_invalid_update_writes_nothing(client, auth, areas):
    document = fresh_document()
    household_id = make_household(areas.surveyor_village, document)
    document["income"]["wage_migrant"] = "很多"
    before = count(Revision)
    r = _put(client, auth, household_id, document, if_match=1)
    assert r.status_code == 422
    assert "income.wage_migrant" in r.get_json()["error"]["fields"]
    assert count(Revision) == before
    assert household(household_id).version == 1


def test_revisions_grow_with_author_and_changes(client, auth, areas):
    household_id = str(uuid.uuid4())
    document = fresh_document()
    envelope = {"id": household_id, "village_id": areas.surveyor_village, "campaign_id": 1}
    r = _create(client, auth, **envelope, document=document)
    assert r.status_code == 201
    document["household"]["phone"] = "13900000001"
    assert _put(client, auth, household_id, document, if_match=1).status_code == 200
    document["income"]["wage_migrant"] = "30000.00"
    assert (
        _put(client, auth, household_id, document, if_match=2, user="demo-reviewer").status_code
        == 200
    )

    r = client.get(f"/api/households/{household_id}/revisions", headers=auth.headers(SURVEYOR))
    assert r.status_code == 200
    revisions = r.get_json()
    assert [(v["version"], v["base_version"], v["kind"]) for v in revisions] == [
        (1, 0, "create"),
        (2, 1, "edit"),
        (3, 2, "edit"),
    ]
    assert [v["author_id"] for v in revisions] == [
        user_id(SURVEYOR),
        user_id(SURVEYOR),
        user_id("demo-reviewer"),
    ]
    assert revisions[1]["changes"] == {"household.phone": "13900000001"}
    assert revisions[2]["changes"] == {"income.wage_migrant": "30000.00"}


def test_an_unchanged_document_writes_no_revision(client, auth, areas):
    document = fresh_document()
    household_id = make_household(areas.surveyor_village, document)
    r = _put(client, auth, household_id, document, if_match=1)
    assert r.status_code == 200
    assert r.get_json()["version"] == 1
    assert count(Revision) == count(Household)


def test_aggregate_columns_follow_the_document(client, auth, areas):
    document = fresh_document()
    household_id = make_household(areas.surveyor_village, document)
    before = household(household_id)
    # Sample: net income 34,120.00 over three counted members.
    assert before.household_size == 3
    assert Decimal(before.per_capita_net_income) == Decimal("11373.33")
    assert before.monitoring_type is None

    # The son moves out and migrant wages collapse: two people on a little farm income.
    son = document["members"][2]
    son["change_reason"] = "迁出"
    son["change_date"] = "2020-05-01"
    document["income"]["wage_migrant"] = "0.00"
    document["income"]["wage_public_job"] = "0.00"
    document["causes"]["risks"] = ["因病"]
    document["causes"]["risk_note"] = "配偶长期慢性病"
    r = _put(client, auth, household_id, document, if_match=1)
    assert r.status_code == 200, r.get_json()
    after = household(household_id)
    assert after.household_size == 2
    assert Decimal(after.per_capita_net_income) == Decimal("3260.00")  # (8620 - 2100) / 2
    assert after.monitoring_type == r.get_json()["monitoring_type"]
    assert after.monitoring_type is not None
    assert after.exit_eligible is False
    assert r.get_json()["per_capita_net_income"] == "3260.00"
    assert r.get_json()["household_size"] == 2
