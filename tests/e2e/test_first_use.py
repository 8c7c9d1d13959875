"""A phone's first use on a slow link: the login screen stands on the page, its stylesheet and the
few modules the page preloads; everything else arrives while it is shown, and the service
worker's precache waits until the villages are downloaded (bench/slow_network.py times it)."""

import re

import requests

from .conftest import PASSWORD, USER, shot

PRELOADS = re.compile(r'<link rel="modulepreload" href="([^"]+)">')


def test_the_login_screen_needs_only_the_modules_the_page_preloads(server, new_context):
    first = PRELOADS.findall(requests.get(server + "/", timeout=10).text)
    page = new_context(service_workers="block").new_page()
    scripts, refused = [], []

    def only_the_first_screen(route):
        path = "/" + route.request.url.split("/", 3)[3]
        scripts.append(path)
        if path in first:
            route.continue_()
        else:  # as if the link dropped before anything else came
            refused.append(path)
            route.abort("connectionreset")

    page.route("**/*.js", only_the_first_screen)
    page.goto(server + "/")
    page.wait_for_selector("#login")
    assert page.is_visible("#u") and page.is_visible("#p")
    assert set(first) <= set(scripts)
    page.wait_for_timeout(500)
    assert refused, "the other screens' modules are fetched while the login is shown"
    # Without them, a login says there is no signal, in words.
    page.fill("#u", USER)
    page.fill("#p", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_function(
        "() => document.querySelector('#login-msg').textContent.includes('没有网络')"
    )


def test_the_worker_is_installed_after_the_first_download(server, new_context):
    page = new_context().new_page()
    asked = []
    page.on("request", lambda r: asked.append(r.url.split("/", 3)[3]))
    page.goto(server + "/")
    page.wait_for_selector("#login")
    encodings = page.evaluate(
        "() => fetch('/static/phone/js/app.js').then((r) => r.headers.get('Content-Encoding'))"
    )
    assert encodings in ("br", "gzip")  # Chromium offers brotli on HTTPS and on loopback
    page.fill("#u", USER)
    page.fill("#p", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#dl button[type=submit]")
    assert page.evaluate("navigator.serviceWorker.getRegistration().then((r) => !r)")
    assert "sw.js" not in asked
    shot(page, "02-download-before-the-worker")
    page.click("#dl button[type=submit]")
    page.wait_for_selector("#hh li a", state="attached", timeout=30000)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)
    assert page.evaluate("caches.keys()")
