"""A phone in Debian's Chromium on a freshly seeded server: what the field-app benches share."""

import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.live import LiveServer  # noqa: E402


@contextmanager
def phone(households: int):
    """(server base URL, browser context, page): a 390x844 page with service workers, over a
    temporary SQLite county of `households` served by gunicorn (2 workers)."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        LiveServer(Path(tmp), workers=2, households=households) as live,
    ):
        base = live.prepare().start().base
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            ctx = browser.new_context(
                viewport={"width": 390, "height": 844}, service_workers="allow"
            )
            try:
                yield base, ctx, ctx.new_page()
            finally:
                browser.close()
