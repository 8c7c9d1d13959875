"""A household as the reviewer reads it: sections A–G in the questionnaire's order and words,
the income worked out, the warnings beside their fields, the history, what changed, and what the
reviewer may do with it. One read of the household, its history and the two versions compared.
"""

from server.campaigns import queries as campaigns
from server.core.errors import ApiError
from server.domain import display, explain, workflow
from server.domain.income import is_counted
from server.domain.verdicts import guarantee_values
from server.domain.workflow import WorkflowError
from server.households import checks, queries
from server.identity import queries as areas
from server.identity.access import require_household
from server.models import User
from server.review import history
from server.review import queries as review_queries
from server.review.service import CORRECTABLE, CORRECTORS

# A repeat section with more fields than this is shown turned: one column per row (a member's
# twenty-five answers side by side, as the paper register has them), which fits an office screen.
TURN_AFTER = 8
REVIEWED_STATES = frozenset({"submitted", "held", "approved", "accepted"})


def load(user: User, household_id: str, low: int | None = None, high: int | None = None) -> dict:
    hh = require_household(user, queries.get_household(household_id))
    if hh.deleted:
        raise ApiError(404, "该户已删除", "deleted")
    definition = checks.definition("annex1")
    document = hh.document or {}
    errors, warnings = checks.check(document, complete=hh.review_state in REVIEWED_STATES)
    messages: dict[str, list[dict]] = {}
    for m in errors + warnings:
        messages.setdefault(m["path"], []).append(m)
    comments = hh.review_comments or {}
    campaign = campaigns.get_campaign(hh.campaign_id)
    lines = (campaign.lines if campaign else None) or []
    revisions = review_queries.history(hh.id)
    village = areas.get_area(hh.village_id)
    township = areas.get_area(hh.township_id)
    return {
        "household": hh,
        "village": village.name if village else "",
        "township": township.name if township else "",
        "campaign": campaign,
        "sections": sections(definition, document, messages, comments),
        "arithmetic": explain.income_arithmetic(document, lines),
        "summary": hh.summary or {},
        "errors": errors,
        "warnings": warnings,
        "comments": [
            {"path": p, "label": display.path_label(definition, p, document), "text": t}
            for p, t in comments.items()
        ],
        "signoff": signoff(document),
        "timeline": history.timeline(revisions),
        "diff": history.what_changed(hh.id, revisions, document, low, high),
        "actions": actions(user, hh.review_state),
        "undo": undo_label(user, hh.review_state, revisions),
        "comment_groups": display.field_groups(definition, document, sections_too=True),
        "correct_groups": correct_groups(definition, document),
        "can_correct": user.role in CORRECTORS and hh.review_state in CORRECTABLE,
        "unmet": _unmet_labels(definition, hh.summary or {}),
        "open_conflicts": review_queries.count_open_conflicts(hh.id) if hh.conflict_open else 0,
    }


def correct_groups(definition: dict, document: dict) -> list[dict]:
    """The fields a reviewer may correct, each with its value as typed back into a text box."""
    out = []
    for group in display.field_groups(definition, document):
        options = [
            (path, label, display.input_text(f, _value_at(document, path)))
            for path, label, f in group["options"]
            if f["type"] not in ("attachment", "gps")
        ]
        if options:
            out.append({"label": group["label"], "options": options})
    return out


def _value_at(document: dict, path: str):
    """The value a field path names (its row known to exist): read, not copied."""
    parts = path.split(".")
    if len(parts) == 2:
        return (document.get(parts[0]) or {}).get(parts[1])
    row = display.row_by_id(document, parts[0], parts[1]) or {}
    return row.get(parts[2])


def _unmet_labels(definition: dict, summary: dict) -> list[str]:
    section = display.section(definition, "guarantees") or {"fields": []}
    labels = {f["key"]: f["label"] for f in section["fields"]}
    return [labels.get(k, k) for k in summary.get("unmet_guarantees") or []]


# What the desk offers beside the record, in the order of the buttons.
DESK_ACTIONS = ("approve", "accept", "return", "hold", "reopen", "reopen_review")


def actions(user: User, state: str) -> list[str]:
    allowed = workflow.actions_for(user.role, state)
    return [a for a in DESK_ACTIONS if a in allowed]


def undo_label(user: User, state: str, revisions: list) -> str | None:
    """ "撤销“审核通过”" when the user may take back the last decision, else None."""
    last = history.last_decision(revisions, user.id)
    try:
        workflow.undo(user.role, state, last)
    except WorkflowError:
        return None
    return f"撤销“{workflow.ACTION_LABELS[last.action]}”"


def signoff(document: dict) -> dict:
    section = document.get("signoff") or {}
    gps = section.get("gps") if isinstance(section.get("gps"), dict) else None
    return {
        "surveyor": section.get("surveyor"),
        "visit_date": section.get("visit_date"),
        "signature": section.get("signature"),
        "photo": section.get("photo"),
        "gps": gps,
        "gps_text": display.gps_text(gps) if gps else "",
        "map_url": (
            f"https://www.openstreetmap.org/?mlat={gps['lat']}&mlon={gps['lng']}"
            f"#map=17/{gps['lat']}/{gps['lng']}"
            if gps
            else None
        ),
    }


def sections(definition: dict, document: dict, messages: dict, comments: dict) -> list[dict]:
    """Every section of the form with its answers in words, messages and comments beside them."""
    out = []
    for sec in definition["sections"]:
        value = document.get(sec["key"])
        item = {
            "key": sec["key"],
            "title": sec["title"],
            "kind": sec["kind"],
            "messages": messages.get(sec["key"], []),
            "comment": comments.get(sec["key"]),
        }
        if sec["kind"] == "group":
            item["groups"] = _groups(
                sec, value if isinstance(value, dict) else {}, document, messages, comments
            )
        else:
            rows = [r for r in (value or []) if isinstance(r, dict)]
            item |= _table(sec, rows, document, messages, comments)
        out.append(item)
    return out


def _cell(f: dict, path: str, value, document: dict, messages: dict, comments: dict) -> dict:
    return {
        "path": path,
        "label": f["label"],
        "text": display.value_text(f, value, document),
        "hint": f.get("hint"),
        "computed": bool(f.get("computed")),
        "messages": messages.get(path, []),
        "comment": comments.get(path),
    }


def _groups(sec, values: dict, document, messages, comments) -> list[dict]:
    """The fields of a group section under the form's sub-headings (土地, 住房 …)."""
    groups: list[dict] = []
    for f in sec["fields"]:
        path = f"{sec['key']}.{f['key']}"
        if f.get("computed"):
            value = _computed(f["key"], document)
        else:
            value = values.get(f["key"])
        if f["type"] in ("attachment", "gps") and sec["key"] == "signoff":
            continue  # shown as the picture and the point beside the section
        heading = f.get("group") or ""
        if not groups or groups[-1]["heading"] != heading:
            groups.append({"heading": heading, "fields": []})
        groups[-1]["fields"].append(_cell(f, path, value, document, messages, comments))
    return groups


def _computed(key: str, document: dict):
    return guarantee_values(document).get(key)


def _table(sec, rows: list[dict], document, messages, comments) -> dict:
    fields = sec["fields"]
    heads = [
        {
            "id": row.get("id"),
            "title": display.row_title(sec, row, n),
            "counted": sec["key"] != "members" or is_counted(row),
            "messages": messages.get(f"{sec['key']}.{row.get('id')}", []),
            "comment": comments.get(f"{sec['key']}.{row.get('id')}"),
        }
        for n, row in enumerate(rows)
    ]
    grid = [
        [
            _cell(
                f,
                f"{sec['key']}.{row.get('id')}.{f['key']}",
                row.get(f["key"]),
                document,
                messages,
                comments,
            )
            for f in fields
        ]
        for row in rows
    ]
    turned = len(fields) > TURN_AFTER
    return {
        "turned": turned,
        "heads": heads,
        "fields": [{"label": f["label"], "group": f.get("group") or ""} for f in fields],
        # turned: one line per field, a cell per row; else one line per row, a cell per field
        "lines": [[grid[r][c] for r in range(len(rows))] for c in range(len(fields))]
        if turned
        else grid,
    }
