"""The golden income-and-verdict cases, computed in the browser by web/static/phone/js/income.js."""

import json
from pathlib import Path

GOLDEN = Path(__file__).parents[1] / "golden"


def test_every_golden_case_matches_in_the_browser(server, new_context):
    cases = [
        case
        for path in sorted(GOLDEN.glob("*.json"))
        for case in json.loads(path.read_text(encoding="utf-8"))
    ]
    assert len(cases) >= 40
    page = new_context().new_page()
    # Any page of the origin, without the app's start-up; not an image, which the browser would
    # style inline against the policy.
    page.goto(server + "/static/phone/js/income.js")
    results = page.evaluate(
        """async (cases) => {
          const m = await import('/static/phone/js/income.js');
          return cases.map((c) => m.summarize(c.document, c.lines));
        }""",
        cases,
    )
    failures = [
        (case["name"], got, case["expected"])
        for case, got in zip(cases, results, strict=True)
        if got != case["expected"]
    ]
    assert not failures, failures[:3]


def _variants(doc):
    """A seeded document and broken or edited copies of it, one rule each."""
    import copy

    out = [doc]

    def variant(fn):
        d = copy.deepcopy(doc)
        fn(d)
        out.append(d)

    def bad_check_char(d):
        n = d["members"][0]["id_number"]
        d["members"][0]["id_number"] = n[:17] + ("0" if n[17] != "0" else "1")

    def second_head(d):
        d["members"].append(dict(d["members"][0], id="00000000-0000-4000-8000-00000000beef"))

    variant(bad_check_char)
    variant(lambda d: d["household"].update(phone="12345"))
    variant(lambda d: d["household"].pop("status", None))
    variant(lambda d: d["income"].update(wage_migrant="12.345", wage_local="250"))
    variant(second_head)
    variant(lambda d: d["causes"].update(main_cause="因病", other_causes=["因病", "缺技术"]))
    variant(lambda d: d["members"][0].update(sex="女" if d["members"][0]["sex"] == "男" else "男"))
    variant(lambda d: d["household"].update(foo=1))
    variant(lambda d: d["household"].update(land_returned="99", land_forest="1"))
    variant(lambda d: d["members"][0].update(health=["健康", "残疾"]))
    variant(lambda d: d["signoff"].update(gps={"lat": 95, "lng": 1}))
    variant(lambda d: d["members"].pop())
    variant(lambda d: d["income"].update(transfer_dibao="150", business_farming="800"))
    return out


def test_validation_and_change_paths_agree_with_the_server(server, new_context, api):
    """validate.js and paths.js give what server/domain/validation.py and sync/paths.py give."""
    from server.domain import forms
    from server.domain.validation import validate
    from server.sync import paths

    records = api.get(f"{api.base}/api/sync/pull?limit=500", timeout=10).json()["records"]
    definition = forms.load("annex1")
    docs = [v for rec in records[:8] for v in _variants(rec["document"])]
    pairs = [
        (records[i]["document"], d) for i in range(8) for d in _variants(records[i]["document"])
    ]
    page = new_context().new_page()
    page.goto(server + "/static/phone/js/income.js")
    js = page.evaluate(
        """async ([def, docs, pairs]) => {
          const v = await import('/static/phone/js/validate.js');
          const p = await import('/static/phone/js/paths.js');
          return [docs.map((d) => v.validate(def, d)),
                  pairs.map(([a, b]) => Object.entries(p.diff(a, b)))];
        }""",
        [definition, docs, pairs],
    )
    for doc, got in zip(docs, js[0], strict=True):
        assert got == validate(definition, doc), doc
    for (a, b), got in zip(pairs, js[1], strict=True):
        assert got == [list(kv) for kv in paths.diff(a, b).items()]


def test_a_draft_edit_of_a_row_deleted_on_the_server_is_kept(server, new_context):
    """Rebasing a draft on a server record that lost a row keeps the surveyor's row whole."""
    page = new_context().new_page()
    page.goto(server + "/static/phone/js/income.js")
    doc = page.evaluate(
        """async () => {
          const p = await import('/static/phone/js/paths.js');
          const old = {members: [{id: 'm1', name: '甲'}, {id: 'm2', name: '乙'}]};
          const draft = {members: [{id: 'm1', name: '甲'}, {id: 'm2', name: '乙二', sex: '女'}]};
          const server = {members: [{id: 'm1', name: '甲'}]};  // m2 deleted on the server
          const local = p.diff(old, draft);
          return p.apply(server, p.keepOrphanRows(local, server, draft));
        }"""
    )
    assert doc["members"] == [
        {"id": "m1", "name": "甲"},
        {"id": "m2", "name": "乙二", "sex": "女"},
    ]
