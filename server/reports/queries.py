"""The SQL of the tables: aggregates over the columns stored beside each household.

Households are only read here (and in the other tables' modules, which use the scope and the
helpers below). Every figure is a SUM or COUNT in the database, grouped by village, never a loop
over documents; the tests build the same numbers the other way round (a loop over the documents
through the domain) and compare every cell.
"""

from sqlalchemy import BigInteger, and_, case, cast, func, or_, select
from sqlalchemy.orm import aliased

from server.extensions import db
from server.models import Area, Household
from server.reports.catalog import (
    CAUSES,
    MONITORING_TYPES,
    OTHER_CAUSE,
    PRIORITY_GROUPS,
    REGISTERED,
)

NAMED_CAUSES = tuple(c for c in CAUSES if c != OTHER_CAUSE)


def villages_in(area: Area) -> list[tuple[Area, Area]]:
    """(township, village) of every village the area covers, in code order."""
    township = db.aliased(Area)
    village = db.aliased(Area)
    query = select(township, village).join(village, village.parent_id == township.id)
    if area.level == "village":
        query = query.where(village.id == area.id)
    elif area.level == "township":
        query = query.where(township.id == area.id)
    else:
        query = query.where(township.parent_id == area.id)
    return [tuple(r) for r in db.session.execute(query.order_by(township.code, village.code))]


def _scope(area: Area):
    if area.level == "village":
        return Household.village_id == area.id
    if area.level == "township":
        return Household.township_id == area.id
    return Household.township_id.in_(select(Area.id).where(Area.parent_id == area.id))


def counted(
    campaign_id: int,
    area: Area,
    states,
    line_key: str | None = None,
    registered: bool = False,
    change: str | None = None,
):
    """Who a table counts: the campaign's live households of the area in the chosen states
    (below a line, on the register, or of a register change, when the table says so)."""
    where = [
        Household.campaign_id == campaign_id,
        Household.deleted.is_(False),
        Household.review_state.in_(list(states)),
        _scope(area),
    ]
    if line_key is not None:
        where.append(Household.line_flags[line_key].as_boolean().is_(True))
    if registered:
        where.append(Household.status.in_(REGISTERED))
    if change is not None:
        where.append(Household.register_change == change)
    return and_(*where)


def pair(condition) -> list:
    """户 and 人 of the households meeting a condition."""
    return [count_if(condition), func.sum(case((condition, Household.household_size), else_=0))]


def count_if(condition):
    return func.sum(case((condition, 1), else_=0))


def has_bit(column, bit: int):
    """A bit of an integer column of answers (server/domain/flags.py) is set."""
    return column.op("&")(bit) != 0


def fen(column):
    """The sum of a money column in fen, exact on both engines (SQLite keeps money as REAL)."""
    return cast(func.sum(func.round(column * 100)), BigInteger)


def per_village(query) -> dict[int, list[int]]:
    """{village id: the row's figures as integers} of a query grouped by village."""
    return {row[0]: [int(v or 0) for v in row[1:]] for row in db.session.execute(query)}


def summary_figures(
    campaign_id, area, states, line_key, registered, change=None
) -> dict[int, list[int]]:
    """Per village: 合计 户, 人; 户, 人 per main cause; 户 per countable priority group."""
    columns = [func.count(), func.sum(Household.household_size)]
    for cause in NAMED_CAUSES:
        columns += pair(Household.main_cause == cause)
    columns += pair(or_(Household.main_cause.is_(None), Household.main_cause.not_in(NAMED_CAUSES)))
    columns += [
        func.sum(case((Household.poverty_attribute == attribute, 1), else_=0))
        for _, _, attribute in PRIORITY_GROUPS
    ]
    query = (
        select(Household.village_id, *columns)
        .where(counted(campaign_id, area, states, line_key, registered, change))
        .group_by(Household.village_id)
    )
    return per_village(query)


def monitoring_figures(campaign_id, area, states) -> dict[int, list[int]]:
    """Per village: 三类对象合计 户, 人, then 户, 人 of each monitoring type."""
    columns = pair(Household.monitoring_type.in_(MONITORING_TYPES))
    for kind in MONITORING_TYPES:
        columns += pair(Household.monitoring_type == kind)
    query = (
        select(Household.village_id, *columns)
        .where(counted(campaign_id, area, states))
        .group_by(Household.village_id)
    )
    return per_village(query)


def household_list_query(campaign_id, area, states, line_key, registered, change=None):
    """One row per household counted, in village (by code) then household-number order."""
    return (
        select(
            Household.village_id,
            Household.document["household"]["group"].as_string(),
            Household.household_no,
            Household.head_name,
            Household.head_id_number,
            Household.household_size,
            Household.per_capita_net_income,
            Household.main_cause,
            Household.poverty_attribute,
            Household.status,
        )
        .join(Area, Area.id == Household.village_id)
        .where(counted(campaign_id, area, states, line_key, registered, change))
        .order_by(Area.code, Household.household_no, Household.id)
    )


def count_of(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


STREAM_ROWS = 2000  # rows fetched at a time from a streamed query


def streamed(query):
    """The query's rows, a few thousand at a time, on a connection of its own (a server-side
    cursor on PostgreSQL), so that neither the rows nor the session's commits get in the way."""
    with db.engine.connect() as connection:
        result = connection.execution_options(yield_per=STREAM_ROWS).execute(query)
        yield from result


def village_names(area: Area) -> dict[int, tuple[str, str]]:
    """{village id: (its township's name, its name)} of every village in the area."""
    township = aliased(Area)
    query = (
        select(Area.id, township.name, Area.name)
        .join(township, township.id == Area.parent_id)
        .where(Area.level == "village", Area.path.startswith(area.path))
    )
    return {village_id: (t, v) for village_id, t, v in db.session.execute(query)}


def data_version(campaign_id: int, area: Area) -> tuple[int, int]:
    """(max change_seq, count) of every household of the scope: moves whenever one is written."""
    query = select(func.max(Household.change_seq), func.count()).where(
        Household.campaign_id == campaign_id, _scope(area)
    )
    top, count = db.session.execute(query).one()
    return int(top or 0), int(count)


def document_version(campaign_id: int, area: Area, states) -> tuple[int, int]:
    """(max change_seq, count) of the live households a document of this scope may read.

    Every write of a household gives it the next change_seq, so a household written inside the
    scope raises the maximum, and one that leaves it (deleted, moved, or out of the states)
    lowers the count; neither can come back to an earlier pair. A household of another village,
    campaign or state changes neither. Served by ix_household_report_version alone.
    """
    villages = select(Area.id).where(Area.level == "village")
    if area.level == "village":
        villages = villages.where(Area.id == area.id)
    else:
        villages = villages.where(Area.path.startswith(area.path))
    query = select(func.max(Household.change_seq), func.count()).where(
        Household.campaign_id == campaign_id,
        Household.village_id.in_(villages.scalar_subquery()),
        Household.review_state.in_(list(states)),
        Household.deleted.is_(False),
    )
    top, count = db.session.execute(query).one()
    return int(top or 0), int(count)
