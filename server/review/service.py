"""Township review and county acceptance: a decision moves a record between review states, and is
a new version like any other write (the same writer, a revision of kind "review")."""

from server.campaigns import queries as campaigns
from server.core.database import write_transaction
from server.core.errors import ApiError, fields_from_messages
from server.domain.workflow import WorkflowError, transition
from server.households import checks, queries, writer
from server.identity.access import require_household
from server.models import User
from server.review.villages import guard_decision

NEEDS_REASON = ("return", "reopen")


def decide(user: User, household_id: str, action: str, note: str | None) -> None:
    """Apply a review `action` to a household, with the reviewer's `note`."""
    if action in NEEDS_REASON and not (note or "").strip():
        raise ApiError(422, "退回时请填写原因", "invalid", {"note": ["退回时请填写原因"]})
    author_id, role = user.id, user.role
    with write_transaction():
        row = require_household(user, queries.household_row(household_id, lock=True))
        guard_decision(row, role)
        if action in ("approve", "accept") and row.conflict_open:
            raise ApiError(409, "该户有未处理的冲突，请先处理冲突", "conflict_open")
        try:
            state = transition(role, row.review_state, action)
        except WorkflowError as e:
            raise ApiError(409, e.message, "invalid_transition") from None
        if action == "submit":
            errors, _ = checks.check(row.document, complete=True)
            if errors:
                raise ApiError(
                    422, "问卷尚未填写完整，不能提交", "incomplete", fields_from_messages(errors)
                )
        write = writer.new_version(
            row,
            row.document,
            lines=campaigns.campaign_lines(row.campaign_id) or [],
            author_id=author_id,
            kind="review",
            changes={"review_state": [row.review_state, state]},
            base_version=row.version,
            note=note,
            state={"review_state": state, "review_note": note},
        )
        writer.write_checked([write])
