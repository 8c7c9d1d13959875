"""The phone's sources keep to what the Content-Security-Policy and escaping by default need:
HTML only from html`...` (web/static/shared/html.js), no inline script, handler or style anywhere,
and no copy of the server's review words (they come from /static/shared/labels.js).

Chromium enforces the first rule at run time (Trusted Types), but only on the screens a browser
test opens; this reads every file, so a plain string given to innerHTML on a screen no test
visits fails here."""

import re
from pathlib import Path

import pytest

from server.domain import workflow

WEB = Path(__file__).resolve().parents[2] / "web"
SCRIPTS = sorted((WEB / "static").rglob("*.js"))
SHELL = WEB / "templates" / "phone" / "app.html"
WORKER = WEB / "templates" / "phone" / "sw.js"

SINK = re.compile(r"\.innerHTML\s*=(?!=)\s*(.)|insertAdjacentHTML\(\s*[^,]+,\s*(.)")


def source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_html_reaches_the_page_only_through_the_template_tag(path):
    text = source(path)
    for match in SINK.finditer(text):
        first = match.group(1) or match.group(2)
        line = text.count("\n", 0, match.start()) + 1
        assert first not in "'\"`", f"{path.name}:{line} gives a plain string as HTML"
    if SINK.search(text) and path.name != "html.js":
        assert "import { html" in text, f"{path.name} builds HTML without html.js"
        assert "/shared/html.js'" in text, f"{path.name} builds HTML with another html.js"
    assert not re.search(r"\bouterHTML\s*=|document\.write|\bnew Function\b|\beval\(", text)
    assert not re.search(r"\bconst esc\b|\besc\(", text), "escaping lives in html.js only"


@pytest.mark.parametrize("path", [*SCRIPTS, SHELL], ids=lambda p: p.name)
def test_no_inline_style_or_handler_in_markup(path):
    text = source(path)
    assert not re.search(r"\sstyle\s*=\s*[\"']", text), "style-src forbids style attributes"
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", text), "script-src forbids handlers"


def test_the_shell_has_no_inline_script():
    text = source(SHELL)
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", text, re.S)
    assert scripts, "the shell loads its module"
    for attributes, body in scripts:
        assert "src=" in attributes and not body.strip()
    assert "<style" not in text


WORDS = {
    *workflow.STATE_LABELS.values(),
    *workflow.ROLE_LABELS.values(),
    *workflow.ACTION_LABELS.values(),
}


@pytest.mark.parametrize("path", [*SCRIPTS, SHELL, WORKER], ids=lambda p: p.name)
def test_no_copy_of_the_servers_review_words(path):
    """A state, role or action named in a literal would drift from server/domain/workflow.py."""
    text = source(path)
    for word in WORDS:
        assert not re.search(rf"['\"`>]{word}['\"`<]", text), f"{path.name} copies {word}"
