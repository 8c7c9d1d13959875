"""Every query in one place. Nothing here commits: the caller owns the transaction."""

from collections.abc import Iterable

from sqlalchemy import delete, func, insert, select, update

from .database import is_sqlite
from .extensions import db
from .models import Area, Attachment, Campaign, Conflict, Counter, Household, Member, Revision

SEQ = "change_seq"


def next_change_seq() -> int:
    """Bump the change counter. The row lock it takes is held until commit, so sequence order is
    commit order and a pull cursor never skips a concurrent change: call it late in a write."""
    counter = Counter.__table__
    value = db.session.execute(
        update(counter)
        .where(counter.c.name == SEQ)
        .values(value=counter.c.value + 1)
        .returning(counter.c.value)
    ).scalar()
    if value is None:
        db.session.execute(insert(counter).values(name=SEQ, value=1))
        return 1
    return value


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
    member = Member.__table__  # Core statements: the ORM's bulk path costs more than the work
    db.session.execute(delete(member).where(member.c.household_id == household_id))
    if rows:
        db.session.execute(insert(member), [dict(r, household_id=household_id) for r in rows])


def add_revision(**values) -> None:
    db.session.execute(insert(Revision.__table__).values(**values))


def revision_by_op(op_id: str) -> Revision | None:
    return db.session.scalars(select(Revision).where(Revision.op_id == op_id)).first()


def first_results(op_ids: list[str]) -> dict[str, dict]:
    """The stored answers of the operations among `op_ids` that were applied before."""
    if not op_ids:
        return {}
    rows = db.session.execute(
        select(Revision.op_id, Revision.result).where(Revision.op_id.in_(op_ids))
    )
    return {op_id: result or {} for op_id, result in rows}


def revision_document(household_id: str, version: int) -> dict | None:
    return db.session.scalar(
        select(Revision.document).where(
            Revision.household_id == household_id, Revision.version == version
        )
    )


def revisions(household_id: str) -> list[Revision]:
    return list(
        db.session.scalars(
            select(Revision).where(Revision.household_id == household_id).order_by(Revision.version)
        )
    )


def add_conflicts(rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(Conflict.__table__), rows)


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


def changed_since(seq: int, village_ids: Iterable[int], limit: int) -> list[Household]:
    """Households changed after `seq` (deleted ones too: they become tombstones)."""
    return list(
        db.session.scalars(
            select(Household)
            .where(Household.change_seq > seq, Household.village_id.in_(list(village_ids)))
            .order_by(Household.change_seq)
            .limit(limit)
        )
    )


# The sync hot path works on plain rows with Core statements: an operation must cost well under a
# millisecond of database work, which the ORM's unit of work cannot do.

_SYNC_COLUMNS = (
    "id",
    "village_id",
    "township_id",
    "campaign_id",
    "version",
    "document",
    "review_state",
    "deleted",
    "conflict_open",
    "parallel_note",
)


def household_row(household_id: str, lock: bool = False):
    table = Household.__table__
    query = select(*[table.c[name] for name in _SYNC_COLUMNS]).where(table.c.id == household_id)
    if lock and not is_sqlite():
        query = query.with_for_update()
    return db.session.execute(query).first()


def insert_household(values: dict) -> None:
    db.session.execute(insert(Household.__table__).values(**values))


def update_household(household_id: str, expected_version: int, values: dict) -> bool:
    """Write `values` only if the household is still at `expected_version`."""
    table = Household.__table__
    done = db.session.execute(
        update(table)
        .where(table.c.id == household_id, table.c.version == expected_version)
        .values(**values)
    )
    return done.rowcount == 1


def set_change_seq(household_id: str, seq: int) -> None:
    table = Household.__table__
    db.session.execute(update(table).where(table.c.id == household_id).values(change_seq=seq))


def campaign_lines(campaign_id: int) -> list[dict] | None:
    table = Campaign.__table__
    row = db.session.execute(select(table.c.lines).where(table.c.id == campaign_id)).first()
    return None if row is None else (row.lines or [])


def attachment_owners(attachment_ids: list[str]) -> dict[str, str | None]:
    """{attachment id: the household it belongs to, or None while unlinked} for those that exist."""
    if not attachment_ids:
        return {}
    table = Attachment.__table__
    rows = db.session.execute(
        select(table.c.id, table.c.household_id).where(table.c.id.in_(attachment_ids))
    )
    return {row.id: row.household_id for row in rows}


def link_attachments(attachment_ids: list[str], household_id: str, village_id: int) -> None:
    if not attachment_ids:
        return
    table = Attachment.__table__
    db.session.execute(
        update(table)
        .where(table.c.id.in_(attachment_ids), table.c.household_id.is_(None))
        .values(household_id=household_id, village_id=village_id)
    )
