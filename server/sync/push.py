"""Apply a batch of device operations, each in its own transaction.

One bad operation does not stop the others; a retried operation (same op id) is answered from the
revision it wrote the first time and writes nothing again. Fast-forward when the device edited the
current version; otherwise a three-way merge against the version it edited.

Each operation is *planned* before the write lock is taken (read the household, validate, merge,
compute the derived columns) and *written* under it only if the household is still at the version
the plan read; otherwise it is planned again under the lock. The expensive part thus runs on every
core at once, and the write lock is held only for a handful of statements.
"""

from dataclasses import dataclass, field

from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from .. import records, store
from ..access import visible_village_ids
from ..database import write_transaction
from ..domain.workflow import WorkflowError, is_locked, transition
from ..errors import flatten_messages
from ..extensions import db
from ..models import User
from .merge import merge
from .paths import PathError, apply
from .schema import Operation

_op_schema = Operation()


class Rejected(Exception):
    def __init__(self, errors: list[dict], code: str = "invalid"):
        super().__init__(code)
        self.errors = errors
        self.code = code


def _error(path: str, message: str) -> list[dict]:
    return [{"path": path, "message": message, "severity": "error"}]


@dataclass(frozen=True)
class Caller:
    """Who pushes, read once per batch: the ORM user would be reloaded after every transaction."""

    id: int
    role: str
    villages: frozenset[int]
    lines: dict = field(default_factory=dict)  # campaign id -> lines, read once per batch

    @classmethod
    def of(cls, user: User) -> "Caller":
        return cls(user.id, user.role, visible_village_ids(user))

    def campaign_lines(self, campaign_id: int) -> list[dict] | None:
        if campaign_id not in self.lines:
            self.lines[campaign_id] = store.campaign_lines(campaign_id)
        return self.lines[campaign_id]


@dataclass
class Plan:
    """Everything one operation writes, computed before the write lock is taken."""

    household_id: str
    village_id: int
    expected_version: int | None  # None: a new household
    household: dict
    revision: dict
    result: dict
    members: list[dict] | None = None  # the new member projection; None when unchanged
    conflicts: list[dict] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)


def push(user: User, device_id: str, ops: list) -> list[dict]:
    caller = Caller.of(user)
    op_ids = [
        op["op_id"] for op in ops if isinstance(op, dict) and isinstance(op.get("op_id"), str)
    ]
    seen = store.first_results(op_ids)  # one query for the retries of a whole batch
    db.session.rollback()
    return [apply_operation(caller, device_id, raw, seen) for raw in ops]


def apply_operation(caller: Caller, device_id: str, raw, seen: dict | None = None) -> dict:
    raw = raw if isinstance(raw, dict) else {}
    base = {"op_id": raw.get("op_id"), "household_id": raw.get("household_id")}
    try:
        op = _op_schema.load(raw)
    except ValidationError as e:
        errors = [
            {"path": p, "message": "；".join(m), "severity": "error"}
            for p, m in flatten_messages(e.messages).items()
        ]
        return base | {"status": "rejected", "code": "invalid_operation", "errors": errors}
    op["household_id"] = str(op["household_id"])
    if seen is not None and op["op_id"] in seen:
        return _duplicate(seen[op["op_id"]])
    try:
        return _apply(caller, device_id, op)
    except Rejected as r:
        db.session.rollback()
        return base | {"status": "rejected", "code": r.code, "errors": r.errors}


def _apply(caller: Caller, device_id: str, op: dict) -> dict:
    plan = _plan(caller, device_id, op)
    for attempt in range(2):
        try:
            with write_transaction():
                if not _write(plan):  # someone wrote the household meanwhile: plan again, locked
                    plan = _plan(caller, device_id, op, lock=True)
                    if not _write(plan):
                        raise RuntimeError("household changed under the write lock")
            return plan.result
        except IntegrityError:
            db.session.rollback()
            found = store.first_results([op["op_id"]])
            if op["op_id"] in found:  # the same operation, committed by a parallel retry
                return _duplicate(found[op["op_id"]])
            if attempt:
                raise
            # Another operation created this household first: merge into what it wrote.
            plan = _plan(caller, device_id, op)
    raise AssertionError("unreachable")


def _duplicate(result: dict) -> dict:
    """The first answer again: a retry after a lost response changes nothing."""
    return dict(result, status="duplicate", first_status=result.get("status"))


def _plan(caller: Caller, device_id: str, op: dict, lock: bool = False) -> Plan:
    row = store.household_row(op["household_id"], lock=lock)
    if row is None:
        return _plan_create(caller, device_id, op)
    if row.village_id not in caller.villages:
        raise Rejected(_error("household_id", "该户不在您的负责范围内"), "forbidden_area")
    if row.deleted:
        raise Rejected(_error("household_id", "该户已在服务器上删除"), "deleted")
    if is_locked(row.review_state):
        raise Rejected(
            _error("review_state", "该户已审核通过并锁定，修改需由县级重新打开"), "locked"
        )
    if op["base_version"] > row.version:
        raise Rejected(
            _error("base_version", "版本号比服务器上的还新，请重新下载该户"), "bad_version"
        )
    base_version = op["base_version"]
    base_doc = {} if base_version == 0 else store.base_document(row.id, base_version)
    if base_doc is None:
        raise Rejected(_error("base_version", "找不到所依据的版本，请重新下载该户"), "bad_version")
    complete = records.needs_completeness(row.review_state, op["submit"])
    device_doc = _device_document(base_doc, op["changes"], complete)
    result = {"op_id": op["op_id"], "household_id": row.id}
    state = {"conflict_open": row.conflict_open, "parallel_note": row.parallel_note}
    conflicts = []
    if op["base_version"] == row.version:
        document, kind, status = device_doc, "edit", "applied"
    else:
        merged = merge(base_doc, row.document, device_doc)
        document = merged.document
        status = "conflict" if merged.conflicts else "merged"
        kind = "conflict" if merged.conflicts else "merge"
        result["merged"] = {"server": merged.from_server, "device": merged.from_device}
        if merged.conflicts:
            result["conflicts"] = conflicts = [c.as_dict() for c in merged.conflicts]
            state["conflict_open"] = True
        if merged.soft:
            state["parallel_note"] = True
        if merged.duplicate_members:
            result["duplicate_members"] = [list(d) for d in merged.duplicate_members]
        errors, _ = records.check(document, complete=complete)
        if errors:  # each side was valid alone; together they need a person's eye
            result["review_needed"] = errors
            state["parallel_note"] = True
    version = row.version + 1
    result.update(status=status, version=version)
    now = records.now()
    plan = Plan(
        household_id=row.id,
        village_id=row.village_id,
        expected_version=row.version,
        household=_columns(document, row.campaign_id, version, caller, now)
        | state
        | {"review_state": _submitted(caller, row.review_state, op)},
        revision=_revision(op, caller, device_id, kind, version, document, result, now),
        result=result,
        attachments=_attachments(row.id, document),
    )
    old_members = records.member_rows(row.document.get("members") or [])
    new_members = records.member_rows(document.get("members") or [])
    plan.members = None if new_members == old_members else new_members
    plan.conflicts = [
        {
            "household_id": row.id,
            "township_id": row.township_id,
            "path": c["path"],
            "base_value": c["base"],
            "server_value": c["server"],
            "device_value": c["device"],
            "version": version,
            "device_user_id": caller.id,
            "device_id": device_id,
            "op_id": op["op_id"],
            "created_at": now,
        }
        for c in conflicts
    ]
    return plan


def _plan_create(caller: Caller, device_id: str, op: dict) -> Plan:
    if op["base_version"] != 0:
        raise Rejected(_error("household_id", "服务器上没有该户，请重新下载"), "not_found")
    village_id, campaign_id = op.get("village_id"), op.get("campaign_id")
    if village_id is None or village_id not in caller.villages:
        raise Rejected(_error("village_id", "请选择您负责的村"), "forbidden_area")
    if campaign_id is None or caller.campaign_lines(campaign_id) is None:
        raise Rejected(_error("campaign_id", "调查轮次不存在"), "invalid")
    document = _device_document({}, op["changes"], op["submit"])
    result = {
        "op_id": op["op_id"],
        "household_id": op["household_id"],
        "status": "applied",
        "version": 1,
    }
    now = records.now()
    household = _columns(document, campaign_id, 1, caller, now) | {
        "id": op["household_id"],
        "village_id": village_id,
        "township_id": store.get_area(village_id).parent_id,
        "campaign_id": campaign_id,
        "review_state": _submitted(caller, "draft", op),
        "conflict_open": False,
        "parallel_note": False,
        "deleted": False,
        "created_at": now,
    }
    return Plan(
        household_id=op["household_id"],
        village_id=village_id,
        expected_version=None,
        household=household,
        revision=_revision(op, caller, device_id, "create", 1, document, result, now),
        result=result,
        members=records.member_rows(document.get("members") or []),
        attachments=_attachments(op["household_id"], document),
    )


def _columns(document: dict, campaign_id: int, version: int, caller: Caller, now) -> dict:
    return records.derived_columns(document, caller.campaign_lines(campaign_id) or []) | {
        "document": document,
        "version": version,
        "updated_at": now,
        "updated_by": caller.id,
    }


def _revision(op, caller, device_id, kind, version, document, result, now) -> dict:
    return {
        "household_id": op["household_id"],
        "version": version,
        "base_version": op["base_version"],
        "kind": kind,
        "author_id": caller.id,
        "device_id": device_id,
        "op_id": op["op_id"],
        "changes": op["changes"],
        "document": document,
        "result": result,
        "created_at": now,
    }


def _write(plan: Plan) -> bool:
    """Write the plan if the household is where the plan found it; False when it moved on."""
    if plan.expected_version is None:
        store.insert_household(plan.household | {"change_seq": 0})
    elif not store.update_household(plan.household_id, plan.expected_version, plan.household):
        return False
    # The household's row lock comes first, the counter's second, on every write path.
    store.set_change_seq(plan.household_id, store.next_change_seq())
    if plan.members is not None:
        store.replace_members(plan.household_id, plan.members)
    store.add_revision(**plan.revision)
    store.add_conflicts(plan.conflicts)
    store.link_attachments(plan.attachments, plan.household_id, plan.village_id)
    return True


def _device_document(base_doc: dict, changes: dict, complete: bool) -> dict:
    """What the device holds: its base plus its changes; it must be valid on its own."""
    try:
        document = apply(base_doc, changes)
    except PathError as e:
        raise Rejected(_error("changes", f"修改内容格式不正确：{e}"), "invalid_changes") from None
    errors, _ = records.check(document, complete=complete)
    if errors:
        raise Rejected(errors, "invalid_document")
    return document


def _attachments(household_id: str, document: dict) -> list[str]:
    to_link, errors = records.attachments_to_link(household_id, document)
    if errors:
        code = "missing_attachment" if errors[0]["code"] == "missing" else "invalid"
        raise Rejected([{k: e[k] for k in ("path", "message", "severity")} for e in errors], code)
    return to_link


def _submitted(caller: Caller, state: str, op: dict) -> str:
    """An operation may carry the surveyor's "submit for review" along with the edits."""
    if not op["submit"] or state == "submitted":
        return state
    try:
        return transition(caller.role, state or "draft", "submit")
    except WorkflowError as e:
        raise Rejected(_error("review_state", e.message), "invalid_transition") from None
