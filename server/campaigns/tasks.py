"""A campaign's long work as jobs on the app's queue: its verdicts recomputed after a line
changed, and its families carried forward when it starts. A 100,000-household county takes
minutes, so the request only checks what was asked, marks the campaign's progress "queued" and
returns; the job writes its progress on the campaign as it goes (recompute.record_progress),
which the desk and `GET /api/campaigns/<id>` show. A job that fails leaves "failed" and a
message in words; both jobs can run again, and skip what is done.
"""

import logging
from contextlib import contextmanager

from sqlalchemy import select

from server.campaigns import carry, recompute
from server.campaigns.recompute import record_progress
from server.core import queue
from server.extensions import db
from server.models import Campaign, User

log = logging.getLogger(__name__)

RECOMPUTE, CARRY = "recompute_verdicts", "carry_forward"
FAILED = "未能完成，请稍后再次执行；已完成的部分不会重复"


def register(jobs: queue.Queue) -> None:
    jobs.add(RECOMPUTE, _recompute)
    jobs.add(CARRY, _carry)


def start_recompute(campaign_id: int) -> dict:
    """Queue the recompute of a campaign the caller may edit; its progress as it is now."""
    record_progress(campaign_id, "recompute", "queued", 0, 0)
    queue.of().enqueue(RECOMPUTE, campaign_id)
    return progress(campaign_id)


def start_carry(user: User, campaign_id: int, source_id: int) -> dict:
    """Check the request here (404 / 422 answer now, not in the job), then queue it."""
    carry.check(user, campaign_id, source_id)
    record_progress(campaign_id, "carry", "queued", 0, 0)
    queue.of().enqueue(CARRY, user.id, campaign_id, source_id)
    return progress(campaign_id)


def progress(campaign_id: int) -> dict:
    """The campaign's progress read afresh (an immediate queue has run the job already)."""
    db.session.rollback()
    value = db.session.scalar(select(Campaign.progress).where(Campaign.id == campaign_id))
    db.session.rollback()
    return value


def _recompute(campaign_id: int) -> None:
    with _kept_failure(campaign_id, "recompute"):
        recompute.recompute(campaign_id)


def _carry(user_id: int, campaign_id: int, source_id: int) -> None:
    with _kept_failure(campaign_id, "carry"):
        carry.carry_forward(db.session.get(User, user_id), campaign_id, source_id)


@contextmanager
def _kept_failure(campaign_id: int, task: str):
    """A job's failure kept on the campaign, in words (a queue has nobody to tell); the log
    names the error's kind only."""
    try:
        yield
    except Exception as error:  # noqa: BLE001
        db.session.rollback()
        log.error("campaign %s %s failed: %s", campaign_id, task, type(error).__name__)
        was = progress(campaign_id) or {}
        message = getattr(error, "message", None) or FAILED
        done, total = was.get("done", 0), was.get("total", 0)
        record_progress(campaign_id, task, "failed", done, total, error=message)
