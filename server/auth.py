"""Passwords, tokens and the login limit.

Access tokens are short-lived; refresh tokens last long enough for a week and more offline, are
recorded by their jti, and stop working the moment they are revoked (logout, or a lost phone).
"""

from datetime import UTC, datetime, timedelta
from functools import wraps

from flask import current_app, g
from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    decode_token,
    get_jwt,
    verify_jwt_in_request,
)
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from .errors import ApiError
from .extensions import db, jwt
from .models import LoginAttempt, RefreshToken, User


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def check_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


@jwt.user_identity_loader
def _identity(user: User):
    return str(user.id)


@jwt.user_lookup_loader
def _lookup(_header, payload) -> User | None:
    user = db.session.get(User, int(payload["sub"]))
    return user if user is not None and user.active else None


@jwt.token_in_blocklist_loader
def _revoked(_header, payload) -> bool:
    if payload.get("type") != "refresh":
        return False
    token = db.session.get(RefreshToken, payload["jti"])
    return token is None or token.revoked_at is not None


def _now() -> datetime:
    return datetime.now(UTC)


def login_blocked(username: str) -> bool:
    cfg = current_app.config
    since = _now() - timedelta(seconds=cfg["RUHU_LOGIN_WINDOW_SECONDS"])
    failures = db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            LoginAttempt.username == username,
            LoginAttempt.success.is_(False),
            LoginAttempt.at >= since,
        )
    )
    return failures >= cfg["RUHU_LOGIN_MAX_FAILURES"]


def record_attempt(username: str, remote_addr: str | None, success: bool) -> None:
    db.session.add(LoginAttempt(username=username, remote_addr=remote_addr, success=success))
    if success:  # a good login clears the count of earlier failures
        db.session.execute(
            LoginAttempt.__table__.delete().where(
                LoginAttempt.username == username, LoginAttempt.success.is_(False)
            )
        )


def issue_tokens(user: User, device_id: str | None = None, device_label: str | None = None) -> dict:
    refresh = create_refresh_token(identity=user)
    payload = decode_token(refresh)
    db.session.add(
        RefreshToken(
            jti=payload["jti"],
            user_id=user.id,
            device_id=device_id,
            device_label=device_label,
            expires_at=datetime.fromtimestamp(payload["exp"], UTC),
        )
    )
    return {"access_token": create_access_token(identity=user), "refresh_token": refresh}


def revoke_current_refresh() -> None:
    token = db.session.get(RefreshToken, get_jwt()["jti"])
    if token is not None and token.revoked_at is None:
        token.revoked_at = _now()


def revoke_user_tokens(user_id: int, device_id: str | None = None) -> int:
    query = select(RefreshToken).where(
        RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None)
    )
    if device_id:
        query = query.where(RefreshToken.device_id == device_id)
    tokens = db.session.scalars(query).all()
    for token in tokens:
        token.revoked_at = _now()
    return len(tokens)


def roles_required(*roles: str):
    """A valid access token whose user holds one of `roles` (all roles when none are named)."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            verify_jwt_in_request()
            from flask_jwt_extended import current_user

            if current_user is None:
                raise ApiError(401, "账号不存在或已停用", "user_inactive")
            if roles and current_user.role not in roles:
                raise ApiError(403, "您的角色不能进行此操作", "forbidden_role")
            g.user = current_user
            return view(*args, **kwargs)

        return wrapper

    return decorate


login_required = roles_required()
