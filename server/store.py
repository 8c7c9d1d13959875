"""Every query in one place. Nothing here commits: the caller owns the transaction."""

from collections.abc import Iterable

from sqlalchemy import delete, func, insert, select, update

from .database import is_sqlite
from .extensions import db
from .models import Area, Campaign, Conflict, Counter, Household, Member, Revision

SEQ = "change_seq"


def next_change_seq() -> int:
    """Bump the change counter. Called last in a write: the row lock it takes is held until commit,
    so sequence order is commit order and a pull cursor never skips a concurrent change."""
    value = db.session.execute(
        update(Counter)
        .where(Counter.name == SEQ)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    ).scalar()
    if value is None:
        db.session.execute(insert(Counter).values(name=SEQ, value=1))
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
    db.session.execute(delete(Member).where(Member.household_id == household_id))
    if rows:
        db.session.execute(insert(Member), [dict(r, household_id=household_id) for r in rows])


def add_revision(**values) -> None:
    db.session.execute(insert(Revision).values(**values))


def revision_by_op(op_id: str) -> Revision | None:
    return db.session.scalars(select(Revision).where(Revision.op_id == op_id)).first()


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
        db.session.execute(insert(Conflict), rows)


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
