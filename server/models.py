"""The tables. A model never commits: the caller (a request, a sync op) owns the transaction."""

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


Money = Numeric(14, 2)
Stamp = DateTime(timezone=True)
# The largest value an Integer column holds (PostgreSQL's int4): every id, version and number the
# API takes is checked against it at the edge, so the database never meets a larger one.
INT_MAX = 2**31 - 1


class Area(db.Model):
    """County → township → village → group. `path` lets one LIKE find a whole subtree."""

    __tablename__ = "area"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    level: Mapped[str] = mapped_column(String(10))  # county / township / village / group
    path: Mapped[str] = mapped_column(String(200), index=True)  # "/1/3/17/"


class User(db.Model):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    role: Mapped[str] = mapped_column(String(20))  # surveyor / reviewer / county / admin
    phone: Mapped[str | None] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped whenever the user's areas change, so a phone's pull cursor knows to start over.
    scope_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)
    areas: Mapped[list["Area"]] = relationship(secondary="user_area", lazy="selectin")


class UserArea(db.Model):
    __tablename__ = "user_area"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    area_id: Mapped[int] = mapped_column(
        ForeignKey("area.id", ondelete="CASCADE"), primary_key=True
    )


class SignIn(db.Model):
    """One login of one device, and the family of refresh tokens it started.

    Every access and refresh token carries its id (`sid`), so revoking it ends them all on the next
    request. Its refresh token rotates: only the newest (`refresh_jti`) works, and an older one
    coming back means a copy is in use, so the whole sign-in is revoked.
    """

    __tablename__ = "sign_in"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    device_id: Mapped[str | None] = mapped_column(String(64))
    device_label: Mapped[str | None] = mapped_column(String(120))
    refresh_jti: Mapped[str] = mapped_column(String(64))
    # The token that `refresh_jti` replaced, honoured for a few seconds after `rotated_at`: two
    # tabs refreshing at once, or an answer lost on a bad line, must not end the sign-in.
    previous_jti: Mapped[str | None] = mapped_column(String(64))
    rotated_at: Mapped[datetime | None] = mapped_column(Stamp)
    created_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(Stamp)
    last_used_at: Mapped[datetime | None] = mapped_column(Stamp)  # the last login or refresh
    # The last push or pull made with it (kept to the minute: a pull does not write every time).
    last_sync_at: Mapped[datetime | None] = mapped_column(Stamp)
    revoked_at: Mapped[datetime | None] = mapped_column(Stamp)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class AuditEvent(db.Model):
    """Something done to an account or a sign-in: a login, a logout, a revoke, an account created,
    changed, disabled or given a new password. Review decisions are not copied here: the audit
    log reads them from the revisions, which already say who, when and from which device."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(Stamp, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    device_label: Mapped[str | None] = mapped_column(String(120))
    detail: Mapped[str | None] = mapped_column(String(200))


class LoginAttempt(db.Model):
    """A login attempt that has not (yet) succeeded: counted before the password is checked, and
    deleted when it proves right. Old rows are deleted by the next attempts."""

    __tablename__ = "login_attempt"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), index=True)
    remote_addr: Mapped[str | None] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(Stamp, default=utcnow, index=True)


class Campaign(db.Model):
    """A survey round: its kind, statistical period, lines (with comparison words) and stages."""

    __tablename__ = "campaign"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))  # 识别 / 回头看 / 退出验收 / 监测排查
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    year: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[datetime] = mapped_column(Date)
    period_end: Mapped[datetime] = mapped_column(Date)
    lines: Mapped[list] = mapped_column(JSON, default=list)
    stages: Mapped[list] = mapped_column(JSON, default=list)
    form_id: Mapped[str] = mapped_column(String(40), default="annex1")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The review states the county's tables count (a report asked for no states counts these).
    report_states: Mapped[list | None] = mapped_column(JSON)
    # The campaign it was copied from ("copy last year's"), whose families it carries forward.
    source_campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"))
    carried_at: Mapped[datetime | None] = mapped_column(Stamp)  # its families carried forward
    # The last long task on the campaign's households (recompute, carry forward) and its
    # progress: {"task", "state", "done", "total", "at"}, shown on the campaign's page.
    progress: Mapped[dict | None] = mapped_column(JSON)


REVIEW_INDEX = (
    "campaign_id",
    "village_id",
    "review_state",
    "visited",
    "deleted",
    "conflict_open",
    "parallel_note",
    "error_count",
    "warning_count",
    "guarantees_met",
    "exit_eligible",
    "monitoring_type",
    "per_capita_net_income",
    "group_name",
    "household_no",
    "head_name",
    "search_keys",
    "updated_at",
    "id",
)


class Household(db.Model):
    """The questionnaire document, its version and review state, and the columns counties add up."""

    __tablename__ = "household"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    township_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    document: Mapped[dict] = mapped_column(JSON)
    review_state: Mapped[str] = mapped_column(String(20), default="draft")
    review_note: Mapped[str | None] = mapped_column(Text)
    # The reviewer's comments on single fields when returning a record: {change path: comment}.
    review_comments: Mapped[dict | None] = mapped_column(JSON)
    conflict_open: Mapped[bool] = mapped_column(Boolean, default=False)
    parallel_note: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Increases with every committed change, in commit order: the pull cursor.
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Aggregated by the county: written from the document on every change, never edited directly.
    household_no: Mapped[str | None] = mapped_column(String(40))
    head_name: Mapped[str | None] = mapped_column(String(60))
    # The members' names in pinyin, full and initials (households/derived.py): the phone's search.
    search_keys: Mapped[str | None] = mapped_column(String(400))
    head_id_number: Mapped[str | None] = mapped_column(String(18))
    status: Mapped[str | None] = mapped_column(String(20))
    poverty_attribute: Mapped[str | None] = mapped_column(String(20))
    main_cause: Mapped[str | None] = mapped_column(String(20))
    household_size: Mapped[int] = mapped_column(Integer, default=0)
    annual_income: Mapped[object] = mapped_column(Money, default=0)
    net_income: Mapped[object] = mapped_column(Money, default=0)
    per_capita_net_income: Mapped[object | None] = mapped_column(Money)
    guarantees_met: Mapped[bool] = mapped_column(Boolean, default=False)
    exit_eligible: Mapped[bool] = mapped_column(Boolean, default=False)
    monitoring_type: Mapped[str | None] = mapped_column(String(20))
    line_flags: Mapped[dict] = mapped_column(JSON, default=dict)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    # What the review desk filters and counts by (households/derived.py, checks.quality): the
    # village group, whether a visit is signed, and the document's errors (as its state checks
    # it: complete while it waits for a decision) and plausibility warnings.
    group_name: Mapped[str | None] = mapped_column(String(30))
    visited: Mapped[bool] = mapped_column(Boolean, default=False)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    # The same family's household of the campaign before, when this one was carried forward
    # from it: a family is traced across campaigns by following this link.
    carried_from: Mapped[str | None] = mapped_column(String(36))
    # For the county's other tables (households/derived.py says how each is read).
    register_change: Mapped[str | None] = mapped_column(String(10))  # 新识别 / 返贫
    wage_income: Mapped[object | None] = mapped_column(Money, default=0)
    business_income: Mapped[object | None] = mapped_column(Money, default=0)
    property_income: Mapped[object | None] = mapped_column(Money, default=0)
    transfer_income: Mapped[object | None] = mapped_column(Money, default=0)
    unmet_guarantees: Mapped[int | None] = mapped_column(Integer, default=0)  # a bit per item
    visit_date: Mapped[str | None] = mapped_column(String(10))  # "2020-10-12"

    __table_args__ = (
        Index("ix_household_village_no", "village_id", "household_no"),
        Index("ix_household_township_state", "township_id", "review_state"),
        Index("ix_household_change_seq", "change_seq"),
        Index("ix_household_campaign", "campaign_id"),
        # The review desk's lists and counts of a township or a county, read from this index
        # alone: a household row holds its document, and on SQLite reading any column stored
        # after it means reading the whole document.
        Index("ix_household_review", *REVIEW_INDEX),
        # A village's households of a campaign counted from the index alone (spot checks' shares).
        Index("ix_household_campaign_village", "campaign_id", "village_id", "deleted"),
        # A family is carried into a campaign once; the unique key makes a repeated (or
        # parallel) carry forward skip it rather than make it twice.
        UniqueConstraint("campaign_id", "carried_from", name="uq_household_carried"),
        Index("ix_household_carried_from", "carried_from"),
        # Covers the printed tables' data version (reports/queries.py): a few index pages for
        # a whole county, so a cached table is found without reading the households.
        Index(
            "ix_household_report_version",
            "campaign_id",
            "village_id",
            "review_state",
            "deleted",
            "change_seq",
        ),
    )


class VillageSubmission(db.Model):
    """A township's village totals for a campaign (村级汇总上报) and the county's decision on them.

    The totals are snapshotted when the township submits and again when the county accepts, and
    then do not move: a record reopened later marks the village as needing re-acceptance, and
    the signed figures stay what they were."""

    __tablename__ = "village_submission"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    township_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    state: Mapped[str] = mapped_column(String(20))  # submitted / accepted / returned
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(Stamp)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(Stamp)
    note: Mapped[str | None] = mapped_column(Text)  # the county's reason when sending it back
    # Every step, oldest first: [{"action", "by", "at", "note"}]
    history: Mapped[list] = mapped_column(JSON, default=list)

    __table_args__ = (
        UniqueConstraint("campaign_id", "village_id", name="uq_village_submission"),
        Index("ix_village_submission_township", "campaign_id", "township_id"),
    )


class Member(db.Model):
    """A projection of the document's members, for cross-checks by ID number and people counts."""

    __tablename__ = "member"
    # A member's id is unique within its household: a household copied on a phone keeps its rows'
    # ids, and that must not make the other household unwritable.
    household_id: Mapped[str] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(60), index=True)  # the desk's search
    id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    sex: Mapped[str | None] = mapped_column(String(2))
    relation: Mapped[str | None] = mapped_column(String(10))
    labour: Mapped[str | None] = mapped_column(String(20))
    counted: Mapped[bool] = mapped_column(Boolean, default=True)
    education: Mapped[str | None] = mapped_column(String(20))
    school_status: Mapped[str | None] = mapped_column(String(20))
    health: Mapped[int | None] = mapped_column(Integer, default=0)  # a bit per health option


class Revision(db.Model):
    """An immutable record of one accepted change: the audit trail and the base of later merges."""

    __tablename__ = "revision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    base_version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(
        String(20)
    )  # create / edit / merge / conflict / resolve / review / correct
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    device_id: Mapped[str | None] = mapped_column(String(64))
    # A device's operation id, unique per author and household: a retry finds its first answer,
    # and an id sent by someone else, or on another household, is another operation.
    op_id: Mapped[str | None] = mapped_column(String(64))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    document: Mapped[dict] = mapped_column(JSON)
    result: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)

    __table_args__ = (
        UniqueConstraint("household_id", "version", name="uq_revision_household_version"),
        UniqueConstraint("op_id", "household_id", "author_id", name="uq_revision_operation"),
        # The households a surveyor has written: the review queue's filter by surveyor.
        Index("ix_revision_author", "author_id", "household_id"),
    )


class Conflict(db.Model):
    """Both values of a field two people changed differently; kept until a person decides."""

    __tablename__ = "conflict"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[str] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True
    )
    township_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    path: Mapped[str] = mapped_column(String(200))
    base_value: Mapped[object | None] = mapped_column(JSON)
    server_value: Mapped[object | None] = mapped_column(JSON)
    device_value: Mapped[object | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)  # the household version that recorded it
    device_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    device_id: Mapped[str | None] = mapped_column(String(64))
    op_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(Stamp)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolution: Mapped[object | None] = mapped_column(JSON)


class SpotCheck(db.Model):
    """One household of a village checked again by the township (at least 20% of a village's
    households) or the county (10%): drawn in a reproducible sample, or added by hand."""

    __tablename__ = "spot_check"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    level: Mapped[str] = mapped_column(String(10))  # township / county
    household_id: Mapped[str] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    sampled: Mapped[bool] = mapped_column(Boolean, default=True)  # False: checked beyond the draw
    drawn_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    drawn_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)
    result: Mapped[str | None] = mapped_column(String(10))  # 符合 / 不符合; None: not yet checked
    note: Mapped[str | None] = mapped_column(String(200))
    checked_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    checked_at: Mapped[datetime | None] = mapped_column(Stamp)

    __table_args__ = (
        UniqueConstraint("campaign_id", "level", "household_id", name="uq_spot_check_household"),
        Index("ix_spot_check_village", "campaign_id", "village_id", "level"),
    )


class Attachment(db.Model):
    """A signature or photo, uploaded on its own before the operation that points at it."""

    __tablename__ = "attachment"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    household_id: Mapped[str | None] = mapped_column(String(36), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)


class Counter(db.Model):
    """Named counters; `change_seq` is bumped last in each write so its order is commit order."""

    __tablename__ = "counter"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportDocument(db.Model):
    """A printed table, kept with what made it: the very file a county signed can be fetched
    again after the data has moved on, and an identical request is served from it.

    `params_hash`, `code_version` and `data_version` are the cache key (server/reports/store.py);
    `status` and `progress` are the job's (queued → running → done / failed).
    """

    __tablename__ = "report_document"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    report: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    states: Mapped[list] = mapped_column(JSON)
    format: Mapped[str] = mapped_column(String(10))
    params: Mapped[dict] = mapped_column(JSON)  # every parameter, as the request gave them
    params_hash: Mapped[str] = mapped_column(String(64))
    code_version: Mapped[str] = mapped_column(String(32))
    data_version: Mapped[str] = mapped_column(String(80))
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Made ahead of time (jobs.prerender), and nobody has asked for it yet: replaceable.
    ahead: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(Stamp)
    finished_at: Mapped[datetime | None] = mapped_column(Stamp)
    touched_at: Mapped[datetime] = mapped_column(Stamp, default=utcnow)  # the last sign of life
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)  # 0–100
    progress_note: Mapped[str | None] = mapped_column(String(80))  # "已写入 3000/10000 户"
    error: Mapped[str | None] = mapped_column(Text)  # for the user, in Chinese
    file_name: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    # The file itself, read only when it is fetched.
    data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    __table_args__ = (
        Index("ix_report_document_key", "params_hash", "code_version", "data_version"),
        Index("ix_report_document_area", "area_id", "requested_at"),
    )
