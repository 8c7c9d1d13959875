"""The conflicts desk's read side: the open conflicts of the caller's townships, a page of
households at a time, each conflict in the questionnaire's words beside the value in force now.

The value in force is read from the household as it is, not from the conflict row: a field can be
changed again after its conflict was recorded, and "保留现值" keeps what the household holds.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

from server.core.errors import ApiError
from server.domain import fieldtext
from server.domain.workflow import STATE_LABELS
from server.households import checks
from server.identity.access import visible_township_ids, visible_village_ids
from server.models import User
from server.review import queries
from server.sync.paths import same, value_at

PER_PAGE = 20
#: The office reads times in Beijing time.
CHINA = timezone(timedelta(hours=8), "CST")


@dataclass
class Choice:
    """How a new value for a field is typed: free text, or one of its options."""

    kind: str  # "text", "options", "none" (a whole row, a signature: keep or take only)
    options: list[tuple[str, str]] = field(default_factory=list)  # (value sent, words shown)
    hint: str = ""


@dataclass
class ConflictLine:
    id: int
    path: str
    label: str
    base: str
    current: str
    recorded: str  # the server's value when the conflict was recorded
    changed_since: bool  # the field moved after the conflict was recorded
    device: str
    who: str
    device_label: str
    at: str  # when it was recorded, Beijing time
    choice: Choice


@dataclass
class HouseholdConflicts:
    id: str
    head_name: str
    household_no: str
    village: str
    state: str
    state_label: str
    version: int
    conflicts: list[ConflictLine]


@dataclass
class Board:
    households: list[HouseholdConflicts]
    total: int  # households with an open conflict
    page: int
    pages: int
    townships: list[tuple[int, str]]  # what the caller may filter by
    township: int | None


def board(user: User, township_id: int | None = None, page: int = 1) -> Board:
    """One page of the households with open conflicts that `user` sees (or of one township)."""
    townships = visible_township_ids(user)
    if township_id is not None:
        if township_id not in townships:
            raise ApiError(403, "该乡镇不在您的负责范围内", "forbidden_area")
        chosen = {township_id}
    else:
        chosen = set(townships)
    page = max(1, page)
    total, ids = queries.households_with_open_conflicts(
        chosen, visible_village_ids(user), offset=(page - 1) * PER_PAGE, limit=PER_PAGE
    )
    households = queries.households_for_conflicts(ids)
    conflicts = queries.open_conflicts_of(ids)
    names = queries.user_names(c.device_user_id for c in conflicts)
    devices = queries.device_labels(c.device_id for c in conflicts)
    villages = queries.area_names(h.village_id for h in households.values())
    by_household: dict[str, list] = {}
    for c in conflicts:
        by_household.setdefault(c.household_id, []).append(c)
    definition = checks.definition("annex1")
    order = {s["key"]: n for n, s in enumerate(definition["sections"])}
    for found in by_household.values():  # in the questionnaire's order
        found.sort(key=lambda c: (order.get(c.path.split(".", 1)[0], len(order)), c.id))
    blocks = []
    for hid in ids:
        h = households[hid]
        lines = [
            _line(definition, h.document, c, names, devices) for c in by_household.get(hid, [])
        ]
        blocks.append(
            HouseholdConflicts(
                id=h.id,
                head_name=h.head_name or "（未填户主）",
                household_no=h.household_no or "—",
                village=villages.get(h.village_id, ""),
                state=h.review_state,
                state_label=STATE_LABELS.get(h.review_state, h.review_state),
                version=h.version,
                conflicts=lines,
            )
        )
    township_names = queries.area_names(townships)
    return Board(
        households=blocks,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        townships=sorted(township_names.items(), key=lambda t: t[1]),
        township=township_id,
    )


def _line(definition: dict, document: dict, c, names: dict, devices: dict) -> ConflictLine:
    def words(value) -> str:
        return fieldtext.words(definition, document, c.path, value)

    current = value_at(document, c.path)
    return ConflictLine(
        id=c.id,
        path=c.path,
        label=fieldtext.label(definition, document, c.path),
        base=words(c.base_value),
        current=words(current),
        recorded=words(c.server_value),
        changed_since=not same(current, c.server_value),
        device=words(c.device_value),
        who=names.get(c.device_user_id, "（未知用户）"),
        device_label=devices.get(c.device_id) or _short_device(c.device_id),
        at=beijing(c.created_at),
        choice=_choice(definition, document, c.path),
    )


def beijing(at: datetime | None) -> str:
    if at is None:
        return ""
    if at.tzinfo is None:  # SQLite gives a stored moment back without its zone: UTC
        at = at.replace(tzinfo=UTC)
    return at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def _short_device(device_id: str | None) -> str:
    return f"设备 {device_id[:8]}" if device_id else "（未记录设备）"


def _choice(definition: dict, document: dict, path: str) -> Choice:
    section, f, _ = fieldtext.locate(definition, path)
    if not fieldtext.can_type(f):
        return Choice("none")
    if f.get("options_from") == "members":
        members = [m for m in document.get("members") or [] if isinstance(m, dict)]
        return Choice("options", [(m["id"], m.get("name") or "（未填姓名）") for m in members])
    if f["type"] == "boolean":
        return Choice("options", [("是", "是"), ("否", "否")])
    if f["type"] == "select":
        return Choice("options", [(o, o) for o in f.get("options", [])])
    if f["type"] == "multiselect":
        return Choice("text", hint="可多选，用“、”分隔：" + "、".join(f.get("options", [])))
    hints = {"money": "金额，如 12000.00", "date": "日期，如 2020-10-12", "integer": "整数"}
    return Choice("text", hint=hints.get(f["type"], f.get("unit", "")))
