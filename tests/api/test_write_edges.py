"""Edges of the REST write path: malformed bodies, attachments named by a record, copied rows,
values the form does not allow."""

import json
import uuid

import pytest

from server.models import Household, Revision
from server.sync.paths import apply
from tests.api.conftest import PNG, count, fresh_document, household
from tests.sync.bad_values import BAD_ROW_IDS, CASES, case_id, fill, row_ids

SURVEYOR = "demo-surveyor"
REVIEWER = "demo-reviewer"


def _create(client, auth, areas, document):
    """POST a household with `document` in the surveyor's village, as the surveyor."""
    body = {"village_id": areas.surveyor_village, "campaign_id": 1, "document": document}
    return client.post("/api/households", json=body, headers=auth.headers(SURVEYOR))


def _signed(signature: str) -> dict:
    """A fresh household whose sign-off names the attachment `signature`."""
    document = fresh_document()
    document["signoff"]["signature"] = signature
    return document


def test_malformed_json_is_400_not_a_list_of_missing_fields(client, auth):
    for path, headers in (("/api/auth/login", {}), ("/api/households", auth.headers(SURVEYOR))):
        r = client.post(
            path, data="{not json", headers=headers | {"Content-Type": "application/json"}
        )
        assert r.status_code == 400, (path, r.get_json())
        assert r.get_json()["error"]["code"] == "bad_json"


def test_a_record_naming_an_attachment_never_uploaded_is_422_and_writes_nothing(
    client, auth, areas
):
    before = count(Household), count(Revision)
    r = _create(client, auth, areas, _signed(str(uuid.uuid4())))
    assert r.status_code == 422, r.get_json()
    assert "附件尚未上传" in r.get_json()["error"]["fields"]["signoff.signature"][0]
    assert (count(Household), count(Revision)) == before


def test_an_uploaded_signature_is_linked_and_the_reviewer_may_see_it(client, auth, areas):
    signature = str(uuid.uuid4())
    up = client.put(
        f"/api/attachments/{signature}",
        data=PNG,
        headers=auth.headers(SURVEYOR) | {"Content-Type": "image/png"},
    )
    assert up.status_code == 201
    # Before any record names it, only the uploader may read it.
    assert (
        client.get(f"/api/attachments/{signature}", headers=auth.headers(REVIEWER)).status_code
        == 404
    )
    r = _create(client, auth, areas, _signed(signature))
    assert r.status_code == 201, r.get_json()
    seen = client.get(f"/api/attachments/{signature}", headers=auth.headers(REVIEWER))
    assert seen.status_code == 200
    assert seen.data == PNG
    # Another household may not point at it.
    r = _create(client, auth, areas, _signed(signature))
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"]["signoff.signature"] == ["附件属于另一户"]


def test_a_copied_household_keeps_its_member_ids_without_breaking_the_first(client, auth, areas):
    document = fresh_document()
    ids = []
    for _ in range(2):
        r = _create(client, auth, areas, document)
        assert r.status_code == 201, r.get_json()
        ids.append(r.get_json()["id"])
    assert household(ids[0]).household_size == household(ids[1]).household_size == 3


def test_resolving_nothing_is_422_and_writes_no_version(client, auth, areas):
    r = _create(client, auth, areas, fresh_document())
    household_id = r.get_json()["id"]
    r = client.post(
        f"/api/households/{household_id}/resolve",
        json={"resolutions": {}},
        headers=auth.headers(REVIEWER),
    )
    assert r.status_code == 422
    assert household(household_id).version == 1


def _send(client, method: str, path: str, body: dict, headers: dict):
    """JSON as a browser's JSON.stringify() writes it: a lone half of a UTF-16 pair escaped."""
    return client.open(
        path,
        method=method,
        data=json.dumps(body),
        headers=headers | {"Content-Type": "application/json"},
    )


@pytest.mark.parametrize(("changes", "where"), CASES, ids=case_id)
def test_a_document_with_a_bad_value_is_422_and_writes_nothing(client, auth, areas, changes, where):
    """The REST road refuses what push refuses, with the field's message, on create and update."""
    document = fresh_document()
    ids = row_ids(document)
    bad = apply(document, fill(changes, ids))
    headers = auth.headers(SURVEYOR)
    before = count(Household), count(Revision)
    r = _send(
        client,
        "POST",
        "/api/households",
        {"village_id": areas.surveyor_village, "campaign_id": 1, "document": bad},
        headers,
    )
    assert r.status_code == 422, r.get_data(as_text=True)[:300]
    assert where.format(**ids) in r.get_json()["error"]["fields"]
    assert (count(Household), count(Revision)) == before

    created = client.post(
        "/api/households",
        json={"village_id": areas.surveyor_village, "campaign_id": 1, "document": document},
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    household_id = created.get_json()["id"]
    r = _send(
        client,
        "PUT",
        f"/api/households/{household_id}",
        {"base_version": 1, "document": bad},
        headers,
    )
    assert r.status_code == 422, r.get_data(as_text=True)[:300]
    assert where.format(**ids) in r.get_json()["error"]["fields"]
    assert household(household_id).version == 1


@pytest.mark.parametrize("bad", BAD_ROW_IDS, ids=case_id)
def test_a_row_whose_id_is_not_a_uuid_is_422(client, auth, areas, bad):
    document = fresh_document()
    document["helpers"].append(dict(document["helpers"][0], id=bad))
    r = _send(
        client,
        "POST",
        "/api/households",
        {"village_id": areas.surveyor_village, "campaign_id": 1, "document": document},
        auth.headers(SURVEYOR),
    )
    assert r.status_code == 422, r.get_data(as_text=True)[:300]
    assert "helpers" in r.get_json()["error"]["fields"]
    assert bad not in r.get_data(as_text=True) or bad == ""
