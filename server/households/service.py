"""Creating and editing a household through the REST API (the desk, scripts): the same checks and
the same writer as a phone's push, with the answer a person at a screen needs."""

import uuid

from server.campaigns import queries as campaigns
from server.core.database import write_transaction
from server.core.errors import ApiError, fields_from_messages
from server.domain.workflow import is_locked
from server.households import checks, queries, writer
from server.identity import queries as identity
from server.identity.access import require_household, require_village
from server.models import User
from server.sync.paths import diff


def _valid(document: dict, complete: bool = False) -> list[dict]:
    """The warnings of a document that may be stored; its errors refuse it."""
    errors, warnings = checks.check(document, complete=complete)
    if errors:
        raise ApiError(422, "问卷填写有误", "invalid_document", fields_from_messages(errors))
    return warnings


def create(
    user: User, village_id: int, campaign_id: int, document: dict, household_id=None
) -> tuple[str, list[dict]]:
    """(the new household's id, warnings)."""
    require_village(user, village_id)
    warnings = _valid(document)
    household_id = str(household_id or uuid.uuid4())
    author_id = user.id
    with write_transaction():
        lines = campaigns.campaign_lines(campaign_id)
        if lines is None:
            raise ApiError(422, "调查轮次不存在", "invalid", {"campaign_id": ["调查轮次不存在"]})
        if queries.household_row(household_id) is not None:
            raise ApiError(409, "该户编号已存在", "exists")
        write = writer.creation(
            household_id,
            document,
            village_id=village_id,
            township_id=identity.get_area(village_id).parent_id,
            campaign_id=campaign_id,
            lines=lines,
            author_id=author_id,
            review_state="draft",
            changes=diff({}, document),
        )
        writer.write_checked([write])
    return household_id, warnings


def update(user: User, household_id: str, document: dict, base_version: int) -> list[dict]:
    """Write `document` as the household's next version (nothing when it changes nothing);
    the warnings. The edit must be based on the current version: a stale one is merged through
    the sync push, not overwritten here."""
    author_id = user.id
    with write_transaction():
        row = require_household(user, queries.household_row(household_id, lock=True))
        warnings = _valid(document, checks.needs_completeness(row.review_state))
        if row.deleted:
            raise ApiError(404, "该户已删除", "deleted")
        if is_locked(row.review_state):
            raise ApiError(409, "该户已审核通过并锁定，需由县级重新打开后才能修改", "locked")
        if base_version != row.version:
            raise ApiError(
                409,
                f"该户已被他人修改（您依据第 {base_version} 版，当前为第 {row.version} 版）。"
                "请先同步最新数据，或通过同步接口提交您的修改以自动合并。",
                "stale_version",
                current_version=row.version,
            )
        changes = diff(row.document, document)
        if changes:
            write = writer.new_version(
                row,
                document,
                lines=campaigns.campaign_lines(row.campaign_id) or [],
                author_id=author_id,
                kind="edit",
                changes=changes,
                base_version=base_version,
            )
            writer.write_checked([write])
    return warnings
