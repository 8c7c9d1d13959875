"""The audit log: what was done to accounts and sign-ins, and the review decisions beside them.

Account events are written here, in the transaction of the change they record. Decisions are
read from the revisions (kinds review, resolve and correct), which already hold who, when and
from which device: the log is one query over both, newest first, searchable by user and date.
Nothing personal beyond the account's own name goes in: never a password, ID number or phone.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import func, literal, null, select, union_all

from server.extensions import db
from server.models import AuditEvent, Household, Revision, User

KIND_LABELS = {
    "login": "登录",
    "logout": "退出登录",
    "revoke": "停用设备登录",
    "user_create": "新建账号",
    "user_update": "修改账号",
    "user_disable": "停用账号",
    "user_enable": "启用账号",
    "password_reset": "重置密码",
    "areas_import": "导入区划",
    "review": "审核决定",
    "resolve": "处理冲突",
    "correct": "审核员更正",
}
DECISION_KINDS = ("review", "resolve", "correct")


def record(kind: str, *, actor_id=None, user_id=None, device_label=None, detail=None) -> None:
    """Add an account event; call inside the write transaction of what it records."""
    db.session.add(
        AuditEvent(
            kind=kind,
            actor_id=actor_id,
            user_id=user_id,
            device_label=(device_label or "")[:120] or None,
            detail=(detail or "")[:200] or None,
        )
    )


@dataclass(frozen=True)
class Filters:
    user_id: int | None = None  # the actor or the account acted on
    since: date | None = None
    until: date | None = None
    kind: str | None = None
    zone: tzinfo = UTC  # whose days `since` and `until` are


def events(filters: Filters, page: int = 1, per_page: int = 50) -> tuple[list[dict], int]:
    """One page of the log, newest first, and how many entries match."""
    accounts = select(
        AuditEvent.at.label("at"),
        AuditEvent.kind.label("kind"),
        AuditEvent.actor_id.label("actor_id"),
        AuditEvent.user_id.label("user_id"),
        AuditEvent.device_label.label("device"),
        AuditEvent.detail.label("detail"),
        null().label("household_id"),
    )
    decisions = select(
        Revision.created_at.label("at"),
        Revision.kind.label("kind"),
        Revision.author_id.label("actor_id"),
        literal(None, db.Integer).label("user_id"),
        Revision.device_id.label("device"),
        Revision.note.label("detail"),
        Revision.household_id.label("household_id"),
    ).where(Revision.kind.in_(DECISION_KINDS))
    f = filters
    if f.user_id is not None:
        accounts = accounts.where(
            (AuditEvent.actor_id == f.user_id) | (AuditEvent.user_id == f.user_id)
        )
        decisions = decisions.where(Revision.author_id == f.user_id)
    if f.since is not None:
        start = datetime.combine(f.since, time.min, tzinfo=f.zone).astimezone(UTC)
        accounts = accounts.where(AuditEvent.at >= start)
        decisions = decisions.where(Revision.created_at >= start)
    if f.until is not None:
        end = datetime.combine(f.until + timedelta(days=1), time.min, tzinfo=f.zone).astimezone(UTC)
        accounts = accounts.where(AuditEvent.at < end)
        decisions = decisions.where(Revision.created_at < end)
    parts = []
    if f.kind is None or f.kind not in DECISION_KINDS:
        parts.append(accounts if f.kind is None else accounts.where(AuditEvent.kind == f.kind))
    if f.kind is None or f.kind in DECISION_KINDS:
        parts.append(decisions if f.kind is None else decisions.where(Revision.kind == f.kind))
    both = union_all(*parts).subquery()
    total = db.session.scalar(select(func.count()).select_from(both))
    rows = db.session.execute(
        select(both).order_by(both.c.at.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    names = _names({r.actor_id for r in rows} | {r.user_id for r in rows})
    households = _household_numbers({r.household_id for r in rows if r.household_id})
    return [
        {
            "at": r.at,
            "kind": r.kind,
            "kind_label": KIND_LABELS.get(r.kind, r.kind),
            "actor": names.get(r.actor_id),
            "user": names.get(r.user_id),
            "device": r.device,
            "detail": r.detail,
            "household_id": r.household_id,
            "household_no": households.get(r.household_id),
        }
        for r in rows
    ], total


def _names(ids) -> dict[int, str]:
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.name, User.username).where(User.id.in_(ids)))
    return {r.id: f"{r.name}（{r.username}）" for r in rows}


def _household_numbers(ids) -> dict[str, str]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Household.id, Household.household_no).where(Household.id.in_(list(ids)))
    )
    return {r.id: r.household_no for r in rows}
