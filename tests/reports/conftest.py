"""A seeded county with both campaigns in use, and the same figures built the other way round.

The demo writes every household into the exit campaign; here a third of them are moved into the
2019 look-back (its 4500 and 5000 lines), their stored columns derived again from their documents
with that campaign's lines, and review states are spread as at the end of a campaign.
"""

import random
from collections import defaultdict

import pytest
from sqlalchemy import select, update

from server.domain.summary import summarize
from server.extensions import db
from server.households.derived import derived_columns
from server.models import Area, Campaign, Household
from server.reports.catalog import CAUSES, MONITORING_TYPES, PRIORITY_GROUPS, REGISTERED

LOOKBACK = 2
STATES = ["draft", "submitted", "returned", "approved", "accepted"]


@pytest.fixture()
def both_campaigns(county):
    lines = db.session.get(Campaign, LOOKBACK).lines
    rng = random.Random(11)
    for hh in db.session.scalars(select(Household).order_by(Household.id)).all():
        values = {"review_state": rng.choices(STATES, [5, 10, 5, 20, 60])[0]}
        if rng.random() < 0.4:
            derived = derived_columns(hh.document, lines)
            values |= {k: v for k, v in derived.items() if k != "summary"}
            values |= {"campaign_id": LOOKBACK, "summary": derived["summary"]}
        db.session.execute(update(Household).where(Household.id == hh.id).values(**values))
    db.session.commit()


def area(code_or_level: str) -> Area:
    query = select(Area).order_by(Area.code)
    if code_or_level in ("county", "township", "village"):
        return db.session.scalars(query.where(Area.level == code_or_level)).first()
    return db.session.scalar(query.where(Area.code == code_or_level))


def loop_figures(table, campaign_id, line_key, states=("approved", "accepted")) -> dict:
    """Per village, by a plain loop over the stored documents through the domain's summary."""
    campaign = db.session.get(Campaign, campaign_id)
    figures = defaultdict(lambda: [0] * 40)
    for hh in db.session.scalars(select(Household)):
        if hh.deleted or hh.campaign_id != campaign_id or hh.review_state not in states:
            continue
        summary = summarize(hh.document, campaign.lines)
        size = summary["household_size"]
        section = hh.document.get("household") or {}
        cause = (hh.document.get("causes") or {}).get("main_cause")
        cells = figures[hh.village_id]
        if table == "monitoring":
            kind = summary["monitoring_type"]
            if kind in MONITORING_TYPES:
                i = MONITORING_TYPES.index(kind)
                cells[0] += 1
                cells[1] += size
                cells[2 + 2 * i] += 1
                cells[3 + 2 * i] += size
            continue
        if not summary["lines"][line_key]:
            continue
        if table == "annex4" and section.get("status") not in REGISTERED:
            continue
        i = CAUSES.index(cause if cause in CAUSES else "其他")
        cells[0] += 1
        cells[1] += size
        cells[2 + 2 * i] += 1
        cells[3 + 2 * i] += size
        for j, (_, _, attribute) in enumerate(PRIORITY_GROUPS):
            cells[2 + 2 * len(CAUSES) + j] += section.get("attribute") == attribute
    return figures
