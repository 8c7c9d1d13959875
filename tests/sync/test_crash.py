"""The server dies mid-push (SIGKILL, no warning) and comes back; the phones retry.

Two phones push batches (households registered and edited) to a real gunicorn while the server
is killed with SIGKILL a few times, master and workers at once, and restarted. A phone keeps a
batch until it has the answer, and sends it again, unchanged, after every failure. Afterwards
every operation a phone was told about is stored exactly once, no operation is stored that was
never sent, every household's version equals its number of revisions (numbered 1..n), and each
household holds the value of the last edit that was acknowledged.
"""

import json
import random
import threading
import time

import pytest
import requests
from sqlalchemy import text

from tests.live import LiveServer

from .conftest import new_household_op, new_id, serve_live

pytestmark = pytest.mark.slow

PHONES, NEW_PER_BATCH, KILLS = 2, 10, 3
AFTER = 3  # batches each phone sends once the last restart is done


@pytest.fixture()
def live(tmp_path):
    """A small server of its own for each test (this one is killed), in place of the module's."""
    yield from serve_live(tmp_path, workers=2, households=20)


class Phone(threading.Thread):
    """A phone draining its outbox: one batch at a time, each resent until it is answered."""

    def __init__(self, live: LiveServer, number: int, village_id: int):
        super().__init__(daemon=True)
        self.live, self.number, self.village_id = live, number, village_id
        self.headers = live.headers("demo-surveyor", f"crash-{number}")
        self.versions: dict[str, int] = {}  # what the phone knows: household -> version
        self.last_value: dict[str, str] = {}  # the last acknowledged wage_local of each
        self.acknowledged: dict[str, dict] = {}  # op id -> its answer
        self.sent: set[str] = set()
        self.failures = 0
        self.batches = 0
        self.done = threading.Event()  # set by the test: finish with AFTER more batches
        self.error: BaseException | None = None

    def batch(self, n: int) -> list[dict]:
        ops = []
        for household_id, version in sorted(self.versions.items())[-NEW_PER_BATCH:]:
            ops.append(
                {
                    "op_id": new_id(),
                    "household_id": household_id,
                    "base_version": version,
                    "changes": {"income.wage_local": f"{self.number}{n:04d}.00"},
                }
            )
        for _ in range(NEW_PER_BATCH):
            ops.append(new_household_op(self.village_id))
        return ops

    def send(self, ops: list[dict]) -> list[dict]:
        """The answer to `ops`, however many times the server dies on the way."""
        body = {"device_id": f"crash-{self.number}", "ops": ops}
        self.sent.update(op["op_id"] for op in ops)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                response = requests.post(
                    f"{self.live.base}/api/sync/push", json=body, headers=self.headers, timeout=30
                )
            except requests.RequestException:  # killed mid-request, or not back yet
                self.failures += 1
                time.sleep(0.05)
                continue
            if response.status_code >= 500 or response.status_code == 503:
                self.failures += 1
                time.sleep(0.05)
                continue
            assert response.status_code == 200, response.text[:500]
            return response.json()["results"]
        raise AssertionError("the server never answered the batch")

    def run(self) -> None:
        try:
            n, left = 0, AFTER
            while left:
                if self.done.is_set():
                    left -= 1
                n += 1
                ops = self.batch(n)
                results = self.send(ops)
                assert [r["op_id"] for r in results] == [op["op_id"] for op in ops]
                for op, result in zip(ops, results, strict=True):
                    status = result.get("first_status", result["status"])
                    assert status == "applied", result  # one phone per household: no merge
                    self.acknowledged[op["op_id"]] = result
                    self.versions[op["household_id"]] = result["version"]
                    value = op["changes"].get("income.wage_local")
                    if value is not None:
                        self.last_value[op["household_id"]] = value
                self.batches += 1
        except BaseException as e:  # reported by the test, not lost in the thread
            self.error = e


def test_kill_9_mid_push_loses_and_doubles_nothing(live):
    surveyor = live.headers("demo-surveyor", "setup")
    villages = [
        a["id"]
        for a in requests.get(f"{live.base}/api/me", headers=surveyor, timeout=30).json()["areas"]
    ]
    phones = [Phone(live, i, villages[i % len(villages)]) for i in range(PHONES)]
    for phone in phones:
        phone.start()
    rng = random.Random(9)
    for _ in range(KILLS):
        time.sleep(rng.uniform(0.3, 0.9))  # some batches answered, one in flight
        live.kill()
        live.start()
    for phone in phones:
        phone.done.set()
    for phone in phones:
        phone.join(180)
        assert not phone.is_alive(), "a phone never finished its outbox"
        assert phone.error is None, phone.error
    assert sum(p.failures for p in phones) >= KILLS  # the kills did land mid-push

    engine = live.engine()
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT op_id, household_id, version FROM revision WHERE op_id IS NOT NULL")
        ).all()
        households = conn.execute(text("SELECT id, version, document FROM household")).all()
        counts = dict(
            conn.execute(
                text("SELECT household_id, COUNT(*) FROM revision GROUP BY household_id")
            ).all()
        )
        highest = dict(
            conn.execute(
                text("SELECT household_id, MAX(version) FROM revision GROUP BY household_id")
            ).all()
        )
        raw = conn.dialect.name == "sqlite"
    engine.dispose()

    acknowledged = {op_id: r for p in phones for op_id, r in p.acknowledged.items()}
    batches = sum(p.batches for p in phones)
    assert len(acknowledged) == batches * NEW_PER_BATCH * 2 - PHONES * NEW_PER_BATCH
    by_op: dict[str, list] = {}
    for op_id, household_id, version in stored:
        by_op.setdefault(op_id, []).append((household_id, version))
    for op_id, result in acknowledged.items():  # each there once, where and as answered
        assert by_op.get(op_id) == [(result["household_id"], result["version"])], op_id
    sent = set().union(*(p.sent for p in phones))
    assert set(by_op) <= sent  # nothing stored that no phone sent
    for household_id, version, _ in households:  # versions 1..n, one revision each
        assert counts.get(household_id) == version == highest.get(household_id), household_id
    documents = {h: (json.loads(d) if raw else d) for h, _, d in households}
    for phone in phones:
        for household_id, value in phone.last_value.items():
            assert documents[household_id]["income"]["wage_local"] == value
