"""The queries of sync: the answers of operations applied before, the documents of the versions
devices edited, and the changes since a cursor. Nothing here commits."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Text, bindparam, cast, func, or_, select

from server.core.bulk import Parsed, among
from server.extensions import db
from server.households.serializers import PULL_COLUMNS
from server.models import Campaign, Conflict, Household, Revision, User

_HH = Household.__table__
_REV = Revision.__table__

_READ_BASE = select(Parsed(_REV.c.document)).where(
    _REV.c.household_id == bindparam("hid"), _REV.c.version == bindparam("v")
)


def _conn():
    return db.session.connection()


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
            among(_REV.c.op_id, sorted({op_id for _, op_id in wanted})),
            _REV.c.author_id == author_id,
        )
    )
    return {
        (hid, op_id): (result or {}, village_id)
        for hid, op_id, result, village_id in rows
        if (hid, op_id) in wanted
    }


def base_document(household_id: str, version: int) -> dict | None:
    return _conn().execute(_READ_BASE, {"hid": household_id, "v": version}).scalar()


def base_documents(wanted: list[tuple[str, int]]) -> dict[tuple[str, int], dict]:
    """{(household id, version): document} of the revisions asked for that exist.

    One query per distinct version (a batch has few), each an index lookup: SQLite answers a
    `(household_id, version) IN (...)` of row values by scanning the whole revision table."""
    by_version: dict[int, list[str]] = {}
    for household_id, version in wanted:
        by_version.setdefault(version, []).append(household_id)
    found = {}
    for version, household_ids in by_version.items():
        query = select(_REV.c.household_id, Parsed(_REV.c.document).label("document")).where(
            among(_REV.c.household_id, household_ids), _REV.c.version == version
        )
        for row in _conn().execute(query):
            found[(row.household_id, version)] = row.document
    return found


def changed_since(seq: int, village_ids: Iterable[int], limit: int) -> list:
    """Households of the active campaigns changed after `seq` (deleted ones too: they become
    tombstones), as rows whose `document_json` and `summary_json` are the stored JSON text, passed
    on without re-parsing. A closed campaign's records stay on the server: a phone works this
    year's survey, and last year's copy of every family would stand beside it."""
    h = Household.__table__
    columns = [h.c[name] for name in PULL_COLUMNS]
    return db.session.execute(
        select(
            *columns,
            cast(h.c.document, Text).label("document_json"),
            cast(h.c.summary, Text).label("summary_json"),
        )
        .where(
            h.c.change_seq > seq,
            h.c.village_id.in_(list(village_ids)),
            h.c.campaign_id.in_(select(Campaign.id).where(Campaign.active.is_(True))),
        )
        .order_by(h.c.change_seq)
        .limit(limit)
    ).all()


def conflicts_of(household_ids: list[str], resolved_since: datetime) -> dict[str, list]:
    """{household id: its conflicts still open or decided since `resolved_since`}, oldest first,
    with the name of the person whose device's value is kept in each; one query."""
    if not household_ids:
        return {}
    c = Conflict.__table__
    rows = db.session.execute(
        select(c, User.name.label("device_user_name"))
        .outerjoin(User, User.id == c.c.device_user_id)
        .where(
            among(c.c.household_id, household_ids),
            or_(c.c.resolved_at.is_(None), c.c.resolved_at >= resolved_since),
        )
        .order_by(c.c.id)
    )
    found: dict[str, list] = {}
    for row in rows:
        found.setdefault(row.household_id, []).append(row)
    return found


def live_households(village_ids: Iterable[int]) -> int:
    """How many households (not deleted) of the active campaigns the villages hold: what a pull
    from the start brings."""
    return db.session.execute(
        select(func.count())
        .select_from(_HH)
        .where(
            _HH.c.village_id.in_(list(village_ids)),
            _HH.c.deleted.is_(False),
            _HH.c.campaign_id.in_(select(Campaign.id).where(Campaign.active.is_(True))),
        )
    ).scalar_one()
