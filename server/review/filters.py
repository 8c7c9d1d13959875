"""The review queue's filters: the campaign and villages a user's queue covers, and each filter
as an SQL clause over the columns the household writer keeps.

Every filter reads a column of the household row (review state, visit, conflicts, errors and
warnings, verdicts, per-capita income, group, the pinyin keys), all of them in the review index
(`ix_household_review`), so a count or a page never reads a document. Nothing here commits.
"""

from dataclasses import dataclass, field, fields
from decimal import InvalidOperation

from sqlalchemy import and_, false, or_, select, true

from server.campaigns import queries as campaigns
from server.core.errors import ApiError
from server.domain import lines as line_rules
from server.domain import money
from server.domain.lines import COMPARISONS, UPPER_WORDS
from server.domain.verdicts import MONITORING_TYPES
from server.domain.workflow import STATE_LABELS, STATES
from server.identity.access import require_village, visible_village_ids
from server.models import Campaign, Household, Member, Revision, User

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
