"""Accounts and their devices: what an administrator does. Writes take the write lock (on
SQLite they wait behind a push rather than fail); the slow password hash is made before it."""

from datetime import UTC, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from server.core.database import write_transaction
from server.core.errors import ApiError
from server.extensions import db
from server.identity import audit
from server.identity.tokens import hash_password, revoke_user_tokens
from server.models import Area, SignIn, User


def _taken() -> ApiError:
    return ApiError(422, "用户名已存在", "invalid", {"username": ["用户名已存在"]})


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.username)))


def find_users(text: str = "", role: str | None = None) -> list[User]:
    """Accounts whose username or name contains `text`, of one role or all."""
    query = select(User).order_by(User.username)
    if text:
        like = f"%{text}%"
        query = query.where(or_(User.username.like(like), User.name.like(like)))
    if role:
        query = query.where(User.role == role)
    return list(db.session.scalars(query))


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise ApiError(404, "用户不存在", "not_found")
    return user


def _areas(area_ids: list[int]) -> list[Area]:
    areas = list(db.session.scalars(select(Area).where(Area.id.in_(area_ids))))
    if len(areas) != len(set(area_ids)):
        raise ApiError(422, "所选区域不存在", "invalid", {"area_ids": ["所选区域不存在"]})
    return areas


def create_user(
    username: str,
    name: str,
    role: str,
    password: str,
    area_ids: list[int],
    *,
    phone: str | None = None,
    actor_id: int | None = None,
) -> User:
    password_hash = hash_password(password)  # scrypt is slow: outside the write lock
    try:
        with write_transaction():
            if db.session.scalar(select(User.id).where(User.username == username)):
                raise _taken()
            user = User(
                username=username,
                name=name,
                role=role,
                phone=phone,
                password_hash=password_hash,
                areas=_areas(area_ids),
            )
            db.session.add(user)
            db.session.flush()
            audit.record("user_create", actor_id=actor_id, user_id=user.id, detail=role)
    except IntegrityError:  # the same username created by a parallel request
        raise _taken() from None
    return user


def update_user(
    actor_id: int,
    user_id: int,
    *,
    name: str,
    role: str,
    phone: str | None,
    area_ids: list[int],
) -> User:
    """Change an account's name, role, phone and areas. New areas bump its scope version, so
    its phones start their download again; an administrator cannot change their own role."""
    with write_transaction():
        user = get_user(user_id)
        if user.id == actor_id and role != user.role:
            raise ApiError(422, "不能修改自己的角色", "invalid", {"role": ["不能修改自己的角色"]})
        areas = _areas(area_ids)
        changed = [
            label
            for label, old, new in (
                ("姓名", user.name, name),
                ("角色", user.role, role),
                ("电话", user.phone, phone),
                ("区域", sorted(a.id for a in user.areas), sorted(a.id for a in areas)),
            )
            if old != new
        ]
        if sorted(a.id for a in user.areas) != sorted(a.id for a in areas):
            user.scope_version = (user.scope_version or 1) + 1
        user.name, user.role, user.phone, user.areas = name, role, phone, areas
        if changed:
            audit.record(
                "user_update", actor_id=actor_id, user_id=user.id, detail="、".join(changed)
            )
    return user


def set_active(actor_id: int, user_id: int, active: bool) -> User:
    """Disable an account (every sign-in ends at once) or enable it again."""
    with write_transaction():
        user = get_user(user_id)
        if user.id == actor_id and not active:
            raise ApiError(422, "不能停用自己的账号", "invalid", {"active": ["不能停用自己的账号"]})
        if user.active != active:
            user.active = active
            if not active:
                _revoke_where(actor_id, SignIn.user_id == user.id)
            audit.record(
                "user_enable" if active else "user_disable", actor_id=actor_id, user_id=user.id
            )
    return user


def reset_password(actor_id: int, user_id: int, password: str) -> None:
    """A new password set by an administrator; the account's sign-ins end with the old one."""
    password_hash = hash_password(password)
    with write_transaction():
        user = get_user(user_id)
        user.password_hash = password_hash
        _revoke_where(actor_id, SignIn.user_id == user.id)
        audit.record("password_reset", actor_id=actor_id, user_id=user.id)


def revoke_sign_in(actor_id: int, sign_in_id: str) -> SignIn:
    """End one device's sign-in: that device's next request is refused, the others go on."""
    with write_transaction():
        sign_in = db.session.get(SignIn, sign_in_id)
        if sign_in is None:
            raise ApiError(404, "未找到该设备登录", "not_found")
        if sign_in.revoked_at is None:
            _revoke_where(actor_id, SignIn.id == sign_in.id)
            audit.record(
                "revoke",
                actor_id=actor_id,
                user_id=sign_in.user_id,
                device_label=sign_in.device_label or sign_in.device_id,
            )
    return sign_in


def _revoke_where(actor_id: int | None, condition) -> int:
    return db.session.execute(
        update(SignIn)
        .where(condition, SignIn.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC), revoked_by=actor_id)
    ).rowcount


def devices(user_id: int) -> list[dict]:
    """A user's sign-ins, one per device login, oldest first."""
    sign_ins = db.session.scalars(
        select(SignIn).where(SignIn.user_id == user_id).order_by(SignIn.created_at)
    )
    return [
        {
            "id": s.id,
            "device_id": s.device_id,
            "device_label": s.device_label,
            "created_at": s.created_at.isoformat(),
            "last_used_at": s.last_used_at.isoformat() if s.last_used_at else None,
            "last_sync_at": s.last_sync_at.isoformat() if s.last_sync_at else None,
            "expires_at": s.expires_at.isoformat(),
            "revoked": s.revoked_at is not None,
            "revoked_at": s.revoked_at.isoformat() if s.revoked_at else None,
        }
        for s in sign_ins
    ]


def revoke(user_id: int, device_id: str | None, actor_id: int | None = None) -> int:
    """Revoke the user's sign-ins (of one device, or all): how many were revoked."""
    with write_transaction():
        if db.session.get(User, user_id) is None:
            raise ApiError(404, "用户不存在", "not_found")
        count = revoke_user_tokens(user_id, device_id, actor_id)
        if count:
            audit.record("revoke", actor_id=actor_id, user_id=user_id, device_label=device_id)
        return count
