"""Getting a phone's outbox to the server over a bad connection.

The line drops after the server committed; a batch holds one mistyped answer; a phone that was
offline for a week has too much to send at once; a household is registered in the field; a
signature is photographed before its upload finished. Each time the server answers so that the
phone knows what to do next, and writes nothing twice.
"""

import re

from server.domain.sample import sample_document
from server.extensions import db
from server.models import Area, Household
from server.sync.paths import diff
from tests.api.conftest import demo_areas

from .conftest import new_id

CHINESE = re.compile(r"[\u4e00-\u9fff]")
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def villages_of(client, phone) -> list[int]:
    return [a["id"] for a in client.get("/api/me", headers=phone.headers).json["areas"]]


def drafts(client, phone, n: int) -> list[str]:
    """Households the surveyor may still edit (not yet approved and locked)."""
    items = client.get(
        "/api/households", query_string={"per_page": 50}, headers=phone.headers
    ).json["items"]
    editable = [h["id"] for h in items if h["review_state"] in ("draft", "submitted", "returned")]
    assert len(editable) >= n
    return editable[:n]


def test_lost_response_retry_writes_nothing_twice(surveyor, client):
    """赵敏 syncs three households; the server commits, but the answer is lost in the hills. The
    phone sends the same batch again: every operation comes back `duplicate` with the first
    answer, and no version or revision is written twice."""
    ids = drafts(client, surveyor, 3)
    copies = [surveyor.download(h) for h in ids]
    ops = [surveyor.op(c, {"household.phone": f"1390000000{i}"}) for i, c in enumerate(copies)]
    first = surveyor.push(*ops)
    versions = {h: surveyor.download(h)["version"] for h in ids}
    history = {h: len(surveyor.revisions(h)) for h in ids}

    again = surveyor.push(*ops)

    assert [r["status"] for r in first] == ["applied"] * 3
    assert [r["status"] for r in again] == ["duplicate"] * 3
    for before, after in zip(first, again, strict=True):
        assert after["first_status"] == "applied"
        assert {k: v for k, v in after.items() if k not in ("status", "first_status")} == {
            k: v for k, v in before.items() if k != "status"
        }
    assert {h: surveyor.download(h)["version"] for h in ids} == versions
    assert {h: len(surveyor.revisions(h)) for h in ids} == history


def test_one_invalid_operation_does_not_stop_the_others(surveyor, client):
    """One of three households has a mistyped phone number and a wrong ID-number check digit.
    That operation is rejected with the field errors in Chinese, so the surveyor can fix it; the
    other two are applied."""
    ids = drafts(client, surveyor, 3)
    copies = [surveyor.download(h) for h in ids]
    head = copies[1]["document"]["members"][0]
    bad_number = head["id_number"][:-1] + ("0" if head["id_number"][-1] != "0" else "1")
    ops = [
        surveyor.op(copies[0], {"income.wage_local": "8000.00"}),
        surveyor.op(
            copies[1],
            {"household.phone": "1390000abc", f"members.{head['id']}.id_number": bad_number},
        ),
        surveyor.op(copies[2], {"income.wage_local": "9000.00"}),
    ]
    results = surveyor.push(*ops)

    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    errors = {e["path"]: e["message"] for e in results[1]["errors"]}
    assert set(errors) == {"household.phone", f"members.{head['id']}.id_number"}
    assert all(CHINESE.search(message) for message in errors.values())
    assert surveyor.download(ids[1])["version"] == copies[1]["version"]
    assert surveyor.download(ids[2])["document"]["income"]["wage_local"] == "9000.00"


def test_malformed_operation_is_rejected_alone(surveyor, client):
    """An operation without a base version (an old app build, say) is rejected with a message
    on that field; the good operation beside it is applied."""
    [h] = drafts(client, surveyor, 1)
    copy = surveyor.download(h)
    broken = {"op_id": new_id(), "household_id": h, "changes": {"household.phone": "13900000009"}}
    results = surveyor.push(broken, surveyor.op(copy, {"household.phone": "13900000008"}))
    assert results[0]["status"] == "rejected"
    assert [e["path"] for e in results[0]["errors"]] == ["base_version"]
    assert results[1]["status"] == "applied"


def test_an_operation_that_is_not_an_object_is_rejected_alone(surveyor, client):
    """A corrupted outbox entry (a bare string where an operation belongs) is rejected with
    messages on the fields an operation needs; the operation beside it is applied."""
    [h] = drafts(client, surveyor, 1)
    copy = surveyor.download(h)
    response = surveyor.push_raw(
        ["坏了的记录", surveyor.op(copy, {"household.phone": "13900000007"})]
    )
    assert response.status_code == 200, response.json
    results = response.json["results"]
    assert results[0]["status"] == "rejected"
    assert results[0]["code"] == "invalid_operation"
    assert {"op_id", "household_id", "base_version"} <= {e["path"] for e in results[0]["errors"]}
    assert results[1]["status"] == "applied"
    assert surveyor.download(h)["document"]["household"]["phone"] == "13900000007"


def test_batch_over_500_operations_is_refused_whole(surveyor, client):
    """A phone offline for weeks tries to send 501 operations at once: 413, the message says the
    limit, and not one of them is written."""
    [h] = drafts(client, surveyor, 1)
    copy = surveyor.download(h)
    ops = [surveyor.op(copy, {"income.wage_local": f"{1000 + i}.00"}) for i in range(501)]
    response = surveyor.push_raw(ops)
    assert response.status_code == 413
    message = response.json["error"]["message"]
    assert "500" in message and CHINESE.search(message)
    assert surveyor.download(h)["version"] == copy["version"]
    assert len(surveyor.revisions(h)) == 1


def test_batch_over_5_mb_is_refused_whole(surveyor, client):
    """A batch over 5 MB (photos pasted into notes, say) is refused with 413 and nothing written."""
    [h] = drafts(client, surveyor, 1)
    copy = surveyor.download(h)
    note = "家" * 200_000  # 600 KB of UTF-8 each
    ops = [surveyor.op(copy, {"causes.risk_note": note + str(i)}) for i in range(9)]
    response = surveyor.push_raw(ops)
    assert response.status_code == 413
    assert "5 MB" in response.json["error"]["message"]
    assert surveyor.download(h)["version"] == copy["version"]


def test_household_registered_offline_is_created_once(surveyor, client):
    """赵敏 registers a household that was missed, in the field (base version 0). It is created
    at version 1 in her village; a retry of the same operation creates nothing more, and her next
    pull brings it back exactly once."""
    village = villages_of(client, surveyor)[0]
    _, cursor = surveyor.pull_all()
    household_id = new_id()
    document = sample_document()
    document["signoff"] = {"surveyor": "赵敏", "visit_date": "2020-10-12"}  # not signed yet
    op = {
        "op_id": new_id(),
        "household_id": household_id,
        "base_version": 0,
        "village_id": village,
        "campaign_id": 1,
        "changes": diff({}, document),
    }

    [created] = surveyor.push(op)
    [retried] = surveyor.push(op)

    assert created == {
        "op_id": op["op_id"],
        "household_id": household_id,
        "status": "applied",
        "version": 1,
    }
    assert retried["status"] == "duplicate" and retried["version"] == 1
    stored = surveyor.download(household_id)
    assert stored["version"] == 1 and stored["village_id"] == village
    assert stored["document"] == document
    assert [r["kind"] for r in surveyor.revisions(household_id)] == ["create"]
    pages, _ = surveyor.pull_all(cursor)
    assert [r["id"] for p in pages for r in p["records"]] == [household_id]


def test_new_household_with_a_signature_not_yet_uploaded(surveyor, client):
    """A household registered in the field with the head's signature, whose image upload has not
    finished: the creation is rejected with the attachment message (not a server error), and
    applied once the image is there."""
    village = villages_of(client, surveyor)[0]
    document = sample_document()
    signature = document["signoff"]["signature"]
    op = {
        "op_id": new_id(),
        "household_id": new_id(),
        "base_version": 0,
        "village_id": village,
        "campaign_id": 1,
        "changes": diff({}, document),
    }
    [early] = surveyor.push(op)
    assert early["status"] == "rejected" and early["code"] == "missing_attachment"
    assert (
        client.get(f"/api/households/{op['household_id']}", headers=surveyor.headers).status_code
        == 404
    )

    upload = client.put(f"/api/attachments/{signature}", data=PNG, headers=surveyor.headers)
    assert upload.status_code == 201
    [late] = surveyor.push(op)
    assert late["status"] == "applied" and late["version"] == 1
    assert client.get(f"/api/attachments/{signature}", headers=surveyor.headers).data == PNG


def test_new_household_outside_my_villages_is_rejected(surveyor, client):
    """A surveyor cannot register a household in a neighbouring village of her own township that
    is not hers (a real village, found in the area table, not through the access rules)."""
    other = demo_areas().unassigned_village
    assert db.session.get(Area, other).level == "village"
    assert other not in villages_of(client, surveyor)
    db.session.rollback()
    op = {
        "op_id": new_id(),
        "household_id": new_id(),
        "base_version": 0,
        "village_id": other,
        "campaign_id": 1,
        "changes": diff({}, sample_document()),
    }
    [result] = surveyor.push(op)
    assert result["status"] == "rejected" and result["code"] == "forbidden_area"
    db.session.rollback()
    assert db.session.get(Household, op["household_id"]) is None  # nothing written
    db.session.rollback()


def test_record_never_points_at_a_missing_signature(surveyor, client):
    """The head signs on the phone; the household's operation reaches the server before the
    signature image did. It is rejected with a clear message (nothing written), the phone uploads
    the image, sends the same operation again, and now it is applied and the signature is
    served to the surveyor."""
    [h] = drafts(client, surveyor, 1)
    copy = surveyor.download(h)
    signature = new_id()
    op = surveyor.op(copy, {"signoff.signature": signature})

    [early] = surveyor.push(op)
    assert early["status"] == "rejected" and early["code"] == "missing_attachment"
    assert early["errors"] == [
        {
            "path": "signoff.signature",
            "message": "附件尚未上传，请稍后重试同步",
            "severity": "error",
        }
    ]
    assert surveyor.download(h)["version"] == copy["version"]

    upload = client.put(
        f"/api/attachments/{signature}",
        data=PNG,
        headers=surveyor.headers | {"Content-Type": "image/png"},
    )
    assert upload.status_code == 201
    repeat = client.put(
        f"/api/attachments/{signature}",
        data=PNG,
        headers=surveyor.headers | {"Content-Type": "image/png"},
    )
    assert repeat.status_code == 200  # the same bytes again: nothing to do

    [late] = surveyor.push(op)
    assert late["status"] == "applied"
    assert surveyor.download(h)["document"]["signoff"]["signature"] == signature
    served = client.get(f"/api/attachments/{signature}", headers=surveyor.headers)
    assert served.status_code == 200 and served.data == PNG


def test_a_batch_with_nan_is_refused_as_bad_json(surveyor, client):
    """NaN is not JSON (PostgreSQL would not store it): the batch is refused with 400, whole."""
    response = client.post(
        "/api/sync/push",
        data='{"device_id": "p", "ops": [{"op_id": "op-00000001", "base_version": NaN}]}',
        content_type="application/json",
        headers=surveyor.headers,
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_json"
