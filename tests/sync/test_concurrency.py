"""Eight phones sync at the same moment, against a real gunicorn with four workers.

A market day: the whole survey team gets signal at once and their outboxes drain together, all of
them touching the same household, some from copies days old, some sending an operation twice
because the first answer was slow, while the reviewer's phone keeps pulling. Afterwards nothing
anyone typed is missing, versions run 1, 2, 3, ... without a gap, every operation id wrote exactly
one revision, and the reviewer's cursor saw every household's last change.
"""

import json
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import text

from server.sync.paths import value_at
from tests.live import LiveServer

from .conftest import new_household_op, new_id

pytestmark = pytest.mark.slow

THREADS, OPS = 8, 25
KEYS = [
    "wage_migrant",
    "wage_public_job",
    "wage_local",
    "business_farming",
    "business_livestock",
    "business_forestry",
    "property_dividend",
    "transfer_other",
]


class Team:
    """The surveyors' phones: each thread is one phone with its own outbox."""

    def __init__(self, live: LiveServer, household: dict, village_id: int):
        self.live, self.household_id, self.village_id = live, household["id"], village_id
        self.headers = live.headers("demo-surveyor", "team")
        self.sent: list[tuple[dict, dict]] = []  # (operation, first result seen for it)
        self.created: list[str] = []
        self.lock = threading.Lock()

    def push(self, session: requests.Session, thread: int, ops: list[dict]) -> list[dict]:
        response = session.post(
            f"{self.live.base}/api/sync/push",
            headers=self.headers,
            json={"device_id": f"phone-{thread}", "ops": ops},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return response.json()["results"]

    def current_version(self, session: requests.Session) -> int:
        response = session.get(
            f"{self.live.base}/api/households/{self.household_id}", headers=self.headers, timeout=60
        )
        assert response.status_code == 200, response.text
        return response.json()["version"]

    def phone(self, thread: int) -> None:
        rng = random.Random(thread)
        session = requests.Session()
        twice = ThreadPoolExecutor(2)
        last_seen = 1
        for i in range(OPS):
            if i % 2 == 0:
                base = self.current_version(session)  # just downloaded (may go stale in flight)
            else:
                base = rng.randint(1, last_seen)  # a copy from days ago
            changes = {f"income.{KEYS[thread]}": f"{thread + 1}{i:03d}.00"}
            if i % 4 == 1:
                changes["household.phone"] = f"139{thread:02d}{i:06d}"
            op = {
                "op_id": new_id(),
                "household_id": self.household_id,
                "base_version": base,
                "changes": changes,
            }
            if i % 5 == 2:  # a slow answer: the phone sends the same operation again at once
                sessions = (session, requests.Session())
                a, b = twice.map(lambda s, op=op: self.push(s, thread, [op])[0], sessions)
                assert sorted([a["status"] == "duplicate", b["status"] == "duplicate"]) == [
                    False,
                    True,
                ]
                assert a["version"] == b["version"]
                result = a if a["status"] != "duplicate" else b
            else:
                [result] = self.push(session, thread, [op])
            assert result["status"] in ("applied", "merged", "conflict"), result
            last_seen = max(last_seen, result["version"])
            with self.lock:
                self.sent.append((op, result))
            if i % 5 == 4:  # and registers a household found on the way
                created = new_household_op(self.village_id)
                [result] = self.push(session, thread, [created])
                assert result["status"] == "applied", result
                with self.lock:
                    self.created.append(created["household_id"])
        twice.shutdown()


class Reader:
    """The reviewer's phone pulling all the while, keeping the newest version it saw of each."""

    def __init__(self, live: LiveServer):
        self.live = live
        self.headers = live.headers("demo-reviewer", "reader")
        self.seen: dict[str, int] = {}
        self.cursor: str | None = None
        self.stop = threading.Event()

    def pull_once(self, session: requests.Session) -> None:
        while True:
            response = session.get(
                f"{self.live.base}/api/sync/pull",
                headers=self.headers,
                params={"limit": 50} | ({"since": self.cursor} if self.cursor else {}),
                timeout=60,
            )
            assert response.status_code == 200, response.text
            page = response.json()
            for record in page["records"]:
                assert record["version"] >= self.seen.get(record["id"], 0)
                self.seen[record["id"]] = record["version"]
            self.cursor = page["next_cursor"]
            if not page["has_more"]:
                return

    def run(self) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            self.pull_once(session)


def test_market_day_nothing_lost_nothing_twice(live):
    surveyor = live.headers("demo-surveyor", "setup")
    items = requests.get(
        f"{live.base}/api/households", headers=surveyor, params={"state": "draft"}, timeout=30
    ).json()["items"]
    household, village_id = items[0], items[0]["village_id"]
    team, reader = Team(live, household, village_id), Reader(live)
    reader.pull_once(requests.Session())
    pulling = threading.Thread(target=reader.run)
    pulling.start()
    try:
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(team.phone, range(THREADS)))
    finally:
        reader.stop.set()
        pulling.join()
    reader.pull_once(requests.Session())  # what a phone does after the rush

    ops = {op["op_id"]: (op, result) for op, result in team.sent}
    assert len(ops) == THREADS * OPS
    engine = live.engine()
    with engine.connect() as conn:
        raw = conn.dialect.name == "sqlite"  # SQLite's raw SQL gives JSON columns as text
        revisions = conn.execute(
            text(
                "SELECT version, op_id, document FROM revision WHERE household_id = :h "
                "ORDER BY version"
            ),
            {"h": household["id"]},
        ).all()
        conflicts = conn.execute(
            text("SELECT path, device_value, version, op_id FROM conflict WHERE household_id = :h"),
            {"h": household["id"]},
        ).all()
        finals = dict(conn.execute(text("SELECT id, version FROM household")).all())
        final_document = conn.execute(
            text("SELECT document FROM household WHERE id = :h"), {"h": household["id"]}
        ).scalar()
    engine.dispose()

    def _json(value):
        return json.loads(value) if raw else value

    documents = {v: _json(d) for v, _, d in revisions}
    # Versions strictly increase with no gap; one revision per operation id, at its version.
    assert [v for v, _, _ in revisions] == list(range(1, THREADS * OPS + 2))
    by_op = [op_id for _, op_id, _ in revisions if op_id]
    assert sorted(by_op) == sorted(ops)
    assert {op_id: v for v, op_id, _ in revisions if op_id} == {
        op_id: result["version"] for op_id, (_, result) in ops.items()
    }

    # No lost update: every value typed is in the version its operation wrote, or kept in a
    # conflict row of that version with the device's value.
    stored = {(path, _json(value), version, op_id) for path, value, version, op_id in conflicts}
    last_applied: dict[str, tuple[int, str]] = {}
    for op_id, (op, result) in ops.items():
        clashed = {c["path"] for c in result.get("conflicts", [])}
        for path, value in op["changes"].items():
            if path in clashed:
                assert (path, value, result["version"], op_id) in stored
            else:
                assert value_at(documents[result["version"]], path) == value
                if result["version"] > last_applied.get(path, (0, ""))[0]:
                    last_applied[path] = (result["version"], value)
    assert any(r.get("conflicts") for _, r in ops.values()), "stale copies made conflicts"
    assert any(r["status"] == "merged" for _, r in ops.values()), "stale copies merged"
    final_document = _json(final_document)
    for path, (_, value) in last_applied.items():
        assert value_at(final_document, path) == value

    # The reader's cursor skipped nothing: it holds the last version of every household it may
    # see, including each one registered during the rush.
    assert set(team.created) <= set(reader.seen)
    assert {h: reader.seen[h] for h in reader.seen} == {h: finals[h] for h in reader.seen}
    assert reader.seen[household["id"]] == THREADS * OPS + 1
