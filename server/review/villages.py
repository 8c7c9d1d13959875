"""County acceptance in two levels (DHIS2's approve-then-accept, for records and for totals).

The township submits a village (村级汇总上报) once every live household of it in the campaign is
decided — approved by the township or accepted by the county — and none has an open conflict;
its totals are snapshotted then. The county accepts it: every approved record of the village
becomes `accepted` (one review revision each, through the household writer) and the totals are
signed again and stored; or it sends the village back with a reason, and the records stay as
they are (approved) for the township to act on again.

While a village is submitted or accepted, its approved and accepted records are the county's:
the township cannot undo or change their decisions (`guard_decision`). The county may still
reopen a single record; the village then needs re-acceptance ("1 户重新打开"), and its signed
totals stay as they were until the county accepts it again.
"""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.campaigns import queries as campaigns
from server.core.database import write_transaction
from server.core.errors import ApiError
from server.core.serialize import iso
from server.domain.roles import COUNTY, REVIEWER
from server.domain.workflow import LOCKED_STATES
from server.extensions import db
from server.households import queries as households
from server.households import writer
from server.households.derived import now
from server.identity.access import visible_village_ids
from server.models import Area, Household, User, VillageSubmission
from server.review import village_totals as totals

STATES = ("submitted", "accepted", "returned")
STATE_LABELS = {
    None: "未上报",
    "submitted": "已上报，待县级确认",
    "accepted": "县级已确认",
    "returned": "县级已退回",
}
ACTION_LABELS = {"submit": "上报", "accept": "确认", "return": "退回"}
CHUNK = 500  # records accepted per write of the writer


def waiting(r: dict) -> bool:
    """The county has something to decide: submitted, or accepted and changed since."""
    return r["state"] == "submitted" or r["needs_reacceptance"]


def ready(r: dict) -> bool:
    """The township can submit it now."""
    return r["state"] in (None, "returned") and not r["blocking"]


# Which villages a list shows (`show`): label, test on an overview row.
SHOW = {
    "waiting": ("待县级确认", waiting),
    "ready": ("可上报", ready),
    "blocked": ("尚未就绪", lambda r: r["state"] in (None, "returned") and bool(r["blocking"])),
    "accepted": ("县级已确认", lambda r: r["state"] == "accepted" and not r["needs_reacceptance"]),
    "returned": ("已退回", lambda r: r["state"] == "returned"),
}
DESK_ROLES = (REVIEWER, COUNTY)


def _role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise ApiError(403, "您的角色不能执行此操作", "forbidden_role")


def _campaign(campaign_id: int):
    campaign = campaigns.get_campaign(campaign_id)
    if campaign is None:
        raise ApiError(422, "调查轮次不存在", "invalid", {"campaign_id": ["调查轮次不存在"]})
    return campaign


def _village(user: User, village_id: int) -> Area:
    if village_id not in visible_village_ids(user):
        raise ApiError(403, "该村不在您的负责范围内", "forbidden_area")
    return db.session.get(Area, village_id)


def _submission(campaign_id: int, village_id: int, lock: bool = False):
    query = select(VillageSubmission).where(
        VillageSubmission.campaign_id == campaign_id, VillageSubmission.village_id == village_id
    )
    if lock:
        query = query.with_for_update()
    return db.session.scalars(query).first()


def campaign_villages(user: User, campaign) -> list[tuple[Area, Area]]:
    """(township, village) of every village of the campaign's area the user sees."""
    area = db.session.get(Area, campaign.area_id)
    visible = visible_village_ids(user)
    return [(t, v) for t, v in totals.report_queries.villages_in(area) if v.id in visible]


def overview(
    user: User, campaign_id: int, township_id: int | None = None, show: str | None = None
) -> list[dict]:
    """One row per village the user sees: its review progress, what blocks it, its submission
    (only those `show` names, when it names some)."""
    _role(user, *DESK_ROLES)
    campaign = _campaign(campaign_id)
    pairs = campaign_villages(user, campaign)
    if township_id is not None:
        pairs = [(t, v) for t, v in pairs if t.id == township_id]
    ids = [v.id for _, v in pairs]
    figures = totals.progress(campaign_id, ids)
    submissions = {
        s.village_id: s
        for s in db.session.scalars(
            select(VillageSubmission).where(
                VillageSubmission.campaign_id == campaign_id,
                VillageSubmission.village_id.in_(ids),
            )
        )
    }
    accepted = [v for v, s in submissions.items() if s.state == "accepted"]
    again = totals.reopened(campaign_id, accepted)
    rows = [
        village_row(user, campaign_id, t, v, figures[v.id], submissions.get(v.id), again.get(v.id))
        for t, v in pairs
    ]
    return [r for r in rows if SHOW[show][1](r)] if show in SHOW else rows


def village_row(user, campaign_id, township, village, figures, submission, again) -> dict:
    blocks = totals.blocking(figures)
    state = submission.state if submission else None
    again = again or {"reopened": 0, "added": 0}
    needs_reacceptance = state == "accepted" and bool(again["reopened"] or again["added"])
    return {
        "campaign_id": campaign_id,
        "village_id": village.id,
        "village": village.name,
        "township_id": township.id,
        "township": township.name,
        "households": figures["households"],
        "states": figures["states"],
        "conflicts": figures["conflicts"],
        "blocking": blocks,
        "state": state,
        "state_label": STATE_LABELS[state],
        "reopened": again["reopened"],
        "added": again["added"],
        "needs_reacceptance": needs_reacceptance,
        "can_submit": user.role == REVIEWER and state in (None, "returned") and not blocks,
        "can_accept": user.role == COUNTY
        and (state == "submitted" or needs_reacceptance)
        and not blocks,
        "can_return": user.role == COUNTY and state == "submitted",
        "submission": submission_out(submission) if submission else None,
    }


def submission_out(s: VillageSubmission) -> dict:
    return {
        "state": s.state,
        "snapshot": s.snapshot,
        "submitted_by": s.submitted_by,
        "submitted_at": iso(s.submitted_at),
        "decided_by": s.decided_by,
        "decided_at": iso(s.decided_at),
        "note": s.note,
        "history": s.history or [],
    }


def _require_decided(campaign_id: int, village_id: int, doing: str) -> None:
    figures = totals.progress(campaign_id, [village_id])[village_id]
    blocks = totals.blocking(figures)
    if blocks:
        message = f"{'；'.join(blocks)}，不能{doing}"
        raise ApiError(409, message, "village_undecided", blocking=blocks)


def _step(submission: VillageSubmission, action: str, user_id: int, at, note=None, **extra):
    entry = {"action": action, "by": user_id, "at": at.isoformat(), "note": note} | extra
    submission.history = [*(submission.history or []), entry]


def submit(user: User, campaign_id: int, village_id: int) -> dict:
    """The township submits a village whose every household is decided; its totals snapshot."""
    _role(user, REVIEWER)
    user_id = user.id
    village = _village(user, village_id)
    campaign = _campaign(campaign_id)
    with write_transaction():
        submission = _submission(campaign_id, village_id, lock=True)
        if submission is not None and submission.state in ("submitted", "accepted"):
            raise ApiError(409, f"该村{STATE_LABELS[submission.state]}，不能再次上报", "submitted")
        _require_decided(campaign_id, village_id, "上报")
        snapshot = totals.snapshot(campaign, village)
        at = now()
        if submission is None:
            submission = VillageSubmission(
                campaign_id=campaign_id,
                village_id=village_id,
                township_id=village.parent_id,
                history=[],
            )
            db.session.add(submission)
        submission.state = "submitted"
        submission.snapshot = snapshot
        submission.submitted_by, submission.submitted_at = user_id, at
        submission.decided_by = submission.decided_at = submission.note = None
        _step(submission, "submit", user_id, at, households=snapshot["households"])
        try:
            db.session.flush()
        except IntegrityError:  # submitted at the same moment by another reviewer
            raise ApiError(409, "该村已上报，不能再次上报", "submitted") from None
        out = submission_out(submission)
    return out


def accept(user: User, campaign_id: int, village_id: int) -> dict:
    """The county accepts a submitted village (or accepts again one whose records it reopened):
    every approved record becomes accepted, one revision each, and the totals are signed."""
    _role(user, COUNTY)
    user_id = user.id
    village = _village(user, village_id)
    campaign = _campaign(campaign_id)
    with write_transaction():
        submission = _submission(campaign_id, village_id, lock=True)
        state = submission.state if submission else None
        if state not in ("submitted", "accepted"):
            raise ApiError(409, "该村尚未上报，不能确认", "not_submitted")
        _require_decided(campaign_id, village_id, "确认")
        if state == "accepted" and not totals.reopened(campaign_id, [village_id]):
            raise ApiError(409, "该村已确认，没有需要重新确认的农户", "accepted")
        accepted = _accept_records(campaign, village_id, user_id)
        at = now()
        submission.state = "accepted"
        submission.snapshot = totals.snapshot(campaign, village)
        submission.decided_by, submission.decided_at, submission.note = user_id, at, None
        action = "accept" if state == "submitted" else "reaccept"
        _step(submission, action, user_id, at, households=submission.snapshot["households"])
        db.session.flush()
        out = submission_out(submission) | {"accepted_records": accepted}
    return out


def _accept_records(campaign, village_id: int, user_id: int) -> int:
    """Accept every approved record of the village, CHUNK at a time through the writer."""
    lines = campaign.lines or []
    ids = list(
        db.session.scalars(
            select(Household.id)
            .where(
                Household.campaign_id == campaign.id,
                Household.village_id == village_id,
                Household.deleted.is_(False),
                Household.review_state == "approved",
            )
            .order_by(Household.id)
        )
    )
    for start in range(0, len(ids), CHUNK):
        rows = households.household_rows(ids[start : start + CHUNK])
        writes = [
            writer.new_version(
                row,
                row.document,
                lines=lines,
                author_id=user_id,
                kind="review",
                changes={"review_state": ["approved", "accepted"]},
                base_version=row.version,
                note="村级汇总县级确认",
                state={"review_state": "accepted", "review_note": None},
            )
            for row in rows.values()
            if row.review_state == "approved"
        ]
        try:
            writer.write_checked(writes)
        except households.StaleWrite:
            raise ApiError(409, "有农户正在被修改，请稍后重试", "stale_version") from None
    return len(ids)


def send_back(user: User, campaign_id: int, village_id: int, note: str | None) -> dict:
    """The county returns a submitted village with its reason; the records stay as they are."""
    _role(user, COUNTY)
    if not (note or "").strip():
        raise ApiError(422, "退回时请填写原因", "invalid", {"note": ["退回时请填写原因"]})
    user_id, note = user.id, note.strip()
    _village(user, village_id)
    _campaign(campaign_id)
    with write_transaction():
        submission = _submission(campaign_id, village_id, lock=True)
        if submission is None or submission.state != "submitted":
            raise ApiError(409, "只能退回已上报、待确认的村", "not_submitted")
        at = now()
        submission.state = "returned"
        submission.decided_by, submission.decided_at, submission.note = user_id, at, note
        _step(submission, "return", user_id, at, note)
        db.session.flush()
        out = submission_out(submission)
    return out


def guard_decision(row, role: str) -> None:
    """Refuse a township's decision on an approved or accepted record of a village it has
    submitted (or the county has accepted): those decisions are the county's now."""
    if role == COUNTY or row.review_state not in LOCKED_STATES:
        return
    submission = _submission(row.campaign_id, row.village_id)
    if submission is not None and submission.state in ("submitted", "accepted"):
        raise ApiError(
            409,
            f"该村{STATE_LABELS[submission.state]}，已审核的记录不能再更改；如需修改，请由县级退回",
            "village_locked",
        )


def detail(user: User, campaign_id: int, village_id: int) -> dict:
    """One village's row, with its live totals beside the signed ones."""
    _role(user, *DESK_ROLES)
    village = _village(user, village_id)
    campaign = _campaign(campaign_id)
    township = db.session.get(Area, village.parent_id)
    figures = totals.progress(campaign_id, [village_id])[village_id]
    submission = _submission(campaign_id, village_id)
    again = totals.reopened(campaign_id, [village_id]).get(village_id)
    row = village_row(user, campaign_id, township, village, figures, submission, again)
    row["live"] = totals.snapshot(campaign, village)
    row["campaign"] = {"id": campaign.id, "name": campaign.name, "lines": campaign.lines or []}
    return row
