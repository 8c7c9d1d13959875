"""The registration form (贫困农户登记表) and the handbook (扶贫手册) of a village's households.

Source 004: after the announcement the township has the village committee fill in both for every
registered household, "贫困户、村委会各执一份": printed twice, each copy marked with who keeps it.
They are for the household and the village committee, so personal data is printed in full.
Every label comes from the form definition (formfields.py); the income figures and verdicts from
the domain's summary of the stored document with the campaign's lines.
"""

from server.domain import income, notices, verdicts
from server.domain.summary import summarize
from server.reports import formfields, people_queries

COPY_MARKS = {1: ("",), 2: ("第一联（农户留存）", "第二联（村委会留存）")}
# Section A: who the household is (printed beside the head), then how it lives.
IDENTITY = (
    "phone",
    "bank",
    "bank_account",
    "standard",
    "attribute",
    "status",
    "exit_year",
    "planned_exit_year",
)
PLACE = ("group", "household_no")
# The birth date is the ID number's (and optional on the form): the grid has no room to repeat it.
REGISTRATION_MEMBER_SKIP = ("birth_date",)
# The handbook is portrait: the member grid keeps the columns a helper works with.
HANDBOOK_MEMBER_COLUMNS = (
    "name",
    "id_number",
    "sex",
    "relation",
    "education",
    "school_status",
    "health",
    "labour",
    "migrant_place",
    "migrant_months",
    "medical_insurance",
    "change_reason",
)
# The derived income figures the form definitions do not name, in the README's words (§3C); the
# household size and the per-capita income are named by the income table's definition.
ANNUAL, NET = "年收入", "家庭纯收入"
YES_NO = {True: formfields.YES, False: formfields.NO}


def cards(campaign, village, states, registered_only: bool) -> list[dict]:
    """One card per household of the village, in household-number order."""
    found = people_queries.village_documents(campaign.id, village, states, registered_only)
    return [card(document, campaign) for document in found]


def card(document: dict, campaign) -> dict:
    """Everything both documents print of one household, as (label, text) pairs and grids."""
    section = document.get("household") or {}
    members = [m for m in document.get("members") or [] if isinstance(m, dict)]
    head = next((m for m in members if m.get("relation") == "户主" and income.is_counted(m)), {})
    name_label, id_label = _member_label("name"), _member_label("id_number")
    summary = summarize(document, campaign.lines)
    return {
        "head": head.get("name") or "",
        "household_no": section.get("household_no") or "",
        "group": section.get("group") or "",
        "identity": [
            (f"户主{name_label}", head.get("name") or ""),
            (f"户主{id_label}", head.get("id_number") or ""),
            *formfields.pairs(document, "household", IDENTITY),
        ],
        "living": formfields.pairs(document, "household", skip=IDENTITY + PLACE),
        "members": formfields.grid(document, "members", skip=REGISTRATION_MEMBER_SKIP),
        "handbook_members": formfields.grid(document, "members", HANDBOOK_MEMBER_COLUMNS),
        "income": _income(document, summary),
        "guarantees": _guarantees(document),
        "causes": formfields.pairs(document, "causes"),
        "helpers": formfields.grid(document, "helpers"),
        "measures": formfields.grid(document, "measures"),
        "signoff": formfields.pairs(document, "signoff"),
        "results": _results(summary, campaign.lines),
        "planned_exit_year": formfields.pairs(document, "household", ("planned_exit_year",)),
        "sections": {
            key: formfields.section_title(key)
            for key in ("household", "members", "income", "guarantees", "causes", "helpers")
            + ("measures", "signoff")
        },
    }


def _member_label(key: str) -> str:
    return formfields.fields("members", (key,))[0]["label"]


def _income(document: dict, summary: dict) -> dict:
    """Section C by group: each group's label and sum, then its items; the totals below."""
    values = document.get("income") or {}
    groups = []
    for group_key, item_keys in income.GROUP_ITEMS.items():
        items = formfields.fields("income", item_keys)
        groups.append(
            {
                "label": items[0].get("group", ""),
                "sum": summary[group_key],
                "items": [
                    (f["label"], formfields.text(f, values.get(f["key"]), values, document))
                    for f in items
                ],
            }
        )
    cost = formfields.fields("income", ("cost_business",))[0]
    size_label, per_capita_label = formfields.income_table_labels()
    per_capita = summary["per_capita_net_income"]
    return {
        "groups": groups,
        "totals": [
            (f"{ANNUAL}（元）", summary["annual_income"]),
            (formfields.label(cost), summary["business_cost"]),
            (f"{NET}（元）", summary["net_income"]),
            (size_label, str(summary["household_size"])),
            (per_capita_label, per_capita if per_capita is not None else ""),
        ],
    }


def _guarantees(document: dict) -> list[tuple[str, str]]:
    """Section D as the verdicts read it: medical insurance and housing are derived."""
    values = verdicts.guarantee_values(document)
    return [
        (formfields.label(f), YES_NO.get(values[f["key"]], ""))
        for f in formfields.fields("guarantees")
    ]


def _results(summary: dict, lines: list[dict]) -> list[tuple[str, str]]:
    """帮扶成效: where the household's income stands against each of the campaign's lines."""
    per_capita = summary["per_capita_net_income"]
    results = []
    for line in lines or []:
        verdict = summary["lines"].get(line["key"])
        said = f"{line['label']}：人均纯收入{line['comparison']}{notices.amount(line['amount'])}元"
        results.append((said, "" if per_capita is None else formfields.YES if verdict else "否"))
    unmet = [
        formfields.label(f)
        for f in formfields.fields("guarantees")
        if f["key"] in summary["unmet_guarantees"]
    ]
    results.append(("两不愁三保障", "已达标" if not unmet else "未达标：" + "、".join(unmet)))
    if summary["monitoring_type"]:
        results.append(("监测类型", summary["monitoring_type"]))
    return results
