"""A person decides a conflict: keep the value in force, take the device's, or type a new one.

The decision is a new version of the household like any other write (the one writer, a revision
of kind "resolve"), and each conflict it decides keeps the decision beside it: the choice and the
value the field holds after it, which is what the phones show ("审核员已采用：…").

"Keep" keeps the value the household holds *now*. A field can change again after its conflict was
recorded (the conflict's `server` value is then stale), so every listing also gives `current`, and
a caller that read the household at some version may say so (`version`): if it moved since, the
decision is refused rather than made on values the person never saw.
"""

from server.campaigns import queries as campaigns
from server.core.database import write_transaction
from server.core.errors import ApiError
from server.core.serialize import pick
from server.domain import fieldtext
from server.households import checks, queries, writer
from server.identity.access import require_household, visible_township_ids, visible_village_ids
from server.models import User
from server.review import queries as review_queries
from server.sync.paths import PathError, apply, same, value_at

CHOICES = ("server", "device", "value")
CHOICE_LABELS = {"server": "保留现值", "device": "采用手机上的值", "value": "改为新值"}
#: A whole household at once: a typed value is per field.
BULK_CHOICES = ("server", "device")


def conflict_out(c, current=None, device_user_name: str | None = None) -> dict:
    """A conflict on the wire: `server` is the value in force when it was recorded, `current`
    the value in force now (what "keep" keeps)."""
    out = pick(
        c,
        ("id", "household_id", "path", "version", "device_id", "device_user_id", "created_at"),
        base="base_value",
        server="server_value",
        device="device_value",
    )
    out["current"] = current
    out["device_user_name"] = device_user_name
    return out


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


def listed_conflicts(user: User, household_id: str | None, township_id: int | None) -> list:
    """`visible_open_conflicts` on the wire, each with the value in force now."""
    rows = visible_open_conflicts(user, household_id, township_id)
    households = review_queries.households_for_conflicts(c.household_id for c in rows)
    names = review_queries.user_names(c.device_user_id for c in rows)
    return [
        conflict_out(
            c,
            value_at(households[c.household_id].document, c.path),
            names.get(c.device_user_id),
        )
        for c in rows
    ]


def resolve_conflicts(
    user: User, household_id: str, resolutions: dict, note: str | None, version: int | None = None
) -> None:
    """Apply one decision per open conflict (keyed by conflict id) and write a new version.

    A decision is {"choice": "server" | "device"} or {"choice": "value", "value": ...}; a page's
    form gives {"choice": "value", "text": "..."} instead, read as the field's kind of value."""
    if not resolutions:
        raise ApiError(
            422, "请至少处理一个冲突", "invalid", {"resolutions": ["请至少处理一个冲突"]}
        )
    with write_transaction():
        row = _locked(user, household_id, version)
        open_ = _open(row)
        unknown = [k for k in resolutions if k not in open_]
        if unknown:
            fields = {f"resolutions.{k}": ["冲突不存在或已处理"] for k in unknown}
            raise ApiError(422, "有冲突已处理或不存在，请刷新", "invalid", fields)
        _decide(user, row, open_, resolutions, note)


def resolve_household(
    user: User, household_id: str, choice: str, note: str | None, version: int | None = None
) -> int:
    """Decide every open conflict of a household the same way (keep all / take all); returns
    how many were decided."""
    with write_transaction():
        row = _locked(user, household_id, version)
        open_ = _open(row)
        if not open_:
            raise ApiError(422, "该户没有未处理的冲突", "invalid", {"choice": ["没有可处理的冲突"]})
        _decide(user, row, open_, {k: {"choice": choice, "value": None} for k in open_}, note)
        return len(open_)


def _locked(user: User, household_id: str, version: int | None):
    row = require_household(user, queries.household_row(household_id, lock=True))
    if row.review_state == "accepted":  # signed by the county: only its reopen changes it
        raise ApiError(409, "该户已由县级确认并锁定，需由县级重新打开后才能修改", "locked")
    if version is not None and version != row.version:
        raise ApiError(
            409,
            "该户在您打开页面之后又有修改，请刷新后再处理",
            "stale_version",
            {"version": [f"该户现在是第 {row.version} 版，页面显示的是第 {version} 版"]},
        )
    return row


def _open(row) -> dict:
    return {str(c.id): c for c in review_queries.open_conflicts(household_id=row.id)}


def _decide(user: User, row, open_: dict, resolutions: dict, note: str | None) -> None:
    """Check the decisions against each other and the form, then write them (refused whole)."""
    wanted: dict[str, tuple[str, object]] = {}  # path -> (conflict id that set it, value)
    fields: dict[str, list[str]] = {}
    for key, decision in resolutions.items():
        conflict = open_[key]
        if decision["choice"] == "device":
            value = conflict.device_value
        elif decision["choice"] == "value" and "text" in decision:
            value = _typed(conflict.path, decision["text"])
            if value is _UNTYPED:
                fields[f"resolutions.{key}.value"] = ["这一项只能保留现值或采用手机上的值"]
                continue
        elif decision["choice"] == "value":
            value = decision.get("value")
        else:
            value = value_at(row.document, conflict.path)
        first = wanted.setdefault(conflict.path, (key, value))
        if not same(first[1], value):
            fields[f"resolutions.{key}"] = ["同一字段的几个冲突须处理成同一个值"]
    if fields:
        raise ApiError(422, "同一字段的几个冲突处理结果不一致", "invalid", fields)
    document = row.document
    changes = {}
    for path, (key, value) in wanted.items():
        if same(value_at(row.document, path), value):
            continue  # kept as it is
        try:
            document = apply(document, {path: value})
        except PathError:
            fields[f"resolutions.{key}.value"] = [
                "这一项无法改成该值（所在的行已不存在或值的形式不对）"
            ]
        changes[path] = value
    if fields:
        raise ApiError(422, "处理结果无法应用", "invalid", fields)
    _require_no_new_errors(row, document, {path: key for path, (key, _) in wanted.items()})
    write = writer.new_version(
        row,
        document,
        lines=campaigns.campaign_lines(row.campaign_id) or [],
        author_id=user.id,
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
        conflict.resolved_by = user.id
        conflict.resolution = {
            "choice": decision["choice"],
            "value": value_at(document, conflict.path),
        }


_UNTYPED = object()


def _typed(path: str, text: str):
    """A value a person typed (or picked) on a page, read as the field's kind of value."""
    _, f, _ = fieldtext.locate(checks.definition("annex1"), path)
    return fieldtext.read(f, text) if fieldtext.can_type(f) else _UNTYPED


def _require_no_new_errors(row, document: dict, keys_by_path: dict[str, str]) -> None:
    """The decision may not make the questionnaire wrong. A merged record may already hold a
    problem that each side alone did not (it is flagged for review): that one does not stop a
    decision, which could otherwise never be made."""
    complete = checks.needs_completeness(row.review_state)
    before, _ = checks.check(row.document, complete=complete)
    after, _ = checks.check(document, complete=complete)
    known = {(m["path"], m["message"]) for m in before}
    fields: dict[str, list[str]] = {}
    for m in after:
        if (m["path"], m["message"]) in known:
            continue
        fields.setdefault(_field_of(m["path"], keys_by_path), []).append(m["message"])
    if fields:
        raise ApiError(422, "处理后的问卷填写有误", "invalid_document", fields)


def _field_of(path: str, keys_by_path: dict[str, str]) -> str:
    """The request field a message belongs to: the decision on that path (or on the row holding
    it), else the document path itself."""
    for conflict_path, key in keys_by_path.items():
        if path == conflict_path or path.startswith(conflict_path + "."):
            return f"resolutions.{key}.value"
    return path
