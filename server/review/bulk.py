"""Approving many households at once: a selection, or every household a queue filter matches.

Each approved household is a new version like any single decision (the one writer, a revision of
kind "review" each), written in chunks: each chunk one write transaction that locks its rows,
reads them again and decides on what it read, so a record that moved meanwhile (a phone's push,
another reviewer) is judged as it is now. Between chunks the write lock is free, and phones keep
syncing while a thousand records are approved.

A household that cannot be approved is counted, by reason, and left as it was: its state is not
one approval starts from (workflow.ACTIONS), it has an open conflict, or its questionnaire has
errors (checked as complete, the writer's stored `error_count`).
"""

from collections import Counter
from dataclasses import dataclass, field

from server.campaigns import queries as campaigns
from server.core.database import write_transaction
from server.core.errors import ApiError
from server.domain.workflow import WorkflowError, transition
from server.households import checks, queries, writer
from server.identity.access import visible_village_ids
from server.models import User
from server.review import queries as review_queries
from server.review import queue

MAX = 5000  # households per request: a county's whole township would hold the desk too long
CHUNK = 250  # households per write transaction

# reason -> what the desk says after "N 户"
REASONS = {
    "state": "状态不是已提交",
    "conflict": "有未处理的冲突",
    "errors": "问卷有错误",
    "not_found": "不存在或不在您的负责范围内",
}


@dataclass
class Outcome:
    approved: int = 0
    refused: Counter = field(default_factory=Counter)

    def messages(self) -> list[str]:
        """ "3 户有未处理的冲突", one per reason, in the order of REASONS."""
        return [f"{self.refused[r]} 户{text}" for r, text in REASONS.items() if self.refused[r]]

    def out(self) -> dict:
        return {
            "approved": self.approved,
            "refused": {r: self.refused[r] for r in REASONS},
            "messages": self.messages(),
        }


def reason(role: str, state: str, conflict_open: bool, error_count: int) -> str | None:
    """Why a household cannot be approved by `role`, or None when it can."""
    try:
        transition(role, state, "approve")
    except WorkflowError:
        return "state"
    if conflict_open:
        return "conflict"
    if error_count:
        return "errors"
    return None


def approve(
    user: User, *, ids: list[str] | None = None, filters: queue.Filters | None = None
) -> Outcome:
    """Approve the households `ids` (of those the user sees), or every one `filters` match."""
    outcome = Outcome()
    if ids is not None:
        wanted = list(dict.fromkeys(ids))
        found = _candidates(user, wanted)
        outcome.refused["not_found"] = len(wanted) - len(found)
    else:
        found = queue.matching(user, filters or queue.Filters())
    approvable = []
    for row in found:
        why = reason(user.role, row.review_state, row.conflict_open, row.error_count)
        if why:
            outcome.refused[why] += 1
        else:
            approvable.append(row.id)
    if len(approvable) > MAX:
        message = f"一次最多批量通过 {MAX} 户（本次 {len(approvable)} 户），请缩小筛选范围"
        raise ApiError(422, message, "too_many", {"filter": [message]})
    for start in range(0, len(approvable), CHUNK):
        _approve_chunk(user, sorted(approvable[start : start + CHUNK]), outcome)
    return outcome


def _candidates(user: User, ids: list[str]) -> list:
    """(id, state, conflict, errors) of the households among `ids` that the user sees."""
    villages = visible_village_ids(user)
    if not ids or not villages:
        return []
    return review_queries.review_rows(ids, villages)


def _approve_chunk(user: User, ids: list[str], outcome: Outcome) -> None:
    """Lock, read again, decide and write one chunk in one transaction."""
    lines: dict[int, list] = {}
    with write_transaction():
        queries.lock_versions(ids)
        rows = queries.household_rows(ids)
        counts = review_queries.quality_counts(ids)
        writes = []
        for household_id in ids:
            row = rows.get(household_id)
            if row is None or row.deleted:
                outcome.refused["not_found"] += 1
                continue
            errors, warnings = counts[household_id]
            why = reason(user.role, row.review_state, row.conflict_open, errors)
            if why:
                outcome.refused[why] += 1
                continue
            if row.campaign_id not in lines:
                lines[row.campaign_id] = campaigns.campaign_lines(row.campaign_id) or []
            writes.append(
                writer.new_version(
                    row,
                    row.document,
                    lines=lines[row.campaign_id],
                    author_id=user.id,
                    kind="review",
                    changes={"review_state": [row.review_state, "approved"]},
                    base_version=row.version,
                    state={"review_state": "approved", "review_note": None},
                    # The same document, without errors: its warnings are those stored.
                    checked=checks.Checked(0, warnings, complete=False),
                )
            )
        writer.write(writes)
    outcome.approved += len(writes)
