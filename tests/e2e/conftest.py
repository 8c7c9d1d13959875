"""End-to-end fixtures: a real gunicorn over a seeded SQLite file, and Debian's Chromium.

No browser is downloaded: Playwright drives /usr/bin/chromium. The whole module is skipped when
that binary is missing.
"""

import os
from pathlib import Path

import pytest
import requests

from tests.live import LiveServer

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"
USER, PASSWORD = "demo-surveyor", "demo12345"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.e2e)
            if not os.path.exists(CHROMIUM):
                item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is missing"))


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """Seed a temporary database and serve it with gunicorn (2 workers) on a free port."""
    yield from serve(ROOT, tmp_path_factory.mktemp("e2e"))


def serve(root, tmp):
    """Serve the app found in `root` over a fresh seeded database in `tmp`; yields the base URL."""
    with LiveServer(tmp, root=root, workers=2, households=300) as live:
        yield live.prepare().start().base


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_context(browser):
    """Phone-sized contexts with service workers allowed; all closed after the test."""
    made = []

    def make():
        ctx = browser.new_context(
            viewport={"width": 390, "height": 844},
            service_workers="allow",
            locale="zh-CN",
            device_scale_factor=1,
        )
        ctx.set_default_timeout(15000)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture
def api(server):
    """A logged-in requests session for checking the server side of a story."""
    s = requests.Session()
    r = s.post(
        server + "/api/auth/login", json={"username": USER, "password": PASSWORD}, timeout=10
    )
    r.raise_for_status()
    s.headers["Authorization"] = "Bearer " + r.json()["access_token"]
    s.base = server
    return s


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
