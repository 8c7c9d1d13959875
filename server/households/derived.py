"""What a household's columns hold besides its document: derived from it, never typed.

The county adds these up in SQL (income, verdicts, causes, the member projection), so every
writer stores them from the same functions, and so does the demo seeder.
"""

from datetime import UTC, datetime
from functools import lru_cache

from server.domain import flags
from server.domain.income import is_counted
from server.domain.summary import summarize
from server.domain.verdicts import POOR_STATUS


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
            "education": m.get("education"),
            "school_status": m.get("school_status"),
            "health": flags.health_mask(m.get("health")),
        }
        for m in members
        if m.get("id")
    ]


SEARCH_KEYS_MAX = 400  # the column's width: a large household's names are cut, the head's kept


@lru_cache(maxsize=65536)
def _reading(char: str) -> tuple[str, str, bool]:
    """(full pinyin, initial, whether it has more than one reading) of one character."""
    # Imported here: its readings take 50 MB, which a process that reads no name never needs.
    from pypinyin import Style, lazy_pinyin, pinyin

    full = "".join(lazy_pinyin(char, errors="ignore")).lower()
    initial = "".join(lazy_pinyin(char, style=Style.FIRST_LETTER, errors="ignore")).lower()
    readings = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return full, initial, bool(readings) and len(readings[0]) > 1


@lru_cache(maxsize=16384)
def _in_context(name: str) -> tuple[str, str]:
    from pypinyin import Style, lazy_pinyin

    full = "".join(lazy_pinyin(name, errors="ignore")).lower()
    return full, "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()


def _pinyin_of(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name. Read character by character, each remembered (a county's
    names use a few thousand): asking pypinyin for every name of every pushed household cost ten
    times the rest of the derived columns (bench/summary_speed.py). A name with a character of
    several readings (朝阳, 行会) is read whole, so pypinyin's phrases choose the reading."""
    readings = [_reading(c) for c in name]
    if any(r[2] for r in readings):
        return _in_context(name)
    return "".join(r[0] for r in readings), "".join(r[1] for r in readings)


def search_keys(members: list[dict]) -> str:
    """The members' names as typed on a pinyin keyboard: full pinyin and initials, head first
    ("杨明亮" -> "yangmingliang yml"), so the phone finds a household by either. pypinyin knows
    the readings (surnames included); the phone only matches the text."""
    names = [m.get("name") for m in sorted(members, key=lambda m: m.get("relation") != "户主")]
    keys = []
    for name in names:
        if not isinstance(name, str) or not name.strip():
            continue
        full, initials = _pinyin_of(name)
        for key in (full, initials):
            if key and key not in keys:
                keys.append(key)
    text = " ".join(keys)
    return text[:SEARCH_KEYS_MAX].rsplit(" ", 1)[0] if len(text) > SEARCH_KEYS_MAX else text


GROUP_MAX = 30  # the column's width, as the form's field allows


def _text(value, width: int) -> str | None:
    return value[:width] if isinstance(value, str) and value else None


def verdict_columns(document: dict, lines: list[dict]) -> dict:
    """The columns that depend on the campaign's lines as well as the document: what changes
    when a line does."""
    summary = summarize(document, lines or [])
    return {
        "summary": summary,
        "exit_eligible": summary["exit_eligible"],
        "monitoring_type": summary["monitoring_type"],
        "line_flags": summary["lines"],
    }


VERDICT_COLUMNS = ("summary", "exit_eligible", "monitoring_type", "line_flags")


def derived_columns(document: dict, lines: list[dict]) -> dict:
    """Every household column computed from the document: what the county adds up in SQL."""
    summary = summarize(document, lines or [])
    head = _head(document.get("members") or [])
    section = document.get("household") or {}
    signoff = document.get("signoff") or {}
    return {
        "summary": summary,
        "household_no": section.get("household_no"),
        "group_name": _text(section.get("group"), GROUP_MAX),
        # The surveyor signs the visit with its date at the door (section G): a household without
        # one has not been visited in this campaign, whatever else has been typed or carried over.
        "visited": bool(signoff.get("visit_date")),
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
        # asked of a 未脱贫 household only: a value left from another status is not read
        "register_change": section.get("register_change")
        if section.get("status") == POOR_STATUS
        else None,
        "wage_income": summary["wage_income"],
        "business_income": summary["business_income"],
        "property_income": summary["property_income"],
        "transfer_income": summary["transfer_income"],
        "unmet_guarantees": flags.guarantees_mask(summary["unmet_guarantees"]),
        "visit_date": _visit_date(document),
    }


def _visit_date(document: dict) -> str | None:
    """The sign-off's visit date ("2020-10-12", checked as a date by the form), or None."""
    value = (document.get("signoff") or {}).get("visit_date")
    return value if isinstance(value, str) and len(value) == 10 else None
