"""The queries of household records: read a household or a batch of them, write a batch of new
versions (households, member projection, revisions, conflicts, attachments, the change counter).
Nothing here commits: the writer's caller owns the transaction.

The sync hot path works on plain rows with statements built once: an operation must cost well
under a millisecond of database work, which neither the ORM's unit of work nor a statement built
per call (and its cache key computed per call) can do. SET and VALUES clauses come from the keys
of the parameters, so the where-clause parameters carry names no column has.
"""

from collections.abc import Iterable

from sqlalchemy import bindparam, delete, func, insert, select, update

from server.core import bulk
from server.core.bulk import Parsed, among
from server.core.database import is_sqlite
from server.extensions import db
from server.models import Attachment, Conflict, Counter, Household, Member, Revision

SEQ = "change_seq"

_COUNTER = Counter.__table__


_BUMP_BY = (
    update(_COUNTER)
    .where(_COUNTER.c.name == SEQ)
    .values(value=_COUNTER.c.value + bindparam("count"))
    .returning(_COUNTER.c.value)
)


_MEMBER = Member.__table__


_DELETE_MEMBERS = delete(_MEMBER).where(_MEMBER.c.household_id == bindparam("hid"))


_INSERT_MEMBERS = insert(_MEMBER)


_HH = Household.__table__


_SYNC_COLUMNS = (
    _HH.c.id,
    _HH.c.village_id,
    _HH.c.township_id,
    _HH.c.campaign_id,
    _HH.c.version,
    Parsed(_HH.c.document).label("document"),
    _HH.c.review_state,
    _HH.c.deleted,
    _HH.c.conflict_open,
    _HH.c.parallel_note,
)


_READ_HOUSEHOLD = select(*_SYNC_COLUMNS).where(_HH.c.id == bindparam("hid"))


_READ_HOUSEHOLD_LOCKED = _READ_HOUSEHOLD.with_for_update()


_REV = Revision.__table__


def _conn():
    return db.session.connection()


def current_change_seq() -> int:
    return db.session.scalar(select(Counter.value).where(Counter.name == SEQ)) or 0


def get_household(household_id: str, lock: bool = False) -> Household | None:
    query = select(Household).where(Household.id == household_id)
    if lock and not is_sqlite():
        query = query.with_for_update()
    return db.session.scalars(query).first()


def households_page(
    village_ids: Iterable[int],
    page: int,
    per_page: int,
    *,
    review_state: str | None = None,
    search: str | None = None,
):
    """One page of live households in the given villages, by household number."""
    village_ids = list(village_ids)
    where = [Household.village_id.in_(village_ids), Household.deleted.is_(False)]
    if review_state:
        where.append(Household.review_state == review_state)
    if search:
        like = f"%{search}%"
        where.append(
            Household.head_name.like(like)
            | Household.household_no.like(like)
            | Household.head_id_number.like(like)
        )
    total = db.session.scalar(select(func.count()).select_from(Household).where(*where))
    rows = db.session.scalars(
        select(Household)
        .where(*where)
        .order_by(Household.household_no, Household.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return rows, total


def revisions(household_id: str) -> list[Revision]:
    return list(
        db.session.scalars(
            select(Revision).where(Revision.household_id == household_id).order_by(Revision.version)
        )
    )


def household_row(household_id: str, lock: bool = False):
    query = _READ_HOUSEHOLD_LOCKED if lock and not is_sqlite() else _READ_HOUSEHOLD
    return _conn().execute(query, {"hid": household_id}).first()


def household_rows(household_ids: list[str]) -> dict:
    """{id: row} of the households among `household_ids` that exist (the columns push plans on)."""
    if not household_ids:
        return {}
    query = select(*_SYNC_COLUMNS).where(among(_HH.c.id, household_ids))
    return {row.id: row for row in _conn().execute(query)}


def lock_versions(household_ids: list[str]) -> dict[str, int]:
    """{id: version} of the existing households among `household_ids`, their rows locked until
    commit on PostgreSQL (in id order, as every batch locks them, so two batches never deadlock;
    on SQLite the write transaction already excludes every other writer)."""
    if not household_ids:
        return {}
    query = select(_HH.c.id, _HH.c.version).where(among(_HH.c.id, household_ids)).order_by(_HH.c.id)
    if not is_sqlite():
        query = query.with_for_update()
    return dict(_conn().execute(query).all())


def insert_households(rows: list[dict]) -> None:
    bulk.insert_rows(_HH, rows)


def update_households(rows: list[dict]) -> None:
    """Each row's values, written where the household is still at the row's `expected` version.

    The caller has locked and checked those versions; a count that does not add up means the
    lock did not hold, and the whole write is refused rather than half done."""
    if not rows:
        return
    done = bulk.update_rows(_HH, rows, {"hid": "id", "expected": "version"})
    if done not in (-1, len(rows)):
        raise StaleWrite(f"{done} of {len(rows)} households were at the version read")


def verdict_rows(campaign_id: int, after: str, limit: int) -> list:
    """The next `limit` live households of a campaign after the id `after`, in id order, with
    what their verdicts are computed from and what they are now."""
    query = (
        select(
            _HH.c.id,
            _HH.c.version,
            Parsed(_HH.c.document).label("document"),
            Parsed(_HH.c.summary).label("summary"),
            _HH.c.exit_eligible,
            _HH.c.monitoring_type,
            Parsed(_HH.c.line_flags).label("line_flags"),
        )
        .where(
            _HH.c.campaign_id == campaign_id,
            _HH.c.deleted.is_(False),
            _HH.c.id > after,
        )
        .order_by(_HH.c.id)
        .limit(limit)
    )
    return _conn().execute(query).all()


def update_verdicts(rows: list[dict]) -> int:
    """Each row's verdict columns and change sequence, where the household is still at the
    row's `expected` version; how many were written (-1: the driver cannot tell)."""
    rows = [bulk.serialized(_HH, row) for row in rows]
    return bulk.update_rows(_HH, rows, {"hid": "id", "expected": "version"})


class StaleWrite(Exception):
    """A conditional write found a household at another version than the one locked."""


def bump_change_seq(count: int) -> int:
    """Reserve `count` change sequence numbers at once; returns the last of them (the counter's
    lock is held until commit, like `next_change_seq`'s)."""
    value = _conn().execute(_BUMP_BY, {"count": count}).scalar()
    if value is None:
        _conn().execute(insert(_COUNTER).values(name=SEQ, value=count))
        return count
    return value


def set_change_seqs(rows: list[dict]) -> None:
    """[{"hid": id, "change_seq": seq}, ...]"""
    bulk.update_rows(_HH, rows, {"hid": "id"})


def delete_members(keys: list[tuple[str, str]]) -> None:
    """[(household id, member id), ...]"""
    bulk.delete_rows(_MEMBER, ("household_id", "id"), keys)


def insert_members(rows: list[tuple[str, dict]]) -> None:
    """[(household id, member row), ...]"""
    bulk.insert_rows(_MEMBER, [dict(row, household_id=hid) for hid, row in rows])


def write_ready(household: dict, revision: dict) -> tuple[dict, dict]:
    """An operation's household and revision rows with their JSON serialised. Done while
    planning, on every core at once: the write lock, which on SQLite one batch holds at a time,
    is then not held while documents are serialised."""
    return bulk.serialized(_HH, household), bulk.serialized(_REV, revision)


def add_revisions(rows: list[dict]) -> None:
    """Insert a batch's revisions (rows without their document), each holding the document its
    household was just given.

    That document is copied from the household row inside the database (at the revision's
    version, or the write is refused): on PostgreSQL, sending it a second time, and parsing and
    compressing it a second time, was about a third of what the revision insert cost."""
    on = (("household_id", "id"), ("version", "version"))
    done = bulk.insert_copying(_REV, rows, "document", _HH, on)
    if done != len(rows):
        raise StaleWrite(f"{len(rows) - done} revisions found their household at another version")


def add_conflicts(rows: list[dict]) -> None:
    bulk.insert_rows(Conflict.__table__, rows)


def attachment_owners(attachment_ids: list[str]) -> dict[str, str | None]:
    """{attachment id: the household it belongs to, or None while unlinked} for those that exist."""
    if not attachment_ids:
        return {}
    table = Attachment.__table__
    rows = _conn().execute(
        select(table.c.id, table.c.household_id).where(table.c.id.in_(attachment_ids))
    )
    return {row.id: row.household_id for row in rows}


def link_attachments(attachment_ids: list[str], household_id: str, village_id: int) -> None:
    if not attachment_ids:
        return
    table = Attachment.__table__
    _conn().execute(
        update(table)
        .where(table.c.id.in_(attachment_ids), table.c.household_id.is_(None))
        .values(household_id=household_id, village_id=village_id)
    )
