"""Races the concurrency tests cannot force every time, made to happen on purpose."""

from server import store
from server.domain.sample import sample_document
from server.sync import push as push_module
from server.sync.paths import diff
from tests.sync.conftest import new_id
from tests.sync.test_delivery import villages_of


def test_a_household_created_meanwhile_by_another_operation_is_merged_into(
    surveyor, second_surveyor, client, monkeypatch
):
    """Two phones register the same missed household (one copied the other's id over Bluetooth,
    say). The second operation was planned while the household did not exist yet; when its insert
    meets the first one's row it is planned again against that row and merged, not a 500."""
    village = villages_of(client, surveyor)[0]
    household_id = new_id()
    document = sample_document()
    document["signoff"] = {"surveyor": "赵敏", "visit_date": "2020-10-12"}

    def create(phone, doc):
        return {
            "op_id": new_id(),
            "household_id": household_id,
            "base_version": 0,
            "village_id": village,
            "campaign_id": 1,
            "changes": diff({}, doc),
        }

    [first] = surveyor.push(create(surveyor, document))
    assert first["status"] == "applied"

    real = store.household_row
    calls = []

    def not_yet_there(household, lock=False):  # the plan made before the first one committed
        calls.append(household)
        return None if len(calls) == 1 else real(household, lock)

    monkeypatch.setattr(push_module.store, "household_row", not_yet_there)
    other = sample_document()
    other["household"]["phone"] = "13700000000"
    other["signoff"] = {"surveyor": "钱芳", "visit_date": "2020-10-13"}
    [second] = second_surveyor.push(create(second_surveyor, other))

    assert second["status"] in ("merged", "conflict"), second
    assert second["version"] == 2
    stored = surveyor.download(household_id)
    assert stored["version"] == 2
    # Whatever the second phone typed is in the record or in a conflict: nothing is lost.
    conflicts = client.get(
        "/api/conflicts", query_string={"household": household_id}, headers=surveyor.headers
    ).json
    kept = {c["path"]: c["device"] for c in conflicts}
    assert stored["document"]["household"]["phone"] == "13700000000" or (
        kept.get("household.phone") == "13700000000"
    )
