"""Logins, logouts and the administrator's writes while a phone syncs, on a real gunicorn.

Morning at the township office: a surveyor's phone is uploading a day's households while the rest
of the team logs in at once, someone logs out, and the administrator adds accounts. On SQLite every
one of those writes queues behind the push's write lock and waits its turn; none may fail.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.live import PASSWORD, LiveServer

from .conftest import new_household_op, new_id

pytestmark = pytest.mark.slow

LOGINS = 60


class Uploader:
    """One phone pushing batches of new households until told to stop."""

    def __init__(self, live: LiveServer):
        self.live = live
        self.headers = live.headers("demo-surveyor", "uploader")
        me = requests.get(f"{live.base}/api/me", headers=self.headers, timeout=30).json()
        self.village_id = next(a["id"] for a in me["areas"] if a["level"] == "village")
        self.stop = threading.Event()
        self.batches = 0
        self.failures: list[str] = []
        self.started = threading.Event()

    def batch(self) -> list[dict]:
        return [new_household_op(self.village_id) for _ in range(40)]

    def run(self) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            response = session.post(
                f"{self.live.base}/api/sync/push",
                headers=self.headers,
                json={"device_id": "uploader", "ops": self.batch()},
                timeout=120,
            )
            if response.status_code != 200:
                self.failures.append(f"{response.status_code} {response.text[:200]}")
            self.batches += 1
            self.started.set()

    def __enter__(self):
        self.thread = threading.Thread(target=self.run)
        self.thread.start()
        assert self.started.wait(120), "the first push never answered"
        return self

    def __exit__(self, *_exc):
        self.stop.set()
        self.thread.join()
        assert not self.failures, self.failures


def _login(live: LiveServer, username: str, device: str) -> requests.Response:
    return requests.post(
        f"{live.base}/api/auth/login",
        json={"username": username, "password": PASSWORD, "device_id": device},
        timeout=120,
    )


def _statuses(responses) -> dict[int, int]:
    out: dict[int, int] = {}
    for r in responses:
        out[r.status_code] = out.get(r.status_code, 0) + 1
    return out


def test_sixty_logins_while_a_phone_pushes_all_succeed(live):
    users = ["demo-surveyor", "demo-reviewer", "demo-county"]
    with Uploader(live) as uploader, ThreadPoolExecutor(LOGINS) as pool:
        responses = list(pool.map(lambda i: _login(live, users[i % 3], f"team-{i}"), range(LOGINS)))
        # Reads made while the pushes write answer too.
        reads = list(
            pool.map(
                lambda r: requests.get(
                    f"{live.base}/api/me",
                    headers={"Authorization": f"Bearer {r.json()['access_token']}"},
                    timeout=120,
                ),
                [r for r in responses if r.status_code == 200][:20],
            )
        )
        pushed = uploader.batches
    assert _statuses(responses) == {200: LOGINS}, [r.text[:200] for r in responses][:5]
    assert _statuses(reads) == {200: 20}
    assert pushed >= 1


def test_logouts_and_refreshes_while_a_phone_pushes_all_succeed(live):
    sessions = [_login(live, "demo-reviewer", f"office-{i}").json() for i in range(20)]
    with Uploader(live), ThreadPoolExecutor(20) as pool:

        def refresh_then_logout(tokens: dict) -> tuple[int, int]:
            bearer = {"Authorization": f"Bearer {tokens['refresh_token']}"}
            refreshed = requests.post(f"{live.base}/api/auth/refresh", headers=bearer, timeout=120)
            rotated = refreshed.json().get("refresh_token", tokens["refresh_token"])
            out = requests.post(
                f"{live.base}/api/auth/logout",
                headers={"Authorization": f"Bearer {rotated}"},
                timeout=120,
            )
            return refreshed.status_code, out.status_code

        answers = list(pool.map(refresh_then_logout, sessions))
    assert answers == [(200, 204)] * 20


def test_the_administrator_creates_users_while_a_phone_pushes(live):
    admin = live.headers("demo-admin", "admin-desk")
    with Uploader(live), ThreadPoolExecutor(10) as pool:
        responses = list(
            pool.map(
                lambda i: requests.post(
                    f"{live.base}/api/admin/users",
                    headers=admin,
                    json={
                        "username": f"load-user-{i}-{new_id()[:8]}",
                        "name": "新调查员",
                        "role": "surveyor",
                        "password": "a-long-secret",
                    },
                    timeout=120,
                ),
                range(10),
            )
        )
    assert _statuses(responses) == {201: 10}, [r.text[:200] for r in responses][:3]


def test_thirty_guesses_at_once_are_counted_exactly(live):
    """Checked and counted in one step: parallel guesses cannot slip past the limit together."""
    with ThreadPoolExecutor(30) as pool:
        responses = list(
            pool.map(
                lambda _: requests.post(
                    f"{live.base}/api/auth/login",
                    json={"username": "demo-county", "password": "wrong-password"},
                    timeout=120,
                ),
                range(30),
            )
        )
    assert _statuses(responses) == {401: 5, 429: 25}
