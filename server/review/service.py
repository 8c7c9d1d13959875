"""Township review and county acceptance: a decision moves a record between review states, and is
a new version like any other write (the same writer, a revision of kind "review").

A return carries its reason and, optionally, comments on single fields ({change path: comment},
kept on the record until the next approval, sent to the phone with the reason). A decision can be
taken back by its maker while the record waits where it left it (`undo`: the reverse move, a
decision of its own in the history). A reviewer may also correct a value directly: a revision of
kind "correct", checked like any other write, whose derived values the writer computes again.
"""

from server.campaigns import queries as campaigns
from server.core.database import write_transaction
from server.core.errors import ApiError, fields_from_messages
from server.domain import display
from server.domain.fieldchecks import UNWRITABLE
from server.domain.roles import COUNTY, REVIEWER
from server.domain.workflow import ACTION_LABELS, WorkflowError, transition, undo
from server.households import checks, queries, writer
from server.identity.access import require_household
from server.models import User
from server.review import history
from server.review import queries as review_queries
from server.review.villages import guard_decision
from server.sync.paths import PathError, apply, diff

NEEDS_REASON = ("return", "reopen")
COMMENT_MAX, COMMENTS_MAX = 200, 100
# Records a reviewer may correct: those waiting for a decision. An approved one is locked; a
# returned one is the surveyor's to fix.
CORRECTABLE = frozenset({"submitted", "held"})
CORRECTORS = frozenset({REVIEWER, COUNTY})


def decide(
    user: User,
    household_id: str,
    action: str,
    note: str | None,
    comments: dict | None = None,
    base_version: int | None = None,
) -> None:
    """Apply a review `action` to a household, with the reviewer's `note` (and, for a return,
    comments on single fields). `base_version`: the version the decider saw; a record changed
    since is not decided on unseen."""
    note = (note or "").strip() or None
    comments = comments or {}
    if action in NEEDS_REASON and not note:
        raise ApiError(422, "退回时请填写原因", "invalid", {"note": ["退回时请填写原因"]})
    if comments and action != "return":
        message = "只有退回修改时可以对字段批注"
        raise ApiError(422, message, "invalid", {"comments": [message]})
    author_id, role = user.id, user.role
    with write_transaction():
        row = require_household(user, queries.household_row(household_id, lock=True))
        _same_version(row, base_version)
        guard_decision(row, role)
        state, extra = row.review_state, {}
        if action == "undo":
            revisions = review_queries.history(row.id)
            last = history.last_decision(revisions, author_id)
            try:
                state = undo(role, row.review_state, last)
            except WorkflowError as e:
                raise ApiError(409, e.message, "invalid_transition") from None
            label = ACTION_LABELS[last.action]
            note = f"撤销“{label}”" + (f"：{note}" if note else "")
            if last.action == "return":
                extra["review_comments"] = None
        else:
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
                        422,
                        "问卷尚未填写完整，不能提交",
                        "incomplete",
                        fields_from_messages(errors),
                    )
            if action == "return":
                extra["review_comments"] = _checked_comments(row.document, comments) or None
            elif action == "approve":
                extra["review_comments"] = None  # the round of corrections is over
        changes = {"review_state": [row.review_state, state], "review_action": action}
        if extra.get("review_comments"):
            changes["review_comments"] = extra["review_comments"]
        write = writer.new_version(
            row,
            row.document,
            lines=campaigns.campaign_lines(row.campaign_id) or [],
            author_id=author_id,
            kind="review",
            changes=changes,
            base_version=row.version,
            note=note,
            state={"review_state": state, "review_note": note} | extra,
        )
        writer.write_checked([write])


def _same_version(row, base_version: int | None) -> None:
    if base_version is not None and base_version != row.version:
        raise ApiError(
            409,
            f"该户在您打开后已有新的修改（您看到的是第 {base_version} 版，"
            f"当前为第 {row.version} 版），请查看最新内容后再操作",
            "stale_version",
            current_version=row.version,
        )


def _checked_comments(document: dict, comments: dict) -> dict:
    """The comments, each on a field (or section) of this document and of a storable length."""
    if not isinstance(comments, dict):
        raise ApiError(422, "批注格式不正确", "invalid", {"comments": ["批注格式不正确"]})
    if len(comments) > COMMENTS_MAX:
        message = f"批注不能超过 {COMMENTS_MAX} 条"
        raise ApiError(422, message, "invalid", {"comments": [message]})
    definition = checks.definition("annex1")
    fields, out = {}, {}
    for path, text in comments.items():
        key = f"comments.{str(path)[:80]}"
        if not display.is_comment_path(definition, document, path):
            fields[key] = ["问卷中没有这个字段"]
        elif not isinstance(text, str) or not text.strip():
            fields[key] = ["请填写批注内容"]
        elif len(text.strip()) > COMMENT_MAX:
            fields[key] = [f"批注不能超过 {COMMENT_MAX} 个字"]
        elif UNWRITABLE.search(text):
            fields[key] = ["含有不允许的字符"]
        else:
            out[path] = text.strip()
    if fields:
        raise ApiError(422, "批注有误", "invalid", fields)
    return out


def correct(
    user: User, household_id: str, changes: dict, note: str | None, base_version: int | None = None
) -> list[dict]:
    """A reviewer's correction of single values; the warnings of the corrected document.

    Written as a revision of kind "correct" by the reviewer, the derived values (income, verdicts)
    computed again by the writer; refused whole, with a message per field, when the document
    would not be valid, and nothing is written."""
    if user.role not in CORRECTORS:
        raise ApiError(403, "只有审核人员可以更正数据", "forbidden_role")
    if not isinstance(changes, dict) or not changes:
        raise ApiError(422, "请至少更正一项", "invalid", {"changes": ["请至少更正一项"]})
    note = (note or "").strip() or None
    author_id = user.id
    with write_transaction():
        row = require_household(user, queries.household_row(household_id, lock=True))
        _same_version(row, base_version)
        if row.review_state not in CORRECTABLE:
            raise ApiError(409, "只能更正待审核（已提交或存疑待核实）的记录", "not_correctable")
        definition = checks.definition("annex1")
        unknown = {}
        for path in changes:
            f = display.field_at(definition, row.document, path)
            if f is None or f.get("type") == "attachment":
                unknown[f"changes.{str(path)[:80]}"] = [
                    "问卷中没有这个字段，或该字段不能由审核人员更正"
                ]
        if unknown:
            raise ApiError(422, "更正的字段有误", "invalid", unknown)
        try:
            document = apply(row.document, changes)
        except PathError:
            raise ApiError(
                422, "更正的字段有误", "invalid", {"changes": ["更正内容格式不正确"]}
            ) from None
        errors, warnings = checks.check(document, complete=True)
        if errors:
            raise ApiError(
                422, "更正后的问卷填写有误", "invalid_document", fields_from_messages(errors)
            )
        made = diff(row.document, document)
        if not made:
            raise ApiError(
                422, "更正的值与原值相同", "invalid", {"changes": ["更正的值与原值相同"]}
            )
        write = writer.new_version(
            row,
            document,
            lines=campaigns.campaign_lines(row.campaign_id) or [],
            author_id=author_id,
            kind="correct",
            changes=made,
            base_version=row.version,
            note=note,
        )
        writer.write_checked([write])
    return warnings
