"""An operation id names one operation of one person on one household.

A phone that lost an answer sends the same operation again and gets its first answer back, even
when the household has since been approved (and locked) or deleted. The same id sent by another
person, or on another household, is another operation: it is applied on its own merits, and it
never brings back what the first one answered (which can hold another household's values).
"""

from sqlalchemy import func, select

from server.core.database import write_transaction
from server.extensions import db
from server.models import Household, Revision
from tests.api.conftest import demo_areas, make_household

from .conftest import Phone, delete_household, new_id


def revisions_of(household_id: str) -> int:
    db.session.rollback()
    n = db.session.scalar(
        select(func.count()).select_from(Revision).where(Revision.household_id == household_id)
    )
    db.session.rollback()
    return n


def stored(household_id: str) -> tuple[int, dict, str]:
    db.session.rollback()
    hh = db.session.get(Household, household_id)
    out = (hh.version, hh.document, hh.review_state)
    db.session.rollback()
    return out


def approve(client, surveyor, reviewer, household_id: str) -> None:
    """Signed off and submitted by the surveyor, approved by the township: locked from then on."""
    copy = surveyor.download(household_id)
    signoff = {"signoff.surveyor": "赵敏", "signoff.visit_date": "2020-10-12"}
    [submitted] = surveyor.push(surveyor.op(copy, signoff, submit=True))
    assert submitted["status"] == "applied", submitted
    response = client.post(
        f"/api/households/{household_id}/review",
        json={"action": "approve"},
        headers=reviewer.headers,
    )
    assert response.status_code == 200, response.json
    assert stored(household_id)[2] == "approved"


def other_township_surveyor(client, auth) -> Phone:
    """孙丽, a surveyor of a village in the second township (none of 赵敏's villages)."""
    village = demo_areas().township2_village
    response = client.post(
        "/api/admin/users",
        json={
            "username": "surveyor-sun",
            "name": "孙丽",
            "role": "surveyor",
            "password": "demo12345",
            "area_ids": [village],
        },
        headers=auth.headers("demo-admin"),
    )
    assert response.status_code == 201, response.json
    return Phone(client, auth.headers("surveyor-sun"), "phone-sun")


def test_a_retry_after_approval_is_answered_duplicate(client, surveyor, reviewer, draft_household):
    """The answer to 赵敏's edit is lost; before her phone retries, the household is submitted and
    approved. The retry gets the first answer (`duplicate`, applied), not `locked`, so the phone
    drops it from the outbox, and nothing is written again."""
    copy = surveyor.download(draft_household)
    op = surveyor.op(copy, {"household.phone": "13900000011"})
    [first] = surveyor.push(op)
    assert first["status"] == "applied"
    approve(client, surveyor, reviewer, draft_household)
    before = stored(draft_household), revisions_of(draft_household)

    [again] = surveyor.push(op)

    assert again["status"] == "duplicate" and again["first_status"] == "applied"
    assert again["version"] == first["version"] and again["household_id"] == draft_household
    assert (stored(draft_household), revisions_of(draft_household)) == before


def test_a_retry_after_deletion_is_answered_duplicate(client, surveyor, draft_household):
    """The household is deleted at the county after 赵敏's edit was applied; her retry is still
    `duplicate`, not `deleted`, and writes nothing."""
    copy = surveyor.download(draft_household)
    op = surveyor.op(copy, {"income.wage_local": "3210.00"})
    [first] = surveyor.push(op)
    assert first["status"] == "applied"
    delete_household(draft_household)
    before = stored(draft_household), revisions_of(draft_household)

    [again] = surveyor.push(op)

    assert again["status"] == "duplicate" and again["first_status"] == "applied"
    assert (stored(draft_household), revisions_of(draft_household)) == before


def test_a_push_to_an_approved_household_is_refused_and_changes_nothing(
    client, surveyor, reviewer, draft_household
):
    """A new edit from a copy of a household the township has approved is `locked`: the record,
    its version and its history stay as they were."""
    approve(client, surveyor, reviewer, draft_household)
    copy = surveyor.download(draft_household)
    before = stored(draft_household), revisions_of(draft_household)

    [result] = surveyor.push(surveyor.op(copy, {"household.phone": "13900000012"}))
    [stale] = surveyor.push(
        surveyor.op(copy | {"version": copy["version"] - 1}, {"income.wage_local": "1.00"})
    )

    assert result["status"] == "rejected" and result["code"] == "locked"
    assert stale["status"] == "rejected" and stale["code"] == "locked"
    assert result["errors"][0]["message"].startswith("该户已审核通过")
    assert (stored(draft_household), revisions_of(draft_household)) == before


def test_another_users_operation_id_returns_nothing_of_theirs(
    client, auth, surveyor, second_surveyor, draft_household
):
    """赵敏's operation ended in a conflict whose answer holds the household's phone numbers. 孙丽,
    of another township, sends an operation with the same id on a household of her own: it is a
    new operation of hers, applied to her household, and her answer holds nothing of 赵敏's."""
    zhao_copy = surveyor.download(draft_household)
    qian_copy = second_surveyor.download(draft_household)
    second_surveyor.push(second_surveyor.op(qian_copy, {"household.phone": "13700000031"}))
    op = surveyor.op(zhao_copy, {"household.phone": "13900000032"})
    [first] = surveyor.push(op)
    assert first["status"] == "conflict"
    sun = other_township_surveyor(client, auth)
    theirs = make_household(demo_areas().township2_village)
    copy = sun.download(theirs)

    [result] = sun.push(sun.op(copy, {"income.wage_local": "4321.00"}) | {"op_id": op["op_id"]})

    assert result["status"] == "applied" and result["household_id"] == theirs
    assert "13700000031" not in str(result) and "13900000032" not in str(result)
    assert draft_household not in str(result)
    assert sun.download(theirs)["document"]["income"]["wage_local"] == "4321.00"


def test_the_same_operation_id_on_another_household_is_applied(surveyor, client):
    """A phone that reuses an operation id on a second household (a bug, or an id made twice)
    does not lose the second edit: each household gets its own operation."""
    items = client.get(
        "/api/households", query_string={"state": "draft"}, headers=surveyor.headers
    ).json["items"]
    one, two = (surveyor.download(h["id"]) for h in items[:2])
    op_id = new_id()

    [a] = surveyor.push(surveyor.op(one, {"income.wage_local": "111.00"}) | {"op_id": op_id})
    [b] = surveyor.push(surveyor.op(two, {"income.wage_local": "222.00"}) | {"op_id": op_id})
    [a_again, b_again] = surveyor.push(
        surveyor.op(one, {"income.wage_local": "111.00"}) | {"op_id": op_id},
        surveyor.op(two, {"income.wage_local": "222.00"}) | {"op_id": op_id},
    )

    assert (a["status"], b["status"]) == ("applied", "applied")
    assert (a_again["status"], b_again["status"]) == ("duplicate", "duplicate")
    assert (a_again["household_id"], b_again["household_id"]) == (one["id"], two["id"])
    assert surveyor.download(one["id"])["document"]["income"]["wage_local"] == "111.00"
    assert surveyor.download(two["id"])["document"]["income"]["wage_local"] == "222.00"


def test_the_same_operation_id_from_a_colleague_is_a_new_operation(
    surveyor, second_surveyor, draft_household
):
    """钱芳 sends an operation whose id 赵敏 used on the same household: it is hers, applied on
    its own, and not taken for 赵敏's retry."""
    copy = surveyor.download(draft_household)
    op = surveyor.op(copy, {"income.wage_local": "500.00"})
    [first] = surveyor.push(op)
    theirs = second_surveyor.download(draft_household)

    [result] = second_surveyor.push(
        second_surveyor.op(theirs, {"income.wage_public_job": "600.00"}) | {"op_id": op["op_id"]}
    )

    assert first["status"] == "applied" and result["status"] == "applied"
    assert result["version"] == first["version"] + 1
    document = surveyor.download(draft_household)["document"]
    assert document["income"]["wage_public_job"] == "600.00"


def test_a_retry_after_losing_the_village_carries_no_values(
    client, auth, surveyor, second_surveyor, draft_household
):
    """赵敏's conflicting operation is answered, the answer lost, and her village is then given to a
    colleague. Her retry is still `duplicate` (the phone may drop it), but the answer no longer
    holds the household's values, which she may not see any more."""
    zhao_copy = surveyor.download(draft_household)
    qian_copy = second_surveyor.download(draft_household)
    second_surveyor.push(second_surveyor.op(qian_copy, {"household.phone": "13700000041"}))
    op = surveyor.op(zhao_copy, {"household.phone": "13900000042"})
    [first] = surveyor.push(op)
    assert first["status"] == "conflict" and "13700000041" in str(first["conflicts"])
    from flask import g

    from server.models import User, UserArea

    with write_transaction():
        user = db.session.scalar(select(User).where(User.username == "demo-surveyor"))
        db.session.query(UserArea).filter(UserArea.user_id == user.id).delete()
        user.scope_version += 1
    g.pop("_villages", None)  # the test requests share one app context, so one request cache

    [again] = surveyor.push(op)

    assert again["status"] == "duplicate" and again["first_status"] == "conflict"
    assert "13700000041" not in str(again) and "13900000042" not in str(again)
