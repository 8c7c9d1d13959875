"""Writing a household: every accepted change goes through `save()`.

`save()` recomputes what is derived from the document (income, verdicts, the columns the county
adds up, the member projection), bumps the version, writes the immutable revision, and bumps the
change sequence last. It runs inside the caller's transaction and never commits.
"""

from datetime import UTC, datetime
from functools import cache

from server import store
from server.domain import forms
from server.domain.income import is_counted
from server.domain.summary import summarize
from server.domain.validation import validate
from server.models import Campaign, Household


def now() -> datetime:
    return datetime.now(UTC)


@cache
def definition(form_id: str) -> dict:
    """The form definition, parsed and copied once per process: validation only reads it.

    `forms.load` hands every caller a deep copy (so an editor cannot corrupt its cache); on the
    sync path that copy cost more than the validation itself, for every operation.
    """
    return forms.load(form_id)


def check(
    document: dict, *, complete: bool = False, form_id: str = "annex1"
) -> tuple[list[dict], list[dict]]:
    """(errors, warnings) of a document against its form definition.

    A draft may be incomplete (a half-filled questionnaire must still reach the server, so nothing
    typed is lost); what is there must be well-formed. Submitting for review asks for completeness.
    """
    messages = validate(definition(form_id), document, check_required=complete)
    errors = [m for m in messages if m["severity"] == "error"]
    warnings = [m for m in messages if m["severity"] != "error"]
    return errors, warnings


@cache
def _attachment_fields(form_id: str = "annex1") -> tuple[tuple[str, bool, str], ...]:
    """(section, is a repeat section, field) of every attachment field."""
    return tuple(
        (section["key"], section["kind"] == "repeat", f["key"])
        for section in definition(form_id)["sections"]
        for f in section["fields"]
        if f["type"] == "attachment"
    )


def attachments_to_link(household_id: str, document: dict) -> tuple[list[str], list[dict]]:
    """(attachments to link to this household, errors): a record never points at nothing.

    An attachment is uploaded on its own before the record that names it; one that the server
    does not have, or that belongs to another household, is an error on the field that names it.
    """
    wanted: dict[str, str] = {}
    for section, repeat, key in _attachment_fields():
        if repeat:
            for row in document.get(section) or []:
                if isinstance(row, dict) and row.get(key):
                    wanted[str(row[key])] = f"{section}.{row.get('id')}.{key}"
        elif (document.get(section) or {}).get(key):
            wanted[str(document[section][key])] = f"{section}.{key}"
    owners = store.attachment_owners(list(wanted))
    errors = []
    for attachment_id, path in wanted.items():
        if attachment_id not in owners:
            errors.append(
                {
                    "path": path,
                    "message": "附件尚未上传，请稍后重试同步",
                    "severity": "error",
                    "code": "missing",
                }
            )
        elif owners[attachment_id] not in (None, household_id):
            errors.append(
                {"path": path, "message": "附件属于另一户", "severity": "error", "code": "foreign"}
            )
    return [a for a in wanted if owners.get(a, household_id) is None], errors


def needs_completeness(review_state: str | None, submitting: bool = False) -> bool:
    return submitting or review_state == "submitted"


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


def derived_columns(document: dict, lines: list[dict]) -> dict:
    """Every household column computed from the document: what the county adds up in SQL."""
    summary = summarize(document, lines or [])
    head = _head(document.get("members") or [])
    section = document.get("household") or {}
    return {
        "summary": summary,
        "household_no": section.get("household_no"),
        "head_name": head.get("name"),
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


def apply_derived(hh: Household, document: dict, campaign: Campaign) -> dict:
    """Set the document and every column derived from it; return the summary."""
    hh.document = document
    for column, value in derived_columns(document, campaign.lines).items():
        setattr(hh, column, value)
    return hh.summary


def save(
    hh: Household,
    document: dict,
    campaign: Campaign,
    *,
    user_id: int | None,
    kind: str,
    changes: dict,
    base_version: int,
    device_id: str | None = None,
    op_id: str | None = None,
    result: dict | None = None,
    note: str | None = None,
) -> None:
    """Write a new version of `hh` (already added to the session when new)."""
    old = None if kind == "create" else member_rows((hh.document or {}).get("members") or [])
    apply_derived(hh, document, campaign)
    hh.version = (hh.version or 0) + 1 if kind != "create" else 1
    hh.updated_at = now()
    hh.updated_by = user_id
    touch(hh)
    new_members = member_rows(document.get("members") or [])
    if new_members != old:
        store.replace_members(hh.id, new_members)
    store.add_revision(
        household_id=hh.id,
        version=hh.version,
        base_version=base_version,
        kind=kind,
        author_id=user_id,
        device_id=device_id,
        op_id=op_id,
        changes=changes,
        document=document,
        result=result,
        note=note,
        created_at=hh.updated_at,
    )


def touch(hh: Household) -> None:
    """Mark a household changed for pull, and write it.

    The change counter's row stays locked until commit, so sequence order is commit order and a
    pull cursor never skips a change (on SQLite the write lock does the same).
    """
    from server.extensions import db

    hh.change_seq = store.next_change_seq()
    db.session.flush()
