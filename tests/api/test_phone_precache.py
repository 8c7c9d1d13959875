"""What the phone's service worker precaches: the phone's own files and the shared modules they
import, and nothing else under web/static/, so a page for the desk or a report never ships to
phones nor makes them download a new version."""

import posixpath
import re
import shutil

import pytest

from server import webapp
from server.domain import workflow

# Static imports, re-exports and dynamic imports: `from '...'`, `import '...'`, `import('...')`.
SPECIFIER = re.compile(r"""(?:\bfrom|^import|\bimport\()\s*['"]([^'"]+)['"]""", re.M)


@pytest.fixture
def web(tmp_path, monkeypatch):
    """A copy of web/ that the shell reads instead of the real one."""
    tree = tmp_path / "web"
    shutil.copytree(webapp.WEB, tree, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(webapp, "STATIC", tree / "static")
    monkeypatch.setattr(webapp, "PHONE", tree / "static" / "phone")
    monkeypatch.setattr(webapp, "TEMPLATES", tree / "templates")
    return tree


def drop(web, relative, text="export const x = 1;\n"):
    path = web / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_files_of_other_front_ends_are_neither_precached_nor_versioned(web):
    before = webapp.precache()
    drop(web, "static/desk/x.js")
    drop(web, "static/desk/desk.css", "body { color: red; }\n")
    drop(web, "static/x.js")
    drop(web, "static/shared/only_for_the_desk.js")  # shared, but no phone script imports it
    drop(web, "templates/desk/page.html", "<p>审核台</p>\n")
    assert webapp.precache() == before


def test_a_shared_module_the_phone_imports_is_precached_and_versioned(web):
    assets, version = webapp.precache()
    drop(web, "static/shared/words.js")
    drop(web, "static/shared/more.js", "export { x } from './words.js';\n")
    app = web / "static" / "phone" / "js" / "app.js"
    app.write_text("import { x } from '../../shared/more.js';\n" + app.read_text(encoding="utf-8"))
    assets2, version2 = webapp.precache()
    assert set(assets2) - set(assets) == {"/static/shared/more.js", "/static/shared/words.js"}
    assert version2 != version
    drop(web, "static/shared/words.js", "export const x = 2;\n")  # imported through more.js
    assert webapp.precache()[1] != version2


def test_a_phone_file_changes_the_version(web):
    _, version = webapp.precache()
    drop(web, "static/phone/js/new.js")
    assets, version2 = webapp.precache()
    assert "/static/phone/js/new.js" in assets and version2 != version


def test_the_servers_labels_are_precached_and_versioned(monkeypatch):
    assets, version = webapp.precache()
    assert webapp.LABELS_URL in assets
    monkeypatch.setitem(workflow.STATE_LABELS, "draft", "待提交")
    assert webapp.precache()[1] != version


def test_every_module_a_precached_script_imports_is_precached():
    """Offline, a module the worker did not cache could not load: the app would not start."""
    assets, _ = webapp.precache()
    scripts = [url for url in assets if url.endswith(".js")]
    assert "/static/shared/html.js" in scripts and "/static/phone/js/app.js" in scripts
    for url in scripts:
        for spec in SPECIFIER.findall(webapp.content(url).decode("utf-8")):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(url), spec))
            assert target in assets, f"{url} imports {spec}, which is not precached"


def test_only_phone_and_shared_files_are_precached():
    assets, _ = webapp.precache()
    assert assets[:2] == ["/", "/manifest.webmanifest"]
    for url in assets[2:]:
        assert url.startswith(("/static/phone/", "/static/shared/")), url


def test_a_phone_file_whose_name_the_worker_cannot_hold_is_refused(web):
    drop(web, "static/phone/js/two words.js")
    with pytest.raises(ValueError, match="plain name"):
        webapp.precache()
