"""A new version of the shell is offered with a prompt, and never reloads an open questionnaire.

Runs its own server from a copy of the tree, so that a changed asset (a new service-worker
version) can be published without touching the working copy.
"""

import shutil

import pytest
import requests

from .conftest import ROOT, serve, shot
from .helpers import login_and_download, open_household, unvisited_households, wait_synced


@pytest.fixture
def copied_server(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in ("server", "web", "migrations", "wsgi.py"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, tree / name)
    gen = serve(tree, tmp_path)
    base = next(gen)
    yield tree, base
    gen.close()


def publish_new_version(tree):
    css = tree / "web" / "static" / "phone" / "css" / "app.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* v2 */\n", encoding="utf-8")


def test_update_prompt_waits_for_the_form_to_close(copied_server, new_context):
    tree, base = copied_server
    page = new_context().new_page()
    login_and_download(page, base)
    wait_synced(page)
    version = requests.get(f"{base}/sw.js", timeout=10).text.split("'")[1]

    # A surveyor is filling a questionnaire when the new version arrives.
    s = requests.Session()
    token = s.post(
        f"{base}/api/auth/login",
        json={"username": "demo-surveyor", "password": "demo12345"},
        timeout=10,
    ).json()["access_token"]
    s.headers["Authorization"] = f"Bearer {token}"
    s.base = base
    hid = unvisited_households(s)[0]
    open_household(page, base, hid)
    page.fill("input[name='household.phone']", "13812340000")
    publish_new_version(tree)
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.wait_for_function(
        "() => document.querySelector('#banner').textContent.includes('有新版本')"
    )
    shot(page, "18-update-offered")
    page.click("#banner")
    page.wait_for_timeout(1000)
    assert page.evaluate("location.hash") == f"#/h/{hid}"  # not reloaded under the surveyor
    assert page.input_value("input[name='household.phone']") == "13812340000"
    assert "回到列表后自动更新" in page.inner_text("#banner")

    # Back to the list: the new version takes over and the page reloads once.
    with page.expect_event("load", timeout=30000):  # a loaded CI machine installs slowly
        page.click(".actions a[href='#/list']")
    page.wait_for_selector("#hh li a", state="attached")
    new_version = requests.get(f"{base}/sw.js", timeout=10).text.split("'")[1]
    assert new_version != version
    caches = page.evaluate("caches.keys()")
    assert f"ruhu-shell-{new_version}" in caches
    assert f"ruhu-shell-{version}" not in caches  # activate removed the old shell
