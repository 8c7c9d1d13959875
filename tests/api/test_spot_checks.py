"""Spot checks through HTTP: a reproducible sample of the right size, results recorded, the share
done against the share required (township 20%, county 10%)."""

import math

from sqlalchemy import func, select

from server.extensions import db
from server.models import Household, SpotCheck
from server.review import spotchecks


def _households(village_id: int) -> list[str]:
    ids = list(
        db.session.scalars(
            select(Household.id).where(
                Household.village_id == village_id, Household.campaign_id == 1
            )
        )
    )
    db.session.rollback()
    return ids


def _status(client, auth, user, village):
    return client.get(f"/api/spotchecks?village={village}&campaign=1", headers=auth.headers(user))


def _draw(client, auth, user, village):
    return client.post(
        "/api/spotchecks",
        json={"village_id": village, "campaign_id": 1},
        headers=auth.headers(user),
    )


def _record(client, auth, user, household_id, result, note=None):
    return client.put(
        f"/api/households/{household_id}/spotcheck",
        json={"result": result, "note": note},
        headers=auth.headers(user),
    )


def test_the_sample_is_the_required_share_and_the_same_every_time(client, auth, areas):
    village = areas.surveyor_village
    total = len(_households(village))
    assert total >= 2
    before = _status(client, auth, "demo-reviewer", village).get_json()
    assert before["households"] == total and before["drawn"] == 0 and before["done"] == 0
    assert before["required"] == math.ceil(total * 0.2)
    r = _draw(client, auth, "demo-reviewer", village)
    assert r.status_code == 200, r.get_json()
    drawn = r.get_json()
    assert drawn["drawn"] == drawn["required"] == math.ceil(total * 0.2)
    chosen = {c["household_id"] for c in drawn["checks"]}
    assert chosen <= set(_households(village))
    # Drawing again changes nothing; the pure draw from the same seed gives the same households.
    again = _draw(client, auth, "demo-reviewer", village).get_json()
    assert {c["household_id"] for c in again["checks"]} == chosen
    seed = spotchecks.seed_of(1, village, "township")
    assert set(spotchecks.draw(_households(village), len(chosen), seed)) == chosen
    # The county draws its own 10%, from its own seed.
    county = _draw(client, auth, "demo-county", village).get_json()
    assert county["level"] == "county" and county["drawn"] == math.ceil(total * 0.1)


def test_the_draw_is_reproducible_and_differs_by_level_and_village():
    ids = [f"{n:036d}" for n in range(40)]
    a = spotchecks.draw(ids, 8, spotchecks.seed_of(1, 7, "township"))
    assert a == spotchecks.draw(list(reversed(ids)), 8, spotchecks.seed_of(1, 7, "township"))
    assert len(set(a)) == 8
    assert a != spotchecks.draw(ids, 8, spotchecks.seed_of(1, 8, "township"))
    assert set(spotchecks.draw(ids, 4, spotchecks.seed_of(1, 7, "county"))) != set(a[:4])
    assert spotchecks.required_count(23, "township") == 5
    assert spotchecks.required_count(23, "county") == 3
    assert spotchecks.required_count(0, "township") == 0


def test_results_are_recorded_and_the_share_shown(client, auth, areas):
    village = areas.surveyor_village
    drawn = _draw(client, auth, "demo-reviewer", village).get_json()
    first, *rest = [c["household_id"] for c in drawn["checks"]]
    r = _record(client, auth, "demo-reviewer", first, "符合")
    assert r.status_code == 200 and r.get_json()["result"] == "符合"
    status = _status(client, auth, "demo-reviewer", village).get_json()
    assert status["done"] == 1
    assert status["share"] == f"{1 / status['households']:.4f}"
    assert status["enough"] is (status["required"] <= 1)
    # Not conforming needs a note; the record says what was found.
    if rest:
        r = _record(client, auth, "demo-reviewer", rest[0], "不符合")
        assert r.status_code == 422 and "note" in r.get_json()["error"]["fields"]
        r = _record(client, auth, "demo-reviewer", rest[0], "不符合", "实际务工收入更高")
        assert r.status_code == 200
    # A household not drawn may be checked too: it counts, marked as added.
    extra = next(
        h for h in _households(village) if h not in {c["household_id"] for c in drawn["checks"]}
    )
    assert _record(client, auth, "demo-reviewer", extra, "符合").status_code == 200
    status = _status(client, auth, "demo-reviewer", village).get_json()
    added = [c for c in status["checks"] if not c["sampled"]]
    assert [c["household_id"] for c in added] == [extra]
    assert status["done"] == (3 if rest else 2)


def test_bad_input_is_422_and_writes_nothing(client, auth, areas):
    village = areas.surveyor_village
    household_id = _households(village)[0]
    for body in ({"result": "好"}, {}, {"result": "符合", "note": "长" * 201}):
        r = client.put(
            f"/api/households/{household_id}/spotcheck",
            json=body,
            headers=auth.headers("demo-reviewer"),
        )
        assert r.status_code == 422, body
    r = client.post(
        "/api/spotchecks",
        json={"village_id": village, "campaign_id": 99},
        headers=auth.headers("demo-reviewer"),
    )
    assert r.status_code == 422
    assert (
        client.get(
            f"/api/spotchecks?village={village}", headers=auth.headers("demo-reviewer")
        ).status_code
        == 422
    )
    assert db.session.scalar(select(func.count()).select_from(SpotCheck)) == 0
    db.session.rollback()


def test_who_may_check_where(client, auth, areas):
    inside, outside = areas.surveyor_village, areas.township2_village
    assert _draw(client, auth, "demo-surveyor", inside).status_code == 403
    assert _draw(client, auth, "demo-admin", inside).status_code == 403
    assert _draw(client, auth, "demo-reviewer", outside).status_code == 403
    assert _status(client, auth, "demo-reviewer", outside).status_code == 403
    household_id = _households(outside)[0]
    assert _record(client, auth, "demo-reviewer", household_id, "符合").status_code == 404
    assert _record(client, auth, "demo-county", household_id, "符合").status_code == 200
