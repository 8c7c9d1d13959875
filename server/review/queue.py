"""The review queue's order, as far as the household page needs it: the households before and
after one, so a reviewer goes through the queue without going back to it.

This is the plain order (village, then household number) over the user's villages and the
household's campaign; the queue page's own filters and sorts replace it where the queue defines
them. Each step reads one village through the (village, household number) index, so a township
of 20,000 households costs a few index lookups, not a sort.
"""

from collections.abc import Mapping

from sqlalchemy import select, tuple_

from server.extensions import db
from server.identity.access import visible_village_ids
from server.models import Household, User


def neighbours(
    user: User, filters: Mapping, sort: str | None, household_id: str
) -> tuple[str | None, str | None]:
    """(the previous household's id, the next one's) in the queue `filters` and `sort` describe;
    None at either end. Unknown filters and sorts are ignored: the order is village, then
    household number, within the user's villages."""
    villages = sorted(visible_village_ids(user))
    current = db.session.execute(
        select(Household.village_id, Household.household_no, Household.campaign_id).where(
            Household.id == household_id
        )
    ).first()
    if current is None or current.village_id not in villages:
        return None, None
    here = (current.household_no or "", household_id)
    at = villages.index(current.village_id)
    before = _step(current, villages[at::-1], here, backwards=True)
    after = _step(current, villages[at:], here, backwards=False)
    return before, after


def _step(current, villages: list[int], here: tuple[str, str], backwards: bool) -> str | None:
    key = tuple_(Household.household_no, Household.id)
    order = (
        (Household.household_no.desc(), Household.id.desc())
        if backwards
        else (
            Household.household_no,
            Household.id,
        )
    )
    for n, village_id in enumerate(villages):
        query = select(Household.id).where(
            Household.village_id == village_id,
            Household.campaign_id == current.campaign_id,
            Household.deleted.is_(False),
            Household.household_no.is_not(None),
        )
        if n == 0:
            query = query.where(key < tuple_(*here) if backwards else key > tuple_(*here))
        found = db.session.scalar(query.order_by(*order).limit(1))
        if found is not None:
            return found
    return None
