"""The queries of accounts, sign-ins and areas. Nothing here commits."""

from sqlalchemy import select

from server.extensions import db
from server.models import Area


def get_area(area_id: int) -> Area | None:
    return db.session.get(Area, area_id)


def areas_by_code(codes) -> list[Area]:
    return list(db.session.scalars(select(Area).where(Area.code.in_(list(codes)))))


def any_area() -> bool:
    return db.session.scalar(select(Area.id).limit(1)) is not None
