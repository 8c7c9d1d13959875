"""The summary shown live to the surveyor and stored with the record (CONTRIBUTING.md).

web/static/phone/js/income.js must give the same result; tests/golden/*.json pins both.
It is computed for every operation a phone pushes, so the members are filtered once (for the size
and the medical guarantee).
"""

from server.domain import income, lines, money, verdicts


def summarize(document: dict, campaign_lines: list[dict]) -> dict:
    sums = income.group_sums(document.get("income"))
    counted = income.counted_members(document.get("members"))
    figures = income.figures(sums, len(counted))
    per_capita = figures["per_capita_net_income"]
    unmet = verdicts.unmet_guarantees(document, counted)
    met = not unmet
    return {
        "household_size": figures["household_size"],
        "wage_income": money.to_str(figures["wage_income"]),
        "business_income": money.to_str(figures["business_income"]),
        "property_income": money.to_str(figures["property_income"]),
        "transfer_income": money.to_str(figures["transfer_income"]),
        "annual_income": money.to_str(figures["annual_income"]),
        "business_cost": money.to_str(figures["business_cost"]),
        "net_income": money.to_str(figures["net_income"]),
        "per_capita_net_income": None if per_capita is None else money.to_str(per_capita),
        "guarantees_met": met,
        "unmet_guarantees": unmet,
        "exit_eligible": verdicts.exit_eligible(per_capita, met, campaign_lines),
        "monitoring_type": verdicts.monitoring_type(document, per_capita, campaign_lines),
        "lines": {line["key"]: lines.satisfies(per_capita, line) for line in campaign_lines or []},
    }
