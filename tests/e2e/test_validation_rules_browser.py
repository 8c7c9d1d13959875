"""The phone refuses what the server refuses, in the same words: validate.js and validation.py
on every bad value of tests/sync/bad_values.py (the values push and REST are tested with), on
row ids that are not UUIDs, and on the form's maximum amount."""

import copy
import datetime as dt

from server.domain import forms
from server.domain.validation import validate
from server.sync.paths import apply
from tests.api.conftest import fresh_document
from tests.sync.bad_values import BAD_ROW_IDS, CASES, fill, row_ids


def _documents() -> list[dict]:
    base = fresh_document()
    ids = row_ids(base)
    docs = [base, *(apply(base, fill(changes, ids)) for changes, _ in CASES)]
    for bad in BAD_ROW_IDS:
        doc = copy.deepcopy(base)
        doc["helpers"].append(dict(doc["helpers"][0], id=bad))
        docs.append(doc)
    for amount in ("10000000.00", "10000000.01", 10**7, 10**7 + 1, 10**30):
        doc = copy.deepcopy(base)
        doc["income"]["wage_local"] = amount
        docs.append(doc)
    return docs


def test_validate_js_gives_the_servers_messages_for_bad_values(server, new_context):
    definition = forms.load("annex1")
    docs = _documents()
    page = new_context().new_page()
    page.goto(server + "/static/phone/js/income.js")  # same origin, no start-up, no inline style
    got = page.evaluate(
        """async ([def, docs]) => {
          const v = await import('/static/phone/js/validate.js');
          return docs.map((d) => v.validate(def, d, { today: new Date(2020, 9, 12) }));
        }""",
        [definition, docs],
    )
    on = dt.date(2020, 10, 12)
    differ = [
        (doc, messages)
        for doc, messages in zip(docs, got, strict=True)
        if messages != validate(definition, doc, reference_date=on)
    ]
    assert not differ, differ[:2]
    assert sum(1 for messages in got if any(m["severity"] == "error" for m in messages)) >= len(
        CASES
    )
