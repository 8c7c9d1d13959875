"""The engine settings every connection gets (server/database.py)."""

from pathlib import Path

import pytest
from sqlalchemy import text

from server.app import create_app
from server.extensions import db


@pytest.fixture()
def sqlite_only(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite settings")
        yield


def test_every_sqlite_connection_is_tuned_for_several_worker_processes(sqlite_only):
    with db.engine.connect() as conn:
        setting = {
            name: conn.execute(text(f"PRAGMA {name}")).scalar()
            for name in (
                "journal_mode",
                "synchronous",
                "foreign_keys",
                "busy_timeout",
                "mmap_size",
                "wal_autocheckpoint",
            )
        }
    assert setting["journal_mode"] == "wal"  # readers never wait for the writer
    assert setting["synchronous"] == 2  # FULL: an acknowledged push survives a power cut
    assert setting["foreign_keys"] == 1
    assert setting["busy_timeout"] == 30000
    assert setting["mmap_size"] > 0  # pages shared between gunicorn workers, not re-read
    assert setting["wal_autocheckpoint"] == 10000


def test_documents_are_compressed_with_lz4_on_postgresql(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a PostgreSQL column setting")
        methods = dict(
            db.session.execute(
                text(
                    "SELECT attrelid::regclass::text || '.' || attname, attcompression "
                    "FROM pg_attribute WHERE attrelid IN ('household'::regclass, "
                    "'revision'::regclass) AND attname IN ('document', 'changes', 'result')"
                )
            ).all()
        )
    # 'l' is lz4: pglz cost a push about a quarter of PostgreSQL's CPU
    assert methods == {
        "household.document": "l",
        "revision.document": "l",
        "revision.changes": "l",
        "revision.result": "l",
    }


def test_the_sqlite_files_are_readable_by_their_owner_only(tmp_path):
    """The database holds ID numbers and bank accounts: the file, its WAL and shared-memory
    files, and the instance folder (the default database, the secret key) are the server
    user's alone, whatever the umask, and a file an older version left 0644 is closed too."""
    old = tmp_path / "old.db"
    old.write_bytes(b"")
    old.chmod(0o644)
    for path in (tmp_path / "new.db", old):
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                "SECRET_KEY": "file-mode-test-secret-key-long-enough",
            }
        )
        with app.app_context():
            with db.engine.begin() as conn:
                conn.execute(text("CREATE TABLE IF NOT EXISTS t (x)"))
                conn.execute(text("INSERT INTO t VALUES (1)"))
            files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
            assert all(f.exists() for f in files)
            modes = {f.name: oct(f.stat().st_mode & 0o777) for f in files}
            db.engine.dispose()
        assert set(modes.values()) == {"0o600"}, modes
        assert oct(Path(app.instance_path).stat().st_mode & 0o777) == "0o700"
