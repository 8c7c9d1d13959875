"""Form definitions through HTTP, cached by the phone with ETags."""

import pytest


def test_list_forms(client, auth):
    r = client.get("/api/forms", headers=auth.headers("demo-surveyor"))
    assert r.status_code == 200
    forms = {f["id"]: f for f in r.get_json()}
    assert {"annex1", "income_table"} <= set(forms)
    for form in forms.values():
        assert form["etag"] and form["version"] and form["title"]


@pytest.mark.parametrize("form_id", ["annex1", "income_table"])
def test_get_a_form_with_etag_and_304(client, auth, form_id):
    headers = auth.headers("demo-surveyor")
    listed = {f["id"]: f["etag"] for f in client.get("/api/forms", headers=headers).get_json()}
    r = client.get(f"/api/forms/{form_id}", headers=headers)
    assert r.status_code == 200
    assert r.get_json()["id"] == form_id
    assert r.get_json().get("sections") or r.get_json().get("columns")
    etag = r.headers["ETag"]
    assert etag == f'"{listed[form_id]}"'  # the list tells the phone whether to fetch again

    again = client.get(f"/api/forms/{form_id}", headers=headers | {"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag

    stale = client.get(f"/api/forms/{form_id}", headers=headers | {"If-None-Match": '"old"'})
    assert stale.status_code == 200


def test_annex1_has_chinese_labels(client, auth):
    form = client.get("/api/forms/annex1", headers=auth.headers("demo-surveyor")).get_json()
    members = next(s for s in form["sections"] if s["key"] == "members")
    assert members["kind"] == "repeat"
    assert any(f["key"] == "id_number" for f in members["fields"])


def test_an_unknown_form_is_404(client, auth):
    r = client.get("/api/forms/annex99", headers=auth.headers("demo-surveyor"))
    assert r.status_code == 404
    assert r.get_json() == {"error": {"code": "not_found", "message": "未找到该表单"}}
