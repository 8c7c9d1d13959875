"""Every query in one place. Nothing here commits: the caller owns the transaction."""

from collections.abc import Iterable

from sqlalchemy import JSON, Text, any_, bindparam, cast, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from server.core import bulk
from server.core.database import is_sqlite
from server.extensions import db
from server.models import (
    INT_MAX,
    Area,
    Attachment,
    Campaign,
    Conflict,
    Counter,
    Household,
    Member,
    Revision,
)

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


def next_change_seq() -> int:
    """Bump the change counter. The row lock it takes is held until commit, so sequence order is
    commit order and a pull cursor never skips a concurrent change: call it late in a write."""
    return bump_change_seq(1)


def current_change_seq() -> int:
    return db.session.scalar(select(Counter.value).where(Counter.name == SEQ)) or 0


def get_household(household_id: str, lock: bool = False) -> Household | None:
    query = select(Household).where(Household.id == household_id)
    if lock and not is_sqlite():
        query = query.with_for_update()
    return db.session.scalars(query).first()


def get_area(area_id: int) -> Area | None:
    return db.session.get(Area, area_id)


def get_campaign(campaign_id: int) -> Campaign | None:
    return db.session.get(Campaign, campaign_id)


def active_campaigns() -> list[Campaign]:
    return list(db.session.scalars(select(Campaign).order_by(Campaign.id)))


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


def replace_members(household_id: str, rows: list[dict]) -> None:
    conn = db.session.connection()  # Core statements: the ORM's bulk path costs more than the work
    conn.execute(_DELETE_MEMBERS, {"hid": household_id})
    if rows:
        conn.execute(_INSERT_MEMBERS, [dict(r, household_id=household_id) for r in rows])


def add_revision(**values) -> None:
    db.session.connection().execute(_INSERT_REVISION, values)


def first_results(author_id: int, keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple]:
    """{(household id, op id): (stored answer, the household's village)} of the operations among
    `keys` that this author applied before, in one query.

    An operation is one person's, on one household: the same id sent by someone else, or on
    another household, is not found here (and its answer, which holds that household's values,
    is never replayed)."""
    if not keys:
        return {}
    wanted = set(keys)
    rows = _conn().execute(
        select(_REV.c.household_id, _REV.c.op_id, _REV.c.result, _HH.c.village_id)
        .join(_HH, _HH.c.id == _REV.c.household_id)
        .where(
            _among(_REV.c.op_id, sorted({op_id for _, op_id in wanted})),
            _REV.c.author_id == author_id,
        )
    )
    return {
        (hid, op_id): (result or {}, village_id)
        for hid, op_id, result, village_id in rows
        if (hid, op_id) in wanted
    }


def revisions(household_id: str) -> list[Revision]:
    return list(
        db.session.scalars(
            select(Revision).where(Revision.household_id == household_id).order_by(Revision.version)
        )
    )


def add_conflicts(rows: list[dict]) -> None:
    bulk.insert_rows(Conflict.__table__, rows)


def open_conflicts(
    *,
    household_id: str | None = None,
    township_ids: Iterable[int] | None = None,
    village_ids: Iterable[int] | None = None,
    limit: int = 500,
) -> list[Conflict]:
    query = select(Conflict).where(Conflict.resolved_at.is_(None))
    if household_id is not None:
        query = query.where(Conflict.household_id == household_id)
    if township_ids is not None:
        query = query.where(Conflict.township_id.in_(list(township_ids)))
    if village_ids is not None:  # a surveyor's township holds villages not assigned to them
        query = query.join(Household, Household.id == Conflict.household_id).where(
            Household.village_id.in_(list(village_ids))
        )
    return list(db.session.scalars(query.order_by(Conflict.id).limit(limit)))


def count_open_conflicts(household_id: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Conflict)
        .where(Conflict.household_id == household_id, Conflict.resolved_at.is_(None))
    )


def changed_since(seq: int, village_ids: Iterable[int], limit: int) -> list:
    """Households changed after `seq` (deleted ones too: they become tombstones), as rows whose
    `document_json` and `summary_json` are the stored JSON text, passed on without re-parsing."""
    h = Household.__table__
    columns = [h.c[name] for name in PULL_COLUMNS]
    return db.session.execute(
        select(
            *columns,
            cast(h.c.document, Text).label("document_json"),
            cast(h.c.summary, Text).label("summary_json"),
        )
        .where(h.c.change_seq > seq, h.c.village_id.in_(list(village_ids)))
        .order_by(h.c.change_seq)
        .limit(limit)
    ).all()


PULL_COLUMNS = (
    "id",
    "village_id",
    "campaign_id",
    "version",
    "review_state",
    "review_note",
    "conflict_open",
    "parallel_note",
    "household_no",
    "head_name",
    "household_size",
    "per_capita_net_income",
    "monitoring_type",
    "exit_eligible",
    "line_flags",
    "updated_at",
    "change_seq",
    "deleted",
)


# The sync hot path works on plain rows with statements built once: an operation must cost well
# under a millisecond of database work, which neither the ORM's unit of work nor a statement built
# per call (and its cache key computed per call) can do. SET and VALUES clauses come from the keys
# of the parameters, so the where-clause parameters carry names no column has.


class _Parsed(FunctionElement):
    """A JSON column read for parsing. SQLite hands TEXT to Python as a str, which orjson must
    encode back to UTF-8 before it parses: read as a BLOB, the bytes go to the parser as stored
    (57 -> 50 µs per household row a push reads). PostgreSQL's driver parses JSON itself."""

    type = JSON()
    inherit_cache = True
    name = "parsed"


@compiles(_Parsed)
def _parsed(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(_Parsed, "sqlite")
def _parsed_sqlite(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS BLOB)"


_HH = Household.__table__
_SYNC_COLUMNS = (
    _HH.c.id,
    _HH.c.village_id,
    _HH.c.township_id,
    _HH.c.campaign_id,
    _HH.c.version,
    _Parsed(_HH.c.document).label("document"),
    _HH.c.review_state,
    _HH.c.deleted,
    _HH.c.conflict_open,
    _HH.c.parallel_note,
)
_READ_HOUSEHOLD = select(*_SYNC_COLUMNS).where(_HH.c.id == bindparam("hid"))
_READ_HOUSEHOLD_LOCKED = _READ_HOUSEHOLD.with_for_update()
_REV = Revision.__table__
_READ_BASE = select(_Parsed(_REV.c.document)).where(
    _REV.c.household_id == bindparam("hid"), _REV.c.version == bindparam("v")
)
_INSERT_REVISION = insert(_REV)
_LINES = select(Campaign.__table__.c.lines).where(Campaign.__table__.c.id == bindparam("cid"))


def _conn():
    return db.session.connection()


def _among(column, values: list):
    """`column IN values` for a batch's keys. On PostgreSQL one array parameter, `= ANY(...)`:
    the statement is the same for every batch, where an IN list renders and binds 200
    parameters per call."""
    if is_sqlite():
        return column.in_(values)
    return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))


def household_row(household_id: str, lock: bool = False):
    query = _READ_HOUSEHOLD_LOCKED if lock and not is_sqlite() else _READ_HOUSEHOLD
    return _conn().execute(query, {"hid": household_id}).first()


def base_document(household_id: str, version: int) -> dict | None:
    return _conn().execute(_READ_BASE, {"hid": household_id, "v": version}).scalar()


# A whole batch of operations is read, and its valid part written, with a handful of statements:
# per-statement overhead, not the database, is what limits a push.


def household_rows(household_ids: list[str]) -> dict:
    """{id: row} of the households among `household_ids` that exist (the columns push plans on)."""
    if not household_ids:
        return {}
    query = select(*_SYNC_COLUMNS).where(_among(_HH.c.id, household_ids))
    return {row.id: row for row in _conn().execute(query)}


def base_documents(wanted: list[tuple[str, int]]) -> dict[tuple[str, int], dict]:
    """{(household id, version): document} of the revisions asked for that exist.

    One query per distinct version (a batch has few), each an index lookup: SQLite answers a
    `(household_id, version) IN (...)` of row values by scanning the whole revision table."""
    by_version: dict[int, list[str]] = {}
    for household_id, version in wanted:
        by_version.setdefault(version, []).append(household_id)
    found = {}
    for version, household_ids in by_version.items():
        query = select(_REV.c.household_id, _Parsed(_REV.c.document).label("document")).where(
            _among(_REV.c.household_id, household_ids), _REV.c.version == version
        )
        for row in _conn().execute(query):
            found[(row.household_id, version)] = row.document
    return found


def lock_versions(household_ids: list[str]) -> dict[str, int]:
    """{id: version} of the existing households among `household_ids`, their rows locked until
    commit on PostgreSQL (in id order, as every batch locks them, so two batches never deadlock;
    on SQLite the write transaction already excludes every other writer)."""
    if not household_ids:
        return {}
    query = (
        select(_HH.c.id, _HH.c.version).where(_among(_HH.c.id, household_ids)).order_by(_HH.c.id)
    )
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


def campaign_lines(campaign_id: int) -> list[dict] | None:
    """The campaign's lines; None when there is no such campaign (an id no column can hold,
    which a push operation may carry, is not sent to the database)."""
    if not 0 < campaign_id <= INT_MAX:
        return None
    row = _conn().execute(_LINES, {"cid": campaign_id}).first()
    return None if row is None else (row.lines or [])


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
