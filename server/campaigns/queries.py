"""The queries of campaigns: which exist, and the lines a household's verdicts are read against."""

from sqlalchemy import bindparam, func, select

from server.core.bulk import Parsed
from server.extensions import db
from server.models import INT_MAX, Area, Campaign, Household

_LINES = select(Campaign.__table__.c.lines).where(Campaign.__table__.c.id == bindparam("cid"))


def get_campaign(campaign_id: int) -> Campaign | None:
    return db.session.get(Campaign, campaign_id)


def all_campaigns() -> list[Campaign]:
    return list(db.session.scalars(select(Campaign).order_by(Campaign.id)))


def active_campaigns() -> list[Campaign]:
    return list(db.session.scalars(select(Campaign).order_by(Campaign.id)))


def campaign_lines(campaign_id: int) -> list[dict] | None:
    """The campaign's lines; None when there is no such campaign (an id no column can hold,
    which a push operation may carry, is not sent to the database)."""
    if not 0 < campaign_id <= INT_MAX:
        return None
    row = db.session.connection().execute(_LINES, {"cid": campaign_id}).first()
    return None if row is None else (row.lines or [])


def _not_yet_carried(campaign_id: int, source_id: int, area_path: str) -> list:
    hh = Household.__table__
    carried = Household.__table__.alias("carried")
    villages = select(Area.id).where(Area.level == "village", Area.path.startswith(area_path))
    return [
        hh.c.campaign_id == source_id,
        hh.c.deleted.is_(False),
        hh.c.village_id.in_(villages),
        ~select(carried.c.id)
        .where(carried.c.campaign_id == campaign_id, carried.c.carried_from == hh.c.id)
        .exists(),
    ]


def carry_count(campaign_id: int, source_id: int, area_path: str) -> int:
    """How many households of the source campaign inside the area are still to be carried."""
    where = _not_yet_carried(campaign_id, source_id, area_path)
    query = select(func.count()).select_from(Household.__table__).where(*where)
    return db.session.connection().execute(query).scalar() or 0


def carry_candidates(campaign_id: int, source_id: int, area_path: str, after: str, limit: int):
    """The next `limit` live households of the source campaign inside the area (by id, after
    `after`) not yet carried into the campaign: id, village, township, document."""
    hh = Household.__table__
    where = _not_yet_carried(campaign_id, source_id, area_path)
    query = (
        select(hh.c.id, hh.c.village_id, hh.c.township_id, Parsed(hh.c.document).label("document"))
        .where(*where, hh.c.id > after)
        .order_by(hh.c.id)
        .limit(limit)
    )
    return db.session.connection().execute(query).all()
