"""A person decides a conflict: keep the server's value, take the device's, or type a new one."""

from server import store
from server.api.errors import fields_from_messages
from server.core.database import write_transaction
from server.core.errors import ApiError
from server.households import records
from server.identity.access import require_household
from server.models import Household, User
from server.sync.paths import PathError, apply


def resolve_conflicts(
    user: User, household_id: str, resolutions: dict, note: str | None
) -> Household:
    """Apply one decision per open conflict (keyed by conflict id) and write a new revision."""
    with write_transaction():
        hh = require_household(user, store.get_household(household_id, lock=True))
        if not resolutions:
            raise ApiError(
                422, "请至少处理一个冲突", "invalid", {"resolutions": ["请至少处理一个冲突"]}
            )
        open_ = {str(c.id): c for c in store.open_conflicts(household_id=hh.id)}
        unknown = [k for k in resolutions if k not in open_]
        if unknown:
            raise ApiError(
                422,
                "有冲突已处理或不存在，请刷新",
                "invalid",
                {k: ["冲突不存在或已处理"] for k in unknown},
            )
        changes = {}
        for key, decision in resolutions.items():
            conflict = open_[key]
            if decision["choice"] == "device":
                changes[conflict.path] = conflict.device_value
            elif decision["choice"] == "value":
                changes[conflict.path] = decision["value"]
        try:
            document = apply(hh.document, changes)
        except PathError as e:
            raise ApiError(422, f"处理结果无法应用：{e}", "invalid") from None
        errors, _ = records.check(document, complete=records.needs_completeness(hh.review_state))
        if errors:
            raise ApiError(
                422, "处理后的问卷填写有误", "invalid_document", fields_from_messages(errors)
            )
        base_version = hh.version
        records.save(
            hh,
            document,
            store.get_campaign(hh.campaign_id),
            user_id=user.id,
            kind="resolve",
            changes=changes,
            base_version=base_version,
            note=note,
        )
        for key, decision in resolutions.items():
            conflict = open_[key]
            conflict.resolved_at = hh.updated_at
            conflict.resolved_by = user.id
            conflict.resolution = {
                "choice": decision["choice"],
                "value": changes.get(conflict.path),
            }
        hh.conflict_open = len(open_) > len(resolutions)
    return hh
