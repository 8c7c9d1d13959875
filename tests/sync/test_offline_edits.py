"""Two surveyors, one household, no signal: what each typed survives the sync.

赵敏 and 钱芳 both download household X in the morning and visit it on different days without
signal. Whatever they typed must reach the server: merged where their edits do not collide, kept
side by side for the township reviewer where they do.
"""

import re

from server.demo import EXIT_CAMPAIGN_LINES
from server.domain import idcard
from server.domain.sample import newborn
from server.domain.summary import summarize
from server.extensions import db
from server.models import Area
from tests.api.conftest import demo_areas

from .conftest import new_id
from .test_delivery import drafts

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def new_member(name: str, id_number: str, relation: str = "之女") -> dict:
    """A complete member row, the way the phone's form saves a newly registered person."""
    return newborn(new_id(), name, id_number, relation)


def a_child(household: dict) -> dict:
    """A member who is not the head, so removing them leaves a valid household."""
    return next(m for m in household["document"]["members"] if m["relation"] != "户主")


def test_different_fields_are_merged_and_both_kept(surveyor, second_surveyor, draft_household):
    """赵敏 corrects the phone number; 钱芳, from the same morning copy, records the migrant wage.
    Both syncs succeed: the second is merged, both values are in the household, the answer says
    which field came from whom, and the record carries a soft "parallel update" note."""
    zhao_copy = surveyor.download(draft_household)
    qian_copy = second_surveyor.download(draft_household)

    [first] = surveyor.push(surveyor.op(zhao_copy, {"household.phone": "13900000001"}))
    [second] = second_surveyor.push(
        second_surveyor.op(qian_copy, {"income.wage_migrant": "15000.00"})
    )

    assert first["status"] == "applied" and first["version"] == zhao_copy["version"] + 1
    assert second["status"] == "merged" and second["version"] == zhao_copy["version"] + 2
    assert second["merged"] == {"server": ["household.phone"], "device": ["income.wage_migrant"]}
    assert not second.get("conflicts")
    now = surveyor.download(draft_household)
    assert now["document"]["household"]["phone"] == "13900000001"
    assert now["document"]["income"]["wage_migrant"] == "15000.00"
    assert now["parallel_note"] is True and now["conflict_open"] is False
    kinds = [(r["kind"], r["device_id"]) for r in surveyor.revisions(draft_household)[-2:]]
    assert kinds == [("edit", "phone-zhao"), ("merge", "phone-qian")]


def test_same_field_is_a_conflict_kept_for_the_reviewer(
    surveyor, second_surveyor, reviewer, draft_household, client
):
    """Both surveyors change the same three answers to different values. The first to sync wins
    for now; the second gets `conflict`, nothing either typed is lost: the township reviewer sees
    base, server and device values, and decides each (keep the server's, take the device's, type a
    new one). The decision is a new revision and the household is no longer marked."""
    zhao_copy = surveyor.download(draft_household)
    qian_copy = second_surveyor.download(draft_household)
    base = zhao_copy["document"]
    surveyor.push(
        surveyor.op(
            zhao_copy,
            {
                "household.phone": "13900000001",
                "household.land_forest": "9.9",
                "income.cost_business": "100.00",
            },
        )
    )
    [result] = second_surveyor.push(
        second_surveyor.op(
            qian_copy,
            {
                "household.phone": "13700000002",
                "household.land_forest": "8.8",
                "income.cost_business": "900.00",
                "household.housing_area": "120",
            },
        )
    )

    assert result["status"] == "conflict"
    by_path = {c["path"]: c for c in result["conflicts"]}
    assert set(by_path) == {"household.phone", "household.land_forest", "income.cost_business"}
    assert by_path["household.phone"] == {
        "path": "household.phone",
        "base": base["household"]["phone"],
        "server": "13900000001",
        "device": "13700000002",
    }
    assert result["merged"]["device"] == ["household.housing_area"]
    now = surveyor.download(draft_household)
    assert now["version"] == result["version"] and now["conflict_open"] is True
    assert now["document"]["household"]["phone"] == "13900000001"  # the server value stays
    assert now["document"]["income"]["cost_business"] == "100.00"
    assert now["document"]["household"]["housing_area"] == "120"  # the clash-free part is merged

    township = client.get("/api/me", headers=reviewer.headers).json["areas"][0]["id"]
    listed = client.get(
        "/api/conflicts", query_string={"township": township}, headers=reviewer.headers
    )
    assert listed.status_code == 200
    mine = {c["path"]: c for c in listed.json if c["household_id"] == draft_household}
    assert set(mine) == set(by_path)
    phone = mine["household.phone"]
    assert (phone["base"], phone["server"], phone["device"]) == (
        base["household"]["phone"],
        "13900000001",
        "13700000002",
    )
    assert phone["device_id"] == "phone-qian" and phone["version"] == result["version"]

    decisions = {
        str(mine["household.phone"]["id"]): {"choice": "device"},
        str(mine["income.cost_business"]["id"]): {"choice": "value", "value": "500.00"},
        str(mine["household.land_forest"]["id"]): {"choice": "server"},
    }
    resolved = client.post(
        f"/api/households/{draft_household}/resolve",
        json={"resolutions": decisions, "note": "电话已与户主核实"},
        headers=reviewer.headers,
    )
    assert resolved.status_code == 200, resolved.json
    assert resolved.json["version"] == result["version"] + 1
    assert resolved.json["conflict_open"] is False
    document = resolved.json["document"]
    assert document["household"]["phone"] == "13700000002"
    assert document["income"]["cost_business"] == "500.00"
    assert document["household"]["land_forest"] == "9.9"
    assert surveyor.revisions(draft_household)[-1]["kind"] == "resolve"
    after = client.get(
        "/api/conflicts", query_string={"township": township}, headers=reviewer.headers
    ).json
    assert not [c for c in after if c["household_id"] == draft_household]


def test_conflicts_of_another_township_are_not_listed(client, reviewer):
    """A township reviewer asking for another township's conflicts is refused."""
    township = client.get("/api/me", headers=reviewer.headers).json["areas"][0]["id"]
    areas = demo_areas()  # the other township, from the area table
    assert township == areas.township1
    assert db.session.get(Area, areas.township2).level == "township"
    db.session.rollback()
    other = client.get(
        "/api/conflicts", query_string={"township": areas.township2}, headers=reviewer.headers
    )
    assert other.status_code == 403
    assert other.json["error"]["code"] == "forbidden_area"


def test_delete_against_edit_is_a_hard_conflict(
    surveyor, second_surveyor, reviewer, draft_household, client
):
    """赵敏 removes a member entered by mistake; 钱芳, offline, corrects that member's name.
    The deletion synced first, so the row stays deleted, and 钱芳's edit is kept whole in a
    conflict; the reviewer takes her version and the member comes back with the new name."""
    zhao_copy = surveyor.download(draft_household)
    qian_copy = second_surveyor.download(draft_household)
    child = a_child(zhao_copy)
    path = f"members.{child['id']}"

    [deleted] = surveyor.push(surveyor.op(zhao_copy, {path: None}))
    [edited] = second_surveyor.push(second_surveyor.op(qian_copy, {f"{path}.name": "王小红"}))

    assert deleted["status"] == "applied"
    assert edited["status"] == "conflict"
    [conflict] = edited["conflicts"]
    assert conflict["path"] == path and conflict["server"] is None
    assert conflict["base"] == child and conflict["device"] == child | {"name": "王小红"}
    now = surveyor.download(draft_household)
    assert child["id"] not in [m["id"] for m in now["document"]["members"]]
    assert now["conflict_open"] is True

    [stored] = client.get(
        "/api/conflicts", query_string={"household": draft_household}, headers=reviewer.headers
    ).json
    resolved = client.post(
        f"/api/households/{draft_household}/resolve",
        json={"resolutions": {str(stored["id"]): {"choice": "device"}}},
        headers=reviewer.headers,
    )
    assert resolved.status_code == 200, resolved.json
    restored = [m for m in resolved.json["document"]["members"] if m["id"] == child["id"]]
    assert restored == [child | {"name": "王小红"}]
    assert resolved.json["conflict_open"] is False


def test_edit_against_delete_keeps_the_edited_member(surveyor, second_surveyor, draft_household):
    """The other order: the name correction syncs first, then the deletion arrives. The member
    stays, with the corrected name, until a person decides; the deletion is kept as a conflict."""
    zhao_copy = surveyor.download(draft_household)
    qian_copy = second_surveyor.download(draft_household)
    child = a_child(zhao_copy)
    path = f"members.{child['id']}"

    second_surveyor.push(second_surveyor.op(qian_copy, {f"{path}.name": "王小红"}))
    [result] = surveyor.push(surveyor.op(zhao_copy, {path: None}))

    assert result["status"] == "conflict"
    assert result["conflicts"] == [
        {"path": path, "base": child, "server": child | {"name": "王小红"}, "device": None}
    ]
    members = surveyor.download(draft_household)["document"]["members"]
    assert [m["name"] for m in members if m["id"] == child["id"]] == ["王小红"]


def test_both_add_the_same_person_is_flagged_and_both_kept(
    surveyor, second_surveyor, draft_household
):
    """A baby is born; both surveyors register her, each with a new row id but the same ID
    number. Both rows are kept (nobody's typing is thrown away) and the answer flags them as a
    possible duplicate for the reviewer."""
    zhao_copy = surveyor.download(draft_household)
    qian_copy = second_surveyor.download(draft_household)
    number = idcard.make("610526", "2020-06-01", 2)
    baby_a, baby_b = new_member("王小花", number), new_member("王晓花", number)

    surveyor.push(surveyor.op(zhao_copy, {f"members.{baby_a['id']}": baby_a}))
    [result] = second_surveyor.push(
        second_surveyor.op(qian_copy, {f"members.{baby_b['id']}": baby_b})
    )

    assert result["status"] in ("merged", "conflict")
    assert result["duplicate_members"] == [[baby_a["id"], baby_b["id"], number]]
    now = surveyor.download(draft_household)
    ids = [m["id"] for m in now["document"]["members"]]
    assert baby_a["id"] in ids and baby_b["id"] in ids
    assert now["parallel_note"] is True


def test_reviewer_edit_while_surveyor_offline_is_merged(
    surveyor, reviewer, draft_household, client
):
    """The reviewer corrects the road type at the office (PUT with If-Match) while 赵敏 is in the
    village without signal recording income. Her sync merges onto the reviewer's version."""
    phone_copy = surveyor.download(draft_household)
    office_copy = reviewer.download(draft_household)
    document = office_copy["document"]
    document["household"]["land_cultivated"] = "6.5"
    put = client.put(
        f"/api/households/{draft_household}",
        json={"document": document},
        headers=reviewer.headers | {"If-Match": f'"{office_copy["version"]}"'},
    )
    assert put.status_code == 200, put.json

    [result] = surveyor.push(surveyor.op(phone_copy, {"income.business_livestock": "3000.00"}))

    assert result["status"] == "merged"
    assert result["merged"] == {
        "server": ["household.land_cultivated"],
        "device": ["income.business_livestock"],
    }
    now = surveyor.download(draft_household)
    assert now["document"]["household"]["land_cultivated"] == "6.5"
    assert now["document"]["income"]["business_livestock"] == "3000.00"
    assert now["version"] == put.json["version"] + 1


def test_derived_values_come_from_the_merged_document(surveyor, second_surveyor, draft_household):
    """One surveyor adds a member, the other records a new income. Neither phone ever computed
    the per-capita income of the result, so the server does: from the merged document, with the
    new member counted and the new income added, and the verdict columns follow it."""
    zhao_copy = surveyor.download(draft_household)
    qian_copy = second_surveyor.download(draft_household)
    baby = new_member("王小花", idcard.make("610526", "2020-06-01", 4))
    surveyor.push(surveyor.op(zhao_copy, {f"members.{baby['id']}": baby}))
    [result] = second_surveyor.push(
        second_surveyor.op(qian_copy, {"income.property_dividend": "2400.00"})
    )
    assert result["status"] == "merged"

    now = surveyor.download(draft_household)
    expected = summarize(now["document"], EXIT_CAMPAIGN_LINES)
    assert now["summary"] == expected
    assert now["household_size"] == zhao_copy["household_size"] + 1
    assert now["per_capita_net_income"] == expected["per_capita_net_income"]
    assert now["per_capita_net_income"] != zhao_copy["per_capita_net_income"]
    assert (now["monitoring_type"], now["exit_eligible"], now["lines"]) == (
        expected["monitoring_type"],
        expected["exit_eligible"],
        expected["lines"],
    )
    for alone in (zhao_copy, qian_copy):
        assert summarize(alone["document"], EXIT_CAMPAIGN_LINES) != expected


def test_a_typo_in_a_stale_edit_is_refused_and_nothing_is_written(
    surveyor, second_surveyor, draft_household
):
    """钱芳's phone sends an amount the form refuses ("八千") against the morning copy, after 赵敏
    changed the phone number. The merged record would hold the typo: the operation is refused with
    the field's message, and the household stays as 赵敏 left it."""
    zhao_copy = surveyor.download(draft_household)
    qian_copy = second_surveyor.download(draft_household)
    [first] = surveyor.push(surveyor.op(zhao_copy, {"household.phone": "13900000001"}))

    [second] = second_surveyor.push(second_surveyor.op(qian_copy, {"income.wage_local": "八千"}))

    assert second["status"] == "rejected" and second["code"] == "invalid_document", second
    assert [e["path"] for e in second["errors"]] == ["income.wage_local"]
    assert surveyor.download(draft_household)["version"] == first["version"]


def test_a_typo_against_a_colleagues_value_is_refused_not_kept_as_a_conflict(
    surveyor, second_surveyor, draft_household
):
    """The same field, changed by 赵敏 to a valid amount and by 钱芳 to a typo: a conflict would
    keep the typo for the reviewer to choose. The device's own document is checked, and refused."""
    zhao_copy = surveyor.download(draft_household)
    qian_copy = second_surveyor.download(draft_household)
    [first] = surveyor.push(surveyor.op(zhao_copy, {"income.wage_local": "9000.00"}))

    [second] = second_surveyor.push(second_surveyor.op(qian_copy, {"income.wage_local": "abc"}))

    assert second["status"] == "rejected" and second["code"] == "invalid_document", second
    assert surveyor.download(draft_household)["version"] == first["version"]


def test_two_edits_valid_alone_but_not_together_are_kept_for_review(
    surveyor, second_surveyor, draft_household
):
    """3 mu of forest, 1 returned to forest. 赵敏 corrects the forest to 1.5 mu; 钱芳, from the
    same copy, records 2.5 mu returned. Each is valid alone; together the returned land exceeds the
    forest. Nothing typed is dropped: the merge is stored, marked for the reviewer with the rule."""
    land = {"household.land_forest": "3", "household.land_pasture": "0"}
    [setup] = surveyor.push(
        surveyor.op(surveyor.download(draft_household), land | {"household.land_returned": "1"})
    )
    assert setup["status"] == "applied", setup
    zhao_copy = surveyor.download(draft_household)
    qian_copy = second_surveyor.download(draft_household)

    [first] = surveyor.push(surveyor.op(zhao_copy, {"household.land_forest": "1.5"}))
    [second] = second_surveyor.push(
        second_surveyor.op(qian_copy, {"household.land_returned": "2.5"})
    )

    assert first["status"] == "applied", first
    assert second["status"] == "merged", second
    assert [e["path"] for e in second["review_needed"]] == ["household.land_returned"]
    stored = surveyor.download(draft_household)
    assert stored["version"] == second["version"]
    assert stored["document"]["household"]["land_forest"] == "1.5"
    assert stored["document"]["household"]["land_returned"] == "2.5"
    assert stored["parallel_note"] is True


def test_one_batch_merges_households_edited_from_different_versions(
    surveyor, second_surveyor, client
):
    """A phone that was offline for a week sends one batch: one household it had at version 1,
    another at version 2; both moved on on the server since. Each is merged against its own base."""
    first, second = drafts(client, surveyor, 2)
    [setup] = surveyor.push(
        surveyor.op(surveyor.download(second), {"household.phone": "13900000009"})
    )
    old_first, old_second = second_surveyor.download(first), second_surveyor.download(second)
    assert (old_first["version"], old_second["version"]) == (1, setup["version"])
    surveyor.push(
        surveyor.op(old_first, {"income.wage_local": "7000.00"}),
        surveyor.op(old_second, {"income.wage_local": "7100.00"}),
    )

    results = second_surveyor.push(
        second_surveyor.op(old_first, {"income.transfer_other": "300.00"}),
        second_surveyor.op(old_second, {"income.transfer_other": "310.00"}),
    )

    assert [r["status"] for r in results] == ["merged", "merged"], results
    for household_id, wage, transfer in (
        (first, "7000.00", "300.00"),
        (second, "7100.00", "310.00"),
    ):
        income = surveyor.download(household_id)["document"]["income"]
        assert (income["wage_local"], income["transfer_other"]) == (wage, transfer)
