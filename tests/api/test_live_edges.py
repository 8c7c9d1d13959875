"""The request edges through a real gunicorn, whose chunked bodies the test client only imitates:
a push sent in chunks is refused with 413 past 5 MB, whether or not it passes 6 MB."""

import json

import pytest
import requests

from tests.conftest import PG_URL
from tests.live import LiveServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = LiveServer(
        tmp_path_factory.mktemp("edges"), postgres_url=PG_URL, workers=1, households=10
    )
    try:
        server.prepare().start()
        yield server
    finally:
        server.stop()


def _chunks(body: bytes, size: int = 64 * 1024):
    for start in range(0, len(body), size):
        yield body[start : start + size]


@pytest.mark.parametrize("megabytes", [5.5, 6.5])
def test_a_chunked_push_past_5_mb_is_413(live, megabytes):
    headers = live.headers("demo-surveyor")
    pad = "x" * int(megabytes * 1024 * 1024)
    body = json.dumps({"device_id": "d", "ops": [], "pad": pad}).encode()
    try:
        response = requests.post(
            f"{live.base}/api/sync/push",
            data=_chunks(body),  # a generator: requests sends it chunked, with no length
            headers=headers | {"Content-Type": "application/json"},
            timeout=60,
        )
    except requests.ConnectionError:  # the server may close before reading it all
        pytest.fail("the server closed the connection instead of answering 413")
    assert response.status_code == 413, response.text[:300]
    assert response.json()["error"]["code"] in ("batch_too_large", "too_large")


def test_a_small_chunked_push_is_answered(live):
    headers = live.headers("demo-surveyor")
    body = json.dumps({"device_id": "d", "ops": []}).encode()
    response = requests.post(
        f"{live.base}/api/sync/push",
        data=_chunks(body, 7),
        headers=headers | {"Content-Type": "application/json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text[:300]
    assert response.json() == {"results": []}
