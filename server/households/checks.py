"""Whether a document may be stored: its form's rules, its completeness, its attachments."""

from dataclasses import dataclass
from functools import cache

from server.domain import forms
from server.domain.validation import validate
from server.households import queries


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


#: The review states whose records wait for a decision: checked as complete, as a submission is.
COMPLETE_STATES = frozenset({"submitted", "held"})


@dataclass(frozen=True)
class Checked:
    """How many errors and warnings a writer's caller found in the document it writes, and
    whether it checked it as complete: the writer then need not check it again."""

    errors: int
    warnings: int
    complete: bool


def quality(document: dict, review_state: str, checked: Checked | None = None) -> dict:
    """The columns a reviewer's lists read without opening a record: the document's errors and
    plausibility warnings, the errors as its state asks (complete for a record waiting for a
    decision, as a draft otherwise; warnings are the same either way). The one writer stores them
    with every version, so a township is filtered and counted in SQL, never by checking
    documents at request time. A caller that has just checked the document in that mode passes
    what it found (`checked`): a push checks every document it writes, and checking it twice
    would cost a fifth of the push again."""
    complete = review_state in COMPLETE_STATES
    if checked is None or checked.complete != complete:
        errors, warnings = check(document, complete=complete)
        checked = Checked(len(errors), len(warnings), complete)
    return {"error_count": checked.errors, "warning_count": checked.warnings}


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
    owners = queries.attachment_owners(list(wanted))
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
