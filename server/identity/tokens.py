"""Passwords, sign-ins and the tokens they issue.

A login opens a sign-in (`SignIn`): one device, one family of tokens. Access tokens are short-lived
and refresh tokens last long enough for a week and more offline; both carry the sign-in's id, and
every request looks that row up by its primary key, so a logout or an administrator's revoke stops
them all on the next request. A refresh token is used once: each refresh answers a new one, and an
old one coming back (a copy in someone else's hands) revokes the sign-in.

Every write here goes through `write_transaction()`, like a push: on SQLite it waits its turn
behind the write lock instead of failing with "database is locked".
"""

import uuid
from datetime import UTC, datetime, timedelta
from functools import wraps

from flask import current_app, g
from flask_jwt_extended import create_access_token, create_refresh_token, verify_jwt_in_request
from sqlalchemy import delete, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from server.core.database import write_transaction
from server.core.errors import ApiError
from server.extensions import db, jwt
from server.identity import audit
from server.models import SignIn, User

# What an unknown username's password is checked against, so that it costs the same scrypt as a
# real account's (the answer's time must not tell which usernames exist). Nobody knows its
# password, and it is never the hash of an account.
STAND_IN_HASH = (
    "scrypt:32768:8:1$P91IbO3TaDt9LkAQ$4372c6cc141eb9f77324eeabba2190724befed7b2b059d4b96ce2928ac"
    "1022862dfa9ec028b895bd2fc487ba70a6c434ca07a04b31a3c7531ce8e4ff95d11557"
)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def check_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def check_credentials(username: str, password: str) -> User | None:
    """The active user whose password this is, else None, in the same time either way."""
    user = db.session.scalar(select(User).where(User.username == username))
    ok = check_password_hash(user.password_hash if user else STAND_IN_HASH, password)
    return user if ok and user is not None and user.active else None


@jwt.user_identity_loader
def _identity(user):
    return str(user.id if isinstance(user, User) else user)


@jwt.user_lookup_loader
def _lookup(_header, payload) -> User | None:
    user = db.session.get(User, int(payload["sub"]))
    return user if user is not None and user.active else None


def _sign_in_id(payload: dict) -> str | None:
    # A refresh token issued before sign-ins existed has no `sid`: its sign-in has its jti as id.
    return payload.get("sid") or (payload["jti"] if payload.get("type") == "refresh" else None)


@jwt.token_in_blocklist_loader
def _revoked(_header, payload) -> bool:
    sid = _sign_in_id(payload)
    sign_in = db.session.get(SignIn, sid) if sid else None
    return sign_in is None or sign_in.revoked_at is not None


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(stamp: datetime | None) -> datetime | None:
    """SQLite gives stored times back without their zone; they were written in UTC."""
    return stamp.replace(tzinfo=UTC) if stamp is not None and stamp.tzinfo is None else stamp


def _tokens(user_id: int, sign_in: SignIn, now: datetime) -> dict:
    claims = {"sid": sign_in.id}
    lifetime = _aware(sign_in.expires_at) - now
    refresh = create_refresh_token(
        identity=user_id,
        additional_claims=claims | {"jti": sign_in.refresh_jti},
        expires_delta=lifetime,
    )
    return {
        "access_token": create_access_token(identity=user_id, additional_claims=claims),
        "refresh_token": refresh,
    }


def open_sign_in(
    user_id: int, device_id: str | None = None, device_label: str | None = None
) -> dict:
    """A new sign-in for a device; call inside a write transaction. Returns its two tokens."""
    now = _now()
    # Sign-ins whose refresh token ran out are of no more use, not even to the device list.
    db.session.execute(delete(SignIn).where(SignIn.user_id == user_id, SignIn.expires_at < now))
    sign_in = SignIn(
        id=uuid.uuid4().hex,
        user_id=user_id,
        device_id=device_id,
        device_label=device_label,
        refresh_jti=uuid.uuid4().hex,
        created_at=now,
        last_used_at=now,
        expires_at=now + current_app.config["JWT_REFRESH_TOKEN_EXPIRES"],
    )
    db.session.add(sign_in)
    audit.record("login", actor_id=user_id, user_id=user_id, device_label=device_label or device_id)
    return _tokens(user_id, sign_in, now)


def issue_tokens(user: User, device_id: str | None = None, device_label: str | None = None) -> dict:
    """A sign-in for `user`, committed (tests and tools; the login goes through the limit)."""
    user_id = user.id
    with write_transaction():
        return open_sign_in(user_id, device_id, device_label)


def rotate(payload: dict) -> dict:
    """New tokens for the refresh token in `payload`, which is used up by it.

    The token replaced just before is honoured for `RUHU_REFRESH_REUSE_SECONDS` (it gets the
    current one again); any other old one revokes the whole sign-in.
    """
    grace = timedelta(seconds=current_app.config["RUHU_REFRESH_REUSE_SECONDS"])
    user_id = int(payload["sub"])
    with write_transaction():
        sign_in = db.session.get(SignIn, _sign_in_id(payload), with_for_update=True)
        now = _now()
        if sign_in is None or sign_in.revoked_at is not None:
            reused = True
        elif payload["jti"] == sign_in.refresh_jti:
            reused = False
            sign_in.previous_jti, sign_in.refresh_jti = sign_in.refresh_jti, uuid.uuid4().hex
            sign_in.rotated_at = now
            sign_in.expires_at = now + current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]
        else:
            reused = not (
                payload["jti"] == sign_in.previous_jti and now - _aware(sign_in.rotated_at) <= grace
            )
        if reused:
            if sign_in is not None and sign_in.revoked_at is None:
                sign_in.revoked_at = now
            tokens = None
        else:
            sign_in.last_used_at = now
            tokens = _tokens(user_id, sign_in, now)
    if tokens is None:
        raise ApiError(401, "登录已失效，请重新登录", "token_revoked")
    return tokens


def end_sign_in(payload: dict) -> None:
    """Logout: the sign-in of this refresh token ends, with every token it issued."""
    user_id = int(payload["sub"])
    with write_transaction():
        ended = db.session.execute(
            update(SignIn)
            .where(SignIn.id == _sign_in_id(payload), SignIn.revoked_at.is_(None))
            .values(revoked_at=_now(), revoked_by=user_id)
        ).rowcount
        if ended:
            audit.record("logout", actor_id=user_id, user_id=user_id)


def revoke_user_tokens(
    user_id: int, device_id: str | None = None, actor_id: int | None = None
) -> int:
    """End a user's sign-ins (one device's, or all); call inside a write transaction."""
    query = (
        update(SignIn)
        .where(SignIn.user_id == user_id, SignIn.revoked_at.is_(None))
        .values(revoked_at=_now(), revoked_by=actor_id)
    )
    if device_id:
        query = query.where(SignIn.device_id == device_id)
    return db.session.execute(query).rowcount


SYNC_STAMP_EVERY = timedelta(minutes=1)


def note_sync(payload: dict) -> None:
    """Remember when this sign-in's device last pushed or pulled, to the minute: the desk's
    device list shows it, and a pull writes at most once a minute for it."""
    sid = _sign_in_id(payload)
    # The request's token check loaded this row already: reading it again costs no query.
    sign_in = db.session.get(SignIn, sid) if sid else None
    now = _now()
    if sign_in is None or (
        sign_in.last_sync_at is not None and now - _aware(sign_in.last_sync_at) < SYNC_STAMP_EVERY
    ):
        return
    with write_transaction():
        db.session.execute(
            update(SignIn)
            .where(
                SignIn.id == sid,
                (SignIn.last_sync_at.is_(None)) | (SignIn.last_sync_at < now - SYNC_STAMP_EVERY),
            )
            .values(last_sync_at=now)
        )


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
