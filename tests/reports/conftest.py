"""A seeded county in both of its campaigns, review states spread as in a campaign still being
reviewed, and the same figures built the other way round (`by_loop.py`).

The demo gives every family a record in the 2020 exit review and one in the 2019 look-back; here
the review states of both are drawn again, so that which states count is seen in every table.
"""

import random

import pytest
from sqlalchemy import select, update

from server.extensions import db
from server.models import Area, Household
from tests.conftest import SEEDED_AT, _empty

from .by_loop import LOOKBACK, loop_figures  # noqa: F401 (the tests import them from here)

STATES = ["draft", "submitted", "returned", "approved", "accepted"]
FAMILIES = 400  # ten a village: a few households of each kind the tables count


@pytest.fixture()
def county(app):
    """The demo county, a little larger than the other tests': annexes 2 and 3 count a few
    households in a hundred."""
    from server.demo import seed

    with app.app_context():
        _empty()
        seed(households=FAMILIES, random_seed=7, now=SEEDED_AT)
        yield
        db.session.remove()


@pytest.fixture()
def both_campaigns(county):
    rng = random.Random(11)
    ids = db.session.scalars(select(Household.id).order_by(Household.id)).all()
    by_state: dict[str, list[str]] = {}
    for hid in ids:
        by_state.setdefault(rng.choices(STATES, [5, 10, 5, 20, 60])[0], []).append(hid)
    for state, chosen in by_state.items():
        db.session.execute(
            update(Household).where(Household.id.in_(chosen)).values(review_state=state)
        )
    db.session.commit()


def area(code_or_level: str) -> Area:
    query = select(Area).order_by(Area.code)
    if code_or_level in ("county", "township", "village"):
        return db.session.scalars(query.where(Area.level == code_or_level)).first()
    return db.session.scalar(query.where(Area.code == code_or_level))
