"""Engine tuning and the write transaction that sync and edits rely on.

SQLite: WAL (readers never wait for the writer), foreign keys on, a busy timeout, and
`BEGIN IMMEDIATE` for write units so the read that a merge depends on happens under the write lock.
PostgreSQL: the household row is locked with SELECT ... FOR UPDATE by the caller.
"""

import fcntl
import os
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

from server.extensions import db

IMMEDIATE = "ruhu_sqlite_immediate"


def is_sqlite(engine: Engine | None = None) -> bool:
    return (engine or db.engine).dialect.name == "sqlite"


def tune_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    _owner_only(engine.url.database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy, not pysqlite, decide when a transaction begins.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk before the phone is told so (it then drops its outbox entry);
        # push commits once per batch, so this costs one flush per batch, not per operation.
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        # Every gunicorn worker has its own connection, and SQLite empties a connection's page
        # cache whenever another process has written: with four workers taking turns, each write
        # began by reading its pages again. Memory-mapped reads share the operating system's
        # cache instead (a push's server CPU per operation went from 1.1 to 0.85 ms).
        cur.execute("PRAGMA mmap_size=1073741824")
        cur.execute("PRAGMA cache_size=-32768")  # 32 MB of pages per connection (default 2 MB)
        # A sync push writes a few megabytes of pages per batch. With the default checkpoint every
        # 1,000 pages (4 MB), nearly every batch's commit also copied the log back into the
        # database under the write lock. Every 10,000 pages copies a page changed by several
        # batches once; the log file is cut back to 64 MB afterwards.
        cur.execute("PRAGMA wal_autocheckpoint=10000")
        cur.execute("PRAGMA journal_size_limit=67108864")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if conn.get_execution_options().get(IMMEDIATE):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def _owner_only(path: str | None) -> None:
    """The database file, made (or closed to) 0600 before SQLite opens it: it holds ID numbers
    and bank accounts. SQLite gives its -wal and -shm files the database file's mode."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for name in (path, f"{path}-wal", f"{path}-shm"):
        if os.path.exists(name) and _loose(os.stat(name)):
            os.chmod(name, 0o600)


def _loose(stat: os.stat_result) -> bool:
    """Open to others, and ours to close (another user's file is left to them)."""
    return bool(stat.st_mode & 0o077) and stat.st_uid == os.getuid()


_lock_files: dict[tuple[int, str], int] = {}


def _writer_lock_fd(engine: Engine) -> int | None:
    """A lock file beside the SQLite database, one descriptor per process.

    SQLite's own busy handler polls with growing sleeps, so writers from several gunicorn workers
    waste most of their time asleep; an flock queues them and wakes the next one at once.
    """
    path = engine.url.database
    if not path or path == ":memory:":
        return None
    key = (os.getpid(), path)  # a forked worker must not share its parent's open file
    if key not in _lock_files:
        _lock_files[key] = os.open(path + ".writer-lock", os.O_RDWR | os.O_CREAT, 0o600)
    return _lock_files[key]


@contextmanager
def write_transaction():
    """One unit of work that commits whole or not at all.

    Any transaction the request already had (a user lookup, say) is ended first, so the unit's
    reads happen under its own write lock. (That ends with a rollback, which expires what the
    session had loaded: load what the unit needs inside it.)
    """
    session = db.session
    session.rollback()
    fd = _writer_lock_fd(db.engine) if is_sqlite() else None
    if fd is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        session.connection(execution_options={IMMEDIATE: True})
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
