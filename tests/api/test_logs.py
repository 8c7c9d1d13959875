"""No ID number, phone number or name reaches a log.

A request that fails inside the server is logged for the developer (where, and what kind of
error), never with the request's body, the SQL parameters or the values a database message
quotes. The access log of `make run` records a search without what was searched for: a real
gunicorn, started with the Makefile's access-log settings, is asked and its log read.
"""

import logging
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from server.domain import idcard
from server.extensions import db
from server.households import queries as store
from tests.conftest import PG_URL
from tests.live import LiveServer, make_run_log_args

from .conftest import fresh_document

ID_NUMBER = idcard.make("610526", "1975-02-03", 57)  # a valid one, as a phone sends
PHONE = "13891234567"
NAME = "沈华国"
SECRETS = (ID_NUMBER, PHONE, NAME, ID_NUMBER[:14])


def _assert_clean(text_: str) -> None:
    for secret in SECRETS:
        assert secret not in text_, f"{secret} in the log:\n{text_[-3000:]}"


def _failing_query(*_args, **_kwargs):
    """A real database error whose statement carries personal data as parameters."""
    db.session.execute(
        text("SELECT * FROM no_such_table WHERE id_number = :id AND phone = :phone AND n = :n"),
        {"id": ID_NUMBER, "phone": PHONE, "n": NAME},
    )


def _failing_with_detail(*_args, **_kwargs):
    """An integrity error as PostgreSQL words it: the DETAIL line quotes the row's values."""
    raise IntegrityError(
        "INSERT INTO member (id_number, phone) VALUES (%(id)s, %(phone)s)",
        {"id": ID_NUMBER, "phone": PHONE, "name": NAME, "document": fresh_document()},
        Exception(
            'duplicate key value violates unique constraint "uq_member"\n'
            f"DETAIL:  Key (id_number, phone)=({ID_NUMBER}, {PHONE}) already exists ({NAME})."
        ),
    )


def _failing_with_a_value(*_args, **_kwargs):
    raise ValueError(f"cannot handle {NAME} {ID_NUMBER} {PHONE}")


@pytest.mark.parametrize("failure", [_failing_query, _failing_with_detail, _failing_with_a_value])
def test_a_failing_search_leaves_no_personal_data_in_the_error_log(
    client, auth, caplog, monkeypatch, failure
):
    monkeypatch.setattr(store, "households_page", failure)
    caplog.set_level(logging.DEBUG)

    response = client.get(
        "/api/households", query_string={"q": ID_NUMBER}, headers=auth.headers("demo-surveyor")
    )

    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "server_error"
    logged = caplog.text + "".join(str(r.exc_info) for r in caplog.records if r.exc_info)
    assert "households_page" in logged or "_failing" in logged  # the developer learns where
    _assert_clean(logged)


def test_a_failing_write_leaves_no_document_in_the_error_log(
    client, auth, areas, caplog, monkeypatch
):
    """A household whose save fails: neither its body nor its values are logged."""
    monkeypatch.setattr(store, "link_attachments", _failing_with_detail)
    caplog.set_level(logging.DEBUG)
    document = fresh_document()
    document["household"]["phone"] = PHONE
    document["members"][0] |= {"id_number": ID_NUMBER, "name": NAME}

    response = client.post(
        "/api/households",
        json={"village_id": areas.surveyor_village, "campaign_id": 1, "document": document},
        headers=auth.headers("demo-surveyor"),
    )

    assert response.status_code == 500, response.get_json()
    _assert_clean(caplog.text)


def test_database_errors_never_carry_their_parameters(app):
    """The engine hides SQL parameters from the exceptions it raises (and so from any log)."""
    with app.app_context():
        with pytest.raises(Exception) as failure:
            _failing_query()
        db.session.rollback()
    _assert_clean(str(failure.value))


@pytest.fixture(scope="module")
def logged_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("logs"), postgres_url=PG_URL, workers=1)
    try:
        server.prepare().start(access_log=True)
        yield server
    finally:
        server.stop()


def test_the_access_log_of_make_run_records_no_searched_id_number(logged_server):
    """The same gunicorn settings as `make run`: searching by ID number, by phone and by name,
    even with the search in the Referer, leaves the requests in the access log but not what was
    searched for."""
    live = logged_server
    headers = live.headers("demo-surveyor")
    for q in (ID_NUMBER, PHONE, NAME):
        response = requests.get(
            f"{live.base}/api/households",
            params={"q": q, "page": 1},
            headers=headers | {"Referer": f"{live.base}/?{urlencode({'q': q})}"},
            timeout=30,
        )
        assert response.status_code == 200
    refused = requests.get(f"{live.base}/api/households?q={ID_NUMBER}%00", timeout=30)
    assert refused.status_code == 400
    live.stop()

    log = (live.workdir / "gunicorn.log").read_text(encoding="utf-8", errors="replace")
    searches = re.findall(r'"GET /api/households\?[^"]*" 200', log)
    assert len(searches) == 3, log[-3000:]  # the access log is there, and it logs requests
    assert all("page=1" in line for line in searches)  # what is not personal is kept
    _assert_clean(log)


def test_live_servers_log_as_make_run_does():
    """tests/live.py takes its config and logging flags from the Makefile's gunicorn line: the
    access log, and gunicorn.conf.py, which masks what the access and error logs print."""
    args = make_run_log_args()
    assert args[:2] == ["-c", "gunicorn.conf.py"]
    assert args[2:4] == ["--access-logfile", "-"]
    assert "--access-logformat" not in args  # the format is the config's
    assert (Path(__file__).resolve().parents[2] / "gunicorn.conf.py").exists()
