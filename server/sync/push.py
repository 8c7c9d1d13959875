"""Apply a batch of device operations: each one whole or not at all, one bad one never stopping
the others.

A retried operation (the same person's op id on the same household) is answered from the revision
it wrote the first time and writes nothing again; the same id from someone else, or on another
household, is another operation. Fast-forward when the device edited the current version;
otherwise a three-way merge against the version it edited.

The batch is read with a few statements and every operation is *planned* before any lock is taken
(validate, merge, derive the columns): that part runs on every core at once. The valid plans are
then *written* together in one write transaction, after checking under the lock that each
household is still at the version its plan read: one commit, and a handful of statements, for the
whole batch. An operation whose household moved meanwhile, or a group write that meets a
constraint (another request created the same household, or committed the same op id), falls back
to one transaction per operation, planned again under the lock. The answer is sent only after the
commit, so whatever a phone is told was applied is on disk.
"""

import uuid
from dataclasses import dataclass, field

from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError, OperationalError

from server import store
from server.core.database import write_transaction
from server.core.errors import flatten_messages
from server.domain.workflow import WorkflowError, is_locked, transition
from server.extensions import db
from server.households import records
from server.identity.access import visible_village_ids
from server.models import User
from server.sync.merge import merge
from server.sync.paths import PathError, apply
from server.sync.schema import ID_MAX as _ID_MAX
from server.sync.schema import OP_ID as _OP_ID
from server.sync.schema import Operation

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
    # The member projection's rows to delete (by id) and to write: only what the change touched.
    members_gone: list[str] = field(default_factory=list)
    members_written: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.household, self.revision = store.write_ready(self.household, self.revision)


def push(user: User, device_id: str, ops: list) -> list[dict]:
    """One result per operation, in the order sent."""
    caller = Caller.of(user)
    results: list[dict | None] = [None] * len(ops)
    todo: list[tuple[int, dict]] = []
    for index, raw in enumerate(ops):
        op = _load(raw)
        if "status" in op:
            results[index] = op
        else:
            todo.append((index, op))
    seen = _first_answers(caller, [_key(op) for _, op in todo])  # the retries, in one query
    db.session.rollback()
    while todo:
        group, todo = _one_per_household(todo)
        fresh = []
        for index, op in group:
            if _key(op) in seen:
                results[index] = _duplicate(seen[_key(op)])
            else:
                fresh.append((index, op))
        for index, result in _apply_group(caller, device_id, fresh).items():
            results[index] = result
            key = (result["household_id"], result["op_id"])
            if result["status"] == "duplicate":  # committed by a parallel retry meanwhile
                seen[key] = dict(result, status=result["first_status"])
            elif result["status"] != "rejected":  # the same op id again later in this batch
                seen[key] = result
    return results


def _key(op: dict) -> tuple[str, str]:
    """What names one operation, with the caller: a retry is the same person's, on the same
    household, with the same op id."""
    return op["household_id"], op["op_id"]


def _first_answers(caller: Caller, keys: list[tuple[str, str]]) -> dict:
    """{key: first answer} of the caller's operations among `keys` applied before, each as the
    caller may see it now: a household that has left the caller's villages since is answered
    without its values (conflicts, merged paths, messages)."""
    answers = {}
    for key, (result, village_id) in store.first_results(caller.id, keys).items():
        if village_id not in caller.villages:
            result = {k: result[k] for k in _BARE_ANSWER if k in result}
        answers[key] = result
    return answers


_BARE_ANSWER = ("op_id", "household_id", "status", "version")


def _load(raw) -> dict:
    """The operation, checked for shape; or its "rejected" result."""
    raw = raw if isinstance(raw, dict) else {}
    op = _well_formed(raw)
    if op is not None:
        return op
    try:
        op = _op_schema.load(raw)
    except ValidationError as e:
        errors = [
            {"path": p, "message": "；".join(m), "severity": "error"}
            for p, m in flatten_messages(e.messages).items()
        ]
        return {  # the ids repeated only as far as they are what they should be
            "op_id": raw.get("op_id") if _OP_ID.fullmatch(str(raw.get("op_id"))) else None,
            "household_id": _uuid_or_none(raw.get("household_id")),
            "status": "rejected",
            "code": "invalid_operation",
            "errors": errors,
        }
    op["household_id"] = str(op["household_id"])
    return op


_OP_KEYS = frozenset(_op_schema.fields)
_INT_OR_NONE = (int, type(None))


def _uuid_or_none(value) -> str | None:
    try:
        return str(uuid.UUID(value)) if type(value) is str and len(value) <= 40 else None
    except ValueError:
        return None


def _well_formed(raw: dict) -> dict | None:
    """What `Operation().load(raw)` gives, for an operation a phone sends: the exact types, nothing
    to coerce. Anything else (None) goes through the schema, which says what is wrong with it.
    Loading a schema costs more than validating a document's shape this way, 200 times a batch."""
    op_id, household_id, base_version = (
        raw.get("op_id"),
        raw.get("household_id"),
        raw.get("base_version"),
    )
    if not (
        raw.keys() <= _OP_KEYS
        and type(op_id) is str
        and 8 <= len(op_id) <= 64
        and _OP_ID.fullmatch(op_id)
        and type(household_id) is str
        and type(base_version) is int
        and base_version >= 0
        and type(raw.get("village_id")) in _INT_OR_NONE
        and type(raw.get("campaign_id")) in _INT_OR_NONE
        and type(raw.get("changes")) is dict
        and all(type(k) is str for k in raw["changes"])
        and type(raw.get("submit", False)) is bool
    ):
        return None
    try:
        household_id = str(uuid.UUID(household_id))
    except ValueError:
        return None
    return {
        "op_id": op_id,
        "household_id": household_id,
        "base_version": base_version,
        "village_id": raw.get("village_id"),
        "campaign_id": raw.get("campaign_id"),
        "changes": raw["changes"],
        "submit": raw.get("submit", False),
    }


def _one_per_household(todo: list[tuple[int, dict]]):
    """(the first operation of each household and op id, the rest in order): operations on one
    household apply one after the other, each on the version the one before wrote."""
    group, rest, households, op_ids = [], [], set(), set()
    for index, op in todo:
        if op["household_id"] in households or op["op_id"] in op_ids:
            rest.append((index, op))
        else:
            households.add(op["household_id"])
            op_ids.add(op["op_id"])
            group.append((index, op))
    return group, rest


def _rejected(op: dict, r: "Rejected") -> dict:
    return {
        "op_id": op["op_id"],
        "household_id": op["household_id"],
        "status": "rejected",
        "code": r.code,
        "errors": r.errors,
    }


def _apply_group(caller: Caller, device_id: str, items: list[tuple[int, dict]]) -> dict:
    """{index: result} for operations on distinct households: planned together, written in one
    transaction; what cannot be written so falls back to one transaction per operation."""
    results: dict[int, dict] = {}
    if not items:
        return results
    rows = store.household_rows([op["household_id"] for _, op in items])
    bases = store.base_documents(
        [
            (op["household_id"], op["base_version"])
            for _, op in items
            if (row := rows.get(op["household_id"])) is not None
            and 0 < op["base_version"] < row.version
        ]
    )
    db.session.rollback()
    planned: list[tuple[int, dict, Plan]] = []
    for index, op in items:
        row = rows.get(op["household_id"])
        try:
            if row is None:
                plan = _plan_create(caller, device_id, op)
            else:
                base = bases.get((row.id, op["base_version"]), _MISSING)
                plan = _plan(caller, device_id, op, row, base)
        except Rejected as r:
            results[index] = _rejected(op, r)
            continue
        planned.append((index, op, plan))
    planned.sort(key=lambda item: item[2].household_id)  # every batch locks in the same order
    alone = []
    try:
        with write_transaction():
            versions = store.lock_versions([plan.household_id for _, _, plan in planned])
            together = []
            for index, op, plan in planned:
                if versions.get(plan.household_id) == plan.expected_version:
                    together.append(plan)
                else:  # written meanwhile by another request: plan it again, under the lock
                    alone.append((index, op))
            _write(together)
    except (IntegrityError, OperationalError, store.StaleWrite):
        db.session.rollback()  # nothing of the group was written; each is tried on its own
        alone = [(index, op) for index, op, _ in planned]
    else:
        moved = {index for index, _ in alone}
        for index, _, plan in planned:
            if index not in moved:
                results[index] = plan.result
    for index, op in alone:
        results[index] = _apply_alone(caller, device_id, op)
    return results


def _apply_alone(caller: Caller, device_id: str, op: dict) -> dict:
    """One operation in its own transaction, re-read and planned under the write lock when its
    household moves; the path every race ends on."""
    try:
        for attempt in range(2):
            try:
                with write_transaction():
                    plan = _plan_read(caller, device_id, op, lock=True)
                    _write([plan])
                return plan.result
            except IntegrityError:
                db.session.rollback()
                found = _first_answers(caller, [_key(op)])
                if _key(op) in found:  # the same operation, committed by a parallel retry
                    return _duplicate(found[_key(op)])
                if attempt:
                    raise
                # Another operation created this household first: merge into what it wrote.
    except Rejected as r:
        db.session.rollback()
        return _rejected(op, r)
    raise AssertionError("unreachable")


def _duplicate(result: dict) -> dict:
    """The first answer again: a retry after a lost response changes nothing."""
    return dict(result, status="duplicate", first_status=result.get("status"))


_MISSING = object()  # the base version's document is not stored


def _plan_read(caller: Caller, device_id: str, op: dict, lock: bool = False) -> Plan:
    """Plan one operation from what is stored now (`lock`: the household row locked too)."""
    row = store.household_row(op["household_id"], lock=lock)
    if row is None:
        return _plan_create(caller, device_id, op)
    base = _MISSING
    if 0 < op["base_version"] < row.version:
        base = store.base_document(row.id, op["base_version"])
    return _plan(caller, device_id, op, row, _MISSING if base is None else base)


def _plan(caller: Caller, device_id: str, op: dict, row, base) -> Plan:
    """Plan an operation on an existing household `row`; `base` is the document of the version
    the device edited when that is older than the row's (else _MISSING: the row or nothing is
    the base)."""
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
    if op["base_version"] == row.version:
        base_doc = row.document  # the current document is the newest revision's
    elif op["base_version"] == 0:
        base_doc = {}  # created on the phone while another phone created it too
    elif base is _MISSING:
        raise Rejected(_error("base_version", "找不到所依据的版本，请重新下载该户"), "bad_version")
    else:
        base_doc = base
    complete = records.needs_completeness(row.review_state, op["submit"])
    device_doc = _device_document(base_doc, op["changes"])
    result = {"op_id": op["op_id"], "household_id": row.id}
    state = {"conflict_open": row.conflict_open, "parallel_note": row.parallel_note}
    conflicts = []
    if op["base_version"] == row.version:
        _require_valid(device_doc, complete)
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
        if errors or conflicts:  # then the device's own document must be valid, or it is refused
            _require_valid(device_doc, complete)
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
        revision=_revision(op, caller, device_id, kind, version, result, now),
        result=result,
        attachments=_attachments(row.id, document),
    )
    plan.members_written, plan.members_gone = _member_changes(row.document, document)
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


def _member_changes(old_doc: dict, new_doc: dict) -> tuple[list[dict], list[str]]:
    """(the member projection's rows to write, the member ids whose rows go): only the members
    whose projected columns changed. An edit touches one or two members of a household, so the
    projection is made only of members whose document entry is not equal as a whole."""
    old = _by_id(old_doc.get("members") or [])
    new = _by_id(new_doc.get("members") or [])
    written, gone = [], []
    for member_id, member in new.items():
        before = old.get(member_id)
        if before == member:
            continue
        row = records.member_rows([member])[0]
        if before is None:
            written.append(row)
        elif records.member_rows([before])[0] != row:
            written.append(row)
            gone.append(member_id)
    gone += [member_id for member_id in old if member_id not in new]
    return written, gone


def _by_id(members: list[dict]) -> dict:
    """The members that have an id (the only ones the projection holds), by id; of two with one
    id, the last, as the projection's key keeps it."""
    return {m["id"]: m for m in members if m.get("id")}


def _plan_create(caller: Caller, device_id: str, op: dict) -> Plan:
    if op["base_version"] != 0:
        raise Rejected(_error("household_id", "服务器上没有该户，请重新下载"), "not_found")
    village_id, campaign_id = op.get("village_id"), op.get("campaign_id")
    if village_id is None or village_id not in caller.villages:
        raise Rejected(_error("village_id", "请选择您负责的村"), "forbidden_area")
    if (
        campaign_id is None
        or not 0 < campaign_id <= _ID_MAX  # a key the database can be asked about
        or caller.campaign_lines(campaign_id) is None
    ):
        raise Rejected(_error("campaign_id", "调查轮次不存在"), "invalid")
    document = _device_document({}, op["changes"])
    _require_valid(document, op["submit"])
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
        revision=_revision(op, caller, device_id, "create", 1, result, now),
        result=result,
        members_written=records.member_rows(document.get("members") or []),
        attachments=_attachments(op["household_id"], document),
    )


def _columns(document: dict, campaign_id: int, version: int, caller: Caller, now) -> dict:
    return records.derived_columns(document, caller.campaign_lines(campaign_id) or []) | {
        "document": document,
        "version": version,
        "updated_at": now,
        "updated_by": caller.id,
    }


def _revision(op, caller, device_id, kind, version, result, now) -> dict:
    """The revision row, but its document: the store copies the one the household row was given."""
    return {
        "household_id": op["household_id"],
        "version": version,
        "base_version": op["base_version"],
        "kind": kind,
        "author_id": caller.id,
        "device_id": device_id,
        "op_id": op["op_id"],
        "changes": op["changes"],
        "result": result,
        "created_at": now,
    }


def _write(plans: list[Plan]) -> None:
    """Write the plans, inside the caller's write transaction, households already checked to be
    at each plan's expected version (and locked, on PostgreSQL).

    Lock order, as on every write path: household rows first, the change counter second. New
    households are inserted before the counter is taken, so an insert that has to wait for a
    parallel insert of the same id never waits while holding the counter.
    """
    if not plans:
        return
    store.insert_households(
        [plan.household | {"change_seq": 0} for plan in plans if plan.expected_version is None]
    )
    last = store.bump_change_seq(len(plans))  # held until commit: sequence order is commit order
    for seq, plan in enumerate(plans, start=last - len(plans) + 1):
        plan.household["change_seq"] = seq
    store.update_households(
        [
            plan.household | {"hid": plan.household_id, "expected": plan.expected_version}
            for plan in plans
            if plan.expected_version is not None
        ]
    )
    store.set_change_seqs(
        [
            {"hid": plan.household_id, "change_seq": plan.household["change_seq"]}
            for plan in plans
            if plan.expected_version is None
        ]
    )
    store.delete_members([(plan.household_id, i) for plan in plans for i in plan.members_gone])
    store.insert_members([(plan.household_id, m) for plan in plans for m in plan.members_written])
    store.add_revisions([plan.revision for plan in plans])
    store.add_conflicts([c for plan in plans for c in plan.conflicts])
    for plan in plans:
        store.link_attachments(plan.attachments, plan.household_id, plan.village_id)


def _device_document(base_doc: dict, changes: dict) -> dict:
    """What the device holds: its base plus its changes (rows named by UUIDs, values no deeper
    than a document's: paths.apply(from_device=True))."""
    try:
        return apply(base_doc, changes, from_device=True)
    except PathError as e:
        detail = str(e)[:200].encode("utf-8", "replace").decode()  # no half of a UTF-16 pair
        message = f"修改内容格式不正确：{detail}"
        raise Rejected(_error("changes", message), "invalid_changes") from None


def _require_valid(document: dict, complete: bool) -> None:
    """A document a device made must be valid on its own, or the operation is refused.

    A merge checks what it will store first: when that is valid and nothing clashed, every value
    the device sent is in it and valid there, and the device's document is not checked again
    (a check costs as much as the rest of the merge). A device document that was invalid only
    with the fields the server has since changed is thus accepted: what is stored is valid."""
    errors, _ = records.check(document, complete=complete)
    if errors:
        raise Rejected(errors, "invalid_document")


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
