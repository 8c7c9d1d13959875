"""Starting a campaign: every family of its area carried forward from the campaign before.

Each household of the source campaign inside the new campaign's area gets a household in the new
one, written by the household writer as version 1 (a revision of kind "create" whose note names
the source campaign): the same members (same row ids, so a person is traced across campaigns),
the household's facts, guarantees, causes, helpers and measures, with income left to be measured
for the new period and the visit to be signed again (server/domain/campaigns.py:
carried_document). The new household names the old one in `carried_from`; the old one is not
touched, its answers stay as they were signed. Phones pull the new households like any other
change of their villages.

Batches commit one by one, so a large county shows progress and a stopped run resumes: a family
already carried is skipped (and the unique key on (campaign, carried_from) makes a parallel run
skip it too). `carry_forward` is a plain function of ids, for a job queue to call as it is.
"""

import uuid
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from server.campaigns import queries
from server.campaigns.recompute import record_progress
from server.campaigns.service import require
from server.core.database import write_transaction
from server.core.errors import ApiError
from server.domain.campaigns import carried_document
from server.extensions import db
from server.households import checks, writer
from server.households.derived import now
from server.models import Area, Campaign, User

BATCH = 500


def check(user: User, campaign_id: int, source_id: int) -> tuple[Campaign, Campaign]:
    """The campaign and the one to carry from, both the user's; 404 or 422 in words if not."""
    campaign = require(user, campaign_id)
    if source_id == campaign_id:
        fields = {"source_campaign_id": ["不能从本轮结转"]}
        raise ApiError(422, "请选择上一轮调查", "invalid", fields)
    return campaign, require(user, source_id)


def carry_forward(
    user: User,
    campaign_id: int,
    source_id: int,
    progress: Callable[[int, int], None] | None = None,
    batch: int = BATCH,
) -> dict:
    """{"carried": new households, "skipped": [source ids whose document the rules now refuse]}."""
    campaign, source = check(user, campaign_id, source_id)
    area_path = db.session.get(Area, campaign.area_id).path
    lines, note = campaign.lines or [], f"由“{source.name}”结转"
    author_id = user.id
    total = queries.carry_count(campaign_id, source_id, area_path)
    db.session.rollback()
    record_progress(campaign_id, "carry", "running", 0, total)
    carried, skipped, last, retried = 0, [], "", None
    while True:
        rows = queries.carry_candidates(campaign_id, source_id, area_path, last, batch)
        db.session.rollback()
        if not rows:
            break
        writes = []
        for row in rows:
            document = carried_document(row.document or {})
            errors, _ = checks.check(document)
            if errors:
                skipped.append(row.id)
                continue
            writes.append(
                writer.creation(
                    str(uuid.uuid4()),
                    document,
                    village_id=row.village_id,
                    township_id=row.township_id,
                    campaign_id=campaign_id,
                    lines=lines,
                    author_id=author_id,
                    review_state="draft",
                    changes={},
                    carried_from=row.id,
                    note=note,
                )
            )
        try:
            with write_transaction():
                writer.write(writes)
        except IntegrityError:
            # A parallel run carried some of this batch first: read it again, once, without them.
            if retried == last:
                raise
            retried = last
            continue
        carried += len(writes)
        last = rows[-1].id
        done = carried + len(skipped)
        record_progress(campaign_id, "carry", "running", done, total)
        if progress is not None:
            progress(done, total)
    with write_transaction():
        row = db.session.get(Campaign, campaign_id)
        row.carried_at = now()
        row.source_campaign_id = source_id
    done, dropped = carried + len(skipped), len(skipped)
    record_progress(campaign_id, "carry", "done", done, total, carried=carried, skipped=dropped)
    return {"carried": carried, "skipped": skipped}
