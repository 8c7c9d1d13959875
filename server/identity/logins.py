"""The login limit: it stops a guesser and spares the account's owner.

Within the window, three counts of failed attempts are kept apart:
- one account from one address (`RUHU_LOGIN_MAX_FAILURES`): a guesser is stopped at the fifth,
  while the owner, signing in from the phone or the township office, is not;
- one address, whatever the usernames (`RUHU_LOGIN_MAX_ADDRESS_FAILURES`): no trying name after
  name from one place;
- one account from all addresses together (`RUHU_LOGIN_MAX_ACCOUNT_FAILURES`): many addresses
  cannot guess one password without end.

An attempt is counted, under the write lock, before its password is checked (scrypt is slow on
purpose, so that happens outside the lock), and deleted again when the password proves right:
parallel guesses cannot slip past the limit together, and a refused attempt writes nothing.
"""

from datetime import UTC, datetime, timedelta

from flask import current_app, request
from sqlalchemy import case, delete, func, or_, select, text

from server.core.database import is_sqlite, write_transaction
from server.core.errors import ApiError
from server.extensions import db
from server.models import LoginAttempt

# PostgreSQL: one advisory lock serialises the few milliseconds of counting, as SQLite's write
# lock does, so that two parallel attempts never both see the count below the limit.
_COUNTING_LOCK = 0x52554855  # "RUHU"


def client_address() -> str:
    """The caller's address: behind `RUHU_TRUSTED_PROXIES` proxies, the one the nearest of them
    saw (a client's own X-Forwarded-For is ignored when no proxy is trusted)."""
    trusted = current_app.config["RUHU_TRUSTED_PROXIES"]
    if trusted > 0:
        hops = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
        hops = [a for a in hops if a]
        if len(hops) >= trusted:
            return hops[-trusted][:64]
    return (request.remote_addr or "")[:64]


def _refused() -> ApiError:
    minutes = max(1, current_app.config["RUHU_LOGIN_WINDOW_SECONDS"] // 60)
    return ApiError(429, f"登录失败次数过多，请 {minutes} 分钟后再试", "too_many_attempts")


def count_attempt(username: str, address: str) -> None:
    """Count this attempt as failed until the password proves right, or refuse it (429)."""
    cfg = current_app.config
    since = datetime.now(UTC) - timedelta(seconds=cfg["RUHU_LOGIN_WINDOW_SECONDS"])
    this_account = LoginAttempt.username == username
    this_address = LoginAttempt.remote_addr == address
    with write_transaction():
        if not is_sqlite():
            db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _COUNTING_LOCK})
        pair, from_address, on_account = db.session.execute(
            select(
                func.count(case((this_account & this_address, 1))),
                func.count(case((this_address, 1))),
                func.count(case((this_account, 1))),
            ).where(LoginAttempt.at >= since, or_(this_account, this_address))
        ).one()
        if (
            pair >= cfg["RUHU_LOGIN_MAX_FAILURES"]
            or from_address >= cfg["RUHU_LOGIN_MAX_ADDRESS_FAILURES"]
            or on_account >= cfg["RUHU_LOGIN_MAX_ACCOUNT_FAILURES"]
        ):
            raise _refused()
        db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < since))
        db.session.add(LoginAttempt(username=username, remote_addr=address))


def forget_failures(username: str, address: str) -> None:
    """A right password clears this address's failures on the account; call inside a write
    transaction. Other addresses' failures stay: the owner's login must not reset a guesser."""
    db.session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.username == username, LoginAttempt.remote_addr == address
        )
    )
