"""End-to-end fixtures: a real gunicorn over a seeded SQLite file, and Debian's Chromium.

No browser is downloaded: Playwright drives /usr/bin/chromium (RUHU_CHROMIUM names another). When
that binary is missing every browser test FAILS, so a run without a browser never passes silently;
on a developer's machine RUHU_SKIP_BROWSER=1 skips them instead, except under CI (CI set).
"""

import os
from pathlib import Path

import pytest
import requests

from tests.live import LiveServer

CHROMIUM = os.environ.get("RUHU_CHROMIUM", "/usr/bin/chromium")
SKIP = os.environ.get("RUHU_SKIP_BROWSER") == "1" and not os.environ.get("CI")
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
            if SKIP:
                item.add_marker(pytest.mark.skip(reason="RUHU_SKIP_BROWSER=1"))


def pytest_runtest_setup(item):
    """Before any fixture starts a server: no browser is a failure, not a skip."""
    if item.get_closest_marker("e2e") and not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (make setup-test), "
            "or set RUHU_SKIP_BROWSER=1 to skip the browser tests on this machine",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """Seed a temporary database and serve it with gunicorn (2 workers) on a free port."""
    yield from serve(ROOT, tmp_path_factory.mktemp("e2e"))


#: The database each served base URL stands on, for a test that must set up what no API does yet.
DATABASE_URLS: dict[str, str] = {}


def serve(root, tmp):
    """Serve the app found in `root` over a fresh seeded database in `tmp`; yields the base URL."""
    with LiveServer(tmp, root=root, workers=2, households=300) as live:
        base = live.prepare().start().base
        DATABASE_URLS[base] = live.database_url
        yield base


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


BLOCKED = ("Content Security Policy", "Trusted Type", "TrustedHTML", "TrustedScript")


@pytest.fixture
def new_context(browser):
    """Phone-sized contexts with service workers allowed; all closed after the test. Whatever the
    page's policy blocked fails the test: the app must live under its own CSP (a context made with
    `blocked_ok=True` is for tests that provoke the policy on purpose). A test that routes the
    page's own requests makes its context with `service_workers="block"`."""
    made, blocked = [], []

    def note(text):
        if any(word in text for word in BLOCKED):
            blocked.append(text)

    def make(blocked_ok=False, service_workers="allow", **options):
        """`options`: more of Playwright's context options (has_touch=True, is_mobile=True)."""
        ctx = browser.new_context(
            viewport={"width": 390, "height": 844},
            service_workers=service_workers,
            locale="zh-CN",
            device_scale_factor=1,
            **options,
        )
        ctx.set_default_timeout(15000)
        if not blocked_ok:
            ctx.on("console", lambda m: note(m.text))
            ctx.on("weberror", lambda e: note(str(e.error)))
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()
    assert not blocked, f"the page's policy blocked: {blocked}"


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
