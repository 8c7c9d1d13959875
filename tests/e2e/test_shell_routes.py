"""The shell's routes: the worker's headers and content-hash version, every precached asset
served, a manifest whose icons are real PNGs of the sizes it declares."""

import io
import re

import requests
from PIL import Image


def test_service_worker_route(server):
    r = requests.get(server + "/sw.js", timeout=10)
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "no-cache"
    assert r.headers["Service-Worker-Allowed"] == "/"
    assert "javascript" in r.headers["Content-Type"]
    version = re.search(r"const VERSION = '([0-9a-f]{16})'", r.text).group(1)
    assert requests.get(server + "/sw.js", timeout=10).text.count(version) == 1  # stable
    assets = re.search(r"const ASSETS = '([^']*)'\.split\(' '\);", r.text).group(1).split(" ")
    assert {
        "/",
        "/static/phone/js/app.js",
        "/static/phone/css/app.css",
        "/static/shared/html.js",
        "/static/shared/labels.js",
        "/manifest.webmanifest",
    } <= set(assets)
    for url in assets:
        assert requests.get(server + url, timeout=10).status_code == 200, url


def test_manifest_and_icons(server):
    r = requests.get(server + "/manifest.webmanifest", timeout=10)
    assert r.headers["Content-Type"].startswith("application/manifest+json")
    manifest = r.json()
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        png = requests.get(server + icon["src"], timeout=10)
        image = Image.open(io.BytesIO(png.content))
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"]
