"""Apply a batch of device operations, each in its own transaction.

One bad operation does not stop the others; a retried operation (same op id) is answered from the
revision it wrote the first time and writes nothing again. Fast-forward when the device edited the
current version; otherwise a three-way merge against the version it edited.
"""

from functools import cache

from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from .. import records, store
from ..access import visible_village_ids
from ..api.errors import _flatten
from ..api.schemas import Operation
from ..database import write_transaction
from ..domain import forms
from ..domain.workflow import WorkflowError, is_locked, transition
from ..extensions import db
from ..models import Attachment, Household, User
from .merge import merge_changes
from .paths import PathError, apply, value_at

_op_schema = Operation()


class Rejected(Exception):
    def __init__(self, errors: list[dict], code: str = "invalid"):
        super().__init__(code)
        self.errors = errors
        self.code = code


def _error(path: str, message: str) -> list[dict]:
    return [{"path": path, "message": message, "severity": "error"}]


def push(user: User, device_id: str, ops: list) -> list[dict]:
    return [apply_operation(user, device_id, raw) for raw in ops]


def apply_operation(user: User, device_id: str, raw) -> dict:
    base = {
        "op_id": raw.get("op_id") if isinstance(raw, dict) else None,
        "household_id": raw.get("household_id") if isinstance(raw, dict) else None,
    }
    try:
        op = _op_schema.load(raw if isinstance(raw, dict) else {})
    except ValidationError as e:
        errors = [
            {"path": p, "message": "；".join(m), "severity": "error"}
            for p, m in _flatten(e.messages).items()
        ]
        return base | {"status": "rejected", "code": "invalid_operation", "errors": errors}
    op["household_id"] = str(op["household_id"])
    first = _first_answer(op["op_id"])
    if first is not None:
        return first
    try:
        with write_transaction():
            return _apply(user, device_id, op)
    except Rejected as r:
        db.session.rollback()
        return base | {"status": "rejected", "code": r.code, "errors": r.errors}
    except IntegrityError:
        # The same op id committed by a parallel request between our check and our write.
        db.session.rollback()
        first = _first_answer(op["op_id"])
        if first is None:
            raise
        return first


def _first_answer(op_id: str) -> dict | None:
    revision = store.revision_by_op(op_id)
    if revision is None:
        return None
    return dict(
        revision.result or {},
        status="duplicate",
        first_status=(revision.result or {}).get("status"),
    )


def _apply(user: User, device_id: str, op: dict) -> dict:
    first = _first_answer(op["op_id"])  # again, now under the write lock
    if first is not None:
        return first
    hh = store.get_household(op["household_id"], lock=True)
    if hh is None:
        return _create(user, device_id, op)
    if hh.village_id not in visible_village_ids(user):
        raise Rejected(_error("household_id", "该户不在您的负责范围内"), "forbidden_area")
    if hh.deleted:
        raise Rejected(_error("household_id", "该户已在服务器上删除"), "deleted")
    if is_locked(hh.review_state):
        raise Rejected(
            _error("review_state", "该户已审核通过并锁定，修改需由县级重新打开"), "locked"
        )
    if op["base_version"] > hh.version:
        raise Rejected(
            _error("base_version", "版本号比服务器上的还新，请重新下载该户"), "bad_version"
        )
    base_doc = {} if op["base_version"] == 0 else store.revision_document(hh.id, op["base_version"])
    if base_doc is None:
        raise Rejected(_error("base_version", "找不到所依据的版本，请重新下载该户"), "bad_version")
    complete = records.needs_completeness(hh.review_state, op["submit"])
    device_doc = _device_document(base_doc, op["changes"], complete)
    campaign = store.get_campaign(hh.campaign_id)
    result = {"op_id": op["op_id"], "household_id": hh.id}
    if op["base_version"] == hh.version:
        document, kind, status = device_doc, "edit", "applied"
    else:
        merged = merge_changes(base_doc, hh.document, op["changes"])
        document = merged.document
        status = "conflict" if merged.conflicts else "merged"
        kind = "conflict" if merged.conflicts else "merge"
        result["merged"] = {"server": merged.from_server, "device": merged.from_device}
        if merged.conflicts:
            result["conflicts"] = [c.as_dict() for c in merged.conflicts]
            hh.conflict_open = True
        if merged.soft:
            hh.parallel_note = True
        if merged.duplicate_members:
            result["duplicate_members"] = [list(d) for d in merged.duplicate_members]
        errors, _ = records.check(document, complete=complete)
        if errors:  # each side was valid alone; together they need a person's eye
            result["review_needed"] = errors
            hh.parallel_note = True
    _link_attachments(user, hh.id, hh.village_id, document)
    _maybe_submit(user, hh, op)
    result.update(status=status, version=hh.version + 1)
    records.save(
        hh,
        document,
        campaign,
        user_id=user.id,
        kind=kind,
        changes=op["changes"],
        base_version=op["base_version"],
        device_id=device_id,
        op_id=op["op_id"],
        result=result,
    )
    if status == "conflict":
        store.add_conflicts(
            [
                {
                    "household_id": hh.id,
                    "township_id": hh.township_id,
                    "path": c["path"],
                    "base_value": c["base"],
                    "server_value": c["server"],
                    "device_value": c["device"],
                    "version": hh.version,
                    "device_user_id": user.id,
                    "device_id": device_id,
                    "op_id": op["op_id"],
                    "created_at": hh.updated_at,
                }
                for c in result["conflicts"]
            ]
        )
    return result


def _create(user: User, device_id: str, op: dict) -> dict:
    if op["base_version"] != 0:
        raise Rejected(_error("household_id", "服务器上没有该户，请重新下载"), "not_found")
    village_id, campaign_id = op.get("village_id"), op.get("campaign_id")
    if village_id is None or village_id not in visible_village_ids(user):
        raise Rejected(_error("village_id", "请选择您负责的村"), "forbidden_area")
    campaign = store.get_campaign(campaign_id) if campaign_id is not None else None
    if campaign is None:
        raise Rejected(_error("campaign_id", "调查轮次不存在"), "invalid")
    document = _device_document({}, op["changes"], op["submit"])
    village = store.get_area(village_id)
    # Before the household joins the session: the attachment look-ups would autoflush it unfilled.
    _link_attachments(user, op["household_id"], village_id, document)
    hh = Household(
        id=op["household_id"],
        village_id=village_id,
        township_id=village.parent_id,
        campaign_id=campaign.id,
        review_state="draft",
        version=0,
    )
    db.session.add(hh)
    _maybe_submit(user, hh, op)
    result = {"op_id": op["op_id"], "household_id": hh.id, "status": "applied", "version": 1}
    records.save(
        hh,
        document,
        campaign,
        user_id=user.id,
        kind="create",
        changes=op["changes"],
        base_version=0,
        device_id=device_id,
        op_id=op["op_id"],
        result=result,
    )
    return result


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


@cache
def _attachment_fields(form_id: str = "annex1") -> tuple[tuple[str, bool, str], ...]:
    """(section, is a repeat section, field) of every attachment field, found once per process."""
    return tuple(
        (section["key"], section["kind"] == "repeat", field["key"])
        for section in forms.load(form_id)["sections"]
        for field in section["fields"]
        if field["type"] == "attachment"
    )


def _attachment_paths(document: dict) -> list[str]:
    out = []
    for section, repeat, field in _attachment_fields():
        if repeat:
            out += [
                f"{section}.{row['id']}.{field}"
                for row in document.get(section) or []
                if row.get("id")
            ]
        else:
            out.append(f"{section}.{field}")
    return out


def _link_attachments(user: User, household_id: str, village_id: int, document: dict) -> None:
    """Refuse a record that points at an attachment the server does not have."""
    for path in _attachment_paths(document):
        attachment_id = value_at(document, path)
        if not attachment_id:
            continue
        attachment = db.session.get(Attachment, str(attachment_id))
        if attachment is None:
            raise Rejected(_error(path, "附件尚未上传，请稍后重试同步"), "missing_attachment")
        if attachment.household_id is None:
            attachment.household_id, attachment.village_id = household_id, village_id
        elif attachment.household_id != household_id:
            raise Rejected(_error(path, "附件属于另一户"), "invalid")


def _maybe_submit(user: User, hh: Household, op: dict) -> None:
    """An operation may carry the surveyor's "submit for review" along with the edits."""
    if not op["submit"] or hh.review_state == "submitted":
        return
    try:
        hh.review_state = transition(user.role, hh.review_state or "draft", "submit")
    except WorkflowError as e:
        raise Rejected(_error("review_state", e.message), "invalid_transition") from None
