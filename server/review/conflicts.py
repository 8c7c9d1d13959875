"""A person decides a conflict: keep the server's value, take the device's, or type a new one.

The decision is a new version of the household like any other write (the one writer, a revision
of kind "resolve"), and each conflict it decides keeps the decision beside it."""

from server.campaigns import queries as campaigns
from server.core.database import write_transaction
from server.core.errors import ApiError, fields_from_messages
from server.core.serialize import pick
from server.households import checks, queries, writer
from server.identity.access import require_household, visible_township_ids, visible_village_ids
from server.models import User
from server.review import queries as review_queries
from server.sync.paths import PathError, apply


def conflict_out(c) -> dict:
    return pick(
        c,
        ("id", "household_id", "path", "version", "device_id", "device_user_id", "created_at"),
        base="base_value",
        server="server_value",
        device="device_value",
    )


def visible_open_conflicts(user: User, household_id: str | None, township_id: int | None) -> list:
    """The open conflicts of one household, or of the townships the user sees (or one of them)."""
    if household_id:
        require_household(user, queries.get_household(household_id))
        return review_queries.open_conflicts(household_id=household_id)
    townships = visible_township_ids(user)
    if township_id is not None:
        if township_id not in townships:
            raise ApiError(403, "该乡镇不在您的负责范围内", "forbidden_area")
        townships = {township_id}
    return review_queries.open_conflicts(
        township_ids=townships, village_ids=visible_village_ids(user)
    )


def resolve_conflicts(user: User, household_id: str, resolutions: dict, note: str | None) -> None:
    """Apply one decision per open conflict (keyed by conflict id) and write a new version."""
    if not resolutions:
        raise ApiError(
            422, "请至少处理一个冲突", "invalid", {"resolutions": ["请至少处理一个冲突"]}
        )
    author_id = user.id
    with write_transaction():
        row = require_household(user, queries.household_row(household_id, lock=True))
        if row.review_state == "accepted":  # signed by the county: only its reopen changes it
            raise ApiError(409, "该户已由县级确认并锁定，需由县级重新打开后才能修改", "locked")
        open_ = {str(c.id): c for c in review_queries.open_conflicts(household_id=row.id)}
        unknown = [k for k in resolutions if k not in open_]
        if unknown:
            fields = {k: ["冲突不存在或已处理"] for k in unknown}
            raise ApiError(422, "有冲突已处理或不存在，请刷新", "invalid", fields)
        changes = {}
        for key, decision in resolutions.items():
            if decision["choice"] == "device":
                changes[open_[key].path] = open_[key].device_value
            elif decision["choice"] == "value":
                changes[open_[key].path] = decision["value"]
        try:
            document = apply(row.document, changes)
        except PathError as e:
            raise ApiError(422, f"处理结果无法应用：{e}", "invalid") from None
        errors, _ = checks.check(document, complete=checks.needs_completeness(row.review_state))
        if errors:
            fields = fields_from_messages(errors)
            raise ApiError(422, "处理后的问卷填写有误", "invalid_document", fields)
        write = writer.new_version(
            row,
            document,
            lines=campaigns.campaign_lines(row.campaign_id) or [],
            author_id=author_id,
            kind="resolve",
            changes=changes,
            base_version=row.version,
            note=note,
            state={"conflict_open": len(open_) > len(resolutions)},
        )
        writer.write_checked([write])
        for key, decision in resolutions.items():
            conflict = open_[key]
            conflict.resolved_at = write.revision["created_at"]
            conflict.resolved_by = author_id
            conflict.resolution = {
                "choice": decision["choice"],
                "value": changes.get(conflict.path),
            }
