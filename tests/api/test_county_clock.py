"""Moments are stored in UTC and shown, printed and filed on the county's clock (Beijing time
unless RUHU_TIMEZONE says otherwise), whatever zone the server itself runs in."""

from datetime import UTC, datetime

from server.core import clock
from server.desk.pages import when
from server.reports import store

LATE_EVENING_UTC = datetime(2020, 11, 2, 16, 30, tzinfo=UTC)  # already 3 November in Beijing


def test_a_file_is_named_by_the_countys_clock(app, monkeypatch):
    with app.app_context():
        assert store.file_name("表", "pdf", LATE_EVENING_UTC) == "表-20201103-0030.pdf"
        monkeypatch.setitem(app.config, "RUHU_TIMEZONE", "UTC")
        assert store.file_name("表", "pdf", LATE_EVENING_UTC) == "表-20201102-1630.pdf"


def test_a_moment_stored_without_its_zone_is_utc(app):
    with app.app_context():
        naive = LATE_EVENING_UTC.replace(tzinfo=None)  # as SQLite gives it back
        assert when(naive) == "2020-11-03 00:30"
        assert clock.local(naive).utcoffset().total_seconds() == 8 * 3600


def test_today_is_the_countys(app, monkeypatch):
    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return LATE_EVENING_UTC.astimezone(tz)

    monkeypatch.setattr(clock, "datetime", Frozen)
    with app.app_context():
        assert clock.today().isoformat() == "2020-11-03"
