"""Every worked case in tests/golden/ (the browser checks the same files against income.js)."""

import json
from pathlib import Path

import pytest

from server.domain.summary import summarize

GOLDEN = Path(__file__).parents[1] / "golden"
CASES = [
    pytest.param(case, id=f"{path.stem}: {case['name']}")
    for path in sorted(GOLDEN.glob("*.json"))
    for case in json.loads(path.read_text(encoding="utf-8"))
]


def test_there_are_enough_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case):
    assert summarize(case["document"], case["lines"]) == case["expected"]


@pytest.mark.parametrize("case", CASES)
def test_expected_has_the_contract_shape(case):
    assert list(case["expected"]) == [
        "household_size", "wage_income", "business_income", "property_income", "transfer_income",
        "annual_income", "business_cost", "net_income", "per_capita_net_income", "guarantees_met",
        "unmet_guarantees", "exit_eligible", "monitoring_type", "lines",
    ]  # fmt: skip
    assert set(case["expected"]["lines"]) == {line["key"] for line in case["lines"]}


def test_the_contracts_summary_example_is_a_golden_case():
    """CONTRIBUTING.md's worked summary is the golden contract example, figure for figure."""
    text = (GOLDEN.parents[1] / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("### The summary", 1)[1]
    example = json.loads(section.split("```json", 1)[1].split("```", 1)[0])
    [case] = [c for c in CASES if c.values[0]["name"].startswith("contract example")]
    assert example == case.values[0]["expected"]
