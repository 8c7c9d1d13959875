"""The review queue: the households of a reviewer's villages in one campaign, filtered
(`filters.py`), sorted and paged in SQL. Nothing here commits.

The counts and pages read the review index (`ix_household_review`) alone; only the fifty rows
shown are read whole. A household's place in the queue (`neighbours`) is found by its sort key, so
the household page's previous / next costs two indexed lookups, not a walk through the pages
before it.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, case, false, func, or_, select

from server.core.database import is_sqlite
from server.domain import lines as line_rules
from server.domain import money
from server.domain.workflow import ACTIONS, STATES
from server.extensions import db
from server.models import Area, Campaign, User
from server.review.filters import HH, Filters, where

PER_PAGE = 50


APPROVE_STATES = tuple(s for s in STATES if s in ACTIONS["approve"][1])
# What approval could take: its starting states, no open conflict, no errors.
_APPROVABLE = and_(
    HH.c.review_state.in_(APPROVE_STATES),
    HH.c.conflict_open.is_(false()),
    HH.c.error_count == 0,
)

_STATE_ORDER = case(
    {state: n for n, state in enumerate(STATES)}, value=HH.c.review_state, else_=len(STATES)
)


def _text_key(column):
    """A text column as a sort key: absent as empty, compared by code point on either database
    (PostgreSQL's language collations would skip spaces in the pinyin keys)."""
    key = func.coalesce(column, "")
    return key if is_sqlite() else key.collate("C")


def _sort(sort: str | None) -> tuple:
    """(key expression, descending) of a sort choice ("income", "-updated"); by household number
    when none is given. Heads are sorted by their names in pinyin (the search keys begin with the
    head's), as a Chinese register is."""
    sort = sort or "household_no"
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    if name == "household_no":
        key = _text_key(HH.c.household_no)
    elif name == "head":
        key = _text_key(HH.c.search_keys)
    elif name == "income":
        key = func.coalesce(HH.c.per_capita_net_income, -1)
    elif name == "state":
        key = _STATE_ORDER
    else:
        key = HH.c.updated_at
    return key, descending


def _order(key, descending: bool) -> list:
    return [key.desc(), HH.c.id.desc()] if descending else [key.asc(), HH.c.id.asc()]


# --- what the queue answers -------------------------------------------------------------------


@dataclass
class Page:
    rows: list[dict]
    total: int
    page: int
    pages: int
    campaign: Campaign | None
    lines: list[dict]
    approvable: int = 0  # of `total`, those approval could take (when asked)


def page(
    user: User, filters: Filters, sort: str | None, page_no: int, *, approvable: bool = False
) -> Page:
    """One page of the filtered, sorted queue (PER_PAGE rows) and how many match in all;
    `approvable`: also count those approval could take (in the same pass)."""
    scope, clauses = where(user, filters)
    counted = [func.count()]
    if approvable:
        counted.append(func.sum(case((_APPROVABLE, 1), else_=0)))
    counts = db.session.execute(select(*counted).select_from(HH).where(*clauses)).one()
    total = counts[0] or 0
    pages = max(1, -(-total // PER_PAGE))
    page_no = max(1, page_no)
    key, descending = _sort(sort)
    ids = list(
        db.session.scalars(
            select(HH.c.id)
            .where(*clauses)
            .order_by(*_order(key, descending))
            .limit(PER_PAGE)
            .offset((page_no - 1) * PER_PAGE)
        )
    )
    result = Page(rows_of(ids, scope.lines), total, page_no, pages, scope.campaign, scope.lines)
    result.approvable = int(counts[1] or 0) if approvable else 0
    return result


_ROW_COLUMNS = (
    HH.c.id,
    HH.c.version,
    HH.c.village_id,
    HH.c.household_no,
    HH.c.head_name,
    HH.c.group_name,
    HH.c.review_state,
    HH.c.visited,
    HH.c.per_capita_net_income,
    HH.c.household_size,
    HH.c.exit_eligible,
    HH.c.monitoring_type,
    HH.c.guarantees_met,
    HH.c.conflict_open,
    HH.c.parallel_note,
    HH.c.error_count,
    HH.c.warning_count,
    HH.c.updated_at,
    Area.name.label("village_name"),
    User.name.label("updated_by_name"),
)


def rows_of(ids: list[str], lines: list[dict]) -> list[dict]:
    """The queue's rows for these households, in the order given."""
    if not ids:
        return []
    query = (
        select(*_ROW_COLUMNS)
        .join(Area, Area.id == HH.c.village_id)
        .outerjoin(User, User.id == HH.c.updated_by)
        .where(HH.c.id.in_(ids))
    )
    found = {row.id: row for row in db.session.execute(query)}
    bounds = [line_rules.near_bounds(line) for line in lines]
    return [row_out(found[i], lines, bounds) for i in ids if i in found]


def row_out(row, lines: list[dict], bounds: list[tuple] | None = None) -> dict:
    """A queue row; `bounds`: the lines' near bounds, when the caller has them."""
    if bounds is None:
        bounds = [line_rules.near_bounds(line) for line in lines]
    income = row.per_capita_net_income
    income = None if income is None else money.quantize(Decimal(str(income)))
    flags = [
        flag
        for flag, on in (
            ("conflict", row.conflict_open),
            ("parallel", row.parallel_note),
            ("warning", row.warning_count > 0),
            ("errors", row.error_count > 0),
            ("unmet", not row.guarantees_met),
            ("near", income is not None and any(low <= income <= high for low, high in bounds)),
        )
        if on
    ]
    state = row.review_state
    return {
        "id": row.id,
        "version": row.version,
        "village_id": row.village_id,
        "village_name": row.village_name,
        "group": row.group_name,
        "household_no": row.household_no,
        "head_name": row.head_name,
        "household_size": row.household_size,
        "review_state": state,
        "queue_state": "not_visited" if state == "draft" and not row.visited else state,
        "per_capita_net_income": None if income is None else money.to_str(income),
        "exit_eligible": bool(row.exit_eligible),
        "monitoring_type": row.monitoring_type,
        "below": [ln["key"] for ln in lines if line_rules.below(income, ln)],
        "flags": flags,
        "error_count": row.error_count,
        "warning_count": row.warning_count,
        "updated_at": row.updated_at.isoformat() if row.updated_at else None,
        "updated_by": row.updated_by_name,
    }


def neighbours(
    user: User, filters: Filters, sort: str | None, household_id: str
) -> tuple[str | None, str | None]:
    """(previous, next) household of the filtered, sorted queue around `household_id`: the rows
    just before and after its sort key, whether or not it still matches the filters itself (an
    approved record has left a queue of submitted ones, and "next" still goes on from its place).
    (None, None) for a household the user may not see."""
    scope, clauses = where(user, filters)
    key, descending = _sort(sort)
    own = db.session.execute(
        select(key.label("key"), HH.c.id).where(*scope.where(), HH.c.id == household_id)
    ).first()
    if own is None:
        return None, None
    before = or_(key < own.key, and_(key == own.key, HH.c.id < own.id))
    after = or_(key > own.key, and_(key == own.key, HH.c.id > own.id))
    if descending:
        before, after = after, before

    def first(condition, backwards: bool):
        order = _order(key, descending != backwards)
        query = select(HH.c.id).where(*clauses, condition).order_by(*order).limit(1)
        return db.session.scalar(query)

    return first(before, True), first(after, False)


_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def is_household_id(text: str) -> bool:
    return bool(_UUID.match(text or ""))


def matching(user: User, filters: Filters) -> list:
    """(id, review state, open conflict, error count) of every household the filters match,
    read from the review index: what a bulk decision classifies."""
    _, clauses = where(user, filters)
    query = select(HH.c.id, HH.c.review_state, HH.c.conflict_open, HH.c.error_count).where(*clauses)
    return list(db.session.execute(query.order_by(HH.c.id)))
