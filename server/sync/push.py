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

from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError, OperationalError

from server.campaigns import queries as campaigns
from server.core.database import write_transaction
from server.domain.workflow import WorkflowError, is_locked, transition
from server.extensions import db
from server.households import checks, queries, writer
from server.households.writer import Refused, Write, refused
from server.identity import queries as identity_queries
from server.identity.access import visible_village_ids
from server.models import User
from server.sync import queries as sync_queries
from server.sync.merge import merge
from server.sync.paths import PathError, apply
from server.sync.schema import ID_MAX as _ID_MAX
from server.sync.schema import load_operation


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
            self.lines[campaign_id] = campaigns.campaign_lines(campaign_id)
        return self.lines[campaign_id]


def push(user: User, device_id: str, ops: list) -> list[dict]:
    """One result per operation, in the order sent."""
    caller = Caller.of(user)
    results: list[dict | None] = [None] * len(ops)
    todo: list[tuple[int, dict]] = []
    for index, raw in enumerate(ops):
        op = load_operation(raw)
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
    for key, (result, village_id) in sync_queries.first_results(caller.id, keys).items():
        if village_id not in caller.villages:
            result = {k: result[k] for k in _BARE_ANSWER if k in result}
        answers[key] = result
    return answers


_BARE_ANSWER = ("op_id", "household_id", "status", "version")


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


def _rejected(op: dict, r: "Refused") -> dict:
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
    rows = queries.household_rows([op["household_id"] for _, op in items])
    bases = sync_queries.base_documents(
        [
            (op["household_id"], op["base_version"])
            for _, op in items
            if (row := rows.get(op["household_id"])) is not None
            and 0 < op["base_version"] < row.version
        ]
    )
    db.session.rollback()
    planned: list[tuple[int, dict, Write]] = []
    for index, op in items:
        row = rows.get(op["household_id"])
        try:
            if row is None:
                plan = _plan_create(caller, device_id, op)
            else:
                base = bases.get((row.id, op["base_version"]), _MISSING)
                plan = _plan(caller, device_id, op, row, base)
        except Refused as r:
            results[index] = _rejected(op, r)
            continue
        planned.append((index, op, plan))
    planned.sort(key=lambda item: item[2].household_id)  # every batch locks in the same order
    alone = []
    try:
        with write_transaction():
            versions = queries.lock_versions([plan.household_id for _, _, plan in planned])
            together = []
            for index, op, plan in planned:
                if versions.get(plan.household_id) == plan.expected_version:
                    together.append(plan)
                else:  # written meanwhile by another request: plan it again, under the lock
                    alone.append((index, op))
            writer.write(together)
    except (IntegrityError, OperationalError, queries.StaleWrite):
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
                    writer.write([plan])
                return plan.result
            except IntegrityError:
                db.session.rollback()
                found = _first_answers(caller, [_key(op)])
                if _key(op) in found:  # the same operation, committed by a parallel retry
                    return _duplicate(found[_key(op)])
                if attempt:
                    raise
                # Another operation created this household first: merge into what it wrote.
    except Refused as r:
        db.session.rollback()
        return _rejected(op, r)
    raise AssertionError("unreachable")


def _duplicate(result: dict) -> dict:
    """The first answer again: a retry after a lost response changes nothing."""
    return dict(result, status="duplicate", first_status=result.get("status"))


_MISSING = object()  # the base version's document is not stored


def _plan_read(caller: Caller, device_id: str, op: dict, lock: bool = False) -> Write:
    """Plan one operation from what is stored now (`lock`: the household row locked too)."""
    row = queries.household_row(op["household_id"], lock=lock)
    if row is None:
        return _plan_create(caller, device_id, op)
    base = _MISSING
    if 0 < op["base_version"] < row.version:
        base = sync_queries.base_document(row.id, op["base_version"])
    return _plan(caller, device_id, op, row, _MISSING if base is None else base)


def _plan(caller: Caller, device_id: str, op: dict, row, base) -> Write:
    """Plan an operation on an existing household `row`; `base` is the document of the version
    the device edited when that is older than the row's (else _MISSING: the row or nothing is
    the base)."""
    if row.village_id not in caller.villages:
        raise refused("household_id", "该户不在您的负责范围内", "forbidden_area")
    if row.deleted:
        raise refused("household_id", "该户已在服务器上删除", "deleted")
    if is_locked(row.review_state):
        raise refused("review_state", "该户已审核通过并锁定，修改需由县级重新打开", "locked")
    if op["base_version"] > row.version:
        raise refused("base_version", "版本号比服务器上的还新，请重新下载该户", "bad_version")
    if op["base_version"] == row.version:
        base_doc = row.document  # the current document is the newest revision's
    elif op["base_version"] == 0:
        base_doc = {}  # created on the phone while another phone created it too
    elif base is _MISSING:
        raise refused("base_version", "找不到所依据的版本，请重新下载该户", "bad_version")
    else:
        base_doc = base
    complete = checks.needs_completeness(row.review_state, op["submit"])
    device_doc = _device_document(base_doc, op["changes"])
    result = {"op_id": op["op_id"], "household_id": row.id}
    state = {"conflict_open": row.conflict_open, "parallel_note": row.parallel_note}
    conflicts = []
    if op["base_version"] == row.version:
        checked = _require_valid(device_doc, complete)
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
        errors, warnings = checks.check(document, complete=complete)
        checked = checks.Checked(len(errors), len(warnings), complete)
        if errors or conflicts:  # then the device's own document must be valid, or it is refused
            _require_valid(device_doc, complete)
        if errors:  # each side was valid alone; together they need a person's eye
            result["review_needed"] = errors
            state["parallel_note"] = True
    result.update(status=status, version=row.version + 1)
    review_state = _submitted(caller, row.review_state, op)
    changes = op["changes"]
    if review_state != row.review_state:  # the history says when the record went for review
        changes = {**changes, "review_state": [row.review_state, review_state]}
    return writer.new_version(
        row,
        document,
        lines=caller.campaign_lines(row.campaign_id) or [],
        author_id=caller.id,
        kind=kind,
        changes=changes,
        base_version=op["base_version"],
        device_id=device_id,
        op_id=op["op_id"],
        result=result,
        state=state | {"review_state": review_state},
        conflicts=conflicts,
        checked=checked,
    )


def _plan_create(caller: Caller, device_id: str, op: dict) -> Write:
    if op["base_version"] != 0:
        raise refused("household_id", "服务器上没有该户，请重新下载", "not_found")
    village_id, campaign_id = op.get("village_id"), op.get("campaign_id")
    if village_id is None or village_id not in caller.villages:
        raise refused("village_id", "请选择您负责的村", "forbidden_area")
    if (
        campaign_id is None
        or not 0 < campaign_id <= _ID_MAX  # a key the database can be asked about
        or caller.campaign_lines(campaign_id) is None
    ):
        raise refused("campaign_id", "调查轮次不存在", "invalid")
    document = _device_document({}, op["changes"])
    checked = _require_valid(document, op["submit"])
    result = {
        "op_id": op["op_id"],
        "household_id": op["household_id"],
        "status": "applied",
        "version": 1,
    }
    review_state = _submitted(caller, "draft", op)
    changes = op["changes"]
    if review_state != "draft":
        changes = {**changes, "review_state": ["draft", review_state]}
    return writer.creation(
        op["household_id"],
        document,
        village_id=village_id,
        township_id=identity_queries.get_area(village_id).parent_id,
        campaign_id=campaign_id,
        lines=caller.campaign_lines(campaign_id) or [],
        author_id=caller.id,
        review_state=review_state,
        changes=changes,
        device_id=device_id,
        op_id=op["op_id"],
        result=result,
        checked=checked,
    )


def _device_document(base_doc: dict, changes: dict) -> dict:
    """What the device holds: its base plus its changes (rows named by UUIDs, values no deeper
    than a document's: paths.apply(from_device=True))."""
    try:
        return apply(base_doc, changes, from_device=True)
    except PathError as e:
        detail = str(e)[:200].encode("utf-8", "replace").decode()  # no half of a UTF-16 pair
        message = f"修改内容格式不正确：{detail}"
        raise refused("changes", message, "invalid_changes") from None


def _require_valid(document: dict, complete: bool) -> checks.Checked:
    """A document a device made must be valid on its own, or the operation is refused.

    A merge checks what it will store first: when that is valid and nothing clashed, every value
    the device sent is in it and valid there, and the device's document is not checked again
    (a check costs as much as the rest of the merge). A device document that was invalid only
    with the fields the server has since changed is thus accepted: what is stored is valid.
    Returns what the check found, which the writer stores (checks.quality)."""
    errors, warnings = checks.check(document, complete=complete)
    if errors:
        raise Refused(errors, "invalid_document")
    return checks.Checked(0, len(warnings), complete)


def _submitted(caller: Caller, state: str, op: dict) -> str:
    """An operation may carry the surveyor's "submit for review" along with the edits."""
    if not op["submit"] or state == "submitted":
        return state
    try:
        return transition(caller.role, state or "draft", "submit")
    except WorkflowError as e:
        raise refused("review_state", e.message, "invalid_transition") from None
