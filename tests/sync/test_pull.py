"""A phone keeps its villages up to date by pulling what changed since it last looked.

赵敏's phone downloads her two villages page by page, then only what changed; a household removed
on the server, or a village taken off her list, leaves her phone too.
"""

from flask import g
from sqlalchemy import delete, select

from server.core.database import write_transaction
from server.extensions import db
from server.models import Campaign, Household, User, UserArea

from .conftest import delete_household


def my_households(username: str = "demo-surveyor", active: bool = True) -> dict[str, int]:
    """{household id: village id} of every live household of the active campaigns (or, with
    `active=False`, of the closed ones) in the villages assigned to the user, read from the
    tables, not through the access rules the pull is tested against."""
    db.session.rollback()
    user = db.session.scalar(select(User).where(User.username == username))
    villages = [a.id for a in user.areas]
    assert villages and all(a.level == "village" for a in user.areas)
    rows = db.session.execute(
        select(Household.id, Household.village_id)
        .join(Campaign, Campaign.id == Household.campaign_id)
        .where(
            Household.village_id.in_(villages),
            Household.deleted.is_(False),
            Campaign.active.is_(active),
        )
    ).all()
    db.session.rollback()
    return dict(rows)


def test_pages_cover_my_villages_exactly_once(surveyor, client):
    """A first download in pages of two: every household of her villages arrives once, none from
    anyone else's village, and the last page says there is no more."""
    expected = my_households()
    assert len(expected) >= 5

    pages, _ = surveyor.pull_all(limit=2)

    seen = [r["id"] for p in pages for r in p["records"]]
    assert sorted(seen) == sorted(expected)
    assert all(r["village_id"] == expected[r["id"]] for p in pages for r in p["records"])
    assert [p["has_more"] for p in pages][-1] is False
    assert all(p["has_more"] for p in pages[:-1])
    assert not any(p["reset"] or p["tombstones"] for p in pages)
    assert all(len(p["records"]) <= 2 for p in pages)


def test_a_closed_campaign_stays_off_the_phone(surveyor, client):
    """The 2019 look-back is closed: its records of her villages (the same families a year
    earlier) stay on the server for the county's tables and never reach her phone, where they
    would stand beside this year's as a second copy of every family."""
    closed = my_households(active=False)
    assert closed

    pages, _ = surveyor.pull_all()

    seen = {r["id"] for p in pages for r in p["records"]}
    assert seen == set(my_households()) and not seen & set(closed)


def test_a_change_after_my_cursor_comes_next_time(surveyor, reviewer, client):
    """After the first download the phone asks only for what changed: nothing, until the reviewer
    corrects a household; then exactly that household, at its new version, and nothing again."""
    _, cursor = surveyor.pull_all()
    assert surveyor.pull(cursor)["records"] == []

    household_id = next(iter(my_households()))
    copy = reviewer.download(household_id)
    [result] = reviewer.push(reviewer.op(copy, {"income.property_other": "321.00"}))
    assert result["status"] == "applied"

    page = surveyor.pull(cursor)
    assert [(r["id"], r["version"]) for r in page["records"]] == [
        (household_id, copy["version"] + 1)
    ]
    assert page["records"][0]["document"]["income"]["property_other"] == "321.00"
    assert surveyor.pull(page["next_cursor"])["records"] == []


def test_pulled_record_carries_derived_values(surveyor, client):
    """What the phone pulls has the server's per-capita income and verdicts, recomputed from the
    document after the change, so the list on the phone shows the same figures as the county."""
    _, cursor = surveyor.pull_all()
    household_id = next(iter(my_households()))
    copy = surveyor.download(household_id)
    surveyor.push(surveyor.op(copy, {"income.wage_migrant": "60000.00"}))
    [record] = surveyor.pull(cursor)["records"]
    assert record["per_capita_net_income"] != copy["per_capita_net_income"]
    assert record["per_capita_net_income"] == record["summary"]["per_capita_net_income"]
    assert record["lines"] == record["summary"]["lines"]


def test_deleted_household_comes_as_a_tombstone(surveyor, client):
    """A household registered twice is deleted at the county; the phone's next pull brings its id
    as a tombstone, not as a record, so the phone drops it."""
    _, cursor = surveyor.pull_all()
    household_id = next(iter(my_households()))
    delete_household(household_id)

    page = surveyor.pull(cursor)
    assert page["records"] == [] and page["tombstones"] == [{"id": household_id}]
    assert household_id not in my_households()


def test_a_village_taken_off_my_list_resets_the_phone(surveyor, client):
    """The administrator moves one of 赵敏's villages to a colleague. Her old cursor no longer
    fits her areas: the next pull says `reset`, starts from the beginning, and brings only the
    village she still has, so the other village's households leave her phone."""
    before = my_households()
    _, cursor = surveyor.pull_all()
    kept, removed = sorted(set(before.values()))[:2]
    with write_transaction():  # in the app context the requests share
        user = db.session.scalar(select(User).where(User.username == "demo-surveyor"))
        db.session.execute(
            delete(UserArea).where(UserArea.user_id == user.id, UserArea.area_id == removed)
        )
        user.scope_version += 1
    g.pop("_villages", None)  # the test requests share one app context, so one request cache

    pages, _ = surveyor.pull_all(cursor, limit=2)

    assert pages[0]["reset"] is True
    seen = [r["id"] for p in pages for r in p["records"]]
    assert sorted(seen) == sorted(h for h, v in before.items() if v == kept)
    assert all(r["village_id"] == kept for p in pages for r in p["records"])


def test_a_bad_cursor_is_refused_with_a_message(surveyor, client):
    response = client.get(
        "/api/sync/pull", query_string={"since": "garbage"}, headers=surveyor.headers
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_cursor"


def test_format_2_sends_what_the_phone_keeps_and_format_1_is_unchanged(surveyor, client):
    """A phone of today asks for format 2: each household's document and what the phone keeps
    beside it, not the server's figures (it computes them). A phone of before asks for nothing
    and still gets format 1, with the figures and the summary."""
    old = surveyor.pull(limit=500)
    response = client.get(
        "/api/sync/pull", query_string={"limit": 500, "v": 2}, headers=surveyor.headers
    )
    assert response.status_code == 200
    new = response.json
    assert [r["id"] for r in new["records"]] == [r["id"] for r in old["records"]]
    kept = {
        "id",
        "village_id",
        "campaign_id",
        "version",
        "review_state",
        "review_note",
        "review_comments",
        "conflict_open",
        "search_keys",
        "updated_at",
        "conflicts",
        "document",
    }
    for lean, full in zip(new["records"], old["records"], strict=True):
        assert set(lean) == kept
        assert lean == {k: full[k] for k in kept}
        assert {"summary", "per_capita_net_income", "lines", "head_name"} <= set(full)
    assert len(response.data) < 0.9 * len(
        client.get("/api/sync/pull", query_string={"limit": 500}, headers=surveyor.headers).data
    )
    assert new["next_cursor"] == old["next_cursor"]


def test_a_pull_from_the_start_says_how_many_households_follow(surveyor, client):
    """The first page of a download counts the households the pages bring, so the phone shows
    "已下载 x / y 户" without asking anything else; a page after a cursor does not count."""
    expected = my_households()
    pages, cursor = surveyor.pull_all(limit=2)
    assert pages[0]["total"] == len(expected) == sum(len(p["records"]) for p in pages)
    assert all("total" not in p for p in pages[1:])
    assert "total" not in surveyor.pull(cursor)


def test_an_unknown_pull_format_is_refused(surveyor, client):
    response = client.get("/api/sync/pull", query_string={"v": 3}, headers=surveyor.headers)
    assert response.status_code == 422
    assert "v" in response.json["error"]["fields"]
