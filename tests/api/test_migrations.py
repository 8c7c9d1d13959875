"""The migrations build exactly the models' schema, from an empty database.

On SQLite a fresh file; on PostgreSQL (RUHU_TEST_DATABASE_URL) a fresh schema in the test database,
so the schema the other tests use is left alone.
"""

import os
import uuid
from decimal import Decimal

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


def test_the_report_columns_are_filled_from_the_stored_documents(empty_app):
    """Households written before the county's other tables had their columns get them from
    their documents on upgrade, as the writer would have written them."""
    from sqlalchemy import select

    from server.demo import seed
    from server.households.derived import derived_columns, member_rows
    from server.models import Household, Member

    upgrade()
    seed(households=60, random_seed=3)
    db.session.remove()
    downgrade(revision="a7c3e9f1b2d4")  # the revision before the report columns
    upgrade()
    names = [
        "register_change",
        "wage_income",
        "business_income",
        "property_income",
        "transfer_income",
        "unmet_guarantees",
        "visit_date",
    ]
    households = db.session.scalars(select(Household)).all()
    assert len(households) > 60
    for hh in households:
        derived = derived_columns(hh.document, [])
        stored = {n: getattr(hh, n) for n in names}
        assert stored == {
            n: (Decimal(derived[n]) if n.endswith("_income") else derived[n]) for n in names
        }, hh.id
        members = {
            m.id: m for m in db.session.scalars(select(Member).where(Member.household_id == hh.id))
        }
        for row in member_rows(hh.document["members"]):
            member = members[row["id"]]
            assert (member.education, member.school_status, member.health) == (
                row["education"],
                row["school_status"],
                row["health"],
            )
    assert any(hh.register_change for hh in households)
    assert any(hh.unmet_guarantees for hh in households)


def test_a_county_with_data_upgrades_across_a_table_rebuild(empty_app):
    """SQLite changes a table's constraints by copying it, dropping the old one and renaming the
    copy: with foreign keys enforced, dropping a campaign that households point at fails. A
    county that has been working since before the village submissions upgrades all the same,
    and keeps every row."""
    from sqlalchemy import func, select

    from server.demo import seed
    from server.models import Campaign, Household

    upgrade()
    seed(households=40, random_seed=5)
    counts = (
        db.session.scalar(select(func.count()).select_from(Campaign)),
        db.session.scalar(select(func.count()).select_from(Household)),
    )
    db.session.remove()
    downgrade(revision="b7c8d9e0f1a2")  # before the campaign table gained its own foreign key
    upgrade()
    assert _current() == _head()
    assert (
        db.session.scalar(select(func.count()).select_from(Campaign)),
        db.session.scalar(select(func.count()).select_from(Household)),
    ) == counts
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
