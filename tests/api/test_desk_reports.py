"""Printing at the desk: the form, the job's page with its progress, the file under its name."""

import re
from urllib.parse import unquote

from sqlalchemy import select

from server.extensions import db
from server.models import Area, ReportDocument
from tests.api.test_desk_session import csrf_of, desk_login


def _code(level: str) -> str:
    code = db.session.scalar(select(Area.code).where(Area.level == level).order_by(Area.code))
    db.session.rollback()
    return code


def test_the_county_prints_a_table_and_fetches_it_again_from_what_was_kept(client):
    desk_login(client, "demo-county")
    page = client.get("/desk/reports").get_data(as_text=True)
    assert "农户年人均收入5000元以下统计表" in page and "公示名单" in page
    form = {
        "csrf_token": csrf_of(client),
        "report": "annex6",
        "campaign_id": "1",
        "area": _code("county"),
        "format": "xlsx",
    }
    r = client.post("/desk/reports", data=form)
    assert r.status_code == 303
    job = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "已完成" in job and "<progress" in job
    file_url = re.search(r'id="download" href="([^"]+)"', job).group(1)
    got = client.get(file_url)
    assert got.status_code == 200 and got.data[:2] == b"PK"
    disposition = got.headers["Content-Disposition"]
    assert "农户年人均收入5000元以下统计表" in unquote(disposition.split("filename*=UTF-8''")[1])
    again = client.post("/desk/reports", data=form)
    assert again.headers["Location"] == r.headers["Location"]  # the kept document, not a new one
    assert db.session.scalar(select(db.func.count()).select_from(ReportDocument)) == 1
    db.session.rollback()


def test_a_bad_choice_is_refused_beside_its_field_and_nothing_is_made(client):
    desk_login(client, "demo-reviewer")
    r = client.post(
        "/desk/reports",
        data={
            "csrf_token": csrf_of(client),
            "report": "annex6",
            "campaign_id": "1",
            "area": _code("village"),
            "format": "pdf",
        },
    )
    assert r.status_code == 422
    assert "这张表按" in r.get_data(as_text=True)
    r = client.post(
        "/desk/reports",
        data={"csrf_token": csrf_of(client), "report": "no-such", "campaign_id": "x"},
    )
    assert r.status_code == 422 and "field-error" in r.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(ReportDocument)) == 0
    db.session.rollback()


def test_a_reviewer_prints_outside_the_township_never(client):
    desk_login(client, "demo-reviewer")
    outside = db.session.scalars(
        select(Area.code).where(Area.level == "township").order_by(Area.code)
    ).all()[1]
    db.session.rollback()
    r = client.post(
        "/desk/reports",
        data={
            "csrf_token": csrf_of(client),
            "report": "annex6",
            "campaign_id": "1",
            "area": outside,
            "format": "pdf",
        },
    )
    assert r.status_code == 403
    assert db.session.scalar(select(db.func.count()).select_from(ReportDocument)) == 0
    db.session.rollback()
