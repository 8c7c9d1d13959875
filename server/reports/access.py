"""Who may print what: a table's `who` (catalog.py) names the roles, a user's areas the places.

A role listed in a table's `who` prints it for any area of the table's levels inside the areas
the user is assigned: a township reviewer for the township and its villages, the county office
for the whole county, a surveyor (where a table lets one) for the assigned villages. An
administrator is assigned no household area and prints nothing. A kept document is seen by
whoever may print it again: the same rule, so a county's staff share their county's documents.
"""

from sqlalchemy import false, or_, select

from server.core.errors import ApiError
from server.extensions import db
from server.identity.access import scope_areas
from server.models import Area, ReportDocument, User
from server.reports.catalog import DOCUMENTS, TABLES, Table
from server.reports.context import levels_of


def levels(table: Table) -> tuple[str, ...]:
    return levels_of(table)


def entry(name: str):
    """The catalog's table or document for people of that name, or None."""
    return TABLES.get(name) or DOCUMENTS.get(name)


def printable_tables(user: User) -> list[Table]:
    """The tables and documents for people the user's role may print, in catalog order; none
    without an area."""
    if not scope_areas(user):
        return []
    return [t for t in (*TABLES.values(), *DOCUMENTS.values()) if user.role in t.who]


def _within(user: User, column=Area.path):
    """SQL: an area inside one of the user's assigned areas (or the assigned area itself)."""
    roots = scope_areas(user)
    if not roots:
        return false()
    return or_(*[column.startswith(root.path) for root in roots])


def areas(user: User, wanted_levels) -> list[Area]:
    """The areas of the given levels the user may print for, in code order."""
    if not wanted_levels:
        return []
    query = select(Area).where(_within(user), Area.level.in_(sorted(wanted_levels)))
    return list(db.session.scalars(query.order_by(Area.code)))


def may_print(user: User, table: Table, area: Area) -> bool:
    return (
        user.role in table.who
        and area.level in levels(table)
        and any(area.path.startswith(root.path) for root in scope_areas(user))
    )


def require_role(user: User, table: Table) -> None:
    if user.role not in table.who or not scope_areas(user):
        raise ApiError(403, "您的角色不能打印这张报表", "forbidden_report")


def require_may_print(user: User, table: Table, area: Area) -> None:
    require_role(user, table)
    if not may_print(user, table, area):
        raise ApiError(403, "该地区不在您的负责范围内", "forbidden_area")


def documents_filter(user: User):
    """A WHERE clause (ReportDocument joined with its Area) for the documents `user` may see."""
    names = [table.name for table in printable_tables(user)]
    if not names:
        return false()
    return (ReportDocument.report.in_(names)) & _within(user)


def may_see(user: User, document: ReportDocument) -> bool:
    table = entry(document.report)
    area = db.session.get(Area, document.area_id)
    return table is not None and area is not None and may_print(user, table, area)
