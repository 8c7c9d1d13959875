"""The phone app's shell: the page, the service worker, the manifest and the shared labels.

`web/` holds one folder per front end: `static/phone/` and `templates/phone/` are the phone app,
precached by its service worker; `static/shared/` holds modules any front end imports. The worker
precaches the phone's files and the shared modules they import, and nothing else under
`web/static/`, so a page for desks never ships to phones nor changes the phone's version.

The page names the modules of the first screen (the entry and what it imports, found by reading
the import statements) as `modulepreload` links, so the browser fetches them all at once instead
of one import level per round trip (two seconds each on a slow rural link); the modules the
other screens import on demand are named in the page too, for the app to fetch while the first
screen is shown.

The service worker is rendered from `web/templates/phone/sw.js` with a VERSION made from a hash of
the content of everything it precaches, and served with `Cache-Control: no-cache`, so a phone picks
up a new shell on its next visit and never runs a stale mix (the lesson of enketo). The worker
keeps the shell's response headers too, so the security headers are part of that hash: a phone
offline gets the policy its cached files were written for.
"""

import hashlib
import json
import posixpath
import re
from collections import deque
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template

from server.domain import workflow
from server.security import HEADERS

bp = Blueprint("webapp", __name__)

WEB = Path(__file__).resolve().parent.parent / "web"
STATIC = WEB / "static"
PHONE = STATIC / "phone"
TEMPLATES = WEB / "templates"
SHELL_TEMPLATE = "phone/app.html"
WORKER_TEMPLATE = "phone/sw.js"
SHARED_URL = "/static/shared/"
LABELS_URL = SHARED_URL + "labels.js"
ENTRY = "/static/phone/js/app.js"

# The module specifiers of `import ... from '...'`, `import '...'` and `import('...')`.
IMPORTS = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])([^'"\n]+)\1""")
# What the worker can hold as written: a precached URL goes into it inside a string literal.
PLAIN_URL = re.compile(r"/[A-Za-z0-9._/-]*")


def labels_module() -> str:
    """The words of the review workflow as an ES module, rendered from the server's own tables
    (`server/domain/workflow.py`), so the phone and the server never name a state differently."""

    def const(name, value):
        return f"export const {name} = Object.freeze({json.dumps(value, ensure_ascii=False)});\n"

    return (
        "// The words of server/domain/workflow.py, rendered by server/webapp.py.\n"
        + const("STATE_LABELS", workflow.STATE_LABELS)
        + const("ROLE_LABELS", workflow.ROLE_LABELS)
        + const("ACTION_LABELS", workflow.ACTION_LABELS)
        + const("LOCKED_STATES", [s for s in workflow.STATES if s in workflow.LOCKED_STATES])
    )


def content(url: str) -> bytes:
    """What the shell serves at `url`, as the worker will cache it."""
    if url == "/":
        return (TEMPLATES / SHELL_TEMPLATE).read_bytes()
    if url == "/manifest.webmanifest":
        return (PHONE / "manifest.webmanifest").read_bytes()
    if url == LABELS_URL:
        return labels_module().encode()
    return (STATIC / url.removeprefix("/static/")).read_bytes()


def _phone_files() -> list[str]:
    """URLs of the phone's own static files: JS, CSS and icons."""
    files = sorted(
        [
            *(PHONE / "js").glob("*.js"),
            *(PHONE / "css").glob("*.css"),
            *(PHONE / "icons").glob("*.png"),
        ]
    )
    return ["/static/" + f.relative_to(STATIC).as_posix() for f in files]


def imports(url: str) -> tuple[list[str], list[str]]:
    """The URLs a module imports: (statically, on demand with `import()`), in source order."""
    static, dynamic = [], []
    for match in IMPORTS.finditer(content(url).decode("utf-8")):
        spec = match.group(2)
        target = spec if spec.startswith("/") else posixpath.join(posixpath.dirname(url), spec)
        (dynamic if "(" in match.group(0) else static).append(posixpath.normpath(target))
    return static, dynamic


def _closure(start: list[str], seen: set[str]) -> list[str]:
    """`start` and what it imports statically, breadth first, leaving out (and adding to) `seen`."""
    out, todo = [], deque(u for u in start if u not in seen)
    seen.update(todo)
    while todo:
        url = todo.popleft()
        out.append(url)
        for target in imports(url)[0]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return out


def shell_modules() -> tuple[list[str], list[str]]:
    """(the modules the first screen needs: the entry and its static imports; every other module
    the app imports on demand, each screen's with what it imports, in the order the code asks for
    them), so the page can preload the first list at once and fetch the second while it waits."""
    seen: set[str] = set()
    first = _closure([ENTRY], seen)
    later, todo = [], deque(first)
    while todo:
        for target in imports(todo.popleft())[1]:
            found = _closure([target], seen)
            later += found
            todo.extend(found)
    return first, later


def shared_imports(scripts: list[str]) -> list[str]:
    """The shared modules that `scripts` import, directly or through one another."""
    found, todo = set(), list(scripts)
    while todo:
        url = todo.pop()
        static, dynamic = imports(url)
        for target in [*static, *dynamic]:
            if target.startswith(SHARED_URL) and target not in found:
                found.add(target)
                todo.append(target)
    return sorted(found)


def precache() -> tuple[list[str], str]:
    """What the worker precaches, and a version hash of their content (and of the worker)."""
    own = _phone_files()
    assets = ["/", "/manifest.webmanifest", *own]
    assets += shared_imports([u for u in own if u.endswith(".js")])
    h = hashlib.sha256()
    h.update(json.dumps(HEADERS, sort_keys=True).encode())
    h.update((TEMPLATES / WORKER_TEMPLATE).read_bytes())
    for url in assets:
        if not PLAIN_URL.fullmatch(url):
            raise ValueError(f"a precached file needs a plain name: {url!r}")
        h.update(url.encode() + b"\0")
        h.update(content(url))
    return assets, h.hexdigest()[:16]


def _no_cache(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get("/")
def shell():
    first, later = shell_modules()
    page = render_template(SHELL_TEMPLATE, first=first, later=later)
    return _no_cache(Response(page, mimetype="text/html"))


@bp.get("/sw.js")
def service_worker():
    assets, version = precache()
    body = render_template(WORKER_TEMPLATE, version=version, assets=assets)
    resp = _no_cache(Response(body, mimetype="text/javascript"))
    resp.headers["Service-Worker-Allowed"] = "/"
    return resp


@bp.get(LABELS_URL)
def labels():
    return _no_cache(Response(labels_module(), mimetype="text/javascript"))


@bp.get("/manifest.webmanifest")
def manifest():
    data = json.loads(content("/manifest.webmanifest").decode("utf-8"))
    resp = current_app.response_class(
        json.dumps(data, ensure_ascii=False), mimetype="application/manifest+json"
    )
    return _no_cache(resp)
