"""A real job consumer beside a real gunicorn, as `make run` starts them: a document asked for
over HTTP is queued in the SQLite queue file, made by the consumer with its progress on the row,
fetched, then served from the kept file; the consumer ends with gunicorn, however it ends."""

import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest
import requests

from tests.live import LiveServer, _children

PG_URL = os.environ.get("RUHU_TEST_DATABASE_URL")


class WithConsumer(LiveServer):
    """The server as `make run` starts it: RUHU_CONSUMER makes gunicorn start the consumer."""

    @property
    def env(self) -> dict:
        return super().env | {"RUHU_CONSUMER": "1"}


def consumer_of(master: int) -> int | None:
    for pid in _children(master):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"huey_consumer" in command:
            return pid
    return None


def gone(pid: int, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while True:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            return True
        if stat.rsplit(")", 1)[1].split()[0] == "Z":  # exited, not yet reaped
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


@pytest.fixture()
def server(tmp_path):
    live = WithConsumer(tmp_path, postgres_url=PG_URL, workers=1, households=120)
    live.consumers = []
    with live:
        yield live.prepare().start()
    for pid in live.consumers:  # a test that failed must not leave its consumer running
        if not gone(pid, 0):
            os.kill(pid, signal.SIGKILL)  # (pid reuse within a test's seconds is not a worry)


def wait_for_consumer(server) -> int:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        pid = consumer_of(server.process.pid)
        if pid is not None:
            server.consumers.append(pid)
            return pid
        time.sleep(0.1)
    raise AssertionError("gunicorn started no consumer")


def test_a_document_is_made_by_the_consumer_and_the_consumer_ends_with_gunicorn(server):
    consumer = wait_for_consumer(server)
    headers = server.headers("demo-county")
    body = {"report": "annex6", "campaign_id": 1, "area": "610526", "format": "pdf"}
    started = requests.post(
        f"{server.base}/api/reports/jobs", json=body, headers=headers, timeout=30
    )
    assert started.status_code == 202, started.text
    assert started.json()["status"] in ("queued", "running", "done")
    location = server.base + started.headers["Location"]
    statuses, deadline = [], time.monotonic() + 120
    while time.monotonic() < deadline:
        job = requests.get(location, headers=headers, timeout=30).json()
        statuses.append((job["status"], job["progress"]))
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert job["status"] == "done", (job, statuses)
    assert [p for _, p in statuses] == sorted(p for _, p in statuses)
    fetched = requests.get(server.base + job["file_url"], headers=headers, timeout=30)
    assert fetched.content.startswith(b"%PDF") and len(fetched.content) == job["size"]
    assert "filename*=UTF-8''" in fetched.headers["Content-Disposition"]
    again = requests.post(f"{server.base}/api/reports/jobs", json=body, headers=headers, timeout=30)
    assert again.status_code == 200 and again.json()["id"] == job["id"]
    with sqlite3.connect(server.workdir / "queue.db") as queue:  # huey's SQLite storage
        assert queue.execute("SELECT count(*) FROM task").fetchone() == (0,)  # taken, done

    server.stop()  # SIGTERM, as Ctrl-C on `make run`: gunicorn stops its consumer
    assert gone(consumer), "the consumer outlived gunicorn"


def test_the_consumer_ends_when_gunicorn_is_killed(server):
    consumer = wait_for_consumer(server)
    os.kill(server.process.pid, signal.SIGKILL)  # no hook runs: the kernel tells the consumer
    server.process.wait()
    assert gone(consumer), "the consumer outlived a killed gunicorn"
