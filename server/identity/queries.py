"""The queries of accounts, sign-ins and areas. Nothing here commits."""

from server.extensions import db
from server.models import Area


def get_area(area_id: int) -> Area | None:
    return db.session.get(Area, area_id)
