"""The golden income-and-verdict cases, computed in the browser by web/static/js/income.js."""

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
    page.goto(server + "/static/icons/icon-192.png")  # same origin, no app start-up needed
    results = page.evaluate(
        """async (cases) => {
          const m = await import('/static/js/income.js');
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
