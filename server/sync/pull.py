"""Changes since a cursor, inside the caller's areas, in pages.

The cursor is the change sequence the phone has seen plus the version of the user's areas: when an
administrator changes the areas, the old cursor no longer fits and the phone starts over (`reset`),
so records that left its scope disappear from it.
"""

import json
import re

from server import store
from server.core.errors import ApiError
from server.identity.access import visible_village_ids
from server.models import User

# "1.<change sequence>.<scope version>": 18 digits at most, so both fit a 64-bit integer.
CURSOR_PATTERN = r"^1\.([0-9]{1,18})\.([0-9]{1,18})$"


def parse_cursor(cursor: str | None, user: User) -> tuple[int, bool]:
    """(sequence to start after, whether the phone must drop what it has and start over)."""
    if cursor is None:
        return 0, False
    match = re.fullmatch(CURSOR_PATTERN, cursor)
    if match is None:
        raise ApiError(
            400,
            "同步游标格式不正确，请重新下载",
            "bad_cursor",
            fields={"since": ["同步游标格式不正确"]},
        )
    seq_value, scope_value = int(match[1]), int(match[2])
    if scope_value != user.scope_version:
        return 0, True
    return seq_value, False


def make_cursor(seq: int, user: User) -> str:
    return f"1.{seq}.{user.scope_version}"


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _record(row) -> str:
    """One household as JSON (the shape of GET /api/households/<id>), its document passed through
    as stored: a village is a megabyte of documents, and parsing them only to print them again
    would cost more than the rest of the pull."""
    meta = {
        "id": row.id,
        "village_id": row.village_id,
        "campaign_id": row.campaign_id,
        "version": row.version,
        "review_state": row.review_state,
        "review_note": row.review_note,
        "conflict_open": row.conflict_open,
        "parallel_note": row.parallel_note,
        "household_no": row.household_no,
        "head_name": row.head_name,
        "household_size": row.household_size,
        "per_capita_net_income": None
        if row.per_capita_net_income is None
        else str(row.per_capita_net_income),
        "monitoring_type": row.monitoring_type,
        "exit_eligible": row.exit_eligible,
        "lines": row.line_flags,
        "updated_at": row.updated_at.isoformat() if row.updated_at else None,
    }
    summary = row.summary_json or "{}"
    return f'{_dumps(meta)[:-1]},"document":{row.document_json},"summary":{summary}}}'


def pull(user: User, cursor: str | None, limit: int) -> str:
    """The JSON text of one page of changes since `cursor`."""
    since, reset = parse_cursor(cursor, user)
    rows = store.changed_since(since, visible_village_ids(user), limit + 1)
    has_more = len(rows) > limit
    rows = rows[:limit]
    records = ",".join(_record(r) for r in rows if not r.deleted)
    tombstones = _dumps([{"id": r.id} for r in rows if r.deleted])
    tail = _dumps(
        {
            "next_cursor": make_cursor(rows[-1].change_seq if rows else since, user),
            "has_more": has_more,
            "reset": reset,
        }
    )
    return f'{{"records":[{records}],"tombstones":{tombstones},{tail[1:]}'
