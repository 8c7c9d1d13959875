"""Writing the demo county: areas, campaigns and accounts, then the households in bulk.

Two worker processes make chunks of households while this process inserts them, so that 100,000
households seed in well under a minute on SQLite.
"""

import contextlib
import functools
import multiprocessing
import os
import time
from datetime import UTC, datetime

from sqlalchemy import insert, text

from server.demo.areas import area_rows
from server.demo.campaigns import CAMPAIGNS, EXIT_CAMPAIGN_ID, PASSWORD, accounts
from server.demo.progress import village_paces
from server.demo.rows import CHUNK, chunk_rows, raw, stamp
from server.extensions import db
from server.identity.tokens import hash_password
from server.models import Area, Campaign, Counter, Household, Member, Revision, User, UserArea


def seed(households: int = 12000, random_seed: int = 2020, now: datetime | None = None) -> dict:
    """Write the county into an empty database and commit; the same seed (and `now`, the moment
    the records are stamped with) gives the same rows.

    `households` families, each with its record in the exit review and (all but the few new
    since) in the 2019 look-back.
    """
    started = time.perf_counter()
    rows, tree = area_rows()
    conn = db.session
    conn.execute(insert(Area.__table__), rows)
    conn.execute(insert(Campaign.__table__), CAMPAIGNS)
    _write_accounts(tree)
    townships = list(tree)
    villages = [v for t in townships for v in tree[t]]
    township_of = {vid: t for t in townships for vid, _ in tree[t]}
    surveyor_villages = next(areas for name, *_, areas in accounts(tree) if name == "demo-surveyor")
    paces = village_paces(tree, surveyor_villages)
    now = stamp(now or datetime.now(UTC), db.engine.dialect.name)
    chunks = [
        (random_seed, k, CHUNK, households, villages, township_of, paces, now)
        for k in range(-(-households // CHUNK))
    ]
    counts = {"households": 0, "lookback_households": 0, "members": 0}
    with _pool(len(chunks)) as pool:
        results = pool.imap(chunk_rows, chunks) if pool else map(chunk_rows, chunks)
        for hh_rows, member_rows, revision_rows in results:
            conn.execute(insert(raw(Household)), hh_rows)
            conn.execute(insert(raw(Member)), member_rows)
            conn.execute(insert(raw(Revision)), revision_rows)
            exit_review = sum(1 for row in hh_rows if row["campaign_id"] == EXIT_CAMPAIGN_ID)
            counts["households"] += exit_review
            counts["lookback_households"] += len(hh_rows) - exit_review
            counts["members"] += len(member_rows)
    conn.execute(insert(Counter.__table__).values(name="change_seq", value=2 * households))
    _advance_sequences()
    db.session.commit()
    return {
        "townships": len(townships),
        "villages": len(villages),
        **counts,
        "seconds": time.perf_counter() - started,
    }


@functools.cache
def _demo_password_hash() -> str:
    """One hash for all demo accounts, made once per process: scrypt is slow on purpose (a
    tenth of a second), and the test suite seeds the demo before each of its thousands of tests."""
    return hash_password(PASSWORD)


def _write_accounts(tree: dict[int, list[tuple[int, str]]]) -> None:
    password = _demo_password_hash()
    for i, (username, name, role, area_ids) in enumerate(accounts(tree), start=1):
        db.session.execute(
            insert(User.__table__).values(
                id=i,
                username=username,
                name=name,
                role=role,
                password_hash=password,
                active=True,
                scope_version=1,
                created_at=datetime.now(UTC),
            )
        )
        for area_id in area_ids:
            db.session.execute(insert(UserArea.__table__).values(user_id=i, area_id=area_id))


def _pool(tasks: int):
    """Two processes make households while this one writes them; alone for small counties."""
    if tasks < 3:
        return contextlib.nullcontext(None)
    return multiprocessing.get_context("fork").Pool(processes=max(1, min(2, os.cpu_count() or 1)))


def _advance_sequences() -> None:
    """Rows inserted with explicit ids leave PostgreSQL's sequences behind; move them on."""
    if db.engine.dialect.name != "postgresql":
        return
    for name in ("area", "user_account", "campaign", "revision"):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
            )
        )
