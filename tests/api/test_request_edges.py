"""Requests no phone sends, which the server must still answer with a 4xx in the one error shape:
integers past the database's, JSON nested beyond reason, NUL bytes, bodies sent in chunks."""

import io
import json

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Household, Revision, User
from tests.api.conftest import count, fresh_document
from tests.sync.conftest import new_id

from .test_openapi import _assert_error_shape

HUGE = 2**70
SURVEYOR, COUNTY, ADMIN = "demo-surveyor", "demo-county", "demo-admin"


def _assert_refused(response):
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:300]
    return _assert_error_shape(response, response.status_code)


def _scope_version(username: str) -> int:
    version = db.session.scalar(select(User.scope_version).where(User.username == username))
    db.session.rollback()
    return version


@pytest.mark.parametrize(
    ("who", "method", "url", "body"),
    [
        (SURVEYOR, "GET", f"/api/households?page={HUGE}", None),
        (SURVEYOR, "GET", f"/api/households?per_page={HUGE}", None),
        (SURVEYOR, "GET", f"/api/households?village={HUGE}", None),
        (SURVEYOR, "GET", f"/api/households?village=-{HUGE}", None),
        (SURVEYOR, "GET", f"/api/sync/pull?limit={HUGE}", None),
        (SURVEYOR, "GET", f"/api/conflicts?township={HUGE}", None),
        (SURVEYOR, "POST", "/api/households", {"village_id": HUGE, "campaign_id": 1}),
        (COUNTY, "POST", "/api/households", {"village_id": "own", "campaign_id": HUGE}),
        (ADMIN, "POST", "/api/admin/users", "user"),
        (ADMIN, "GET", f"/api/admin/users/{HUGE}/devices", None),
        (ADMIN, "POST", f"/api/admin/users/{HUGE}/revoke", {}),
        (SURVEYOR, "PUT", "/api/households/x", {"base_version": HUGE, "document": {}}),
    ],
)
def test_integers_past_64_bits_are_refused(client, auth, areas, who, method, url, body):
    if isinstance(body, dict) and body.get("village_id") == "own":
        body = body | {"village_id": areas.surveyor_village, "document": fresh_document()}
    elif isinstance(body, dict) and "village_id" in body:
        body = body | {"document": fresh_document()}
    elif body == "user":
        body = {
            "username": "big-ids",
            "name": "大号",
            "role": "surveyor",
            "password": "demo12345",
            "area_ids": [HUGE],
        }
    before = count(Household), count(Revision), count(User)
    response = client.open(url, method=method, json=body, headers=auth.headers(who))
    _assert_refused(response)
    assert (count(Household), count(Revision), count(User)) == before


def test_a_pull_cursor_past_64_bits_is_refused(client, auth):
    scope = _scope_version(SURVEYOR)
    for since in (f"1.{HUGE}.{scope}", f"1.1.{HUGE}", f"1.{-HUGE}.{scope}"):
        response = client.get(
            "/api/sync/pull", query_string={"since": since}, headers=auth.headers(SURVEYOR)
        )
        if response.status_code != 200:  # a cursor of another scope starts over, that is fine
            assert _assert_refused(response)["code"] == "bad_cursor", since


def test_an_operation_with_integers_past_64_bits_is_rejected_alone(client, auth, areas):
    """In a push each operation is answered on its own: the huge one `rejected`, the batch 200."""
    ops = [
        {
            "op_id": new_id(),
            "household_id": new_id(),
            "base_version": 0,
            "village_id": areas.surveyor_village,
            "campaign_id": HUGE,
            "changes": {},
        },
        {
            "op_id": new_id(),
            "household_id": new_id(),
            "base_version": 0,
            "village_id": HUGE,
            "campaign_id": 1,
            "changes": {},
        },
        {
            "op_id": new_id(),
            "household_id": new_id(),
            "base_version": HUGE,
            "village_id": areas.surveyor_village,
            "campaign_id": 1,
            "changes": {},
        },
    ]
    before = count(Household), count(Revision)
    response = client.post(
        "/api/sync/push", json={"device_id": "d", "ops": ops}, headers=auth.headers(SURVEYOR)
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert [r["status"] for r in response.json["results"]] == ["rejected"] * 3
    assert (count(Household), count(Revision)) == before


def _deep(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


@pytest.mark.parametrize("url", ["/api/auth/login", "/api/households", "/api/sync/push"])
@pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000, _deep(100_000)])
def test_json_nested_100000_deep_is_400(client, auth, url, body):
    """Also on login, where no token is needed to send it."""
    headers = {} if url.endswith("login") else auth.headers(SURVEYOR)
    response = client.post(url, data=body, content_type="application/json", headers=headers)
    assert _assert_refused(response)["code"] == "bad_json"


@pytest.mark.parametrize(
    "url",
    [
        "/api/households/%00abc",
        "/api/households/%00abc/revisions",
        "/api/households?q=%00",
        "/api/households?state=%00",
        "/api/conflicts?household=%00",
        "/api/sync/pull?since=1.%00.1",
        "/api/forms/%00",
    ],
)
def test_a_nul_byte_in_a_path_or_a_query_is_400(client, auth, url):
    assert _assert_refused(client.get(url, headers=auth.headers(SURVEYOR))).get("code")


def test_a_nul_byte_in_a_query_without_a_token_is_400(client):
    _assert_refused(client.get("/api/openapi.json?x=%00"))


def _chunked(client, auth, size: int):
    """A push sent the way a client without Content-Length sends it, as gunicorn hands it on."""
    payload = json.dumps({"device_id": "d", "ops": [], "pad": "x" * size}).encode()
    return client.post(
        "/api/sync/push",
        input_stream=io.BytesIO(payload),
        headers=auth.headers(SURVEYOR)
        | {"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


@pytest.mark.parametrize("megabytes", [5.5, 6.5, 12])
def test_a_chunked_push_over_5_mb_is_413(client, auth, megabytes):
    response = _chunked(client, auth, int(megabytes * 1024 * 1024))
    assert response.status_code == 413, response.get_data(as_text=True)[:300]
    _assert_error_shape(response, 413)


def test_a_small_chunked_push_is_read_whole(client, auth):
    """The bound is on size, not on the way the body is sent: a small one is read as usual
    (here refused for its unknown field, which shows it was read to the end)."""
    response = _chunked(client, auth, 1000)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert _assert_error_shape(response, 422)["fields"] == {"pad": ["未知字段"]}


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("DELETE", "/api/households", {"GET", "POST"}),
        ("PATCH", "/api/sync/push", {"POST"}),
        ("POST", "/api/me", {"GET"}),
    ],
)
def test_405_says_which_methods_are_allowed(client, auth, method, url, allowed):
    response = client.open(url, method=method, headers=auth.headers(SURVEYOR))
    assert _assert_error_shape(response, 405)["code"] == "method_not_allowed"
    assert allowed <= {m.strip() for m in response.headers.get("Allow", "").split(",")}


def test_a_nul_in_a_device_id_or_an_operation_id_is_refused(client, auth, areas):
    """Found by the fuzzer on PostgreSQL, which stores no NUL: a 500 for the whole batch."""
    headers = auth.headers(SURVEYOR)
    refused = client.post(
        "/api/sync/push", json={"device_id": "phone\x00", "ops": []}, headers=headers
    )
    assert _assert_refused(refused)["fields"]["device_id"]
    drafts = client.get("/api/households", query_string={"state": "draft"}, headers=headers)
    household = drafts.json["items"][0]
    copy = client.get(f"/api/households/{household['id']}", headers=headers).json
    ops = [
        {
            "op_id": f"op-\x00-{new_id()}"[:40],
            "household_id": copy["id"],
            "base_version": copy["version"],
            "changes": {"income.wage_local": "1.00"},
        },
        {
            "op_id": new_id(),
            "household_id": copy["id"],
            "base_version": copy["version"],
            "changes": {"income.wage_local": "2.00"},
        },
    ]
    response = client.post("/api/sync/push", json={"device_id": "d", "ops": ops}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert [r["status"] for r in response.json["results"]] == ["rejected", "applied"]


@pytest.mark.parametrize("text", ["\x00", "\ud800"])
def test_text_no_database_can_store_is_422_on_every_json_body(client, auth, areas, text):
    """A NUL or half a UTF-16 pair, anywhere in a body (a document's answer, a name, a device):
    422 with the field named, nothing written."""
    document = fresh_document()
    document["household"]["phone"] = f"138{text}"
    before = count(Household), count(Revision), count(User)
    bodies = [
        (
            SURVEYOR,
            "/api/households",
            {"village_id": areas.surveyor_village, "campaign_id": 1, "document": document},
        ),
        (
            ADMIN,
            "/api/admin/users",
            {
                "username": "nul-user",
                "name": f"王{text}",
                "role": "surveyor",
                "password": "demo12345",
            },
        ),
        (ADMIN, "/api/admin/users/1/revoke", {"device_id": f"p{text}"}),
    ]
    for who, url, body in bodies:
        data = json.dumps(body)  # escaped: the request is valid JSON, its text is not storable
        response = client.post(
            url, data=data, content_type="application/json", headers=auth.headers(who)
        )
        assert response.status_code == 422, (url, response.get_data(as_text=True)[:300])
        _assert_error_shape(response, 422)
    assert (count(Household), count(Revision), count(User)) == before
