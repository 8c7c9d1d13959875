"""A household's history read for review: the timeline, the last decision (what an undo takes
back) and what changed between two versions, with who changed it and on which device.

Revisions hold each version's document; a review decision names its action in its changes
(`review_action`), and a decision written before they did is read from its states and role.
"""

from server.core.errors import ApiError
from server.domain import diff as document_diff
from server.domain import workflow
from server.domain.roles import ROLE_LABELS
from server.households import checks
from server.review import queries

ACTION_KEY, STATE_KEY, COMMENTS_KEY = "review_action", "review_state", "review_comments"


def states(revision) -> tuple[str, str] | None:
    """(from, to) of the review state, for a revision that moved it (a decision, or a phone's
    edit sent for review with it)."""
    moved = (revision.changes or {}).get(STATE_KEY)
    if isinstance(moved, list) and len(moved) == 2 and all(isinstance(s, str) for s in moved):
        return moved[0], moved[1]
    return None


def action(revision) -> str | None:
    """The review action a revision made (submit, approve, undo …), None for other writes."""
    moved = states(revision)
    if moved is None:
        return None
    named = (revision.changes or {}).get(ACTION_KEY)
    if revision.kind != "review":
        return "submit" if moved[1] == "submitted" else None
    return named or workflow.action_of(revision.author_role, *moved)


def is_decision(revision) -> bool:
    return action(revision) in (*workflow.DECISIONS, "undo")


def last_decision(revisions: list, user_id: int) -> workflow.Decision | None:
    """The latest change of the review state by a decision, as the workflow's undo reads it."""
    for index in range(len(revisions) - 1, -1, -1):
        revision = revisions[index]
        moved, done = states(revision), action(revision)
        if moved is None or done is None:
            continue
        return workflow.Decision(
            action=done,
            role=revision.author_role or "",
            from_state=moved[0],
            to_state=moved[1],
            mine=revision.author_id == user_id,
            touched_since=any(r.author_id != revision.author_id for r in revisions[index + 1 :]),
        )
    return None


def timeline(revisions: list) -> list[dict]:
    """The history as the desk shows it, newest first."""
    out = []
    for r in reversed(revisions):
        changes = r.changes or {}
        moved = states(r)
        done = action(r)
        paths = [p for p in changes if p not in (STATE_KEY, ACTION_KEY, COMMENTS_KEY)]
        out.append(
            {
                "version": r.version,
                "kind": r.kind,
                "kind_label": workflow.REVISION_KINDS.get(r.kind, r.kind),
                "action": done,
                "action_label": workflow.ACTION_LABELS.get(done, "") if done else "",
                "from_state": moved[0] if moved else None,
                "to_state": moved[1] if moved else None,
                "author": r.author_name
                or ("系统" if r.author_id is None else f"用户 {r.author_id}"),
                "author_role": ROLE_LABELS.get(r.author_role, ""),
                "device_id": r.device_id,
                "device_label": r.device_label,
                "paths": len(paths) if r.kind != "create" else 0,
                "comments": len(changes.get(COMMENTS_KEY) or {}),
                "note": r.note,
                "at": r.created_at,
            }
        )
    return out


def default_range(revisions: list) -> tuple[int, int, str]:
    """(from, to, why): since the last review decision; else since the surveyor first submitted;
    else since the record was made."""
    latest = revisions[-1].version if revisions else 1
    for r in reversed(revisions):
        if is_decision(r):
            label = workflow.ACTION_LABELS.get(action(r), "审核")
            return r.version, latest, f"自上次审核决定（{label}，第 {r.version} 版）以来"
    for r in revisions:
        if action(r) == "submit":
            return r.version, latest, f"自调查员首次提交（第 {r.version} 版）以来"
    first = revisions[0].version if revisions else 1
    return first, latest, f"自建档（第 {first} 版）以来"


def what_changed(
    household_id: str, revisions: list, current: dict, low: int | None, high: int | None
) -> dict:
    """The diff between two versions (by default `default_range`), each change with the
    versions, authors and devices that made it."""
    latest = revisions[-1].version if revisions else 1
    start, end, why = default_range(revisions)
    if low is not None or high is not None:
        start, end = low if low is not None else start, high if high is not None else latest
        why = "所选两个版本之间"
    for name, value in (("from", start), ("to", end)):
        if not 1 <= value <= latest:
            raise ApiError(422, "版本号不存在", "invalid", {name: [f"应在 1 到 {latest} 之间"]})
    lo, hi = min(start, end), max(start, end)
    versions = queries.documents(household_id, lo, hi)
    if versions and versions[-1][0] == latest:
        versions[-1] = (latest, current)  # the same document, already read with the household
    documents = dict(versions)
    definition = checks.definition("annex1")
    found = document_diff.changes(definition, documents.get(start, {}), documents.get(end, {}))
    steps = versions if start <= end else versions[::-1]
    made_by = document_diff.authors(definition, steps, [c.path for c in found])
    by_version = {r.version: r for r in revisions}
    return {
        "from": start,
        "to": end,
        "why": why,
        "latest": latest,
        "versions": [_version(r) for r in revisions],
        "changes": [
            c.as_dict()
            | {"kind_label": c.kind_label, "by": [_version(by_version[v]) for v in made_by[c.path]]}
            for c in found
        ],
    }


def _version(r) -> dict:
    return {
        "version": r.version,
        "kind": r.kind,
        "kind_label": workflow.REVISION_KINDS.get(r.kind, r.kind),
        "author": r.author_name,
        "author_role": ROLE_LABELS.get(r.author_role, ""),
        "device_id": r.device_id,
        "device_label": r.device_label,
        "at": r.created_at.isoformat() if r.created_at else None,
    }
