"""What a household's columns hold besides its document: derived from it, never typed.

The county adds these up in SQL (income, verdicts, causes, the member projection), so every
writer stores them from the same functions, and so does the demo seeder.
"""

from datetime import UTC, datetime

from pypinyin import Style, lazy_pinyin

from server.domain.income import is_counted
from server.domain.summary import summarize


def now() -> datetime:
    return datetime.now(UTC)


def _head(members: list[dict]) -> dict:
    for m in members:
        if m.get("relation") == "户主" and is_counted(m):
            return m
    return {}


def member_rows(members: list[dict]) -> list[dict]:
    """The member projection of a document (without the household id)."""
    return [
        {
            "id": m["id"],
            "name": m.get("name"),
            "id_number": (m.get("id_number") or None),
            "sex": m.get("sex"),
            "relation": m.get("relation"),
            "labour": m.get("labour"),
            "counted": is_counted(m),
        }
        for m in members
        if m.get("id")
    ]


SEARCH_KEYS_MAX = 400  # the column's width: a large household's names are cut, the head's kept


def search_keys(members: list[dict]) -> str:
    """The members' names as typed on a pinyin keyboard: full pinyin and initials, head first
    ("杨明亮" -> "yangmingliang yml"), so the phone finds a household by either. pypinyin knows
    the readings (surnames included); the phone only matches the text."""
    names = [m.get("name") for m in sorted(members, key=lambda m: m.get("relation") != "户主")]
    keys = []
    for name in names:
        if not isinstance(name, str) or not name.strip():
            continue
        full = "".join(lazy_pinyin(name, errors="ignore")).lower()
        initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()
        for key in (full, initials):
            if key and key not in keys:
                keys.append(key)
    text = " ".join(keys)
    return text[:SEARCH_KEYS_MAX].rsplit(" ", 1)[0] if len(text) > SEARCH_KEYS_MAX else text


def derived_columns(document: dict, lines: list[dict]) -> dict:
    """Every household column computed from the document: what the county adds up in SQL."""
    summary = summarize(document, lines or [])
    head = _head(document.get("members") or [])
    section = document.get("household") or {}
    return {
        "summary": summary,
        "household_no": section.get("household_no"),
        "head_name": head.get("name"),
        "search_keys": search_keys(document.get("members") or []),
        "head_id_number": head.get("id_number") or None,
        "status": section.get("status"),
        "poverty_attribute": section.get("attribute"),
        "main_cause": (document.get("causes") or {}).get("main_cause"),
        "household_size": summary["household_size"],
        "annual_income": summary["annual_income"],
        "net_income": summary["net_income"],
        "per_capita_net_income": summary["per_capita_net_income"],
        "guarantees_met": summary["guarantees_met"],
        "exit_eligible": summary["exit_eligible"],
        "monitoring_type": summary["monitoring_type"],
        "line_flags": summary["lines"],
    }
