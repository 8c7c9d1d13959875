"""Shared fixtures: an app on a real database (SQLite by default, PostgreSQL when
RUHU_TEST_DATABASE_URL says so), migrated once, emptied and re-seeded for every test."""

import os
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from server.app import create_app
from server.extensions import db

PG_URL = os.environ.get("RUHU_TEST_DATABASE_URL")


def _url(tmp_path_factory) -> str:
    if PG_URL:
        return PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _url(tmp_path_factory),
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
            # A printed document's job runs inside the request that asks for it (huey's
            # immediate mode); tests/reports/test_report_worker.py runs a real consumer.
            "RUHU_QUEUE_IMMEDIATE": True,
        }
    )
    with app.app_context():
        if PG_URL:
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        from flask_migrate import upgrade

        upgrade()
    yield app
    with app.app_context():  # close the pool's connections, or they are left to the collector
        db.session.remove()
        db.engine.dispose()


# Every test's county is stamped with this moment, so that its rows can be made once.
SEEDED_AT = datetime.now(UTC)


@pytest.fixture(scope="session", autouse=True)
def _rows_made_once():
    """The demo's rows follow from the seed and the moment alone, and the suite seeds the same
    county before each of its thousands of tests: each chunk of rows is made once (this saves a
    fifth of a second a test)."""
    from server.demo import county

    made, make = {}, county.chunk_rows

    def chunk_rows(task):
        key = (*task[:4], task[7])  # seed, chunk, size, families; the moment
        if key not in made:
            made[key] = make(task)
        return made[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(county, "chunk_rows", chunk_rows)
        yield


@pytest.fixture()
def county(app):
    """The demo county, small: every test starts from exactly this."""
    from server.demo import seed

    with app.app_context():
        _empty()
        seed(households=120, random_seed=7, now=SEEDED_AT)
        yield
        db.session.remove()


def _empty() -> None:
    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(text(f"DELETE FROM {name}"))
    db.session.commit()


@pytest.fixture()
def client(app, county):
    return app.test_client()


class Auth:
    """Bearer headers for the demo accounts, minted directly (logging in is tested on its own)."""

    def __init__(self, app):
        self.app = app

    def headers(self, username: str) -> dict:
        from server.identity.tokens import issue_tokens
        from server.models import User

        with self.app.test_request_context():
            user = db.session.scalar(select(User).where(User.username == username))
            access = issue_tokens(user, device_id=f"test-{username}")["access_token"]
            return {"Authorization": f"Bearer {access}"}


@pytest.fixture()
def auth(app, county):
    return Auth(app)
