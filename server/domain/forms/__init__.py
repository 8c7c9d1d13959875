"""Form definitions as data: the phone renders them, the server validates against them.

The JSON files are the single source; Python never restates a field list.
"""

import copy
import hashlib
import json
from functools import cache
from pathlib import Path

_DIR = Path(__file__).parent
FORM_IDS = ("annex1", "income_table")


@cache
def _raw(form_id: str) -> bytes:
    if form_id not in FORM_IDS:
        raise KeyError(form_id)
    return (_DIR / f"{form_id}.json").read_bytes()


@cache
def _parsed(form_id: str) -> dict:
    return json.loads(_raw(form_id))


def load(form_id: str) -> dict:
    """A fresh copy, so a caller that edits it cannot corrupt the cache."""
    return copy.deepcopy(_parsed(form_id))


def all_forms() -> list[dict]:
    return [load(form_id) for form_id in FORM_IDS]


def etag(form_id: str) -> str:
    """A content hash of the file, so phones re-download a form only when it changed."""
    return hashlib.sha256(_raw(form_id)).hexdigest()[:20]


def options(form_id: str, section: str, field: str) -> tuple[str, ...]:
    """A field's option values in the form's order: every list of them (a table's columns, the
    demo's draws) is read from here, so none can drift from what the phone offers."""
    for s in _parsed(form_id)["sections"]:
        if s["key"] == section:
            for f in s["fields"]:
                if f["key"] == field:
                    return tuple(o if isinstance(o, str) else o["value"] for o in f["options"])
    raise KeyError(f"{form_id}: {section}.{field}")
