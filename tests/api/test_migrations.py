"""The migrations build exactly the models' schema, from an empty database.

On SQLite a fresh file; on PostgreSQL (RUHU_TEST_DATABASE_URL) a fresh schema in the test database,
so the schema the other tests use is left alone.
"""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from server import config
from server.app import create_app
from server.extensions import db

PG_URL = os.environ.get("RUHU_TEST_DATABASE_URL")


@pytest.fixture()
def empty_app(tmp_path):
    """An app on an empty database: nothing in it, not even alembic_version."""
    if PG_URL:
        base = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
        schema = f"migration_test_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in base else "?"
        url = f"{base}{sep}options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tmp_path / 'empty.db'}"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "migration-test-secret-key-long-enough",
        }
    )
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
        yield app
        db.session.remove()
        db.engine.dispose()
    if PG_URL:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _differences() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _head() -> str:
    migrations = config.ROOT / "migrations"
    from alembic.config import Config

    cfg = Config(str(migrations / "alembic.ini"))
    cfg.set_main_option("script_location", str(migrations))
    heads = ScriptDirectory.from_config(cfg).get_heads()
    assert len(heads) == 1, f"the migrations have several heads: {heads}"
    return heads[0]


def _current() -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_upgrade_an_empty_database_to_head_matches_the_models(empty_app):
    upgrade()
    assert _current() == _head()
    tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set(db.metadata.tables)
    assert _differences() == []


def test_downgrade_to_base_and_up_again(empty_app):
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert _current() == _head()
    assert _differences() == []
