"""The county's clock: moments are stored in UTC and shown, printed and dated in the county's
zone (Beijing time unless `RUHU_TIMEZONE` names another), whatever zone the server runs in."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("RUHU_TIMEZONE", "Asia/Shanghai"))


def local(stamp: datetime) -> datetime:
    """A stored moment on the county's clock (SQLite gives it back without its zone: UTC)."""
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(zone())


def now() -> datetime:
    return datetime.now(zone())


def today() -> date:
    return now().date()
