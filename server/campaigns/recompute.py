"""A campaign's lines changed: every household's verdicts again (line flags, exit eligibility,
monitoring type), in batches, with progress.

Verdicts are derived from the document *and* the campaign's lines, so a line changed is not a new
version of any questionnaire: the documents stay as signed, no revision is written, and only the
households whose verdicts move are written (their verdict columns and a new change sequence, so
phones pull them). A batch is read and computed without a lock and written in a short write
transaction, each household only where it is still at the version read: a household written
meanwhile got its verdicts from that write.

`recompute(campaign_id, progress)` is a plain function of ids: a job queue can call it as it is.
"""

from collections.abc import Callable

from sqlalchemy import func, select

from server.campaigns import queries
from server.core.database import write_transaction
from server.extensions import db
from server.households import queries as households
from server.households import writer
from server.households.derived import now
from server.models import Campaign, Household

BATCH = 1000

Progress = Callable[[int, int], None]  # (households done, households in all)


def recompute(campaign_id: int, progress: Progress | None = None, batch: int = BATCH) -> dict:
    """{"total": households read, "changed": households whose verdicts moved}."""
    lines = queries.campaign_lines(campaign_id) or []
    total = db.session.scalar(
        select(func.count())
        .select_from(Household)
        .where(Household.campaign_id == campaign_id, Household.deleted.is_(False))
    )
    db.session.rollback()
    record_progress(campaign_id, "recompute", "running", 0, total)
    done = changed = 0
    last = ""
    while True:
        rows = households.verdict_rows(campaign_id, last, batch)
        db.session.rollback()
        if not rows:
            break
        updates = [u for row in rows if (u := writer.new_verdicts(row, lines)) is not None]
        done += len(rows)
        last = rows[-1].id
        with write_transaction():
            written = writer.write_verdicts(updates)
            changed += len(updates) if written < 0 else written
            _store_progress(campaign_id, "recompute", "running", done, total)
        if progress is not None:
            progress(done, total)
    record_progress(campaign_id, "recompute", "done", done, total, changed=changed)
    return {"total": done, "changed": changed}


def record_progress(campaign_id: int, task: str, state: str, done: int, total: int, **extra):
    """Keep a task's progress on the campaign, in a transaction of its own."""
    with write_transaction():
        _store_progress(campaign_id, task, state, done, total, **extra)


def _store_progress(campaign_id: int, task: str, state: str, done: int, total: int, **extra):
    value = {"task": task, "state": state, "done": done, "total": total}
    value |= extra | {"at": now().isoformat()}
    db.session.execute(
        Campaign.__table__.update().where(Campaign.id == campaign_id).values(progress=value)
    )
