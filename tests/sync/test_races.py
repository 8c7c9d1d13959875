"""Races the concurrency tests cannot force every time, made to happen on purpose."""

from server.domain.sample import sample_document
from server.households import queries as store
from server.sync import push as push_module
from server.sync import queries as sync_queries
from server.sync.paths import diff
from tests.sync.conftest import new_id
from tests.sync.test_delivery import drafts, villages_of


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

    real = store.household_rows
    calls = []

    def not_yet_there(households):  # the batch read made before the first one committed
        calls.append(households)
        return {} if len(calls) == 1 else real(households)

    monkeypatch.setattr(push_module.queries, "household_rows", not_yet_there)
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


def test_a_household_written_between_the_batch_read_and_the_lock_is_merged_not_overwritten(
    surveyor, reviewer, client, draft_household, monkeypatch
):
    """The batch was read before the reviewer's edit committed, so its plan is a fast-forward
    from version 1. Under the write lock the household is found at version 2: the operation is
    planned again and merged, and the reviewer's edit survives."""
    phone_copy = surveyor.download(draft_household)
    [edit] = reviewer.push(
        reviewer.op(reviewer.download(draft_household), {"household.phone": "13911112222"})
    )
    assert edit["status"] == "applied"

    real = store.household_rows
    calls = []

    def read_before_the_review(households):
        calls.append(households)
        rows = real(households)
        if len(calls) == 1:  # what the batch read saw: the version the phone also holds
            rows = {
                hid: _Row(row._asdict() | {"version": 1, "document": phone_copy["document"]})
                for hid, row in rows.items()
            }
        return rows

    monkeypatch.setattr(push_module.queries, "household_rows", read_before_the_review)
    [result] = surveyor.push(surveyor.op(phone_copy, {"income.wage_local": "9100.00"}))

    assert result["status"] == "merged", result
    stored = surveyor.download(draft_household)
    assert stored["version"] == 3
    assert stored["document"]["household"]["phone"] == "13911112222"
    assert stored["document"]["income"]["wage_local"] == "9100.00"


class _Row(dict):
    """A household row as the batch read returns it (attribute access)."""

    __getattr__ = dict.__getitem__


def test_an_operation_committed_by_a_parallel_retry_falls_back_alone_and_the_rest_apply(
    surveyor, client, monkeypatch
):
    """A phone retried its batch while the first request was still running: by the time this
    request writes, one of its operations was committed by the other. The group write meets the
    op id's unique key, writes nothing, and every operation is tried on its own: the retried one
    is answered as a duplicate, the others are applied exactly once."""
    first, second = drafts(client, surveyor, 2)
    op_a = surveyor.op(surveyor.download(first), {"income.wage_local": "7000.00"})
    op_b = surveyor.op(surveyor.download(second), {"income.wage_local": "7100.00"})
    [a] = surveyor.push(op_a)
    assert a["status"] == "applied"

    monkeypatch.setattr(push_module.sync_queries, "first_results", _seen_nothing_the_first_time())
    results = surveyor.push(op_a, op_b, op_a)  # the phone's outbox held it twice, too

    assert [r["status"] for r in results] == ["duplicate", "applied", "duplicate"]
    assert [results[0]["first_status"], results[2]["first_status"]] == ["applied", "applied"]
    assert results[0]["version"] == results[2]["version"] == a["version"]
    assert [r["version"] for r in surveyor.revisions(first)].count(a["version"]) == 1
    assert len(surveyor.revisions(second)) == 2


def _seen_nothing_the_first_time():
    real, calls = sync_queries.first_results, []

    def first_results(author_id, keys):
        calls.append(keys)
        return {} if len(calls) == 1 else real(author_id, keys)

    return first_results
