"""A campaign's long work runs as a job: the request answers at once with the progress "queued"
and changes no household; a worker taking the job from huey's SQLite queue does the work and
writes its progress; a job that fails leaves "failed" and a message in words on the campaign,
with no personal data in the log; a request the rules refuse answers 422 and queues nothing."""

import copy
import logging

import pytest
from sqlalchemy import select

from server.campaigns import recompute
from server.campaigns import tasks as campaign_jobs
from server.campaigns.tasks import FAILED
from server.core import queue
from server.extensions import db
from server.models import Campaign
from server.reports import tasks as report_jobs

from .conftest import fresh_document, household, make_household
from .test_conflicts_desk import desk_login


@pytest.fixture()
def waiting(app, monkeypatch, tmp_path):
    """The app's queue as `make run` has it (a SQLite file, no immediate mode), with no consumer:
    what is queued waits until the test takes it."""
    monkeypatch.setitem(app.config, "RUHU_QUEUE_IMMEDIATE", False)
    monkeypatch.setitem(app.config, "RUHU_QUEUE_FILE", str(tmp_path / "queue.db"))
    jobs = queue.Queue(app)
    report_jobs.register(jobs, 0)
    campaign_jobs.register(jobs)
    monkeypatch.setitem(app.extensions, "ruhu_queue", jobs)
    return jobs.huey


def _lines_moved(client, auth) -> dict:
    body = client.get("/api/campaigns/1", headers=auth.headers("demo-county")).get_json()
    body = {k: body[k] for k in ("name", "kind", "year", "area_id", "stages", "period_start")} | {
        "period_end": body["period_end"],
        "lines": copy.deepcopy(body["lines"]),
    }
    body["lines"][0]["comparison"] = "以上"  # 4000.00 以上 4000.00: on the line's side
    return body


def _progress() -> dict:
    db.session.rollback()
    value = db.session.scalar(select(Campaign.progress).where(Campaign.id == 1))
    db.session.rollback()
    return value


def test_a_recompute_waits_in_the_queue_until_a_worker_takes_it(client, auth, areas, waiting):
    document = fresh_document()
    document["income"] = {"wage_migrant": "12000.00"}  # three people: 4000.00 each
    exactly = make_household(areas.surveyor_village, document)
    assert household(exactly).exit_eligible is False  # not 超过 4000.00

    r = client.put("/api/campaigns/1", json=_lines_moved(client, auth), **_county(auth))
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["recompute"]["state"] == "queued"
    assert household(exactly).exit_eligible is False  # nothing done in the request
    assert len(waiting) == 1

    desk_login(client, "demo-county")
    page = client.get("/desk/campaigns/1").get_data(as_text=True)
    assert "重算裁定：排队中" in page and 'http-equiv="refresh"' in page

    waiting.execute(waiting.dequeue())  # what the consumer does
    assert len(waiting) == 0
    done = _progress()
    assert done["task"] == "recompute" and done["state"] == "done"
    assert done["done"] == done["total"] > 0 and done["changed"] >= 1
    assert household(exactly).exit_eligible is True
    page = client.get("/desk/campaigns/1").get_data(as_text=True)
    assert "重算裁定：已完成" in page and 'http-equiv="refresh"' not in page


def test_a_refused_carry_forward_queues_nothing(client, auth, waiting):
    before = _progress()
    r = client.post(
        "/api/campaigns/1/carry-forward", json={"source_campaign_id": 1}, **_county(auth)
    )
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"] == {"source_campaign_id": ["不能从本轮结转"]}
    assert len(waiting) == 0 and _progress() == before


def test_a_failed_job_is_kept_on_the_campaign_in_words(client, auth, monkeypatch, caplog):
    secret = "610526199001011234"

    def broken(campaign_id, progress=None, batch=None):
        recompute.record_progress(campaign_id, "recompute", "running", 40, 120)
        raise RuntimeError(f"a value the log must not carry: {secret}")

    monkeypatch.setattr(recompute, "recompute", broken)
    with caplog.at_level(logging.INFO):
        r = client.post("/api/campaigns/1/recompute", **_county(auth))
    assert r.status_code == 202
    progress = r.get_json()["progress"]
    assert progress["state"] == "failed" and progress["error"] == FAILED
    assert (progress["done"], progress["total"]) == (40, 120)  # how far it got
    assert secret not in caplog.text and "RuntimeError" in caplog.text
    desk_login(client, "demo-county")
    page = client.get("/desk/campaigns/1").get_data(as_text=True)
    assert f"重算裁定：未能完成（{FAILED}）" in page


def _county(auth) -> dict:
    return {"headers": auth.headers("demo-county")}
