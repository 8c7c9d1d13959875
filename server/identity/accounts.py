"""Accounts and their devices: what an administrator does. Writes take the write lock (on
SQLite they wait behind a push rather than fail); the slow password hash is made before it."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.core.database import write_transaction
from server.core.errors import ApiError
from server.extensions import db
from server.identity.tokens import hash_password, revoke_user_tokens
from server.models import Area, SignIn, User


def _taken() -> ApiError:
    return ApiError(422, "用户名已存在", "invalid", {"username": ["用户名已存在"]})


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.username)))


def create_user(username: str, name: str, role: str, password: str, area_ids: list[int]) -> User:
    password_hash = hash_password(password)  # scrypt is slow: outside the write lock
    try:
        with write_transaction():
            if db.session.scalar(select(User.id).where(User.username == username)):
                raise _taken()
            areas = list(db.session.scalars(select(Area).where(Area.id.in_(area_ids))))
            if len(areas) != len(set(area_ids)):
                raise ApiError(422, "所选区域不存在", "invalid", {"area_ids": ["所选区域不存在"]})
            user = User(
                username=username, name=name, role=role, password_hash=password_hash, areas=areas
            )
            db.session.add(user)
    except IntegrityError:  # the same username created by a parallel request
        raise _taken() from None
    return user


def devices(user_id: int) -> list[dict]:
    """A user's sign-ins, one per device login, oldest first."""
    sign_ins = db.session.scalars(
        select(SignIn).where(SignIn.user_id == user_id).order_by(SignIn.created_at)
    )
    return [
        {
            "device_id": s.device_id,
            "device_label": s.device_label,
            "created_at": s.created_at.isoformat(),
            "last_used_at": s.last_used_at.isoformat() if s.last_used_at else None,
            "expires_at": s.expires_at.isoformat(),
            "revoked": s.revoked_at is not None,
        }
        for s in sign_ins
    ]


def revoke(user_id: int, device_id: str | None) -> int:
    """Revoke the user's sign-ins (of one device, or all): how many were revoked."""
    with write_transaction():
        if db.session.get(User, user_id) is None:
            raise ApiError(404, "用户不存在", "not_found")
        return revoke_user_tokens(user_id, device_id)
