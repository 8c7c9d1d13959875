"""The queries of campaigns: which exist, and the lines a household's verdicts are read against."""

from sqlalchemy import bindparam, select

from server.extensions import db
from server.models import INT_MAX, Campaign

_LINES = select(Campaign.__table__.c.lines).where(Campaign.__table__.c.id == bindparam("cid"))


def get_campaign(campaign_id: int) -> Campaign | None:
    return db.session.get(Campaign, campaign_id)


def active_campaigns() -> list[Campaign]:
    return list(db.session.scalars(select(Campaign).order_by(Campaign.id)))


def campaign_lines(campaign_id: int) -> list[dict] | None:
    """The campaign's lines; None when there is no such campaign (an id no column can hold,
    which a push operation may carry, is not sent to the database)."""
    if not 0 < campaign_id <= INT_MAX:
        return None
    row = db.session.connection().execute(_LINES, {"cid": campaign_id}).first()
    return None if row is None else (row.lines or [])
