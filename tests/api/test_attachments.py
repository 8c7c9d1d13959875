"""Signatures and photos: sniffed types, the size limit, idempotent uploads, who may read them."""

import uuid

import pytest

from server.models import Attachment
from tests.sync.conftest import Phone

from .conftest import JPEG, PNG, WEBP, count, fresh_document, make_household


def _put(client, auth, attachment_id, data, user="demo-surveyor", content_type="image/png"):
    return client.put(
        f"/api/attachments/{attachment_id}",
        data=data,
        content_type=content_type,
        headers=auth.headers(user),
    )


def _sign(client, auth, household_id, attachment_id, user="demo-surveyor", device="phone-1"):
    """A phone pushes the attachment as the signature of the household's version 1: applied."""
    phone = Phone(client, auth.headers(user), device)
    signed = phone.op({"id": household_id, "version": 1}, {"signoff.signature": attachment_id})
    [result] = phone.push(signed)
    assert result["status"] == "applied", result


@pytest.mark.parametrize(
    ("data", "kind"), [(PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp")]
)
def test_images_are_recognised_by_their_bytes(client, auth, data, kind):
    attachment_id = str(uuid.uuid4())
    # The client's content type is ignored: the bytes decide.
    r = _put(client, auth, attachment_id, data, content_type="application/octet-stream")
    assert r.status_code == 201
    assert r.headers["Location"] == f"/api/attachments/{attachment_id}"
    got = client.get(f"/api/attachments/{attachment_id}", headers=auth.headers("demo-surveyor"))
    assert got.status_code == 200
    assert got.mimetype == kind
    assert got.get_data() == data


def test_text_claiming_to_be_png_is_415(client, auth):
    before = count(Attachment)
    r = _put(client, auth, uuid.uuid4(), b"hello, I am a .txt file\n", content_type="image/png")
    assert r.status_code == 415
    assert "PNG" in r.get_json()["error"]["message"]
    assert count(Attachment) == before


def test_more_than_2_mb_is_413(client, auth, app):
    limit = app.config["RUHU_ATTACHMENT_MAX_BYTES"]
    assert limit == 2 * 1024 * 1024
    r = _put(client, auth, uuid.uuid4(), PNG + b"\x00" * (limit - len(PNG) + 1))
    assert r.status_code == 413
    assert r.get_json()["error"]["code"] == "too_large"
    assert _put(client, auth, uuid.uuid4(), PNG + b"\x00" * (limit - len(PNG))).status_code == 201


def test_the_same_bytes_again_is_a_200_no_op(client, auth):
    attachment_id = uuid.uuid4()
    assert _put(client, auth, attachment_id, PNG).status_code == 201
    before = count(Attachment)
    r = _put(client, auth, attachment_id, PNG)
    assert r.status_code == 200
    assert count(Attachment) == before


def test_different_bytes_under_the_same_id_is_409(client, auth):
    attachment_id = uuid.uuid4()
    assert _put(client, auth, attachment_id, PNG).status_code == 201
    r = _put(client, auth, attachment_id, JPEG)
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "attachment_exists"
    got = client.get(f"/api/attachments/{attachment_id}", headers=auth.headers("demo-surveyor"))
    assert got.get_data() == PNG


def test_once_linked_only_those_who_see_the_household_may_read_it(client, auth, areas):
    household_id = make_household(areas.surveyor_village)
    attachment_id = str(uuid.uuid4())
    assert _put(client, auth, attachment_id, PNG).status_code == 201
    url = f"/api/attachments/{attachment_id}"

    # Before it is linked to a record only the uploader may read it.
    assert client.get(url, headers=auth.headers("demo-surveyor")).status_code == 200
    assert client.get(url, headers=auth.headers("demo-reviewer")).status_code == 404

    _sign(client, auth, household_id, attachment_id)

    for user, status in [
        ("demo-surveyor", 200),
        ("demo-reviewer", 200),  # the household's township
        ("demo-county", 200),
        ("demo-admin", 404),  # manages accounts, sees no household
    ]:
        assert client.get(url, headers=auth.headers(user)).status_code == status, user
    assert client.get(url).status_code == 401


def test_a_linked_attachment_is_hidden_outside_the_area(client, auth, areas):
    """A second surveyor of another township uploads and links; demo-surveyor may not read it."""
    admin = auth.headers("demo-admin")
    r = client.post(
        "/api/admin/users",
        json={
            "username": "surveyor-t2",
            "name": "二镇调查员",
            "role": "surveyor",
            "password": "long-enough",
            "area_ids": [areas.township2_village],
        },
        headers=admin,
    )
    assert r.status_code == 201
    household_id = make_household(areas.township2_village, fresh_document())
    attachment_id = str(uuid.uuid4())
    assert _put(client, auth, attachment_id, JPEG, user="surveyor-t2").status_code == 201
    _sign(client, auth, household_id, attachment_id, user="surveyor-t2", device="phone-2")
    url = f"/api/attachments/{attachment_id}"
    assert client.get(url, headers=auth.headers("surveyor-t2")).status_code == 200
    assert client.get(url, headers=auth.headers("demo-surveyor")).status_code == 404
    assert client.get(url, headers=auth.headers("demo-reviewer")).status_code == 404
    assert client.get(url, headers=auth.headers("demo-county")).status_code == 200


def test_an_admin_may_not_upload(client, auth):
    assert _put(client, auth, uuid.uuid4(), PNG, user="demo-admin").status_code == 403
