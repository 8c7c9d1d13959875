"""The review queue: the households of a reviewer's villages in one campaign, filtered, searched,
sorted and paged in SQL. Nothing here commits.

Every filter is a column of the household row that the writer keeps (review state, visit,
conflicts, errors and warnings, verdicts, per-capita income, group), and the counts and pages read
the review index (`ix_household_review`) alone; only the fifty rows shown are read whole. A
household's place in the queue (`neighbours`) is found by its sort key, so the household page's
previous / next costs two indexed lookups, not a walk through the pages before it.
"""

import re
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation

from sqlalchemy import and_, case, false, func, or_, select, true

from server.campaigns import queries as campaigns
from server.core.database import is_sqlite
from server.core.errors import ApiError
from server.domain import lines as line_rules
from server.domain import money
from server.domain.lines import COMPARISONS, UPPER_WORDS
from server.domain.roles import SURVEYOR
from server.domain.verdicts import MONITORING_TYPES
from server.domain.workflow import ACTIONS, STATE_LABELS, STATES
from server.extensions import db
from server.identity.access import require_village, visible_village_ids
from server.models import Area, Campaign, Household, Member, Revision, User, UserArea

PER_PAGE = 50
HH = Household.__table__

# The queue's states: a draft is split in two, as the dashboard counts it (see `state_clause`).
QUEUE_STATES = ("not_visited", *STATES)
QUEUE_STATE_LABELS = STATE_LABELS | {"not_visited": "未入户", "draft": "已入户未提交"}
EXIT_CHOICES = ("yes", "no")
MONITORING_CHOICES = (*MONITORING_TYPES, "any")
FLAGS = {
    "conflict": "有冲突",
    "parallel": "并行修改",
    "warning": "合理性提示",
    "errors": "有错误",
    "unmet": "两不愁三保障未达标",
    "near": "临近标准线",
}
SORTS = ("household_no", "head", "income", "state", "updated")
SORT_CHOICES = tuple(s for key in SORTS for s in (key, f"-{key}"))
LINE_KEY_PATTERN = r"^[A-Za-z0-9_]{1,40}$"
SEARCH_MAX = 40


@dataclass(frozen=True)
class Filters:
    """What the queue shows: the campaign (None: the current one) and the filters, all optional."""

    campaign: int | None = None
    village: int | None = None
    group: str | None = None
    surveyor: int | None = None
    state: str | None = None
    exit: str | None = None
    monitoring: str | None = None
    below: str | None = None
    flags: tuple[str, ...] = field(default_factory=tuple)
    q: str | None = None

    @classmethod
    def of(cls, data: dict) -> "Filters":
        """From a loaded query (unknown keys ignored, empty values as absent)."""
        values = {f.name: data.get(f.name) for f in fields(cls) if f.name != "flags"}
        values = {k: (None if v == "" else v) for k, v in values.items()}
        return cls(**values, flags=tuple(dict.fromkeys(data.get("flags") or ())))

    def query(self) -> dict:
        """The filters as query-string parameters (flags repeated), without the empty ones."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "flags"}
        out = {k: v for k, v in out.items() if v not in (None, "")}
        if self.flags:
            out["flag"] = list(self.flags)
        return out


def choose_campaign(campaign_id: int | None) -> Campaign | None:
    """The campaign asked for, or the current one: the latest active campaign (by year)."""
    if campaign_id is not None:
        campaign = campaigns.get_campaign(campaign_id)
        if campaign is None:
            raise ApiError(422, "调查轮次不存在", "invalid", {"campaign": ["调查轮次不存在"]})
        return campaign
    rows = campaigns.active_campaigns()
    ranked = sorted(rows, key=lambda c: (bool(c.active), c.year, c.id), reverse=True)
    return ranked[0] if ranked else None


def campaign_lines(campaign: Campaign | None) -> list[dict]:
    """The campaign's lines that can be compared (a known word, an amount)."""
    out = []
    for line in (campaign.lines if campaign else None) or []:
        try:
            if line["comparison"] in COMPARISONS and money.parse(line["amount"]) is not None:
                out.append(line)
        except (KeyError, TypeError, ValueError, InvalidOperation):
            continue
    return out


# --- the clauses ------------------------------------------------------------------------------


def state_clause(state: str):
    """A queue state in SQL. A draft nobody has signed a visit for (section G's visit date, kept
    as `visited`) is 未入户 (not visited): a household carried into the campaign, or one a phone
    has only started, still waits for its visit. A draft with a signed visit is 已入户未提交."""
    if state == "not_visited":
        return and_(HH.c.review_state == "draft", HH.c.visited.is_(false()))
    if state == "draft":
        return and_(HH.c.review_state == "draft", HH.c.visited.is_(true()))
    return HH.c.review_state == state


def below_clause(line: dict):
    """SQL twin of `domain.lines.below`: the per-capita income is below the line."""
    amount = money.parse(line["amount"])
    op = COMPARISONS[line["comparison"]]
    if line["comparison"] in UPPER_WORDS:  # below = not on its side
        op = {">": "<=", ">=": "<"}[op]
    income = HH.c.per_capita_net_income
    compared = {
        "<": income < amount,
        "<=": income <= amount,
        ">": income > amount,
        ">=": income >= amount,
    }[op]
    return and_(income.is_not(None), compared)


def near_clause(lines: list[dict]):
    """Per-capita income within a tenth of any of the lines (false when there is none)."""
    income = HH.c.per_capita_net_income
    ranges = [income.between(*line_rules.near_bounds(line)) for line in lines]
    return or_(*ranges) if ranges else false()


FLAG_CLAUSES = {
    "conflict": lambda lines: HH.c.conflict_open.is_(true()),
    "parallel": lambda lines: HH.c.parallel_note.is_(true()),
    "warning": lambda lines: HH.c.warning_count > 0,
    "errors": lambda lines: HH.c.error_count > 0,
    "unmet": lambda lines: HH.c.guarantees_met.is_(false()),
    "near": near_clause,
}


def _search(text: str):
    """A household number or a head's name containing the text, a member's whole name or ID
    number, or the members' names in pinyin (full or initials) containing it. Every part reads an
    index: the review index holds the numbers, heads and pinyin keys, the member projection's
    indexes its names and ID numbers."""
    text = text.strip()
    members = select(Member.household_id).where(
        or_(Member.name == text, Member.id_number == text.upper())
    )
    clauses = [
        HH.c.household_no.contains(text, autoescape=True),
        HH.c.head_name.contains(text, autoescape=True),
        HH.c.id.in_(members),
    ]
    if text.isascii() and text.isalpha():
        clauses.append(HH.c.search_keys.contains(text.lower(), autoescape=True))
    return or_(*clauses)


@dataclass(frozen=True)
class Scope:
    """The rows a user's queue may show: a campaign and the villages, as SQL clauses."""

    campaign: Campaign | None
    villages: frozenset[int]
    lines: list[dict]

    def where(self) -> list:
        if self.campaign is None or not self.villages:
            return [false()]
        return [
            HH.c.campaign_id == self.campaign.id,
            HH.c.village_id.in_(sorted(self.villages)),
            HH.c.deleted.is_(false()),
        ]


def scope_of(user: User, filters: Filters) -> Scope:
    campaign = choose_campaign(filters.campaign)
    villages = visible_village_ids(user)
    if filters.village is not None:
        require_village(user, filters.village)
        villages = frozenset({filters.village})
    return Scope(campaign, villages, campaign_lines(campaign))


def where(user: User, filters: Filters) -> tuple[Scope, list]:
    """(the scope, every clause of the filtered queue)."""
    scope = scope_of(user, filters)
    clauses = scope.where()
    if filters.group:
        clauses.append(HH.c.group_name == filters.group)
    if filters.state:
        clauses.append(state_clause(filters.state))
    if filters.exit:
        clauses.append(HH.c.exit_eligible.is_(true() if filters.exit == "yes" else false()))
    if filters.monitoring == "any":
        clauses.append(HH.c.monitoring_type.is_not(None))
    elif filters.monitoring:
        clauses.append(HH.c.monitoring_type == filters.monitoring)
    if filters.below:
        line = next((ln for ln in scope.lines if ln.get("key") == filters.below), None)
        if line is None:
            message = "该调查轮次没有这条标准线"
            raise ApiError(422, message, "invalid", {"below": [message]})
        clauses.append(below_clause(line))
    for flag in filters.flags:
        clauses.append(FLAG_CLAUSES[flag](scope.lines))
    if filters.surveyor is not None:
        written = select(Revision.household_id).where(Revision.author_id == filters.surveyor)
        clauses.append(HH.c.id.in_(written))
    if filters.q and filters.q.strip():
        clauses.append(_search(filters.q))
    return scope, clauses


# --- sorting ----------------------------------------------------------------------------------

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


# --- what the filter form offers --------------------------------------------------------------


def options(user: User, filters: Filters) -> dict:
    """The choices of the queue's filters for this user: campaigns, villages, groups, surveyors,
    lines."""
    scope = scope_of(user, Filters(campaign=filters.campaign))
    villages = visible_village_ids(user)
    village_rows = []
    if villages:
        township = Area.__table__.alias("township")
        village_rows = db.session.execute(
            select(Area.id, Area.name, township.c.name.label("township"))
            .join(township, township.c.id == Area.parent_id)
            .where(Area.id.in_(sorted(villages)))
            .order_by(township.c.code, Area.code)
        ).all()
    return {
        "campaigns": campaigns.active_campaigns(),
        "campaign": scope.campaign,
        "villages": [{"id": v.id, "name": v.name, "township": v.township} for v in village_rows],
        "groups": list(
            dict.fromkeys(
                [
                    *groups(scope, filters.village if filters.village in villages else None),
                    *([filters.group] if filters.group else []),
                ]
            )
        ),
        "surveyors": surveyors(villages),
        "lines": scope.lines,
    }


def groups(scope: Scope, village: int | None) -> list[str]:
    """The group names to filter by: the groups of the area tree under the villages, and, for
    one village, also those its households name (a group is typed on the phone)."""
    villages = [village] if village is not None else sorted(scope.villages)
    if not villages:
        return []
    names = list(
        db.session.scalars(
            select(Area.name)
            .where(Area.level == "group", Area.parent_id.in_(villages))
            .order_by(Area.code)
        )
    )
    if village is not None and scope.campaign is not None:
        typed = db.session.scalars(
            select(HH.c.group_name)
            .where(
                HH.c.campaign_id == scope.campaign.id,
                HH.c.village_id == village,
                HH.c.group_name.is_not(None),
            )
            .distinct()
            .order_by(HH.c.group_name)
        )
        names += list(typed)
    return list(dict.fromkeys(names))


def surveyors(villages: frozenset[int]) -> list[dict]:
    """The surveyors assigned to any of these villages or to their townships."""
    if not villages:
        return []
    townships = select(Area.parent_id).where(Area.id.in_(sorted(villages)))
    rows = db.session.execute(
        select(User.id, User.name, User.username)
        .join(UserArea, UserArea.user_id == User.id)
        .where(
            User.role == SURVEYOR,
            or_(UserArea.area_id.in_(sorted(villages)), UserArea.area_id.in_(townships)),
        )
        .distinct()
        .order_by(User.name, User.id)
    ).all()
    return [{"id": r.id, "name": r.name, "username": r.username} for r in rows]


def flag_labels(flags) -> list[str]:
    return [FLAGS[f] for f in flags]
