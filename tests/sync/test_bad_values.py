"""One bad value never fails a batch: the operation that carries it is rejected with its field's
message, the other operations of the batch apply, and nothing of it is stored. On SQLite and on
PostgreSQL (where a NUL, a surrogate or an amount past the derived columns' size fails the write
itself, not only a check)."""

import json
from datetime import date

import pytest

from server.domain import idcard
from server.domain.sample import newborn
from tests.api.conftest import fresh_document

from .bad_values import BAD_ROW_IDS, CASES, XSS, case_id, fill, row_ids
from .conftest import create_op, new_id, villages_of


def push(client, phone, ops: list[dict]):
    """POST /api/sync/push with the JSON written as a phone's JSON.stringify() writes it: a lone
    half of a UTF-16 pair as its \\u escape (the test client would write it raw, as no one can)."""
    return client.post(
        "/api/sync/push",
        data=json.dumps({"device_id": phone.device_id, "ops": ops}),
        headers=phone.headers | {"Content-Type": "application/json"},
    )


def stored(client, phone, household_id: str):
    response = client.get(f"/api/households/{household_id}", headers=phone.headers)
    return response.json if response.status_code == 200 else None


def assert_rejected_alone(client, surveyor, poisoned: dict, where: str | tuple) -> None:
    """Pushed between two good operations: 200, the good ones applied, the bad one rejected with
    a message at `where` (or at one of several paths), and not stored."""
    village = villages_of(client, surveyor)[0]
    before, after = create_op(village, fresh_document()), create_op(village, fresh_document())
    response = push(client, surveyor, [before, poisoned, after])
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    results = response.json["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"], results[1]
    paths = [e["path"] for e in results[1]["errors"]]
    assert set(paths) & ({where} if isinstance(where, str) else set(where)), paths
    assert all(e["message"] and e["severity"] == "error" for e in results[1]["errors"])
    assert stored(client, surveyor, poisoned["household_id"]) is None
    for good in (before, after):
        assert stored(client, surveyor, good["household_id"])["version"] == 1


@pytest.mark.parametrize(("changes", "where"), CASES, ids=case_id)
def test_a_new_household_with_a_bad_value_is_rejected_alone(client, surveyor, changes, where):
    document = fresh_document()
    ids = row_ids(document)
    op = create_op(villages_of(client, surveyor)[0], document, fill(changes, ids))
    assert_rejected_alone(client, surveyor, op, where.format(**ids))


@pytest.mark.parametrize(("changes", "where"), CASES[::3], ids=case_id)
def test_an_edit_with_a_bad_value_is_rejected_and_the_household_unchanged(
    client, surveyor, changes, where
):
    """The same values sent as an edit of a stored household: it keeps its version."""
    village = villages_of(client, surveyor)[0]
    create = create_op(village, fresh_document())
    [created] = surveyor.push(create)
    assert created["status"] == "applied", created
    household = surveyor.download(create["household_id"])
    ids = row_ids(household["document"])
    op = surveyor.op(household, fill(changes, ids))
    good = create_op(village, fresh_document())
    response = push(client, surveyor, [op, good])
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    results = response.json["results"]
    assert [r["status"] for r in results] == ["rejected", "applied"], results[0]
    assert where.format(**ids) in [e["path"] for e in results[0]["errors"]]
    assert surveyor.download(create["household_id"]) == household


def test_sums_past_the_derived_columns_are_refused_by_the_form_maximum(client, surveyor):
    """Each item under the form's maximum, all of them together: the household's sums fit
    Numeric(14,2), and the greatest amount the form allows is stored and summed exactly."""
    from server.domain import forms
    from server.domain.income import ITEMS

    fields = {f["key"]: f for s in forms.load("annex1")["sections"] for f in s["fields"]}
    most = str(fields["wage_migrant"]["max"])
    document = fresh_document()
    document["income"] = {key: f"{most}.00" for key in ITEMS if key != "cost_business"}
    op = create_op(villages_of(client, surveyor)[0], document)
    [result] = surveyor.push(op)
    assert result["status"] == "applied", result
    summary = stored(client, surveyor, op["household_id"])["summary"]
    assert summary["annual_income"] == f"{int(most) * 16}.00"

    over = fresh_document()
    over["income"]["wage_local"] = f"{int(most) + 1}.00"
    assert_rejected_alone(client, surveyor, create_op(villages_of(client, surveyor)[0], over),
                          "income.wage_local")  # fmt: skip


@pytest.mark.parametrize("bad", BAD_ROW_IDS, ids=case_id)
@pytest.mark.parametrize("section", ["members", "helpers", "measures"])
def test_a_row_id_that_is_not_a_uuid_is_rejected(client, surveyor, section, bad):
    """A new row under an id that is not a UUID, whether sent as a whole row or inside a new
    household's document: rejected, and the message does not repeat the id."""
    document = fresh_document()
    row = dict(document[section][0], id=bad)
    if section == "members":
        row["id_number"] = "11010519491231002X"
        row["relation"] = "之父"
        row["name"] = "王老"
    village = villages_of(client, surveyor)[0]
    as_row = create_op(village, document, {f"{section}.{bad}": row})
    assert_rejected_alone(client, surveyor, as_row, (section, "changes"))
    in_document = create_op(village, document)
    in_document["changes"] = {
        k: v for k, v in in_document["changes"].items() if not k.startswith(f"{section}.")
    } | {section: [*document[section], row]}  # the whole section as one value
    response = push(client, surveyor, [in_document])
    assert response.status_code == 200
    [result] = response.json["results"]
    assert result["status"] == "rejected"
    assert bad not in response.get_data(as_text=True) or bad == ""


def test_the_script_in_a_member_id_is_refused_on_an_edit_too(client, surveyor, draft_household):
    """A newborn, valid in every other way, under the script as her row id."""
    household = surveyor.download(draft_household)
    baby = newborn(XSS, "王小花", idcard.make("610526", date(2020, 3, 1), 12))
    [result] = surveyor.push(surveyor.op(household, {f"members.{XSS}": baby}))
    assert result["status"] == "rejected", result
    baby["id"] = new_id()  # the same row under a UUID: applied
    [result] = surveyor.push(surveyor.op(household, {f"members.{baby['id']}": baby}))
    assert result["status"] == "applied", result
    household = surveyor.download(draft_household)
    assert XSS not in str(surveyor.download(draft_household))
    [result] = surveyor.push(surveyor.op(household, {f"members.{XSS}.name": "王"}))
    assert result["status"] == "rejected", result


def test_a_row_already_stored_under_another_id_can_still_be_deleted(app, client, surveyor):
    """A row stored before ids were checked is removed by a tombstone, as the phone sends it."""
    from server.extensions import db
    from server.models import Household

    op = create_op(villages_of(client, surveyor)[0], fresh_document())
    surveyor.push(op)
    with app.app_context():
        hh = db.session.get(Household, op["household_id"])
        document = dict(hh.document)
        document["helpers"] = [dict(document["helpers"][0], id="old-row-1")]
        hh.document = document
        db.session.commit()
        db.session.remove()
    household = surveyor.download(op["household_id"])
    [result] = surveyor.push(surveyor.op(household, {"helpers.old-row-1": None}))
    assert result["status"] == "applied", result
    assert surveyor.download(op["household_id"])["document"]["helpers"] == []


@pytest.mark.parametrize("device_id", ["ph\x00one", "\ud800", "phone one", "x" * 65], ids=case_id)
def test_a_device_id_that_cannot_be_stored_refuses_the_batch_with_422(client, surveyor, device_id):
    """The device id is the batch's, stored with every revision it writes: refused as a whole."""
    op = create_op(villages_of(client, surveyor)[0], fresh_document())
    response = client.post(
        "/api/sync/push",
        data=json.dumps({"device_id": device_id, "ops": [op]}),
        headers=surveyor.headers | {"Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert "device_id" in response.json["error"]["fields"]
    assert stored(client, surveyor, op["household_id"]) is None
