"""The OpenAPI document, and the one error shape every API error has."""

import json
import re

import pytest

from .conftest import fresh_document


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_openapi_lists_every_api_rule(client, app):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    assert r.mimetype == "application/json"
    spec = json.loads(r.get_data(as_text=True))
    assert re.fullmatch(r"3\.\d+\.\d+", spec["openapi"])
    assert spec["info"]["title"] and spec["info"]["version"]

    listed = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method != "parameters"
    }
    rules = {
        (method, _openapi_path(rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert listed == rules


def test_openapi_is_internally_consistent(client):
    spec = client.get("/api/openapi.json").get_json()
    components = spec["components"]["schemas"]
    for ref in _refs(spec):
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in components, ref
    operation_ids = []
    for path, item in spec["paths"].items():
        placeholders = set(re.findall(r"{([a-z_]+)}", path))
        assert {p["name"] for p in item.get("parameters", [])} == placeholders, path
        for method, op in item.items():
            if method == "parameters":
                continue
            assert op["responses"], (method, path)
            operation_ids.append(op["operationId"])
            if path not in ("/api/auth/login", "/api/openapi.json"):
                assert op.get("security") == [{"bearer": []}], (method, path)
    assert len(operation_ids) == len(set(operation_ids))
    assert spec["paths"]["/api/households"]["post"]["requestBody"]["required"] is True


def _assert_error_shape(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if "fields" in error:
        assert isinstance(error["fields"], dict) and error["fields"]
        for messages in error["fields"].values():
            assert isinstance(messages, list) and all(isinstance(m, str) for m in messages)
    return error


def test_bad_json_to_push_is_400(client, auth):
    r = client.post(
        "/api/sync/push",
        data=b'{"device_id": "x", "ops": [',
        content_type="application/json",
        headers=auth.headers("demo-surveyor"),
    )
    error = _assert_error_shape(r, 400)
    assert error["code"] == "bad_json"


@pytest.mark.parametrize("url", ["/api/households", "/api/auth/login"])
def test_bad_json_elsewhere_is_a_4xx_in_the_same_shape(client, auth, url):
    r = client.post(
        url,
        data=b"{not json",
        content_type="application/json",
        headers=auth.headers("demo-surveyor"),
    )
    assert r.status_code in (400, 422)
    _assert_error_shape(r, r.status_code)


def test_unknown_fields_are_422_per_field(client, auth, areas):
    r = client.post(
        "/api/households",
        json={
            "village_id": areas.surveyor_village,
            "campaign_id": 1,
            "document": fresh_document(),
            "secret_flag": True,
        },
        headers=auth.headers("demo-surveyor"),
    )
    error = _assert_error_shape(r, 422)
    assert error["fields"] == {"secret_flag": ["未知字段"]}


def test_missing_fields_are_422_per_field(client, auth):
    r = client.put("/api/households/whatever", json={}, headers=auth.headers("demo-surveyor"))
    error = _assert_error_shape(r, 422)
    assert error["fields"] == {"document": ["必填"]}


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/api/no-such-thing", 404),
        ("DELETE", "/api/households", 405),
        ("GET", "/api/households/not-a-household", 404),
        ("PUT", "/api/attachments/not-a-uuid", 400),
    ],
)
def test_other_errors_share_the_shape(client, auth, method, url, status):
    r = client.open(url, method=method, headers=auth.headers("demo-surveyor"))
    _assert_error_shape(r, status)


def test_no_token_and_a_bad_token_share_the_shape(client):
    _assert_error_shape(client.get("/api/me"), 401)
    bad = client.get("/api/me", headers={"Authorization": "Bearer not.a.token"})
    assert _assert_error_shape(bad, 401)["code"] == "invalid_token"
