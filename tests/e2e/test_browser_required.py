"""A run without the browser fails: the browser tests are the only guard of some rules, so they
must never drop out of a run unnoticed. Skipping them takes RUHU_SKIP_BROWSER=1, outside CI."""

import os
import subprocess
import sys

from .conftest import ROOT

ONE_TEST = "tests/e2e/test_shell_routes.py::test_manifest_and_icons"


def run_without_browser(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "RUHU_SKIP_BROWSER")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", ONE_TEST],
        cwd=ROOT,
        env=clean | {"RUHU_CHROMIUM": "/nonexistent/chromium"} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_missing_browser_fails_the_run():
    run = run_without_browser()
    assert run.returncode == 1, run.stdout
    assert "/nonexistent/chromium is missing" in run.stdout
    assert "1 error" in run.stdout


def test_skipping_takes_an_explicit_setting_and_never_happens_in_ci():
    skipped = run_without_browser(RUHU_SKIP_BROWSER="1")
    assert skipped.returncode == 0 and "1 skipped" in skipped.stdout, skipped.stdout
    in_ci = run_without_browser(RUHU_SKIP_BROWSER="1", CI="true")
    assert in_ci.returncode == 1 and "is missing" in in_ci.stdout, in_ci.stdout
