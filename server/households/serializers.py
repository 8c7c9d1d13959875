"""A household as the API and the phone see it: one list of fields for the REST answers and the
pull, so the two can never disagree."""

import json

from server.core.serialize import pick

#: The record's metadata, beside its document: what a list shows without opening the record.
META = (
    "id",
    "village_id",
    "campaign_id",
    "version",
    "review_state",
    "review_note",
    "review_comments",
    "conflict_open",
    "parallel_note",
    "household_no",
    "head_name",
    "search_keys",
    "household_size",
    "per_capita_net_income",
    "monitoring_type",
    "exit_eligible",
    "line_flags",
    "updated_at",
)
#: What the pull reads of each changed household besides its JSON columns.
PULL_COLUMNS = (*META, "change_seq", "deleted")
#: What a phone keeps of a pulled household beside its document (pull format 2): it computes the
#: figures, the verdicts and the list's fields itself, from the document and the campaign's lines.
PHONE_META = (
    "id",
    "village_id",
    "campaign_id",
    "version",
    "review_state",
    "review_note",
    "review_comments",
    "conflict_open",
    "search_keys",
    "updated_at",
)


def household_meta(h) -> dict:
    """The metadata of a household row or ORM object, as sent on the wire."""
    out = pick(h, META)
    income = out["per_capita_net_income"]
    out["per_capita_net_income"] = None if income is None else f"{income:.2f}"
    out["lines"] = out.pop("line_flags")
    return out


def household_out(hh, *, full: bool = True) -> dict:
    out = household_meta(hh)
    if full:
        out["document"] = hh.document
        out["summary"] = hh.summary
    return out


def pulled_household(row, conflicts: list[dict] = (), *, lean: bool = False) -> str:
    """One household as JSON text (the shape of `household_out`, with its `conflicts`), its
    document passed through as stored: a village is a megabyte of documents, and parsing them
    only to print them again would cost more than the rest of the pull. `lean`: only what a phone
    keeps (PHONE_META, the conflicts and the document), a sixth fewer bytes on the wire."""
    meta = pick(row, PHONE_META) if lean else household_meta(row)
    meta["conflicts"] = list(conflicts)
    meta = json.dumps(meta, ensure_ascii=False, separators=(",", ":"))
    if lean:
        return f'{meta[:-1]},"document":{row.document_json}}}'
    summary = row.summary_json or "{}"
    return f'{meta[:-1]},"document":{row.document_json},"summary":{summary}}}'


def revision_out(r) -> dict:
    names = ("version", "base_version", "kind", "author_id", "device_id", "op_id", "changes")
    return pick(r, (*names, "note", "created_at"))


def phone_conflict(c) -> dict:
    """A conflict as the phone keeps it: both values, whose device, and what was decided
    (`resolution`: {choice: server|device|value, value: what the field holds after it})."""
    return pick(
        c,
        ("id", "path", "device_id", "device_user_name", "resolved_at", "resolution"),
        base="base_value",
        server="server_value",
        device="device_value",
        at="created_at",
    )
