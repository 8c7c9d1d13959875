"""County acceptance in two levels: the township submits a village once every household of it is
decided, the county accepts it (its records and totals lock) or sends it back with a reason, and
may reopen a single record; the signed totals never move."""

import uuid

from sqlalchemy import func, select

from server.core.database import write_transaction
from server.extensions import db
from server.households import queries, writer
from server.models import Campaign, Household, Revision, VillageSubmission

from .conftest import count, fresh_document, household, make_household
from .test_desk_session import desk_login

URL = "/api/villages/submissions"


def _decide_all(village_id: int) -> list[str]:
    """Every undecided household of the village in campaign 1 approved through the writer (a
    review revision each), as the township's decisions would: the ids of all, in order."""
    with write_transaction():
        lines = db.session.get(Campaign, 1).lines
        ids = list(
            db.session.scalars(
                select(Household.id)
                .where(Household.village_id == village_id, Household.campaign_id == 1)
                .order_by(Household.id)
            )
        )
        rows = queries.household_rows(ids)
        writes = [
            writer.new_version(
                row,
                row.document,
                lines=lines,
                author_id=None,
                kind="review",
                changes={"review_state": [row.review_state, "approved"]},
                base_version=row.version,
                state={"review_state": "approved"},
            )
            for row in rows.values()
            if row.review_state not in ("approved", "accepted")
        ]
        writer.write_checked(writes)
    return ids


def _post(client, auth, user, action, village_id, **body):
    body = {"campaign_id": 1, "village_id": village_id} | body
    return client.post(f"{URL}/{action}", json=body, headers=auth.headers(user))


def _row(client, auth, user, village_id) -> dict:
    r = client.get(f"{URL}?campaign=1", headers=auth.headers(user))
    assert r.status_code == 200, r.get_json()
    return next(v for v in r.get_json()["items"] if v["village_id"] == village_id)


def _submission(village_id: int) -> VillageSubmission | None:
    db.session.rollback()
    found = db.session.scalar(
        select(VillageSubmission).where(VillageSubmission.village_id == village_id)
    )
    if found is not None:
        db.session.expunge(found)
    db.session.rollback()
    return found


def _revisions(household_id: str) -> list[Revision]:
    db.session.rollback()
    rows = list(
        db.session.scalars(
            select(Revision).where(Revision.household_id == household_id).order_by(Revision.version)
        )
    )
    for r in rows:
        db.session.expunge(r)
    db.session.rollback()
    return rows


def test_a_village_cannot_be_submitted_until_every_household_is_decided(client, auth, areas):
    village = areas.unassigned_village
    ids = _decide_all(village)
    draft = make_household(village)  # one household the township has not decided
    submitted = make_household(village, state="submitted")
    r = _post(client, auth, "demo-reviewer", "submit", village)
    assert r.status_code == 409
    error = r.get_json()["error"]
    assert error["code"] == "village_undecided"
    assert error["message"].startswith("2 户未审核（1 户未提交、1 户待审核）")
    assert error["blocking"] == ["2 户未审核（1 户未提交、1 户待审核）"]
    assert count(VillageSubmission) == 0
    row = _row(client, auth, "demo-reviewer", village)
    assert row["blocking"] == error["blocking"] and row["can_submit"] is False
    assert row["state"] is None and row["state_label"] == "未上报"

    _decide_all(village)  # the last two decided as well
    r = _post(client, auth, "demo-reviewer", "submit", village)
    assert r.status_code == 200, r.get_json()
    snapshot = r.get_json()["snapshot"]
    assert snapshot["households"] == len(ids) + 2
    people = sum(household(i).household_size for i in [*ids, draft, submitted])
    assert snapshot["people"] == people
    assert set(snapshot["lines"]) == {"exit", "monitoring"}
    assert r.get_json()["state"] == "submitted"
    again = _post(client, auth, "demo-reviewer", "submit", village)
    assert again.status_code == 409


def test_acceptance_accepts_every_record_once_and_locks_it(client, auth, areas):
    village = areas.surveyor_village
    ids = _decide_all(village)
    assert _post(client, auth, "demo-reviewer", "submit", village).status_code == 200
    # Submitted: the township's approvals are the county's to undo now.
    r = client.post(
        f"/api/households/{ids[0]}/review",
        json={"action": "return", "note": "再看看"},
        headers=auth.headers("demo-reviewer"),
    )
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "village_locked"
    before = {i: len(_revisions(i)) for i in ids}

    r = _post(client, auth, "demo-county", "accept", village)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["state"] == "accepted"
    assert r.get_json()["accepted_records"] == len(ids)
    for i in ids:
        revisions = _revisions(i)
        assert len(revisions) == before[i] + 1  # one revision each
        assert revisions[-1].kind == "review"
        assert revisions[-1].changes == {"review_state": ["approved", "accepted"]}
        assert household(i).review_state == "accepted"

    target = household(ids[0])
    push = client.post(
        "/api/sync/push",
        json={
            "device_id": "phone-a",
            "ops": [
                {
                    "op_id": str(uuid.uuid4()),
                    "household_id": target.id,
                    "base_version": target.version,
                    "changes": {"household.phone": "13900000000"},
                }
            ],
        },
        headers=auth.headers("demo-surveyor"),
    )
    assert push.get_json()["results"][0]["status"] == "rejected"
    assert push.get_json()["results"][0]["code"] == "locked"
    put = client.put(
        f"/api/households/{target.id}",
        json={"document": target.document | {"causes": {"main_cause": "因病"}}},
        headers=auth.headers("demo-surveyor") | {"If-Match": f'"{target.version}"'},
    )
    assert put.status_code == 409
    for user, action in (("demo-reviewer", "return"), ("demo-reviewer", "approve")):
        r = client.post(
            f"/api/households/{target.id}/review",
            json={"action": action, "note": "改"},
            headers=auth.headers(user),
        )
        assert r.status_code == 409
    after = household(target.id)
    assert (after.version, after.document) == (target.version, target.document)
    row = _row(client, auth, "demo-county", village)
    assert row["state_label"] == "县级已确认" and not row["needs_reacceptance"]
    assert row["can_accept"] is False


def test_the_county_sends_a_village_back_with_a_reason(client, auth, areas):
    village = areas.surveyor_village  # still in review in the demo
    ids = _decide_all(village)
    assert _post(client, auth, "demo-reviewer", "submit", village).status_code == 200
    r = _post(client, auth, "demo-county", "return", village, note="   ")
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"] == {"note": ["退回时请填写原因"]}
    assert _submission(village).state == "submitted"
    r = _post(client, auth, "demo-county", "return", village)
    assert r.status_code == 422 and "note" in r.get_json()["error"]["fields"]

    r = _post(client, auth, "demo-county", "return", village, note="低保户收入需复核")
    assert r.status_code == 200
    assert r.get_json()["state"] == "returned"
    assert r.get_json()["note"] == "低保户收入需复核"
    assert [h["action"] for h in r.get_json()["history"]] == ["submit", "return"]
    assert {household(i).review_state for i in ids} == {"approved"}  # the records stay
    row = _row(client, auth, "demo-reviewer", village)
    assert row["state_label"] == "县级已退回" and row["can_submit"]
    # The township may act on its records again, and submit again.
    r = client.post(
        f"/api/households/{ids[0]}/review",
        json={"action": "return", "note": "补充低保金"},
        headers=auth.headers("demo-reviewer"),
    )
    assert r.status_code == 200
    assert _post(client, auth, "demo-reviewer", "submit", village).status_code == 409
    _decide_all(village)
    assert _post(client, auth, "demo-reviewer", "submit", village).status_code == 200
    assert _post(client, auth, "demo-county", "accept", village).status_code == 200


def test_reopening_one_record_keeps_the_signed_totals(client, auth, areas):
    village = areas.surveyor_village
    ids = _decide_all(village)
    assert _post(client, auth, "demo-reviewer", "submit", village).status_code == 200
    assert _post(client, auth, "demo-county", "accept", village).status_code == 200
    signed = _submission(village).snapshot

    r = client.post(
        f"/api/households/{ids[0]}/review",
        json={"action": "reopen", "note": "收入需重新核实"},
        headers=auth.headers("demo-county"),
    )
    assert r.status_code == 200 and r.get_json()["review_state"] == "returned"
    row = _row(client, auth, "demo-county", village)
    assert row["reopened"] == 1 and row["needs_reacceptance"]
    assert row["blocking"] == ["1 户未审核（1 户已退回）"] and not row["can_accept"]
    assert row["submission"]["snapshot"] == signed

    # The surveyor changes the reopened record's income: the live totals move, the signed don't.
    target = household(ids[0])
    document = target.document | {"income": {"wage_migrant": "90000.00"}}
    r = client.put(
        f"/api/households/{target.id}",
        json={"document": document},
        headers=auth.headers("demo-surveyor") | {"If-Match": f'"{target.version}"'},
    )
    assert r.status_code == 200, r.get_json()
    assert _submission(village).snapshot == signed
    assert _row(client, auth, "demo-county", village)["submission"]["snapshot"] == signed

    # Decided again by the township, the village is accepted again, and signed anew.
    _decide_all(village)
    r = _post(client, auth, "demo-county", "accept", village)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["accepted_records"] == 1
    assert [h["action"] for h in r.get_json()["history"]] == ["submit", "accept", "reaccept"]
    resigned = r.get_json()["snapshot"]
    assert resigned["net_income"] != signed["net_income"]
    assert resigned["households"] == signed["households"]
    assert _post(client, auth, "demo-county", "accept", village).status_code == 409


def test_a_line_changed_later_does_not_move_the_signed_totals(client, auth, areas):
    village = areas.surveyor_village
    _decide_all(village)
    assert _post(client, auth, "demo-reviewer", "submit", village).status_code == 200
    assert _post(client, auth, "demo-county", "accept", village).status_code == 200
    signed = _submission(village).snapshot
    campaign = client.get("/api/campaigns/1", headers=auth.headers("demo-county")).get_json()
    names = ("name", "kind", "year", "area_id", "stages", "lines", "period_start", "period_end")
    body = {k: campaign[k] for k in names}
    body["lines"] = [dict(line, amount="9000.00") for line in campaign["lines"]]
    r = client.put("/api/campaigns/1", json=body, headers=auth.headers("demo-county"))
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["recompute"]["changed"] > 0
    assert _submission(village).snapshot == signed


def test_who_may_submit_accept_and_return(client, auth, areas):
    inside, outside = areas.unassigned_village, areas.township2_village
    _decide_all(inside)
    _decide_all(outside)
    for user in ("demo-surveyor", "demo-admin"):
        assert client.get(f"{URL}?campaign=1", headers=auth.headers(user)).status_code == 403
    assert _post(client, auth, "demo-county", "submit", inside).status_code == 403
    assert _post(client, auth, "demo-reviewer", "submit", outside).status_code == 403
    assert _post(client, auth, "demo-reviewer", "accept", inside).status_code == 403
    assert _post(client, auth, "demo-county", "accept", inside).status_code == 409  # not submitted
    seen = {
        v["village_id"]
        for v in client.get(f"{URL}?campaign=1", headers=auth.headers("demo-reviewer")).get_json()[
            "items"
        ]
    }
    assert inside in seen and outside not in seen
    r = client.get(
        f"{URL}?campaign=1&township={areas.township2}", headers=auth.headers("demo-reviewer")
    )
    assert r.status_code == 403
    r = client.post(f"{URL}/submit", json={"campaign_id": 1}, headers=auth.headers("demo-reviewer"))
    assert r.status_code == 422 and "village_id" in r.get_json()["error"]["fields"]
    assert count(VillageSubmission) == 0


def test_the_desk_session_needs_its_csrf_token_on_the_api(client, areas):
    village = areas.unassigned_village
    _decide_all(village)
    desk_login(client, "demo-reviewer")
    body = {"campaign_id": 1, "village_id": village}
    r = client.post(f"{URL}/submit", json=body)
    assert r.status_code == 401
    assert count(VillageSubmission) == 0
    token = client.get_cookie("csrf_access_token").value
    r = client.post(f"{URL}/submit", json=body, headers={"X-CSRF-TOKEN": token})
    assert r.status_code == 200, r.get_json()


def test_the_overview_counts_in_sql_per_village(client, auth, areas):
    village = areas.unassigned_village
    db.session.rollback()
    live = db.session.scalar(
        select(func.count())
        .select_from(Household)
        .where(Household.village_id == village, Household.campaign_id == 1)
    )
    db.session.rollback()
    row = _row(client, auth, "demo-county", village)
    assert row["households"] == live == sum(row["states"].values())


def test_a_record_reaccepted_one_by_one_still_needs_the_village_signed_again(client, auth, areas):
    village = areas.surveyor_village
    ids = _decide_all(village)
    assert _post(client, auth, "demo-reviewer", "submit", village).status_code == 200
    assert _post(client, auth, "demo-county", "accept", village).status_code == 200
    assert _post(client, auth, "demo-county", "accept", village).status_code == 409  # nothing new
    signed = _submission(village).snapshot

    def review(user, action, note=None):
        body = {"action": action} | ({"note": note} if note else {})
        r = client.post(f"/api/households/{ids[0]}/review", json=body, headers=auth.headers(user))
        assert r.status_code == 200, r.get_json()

    review("demo-county", "reopen", "户主电话有误")
    target = household(ids[0])
    document = fresh_document() | {"income": {"wage_migrant": "50000.00"}}  # visited, complete
    r = client.put(
        f"/api/households/{target.id}",
        json={"document": document},
        headers=auth.headers("demo-surveyor") | {"If-Match": f'"{target.version}"'},
    )
    assert r.status_code == 200, r.get_json()
    review("demo-surveyor", "submit")
    review("demo-reviewer", "approve")
    review("demo-county", "accept")  # the record accepted again on its own
    row = _row(client, auth, "demo-county", village)
    assert row["reopened"] == 1 and row["needs_reacceptance"] and row["can_accept"]
    assert row["submission"]["snapshot"] == signed
    r = _post(client, auth, "demo-county", "accept", village)
    assert r.status_code == 200 and r.get_json()["accepted_records"] == 0
    assert r.get_json()["snapshot"]["net_income"] != signed["net_income"]
    assert not _row(client, auth, "demo-county", village)["needs_reacceptance"]


def test_the_list_shows_what_is_left_to_do(client, auth, areas):
    village = areas.unassigned_village
    _decide_all(village)
    url = f"{URL}?campaign=1&show="
    make_household(areas.surveyor_village)  # a draft: that village is not ready
    ready = client.get(url + "ready", headers=auth.headers("demo-reviewer")).get_json()["items"]
    assert village in {v["village_id"] for v in ready}
    assert areas.surveyor_village not in {v["village_id"] for v in ready}
    assert _post(client, auth, "demo-reviewer", "submit", village).status_code == 200
    waiting = client.get(url + "waiting", headers=auth.headers("demo-county")).get_json()["items"]
    assert [v["village_id"] for v in waiting] == [village]
    blocked = client.get(url + "blocked", headers=auth.headers("demo-county")).get_json()["items"]
    ids = {v["village_id"] for v in blocked}
    assert village not in ids and areas.surveyor_village in ids
    r = client.get(url + "everything", headers=auth.headers("demo-county"))
    assert r.status_code == 422 and r.get_json()["error"]["fields"]["show"] == ["不在可选范围内"]
