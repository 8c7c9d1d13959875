"""The SQL of the documents for people: the households a notice lists, the households of a
village whose forms are printed. Households are only read here.

A notice's rows come from the columns stored beside each household (what the writer derived from
the document), filtered in the database by the rule `server/domain/notices.listed` states; the
tests hold the two equal by a loop over the documents.
"""

from sqlalchemy import and_, select

from server.domain.notices import MONITORING_TYPES
from server.extensions import db
from server.models import Area, Household
from server.reports.catalog import REGISTERED
from server.reports.queries import villages_in


def _listed(subject: str):
    if subject == "identification":
        return Household.status == "未脱贫"
    if subject == "exit":
        return and_(Household.status == "未脱贫", Household.exit_eligible.is_(True))
    return Household.monitoring_type.in_(MONITORING_TYPES)


def _live(campaign_id: int, states) -> list:
    return [
        Household.campaign_id == campaign_id,
        Household.deleted.is_(False),
        Household.review_state.in_(list(states)),
    ]


def notice_rows(campaign_id: int, area: Area, states, subject: str) -> list:
    """(village id, group, household no, head, head's ID, size, attribute, status, main cause,
    per-capita income, monitoring type, risks) of every household listed, village by village."""
    village_ids = [village.id for _, village in villages_in(area)]
    query = (
        select(
            Household.village_id,
            Household.document["household"]["group"].as_string(),
            Household.household_no,
            Household.head_name,
            Household.head_id_number,
            Household.household_size,
            Household.poverty_attribute,
            Household.status,
            Household.main_cause,
            Household.per_capita_net_income,
            Household.monitoring_type,
            Household.document["causes"]["risks"],
        )
        .where(
            *_live(campaign_id, states),
            Household.village_id.in_(village_ids),
            _listed(subject),
        )
        .order_by(Household.village_id, Household.household_no, Household.id)
    )
    return list(db.session.execute(query))


def village_documents(campaign_id: int, village: Area, states, registered_only: bool) -> list:
    """The documents of a village's households, by household number."""
    where = [*_live(campaign_id, states), Household.village_id == village.id]
    if registered_only:
        where.append(Household.status.in_(REGISTERED))
    query = select(Household.document).where(*where).order_by(Household.household_no, Household.id)
    return list(db.session.scalars(query))
