"""The phone app's shell: the page, the service worker and the manifest.

The service worker is rendered from `web/templates/sw.js` with a VERSION made from a hash of the
content of everything it precaches, and served with `Cache-Control: no-cache`, so a phone picks up
a new shell on its next visit and never runs a stale mix (the lesson of enketo). The worker keeps
the shell's response headers too, so the security headers are part of that hash: a phone offline
gets the policy its cached files were written for.
"""

import hashlib
import json
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template

from server.security import HEADERS

bp = Blueprint("webapp", __name__)

WEB = Path(__file__).resolve().parent.parent / "web"
STATIC = WEB / "static"
TEMPLATES = WEB / "templates"


def _static_assets() -> list[str]:
    """URLs of the shell's static files: JS, CSS, icons and the manifest."""
    files = sorted(
        [
            *(STATIC / "js").glob("*.js"),
            *(STATIC / "css").glob("*.css"),
            *(STATIC / "icons").glob("*.png"),
        ]
    )
    return ["/static/" + f.relative_to(STATIC).as_posix() for f in files]


def _precache() -> tuple[list[str], str]:
    """What the worker precaches and a version hash of their content (and of the worker)."""
    assets = ["/", "/manifest.webmanifest", *_static_assets()]
    h = hashlib.sha256()
    h.update(json.dumps(HEADERS, sort_keys=True).encode())
    for path in [TEMPLATES / "app.html", TEMPLATES / "sw.js", STATIC / "manifest.webmanifest"]:
        h.update(path.read_bytes())
    for url in assets[2:]:
        h.update(url.encode())
        h.update((STATIC / url.removeprefix("/static/")).read_bytes())
    return assets, h.hexdigest()[:16]


@bp.get("/")
def shell():
    resp = Response(render_template("app.html"), mimetype="text/html")
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get("/sw.js")
def service_worker():
    assets, version = _precache()
    body = render_template("sw.js", version=version, assets=assets)
    resp = Response(body, mimetype="text/javascript")
    resp.headers["Cache-Control"] = "no-cache"
    resp.headers["Service-Worker-Allowed"] = "/"
    return resp


@bp.get("/manifest.webmanifest")
def manifest():
    data = json.loads((STATIC / "manifest.webmanifest").read_text(encoding="utf-8"))
    resp = current_app.response_class(
        json.dumps(data, ensure_ascii=False), mimetype="application/manifest+json"
    )
    resp.headers["Cache-Control"] = "no-cache"
    return resp
