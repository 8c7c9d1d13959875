"""The printed tables through HTTP: what a user may print, a job, its progress, its file under a
Chinese name, and the documents kept for the user's areas. Bad input is a 422 that names the
field in Chinese and writes nothing."""

from decimal import Decimal
from urllib.parse import unquote

import openpyxl
import pytest
from sqlalchemy import select

from server.domain.roles import COUNTY, REVIEWER, SURVEYOR
from server.extensions import db
from server.models import Area, ReportDocument
from server.reports.catalog import DOCUMENTS, TABLES, Table

from .conftest import count


def code(area_id: int) -> str:
    value = db.session.scalar(select(Area.code).where(Area.id == area_id))
    db.session.rollback()
    return value


def start(client, auth, username, **body):
    body = {"report": "annex6", "campaign_id": 1} | body
    return client.post("/api/reports/jobs", json=body, headers=auth.headers(username))


def test_a_county_prints_a_summary_and_fetches_it_under_its_chinese_name(client, auth, areas):
    county = code(areas.county)
    started = start(client, auth, "demo-county", area=county)
    assert started.status_code == 202, started.get_json()
    job = started.get_json()
    assert started.headers["Location"] == f"/api/reports/jobs/{job['id']}"
    headers = auth.headers("demo-county")
    polled = client.get(started.headers["Location"], headers=headers).get_json()
    assert polled["status"] == "done" and polled["progress"] == 100
    assert polled["status_label"] == "已完成" and polled["error"] is None
    assert polled["area"] == {"code": county, "name": "青山县", "level": "county"}
    assert polled["states"] == ["approved", "accepted"]
    fetched = client.get(polled["file_url"], headers=headers)
    assert fetched.status_code == 200 and fetched.mimetype == "application/pdf"
    assert fetched.data.startswith(b"%PDF") and len(fetched.data) == polled["size"]
    disposition = fetched.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="annex6-610526-')
    chinese = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(chinese) == polled["file_name"]
    assert unquote(chinese).startswith("青山县农户年人均收入5000元以下统计表-")
    assert all(c.isascii() for c in disposition)
    again = client.get(
        polled["file_url"], headers=headers | {"If-None-Match": fetched.get_etag()[0]}
    )
    assert again.status_code == 304


def test_the_same_request_is_answered_from_the_kept_document(client, auth, areas):
    first = start(client, auth, "demo-county", area=code(areas.county), format="xlsx")
    states = ["accepted", "approved", "accepted"]  # the same states, said another way
    second = start(
        client, auth, "demo-county", area=code(areas.county), format="xlsx", states=states
    )
    assert (first.status_code, second.status_code) == (202, 200)
    assert second.get_json()["id"] == first.get_json()["id"]
    assert second.get_json()["status"] == "done"
    assert count(ReportDocument) == 1


def test_a_workbook_of_a_village_list(client, auth, areas):
    village = code(areas.unassigned_village)
    started = start(
        client,
        auth,
        "demo-reviewer",
        report="annex6_list",
        area=village,
        format="xlsx",
        states=["submitted", "approved", "accepted"],
    )
    assert started.status_code == 202, started.get_json()
    job = started.get_json()
    assert job["states"] == ["submitted", "approved", "accepted"]
    fetched = client.get(job["file_url"], headers=auth.headers("demo-reviewer"))
    assert fetched.mimetype.endswith("spreadsheetml.sheet")
    import io

    sheet = openpyxl.load_workbook(io.BytesIO(fetched.data), read_only=True).active
    assert "明细表" in sheet.cell(1, 1).value
    assert "filename*=UTF-8''" in fetched.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"report": None}, "report"),
        ({"report": "annex99"}, "report"),
        ({"campaign_id": "1"}, "campaign_id"),
        ({"campaign_id": 0}, "campaign_id"),
        ({"campaign_id": 999}, "campaign"),
        ({"area": "青山县"}, "area"),
        ({"area": "000000"}, "area"),
        ({"format": "docx"}, "format"),
        ({"states": []}, "states"),
        ({"states": ["approved", "burnt"]}, "states.1"),
        ({"total_first": "maybe"}, "total_first"),
        ({"report": "annex5"}, "campaign"),  # the exit campaign has no 4500 line
        ({"report": "annex6_list"}, "format"),  # a county's list is a workbook, not paper
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(client, auth, areas, body, field):
    body = {"report": "annex6", "campaign_id": 1, "area": code(areas.county)} | body
    body = {k: v for k, v in body.items() if v is not None}  # None: the field left out
    headers = auth.headers("demo-county")
    answer = client.post("/api/reports/jobs", json=body, headers=headers)
    assert answer.status_code == 422, answer.get_json()
    error = answer.get_json()["error"]
    assert field in error["fields"], error
    message = "".join(error["fields"][field])
    assert any("\u4e00" <= c <= "\u9fff" for c in message), message
    assert count(ReportDocument) == 0


def test_a_reviewer_prints_for_the_township_only(client, auth, areas):
    inside = start(client, auth, "demo-reviewer", area=code(areas.township1))
    outside = start(client, auth, "demo-reviewer", area=code(areas.township2))
    county = start(client, auth, "demo-reviewer", area=code(areas.county))
    assert inside.status_code == 202
    assert (outside.status_code, county.status_code) == (403, 403)
    assert outside.get_json()["error"]["message"] == "该地区不在您的负责范围内"
    job = inside.get_json()["id"]
    assert (
        client.get(f"/api/reports/jobs/{job}", headers=auth.headers("demo-county")).status_code
        == 200
    )
    for username in ("demo-surveyor", "demo-admin"):
        assert (
            client.get(f"/api/reports/jobs/{job}", headers=auth.headers(username)).status_code
            == 404
        )
        listed = client.get("/api/reports/documents", headers=auth.headers(username)).get_json()
        assert listed["items"] == []


def test_the_kept_documents_of_the_users_areas(client, auth, areas):
    mine = start(client, auth, "demo-reviewer", area=code(areas.township1)).get_json()["id"]
    theirs = start(client, auth, "demo-county", area=code(areas.county)).get_json()["id"]
    reviewer = client.get("/api/reports/documents", headers=auth.headers("demo-reviewer"))
    county = client.get("/api/reports/documents", headers=auth.headers("demo-county"))
    assert [d["id"] for d in reviewer.get_json()["items"]] == [mine]
    assert [d["id"] for d in county.get_json()["items"]] == [theirs, mine]
    assert county.get_json()["items"][1]["requested_by"]["name"]
    only = client.get(
        f"/api/reports/documents?area={code(areas.county)}", headers=auth.headers("demo-county")
    )
    assert [d["id"] for d in only.get_json()["items"]] == [theirs]
    bad = client.get("/api/reports/documents?report=nope", headers=auth.headers("demo-county"))
    assert bad.status_code == 422 and "report" in bad.get_json()["error"]["fields"]


def test_a_file_not_made_yet_is_a_409_with_its_progress(client, auth, areas):
    from server.reports import store
    from server.reports.context import check

    request = check("annex6", 1, code(areas.county), None)
    params = store.parameters(request, "pdf", {"total_first": False})
    key = (store.params_hash(params), store.code_version(), "not-yet")
    document_id = store.create(request, params, key, None)
    db.session.rollback()
    answer = client.get(
        f"/api/reports/jobs/{document_id}/file", headers=auth.headers("demo-county")
    )
    assert answer.status_code == 409
    assert answer.get_json()["error"] == {
        "code": "not_ready",
        "message": "报表尚未生成完成，请稍候",
        "progress": 0,
    }
    assert (
        client.get("/api/reports/jobs/not-a-uuid", headers=auth.headers("demo-county")).status_code
        == 404
    )


def test_what_each_role_may_print(client, auth, areas):
    county = client.get("/api/reports", headers=auth.headers("demo-county")).get_json()
    names = [r["name"] for r in county["reports"]]
    printed = (*TABLES.values(), *DOCUMENTS.values())  # the tables, then the documents for people
    assert names == [t.name for t in printed if COUNTY in t.who]
    annex5 = next(r for r in county["reports"] if r["name"] == "annex5")
    assert annex5["campaigns"] == [2] and annex5["levels"] == ["county", "township"]
    assert {a["level"] for a in county["areas"]} == {"county", "township", "village"}
    assert county["formats"][0] == {"value": "pdf", "label": "PDF（打印、盖章）"}
    assert county["default_states"] == ["approved", "accepted"]
    reviewer = client.get("/api/reports", headers=auth.headers("demo-reviewer")).get_json()
    codes = {a["code"] for a in reviewer["areas"]}
    assert code(areas.township1) in codes and code(areas.unassigned_village) in codes
    assert code(areas.county) not in codes and code(areas.township2_village) not in codes
    surveyor = client.get("/api/reports", headers=auth.headers("demo-surveyor")).get_json()
    assert [r["name"] for r in surveyor["reports"]] == ["notice"]  # the public-notice list only
    nothing = client.get("/api/reports", headers=auth.headers("demo-admin")).get_json()
    assert nothing["reports"] == [] and nothing["areas"] == []


@pytest.fixture()
def notice(monkeypatch):
    """A village table that lets the surveyor print it, as the public-notice list does."""
    table = Table(
        "notice_example", "{area}公示名单", "list", Decimal(5000), who=(SURVEYOR, REVIEWER, COUNTY)
    )
    monkeypatch.setitem(TABLES, table.name, table)
    return table


def test_a_table_that_names_the_surveyor_is_printed_for_assigned_villages(
    client, auth, areas, notice
):
    listed = client.get("/api/reports", headers=auth.headers("demo-surveyor")).get_json()
    assert [r["name"] for r in listed["reports"]] == [notice.name, "notice"]
    assert {a["level"] for a in listed["areas"]} == {"village"}
    assert code(areas.surveyor_village) in {a["code"] for a in listed["areas"]}
    assert code(areas.unassigned_village) not in {a["code"] for a in listed["areas"]}
    inside = start(
        client, auth, "demo-surveyor", report=notice.name, area=code(areas.surveyor_village)
    )
    outside = start(
        client, auth, "demo-surveyor", report=notice.name, area=code(areas.unassigned_village)
    )
    other = start(
        client, auth, "demo-surveyor", report="annex6_list", area=code(areas.surveyor_village)
    )
    assert (inside.status_code, outside.status_code, other.status_code) == (202, 403, 403)
    documents = client.get("/api/reports/documents", headers=auth.headers("demo-surveyor"))
    assert [d["id"] for d in documents.get_json()["items"]] == [inside.get_json()["id"]]
    real = [
        start(client, auth, "demo-surveyor", report="notice", area=code(village), format="pdf")
        for village in (areas.surveyor_village, areas.unassigned_village)
    ]
    assert [r.status_code for r in real] == [202, 403]  # the public-notice list itself
