"""Changes since a cursor, inside the caller's areas, in pages.

The cursor is the change sequence the phone has seen plus the version of the user's areas: when an
administrator changes the areas, the old cursor no longer fits and the phone starts over (`reset`),
so records that left its scope disappear from it.

Two formats, chosen by the phone: 1 (the default, what phones before it ask for) sends each
household with the server's figures and summary beside its document; 2 sends only what a phone
keeps (`PHONE_META` and the document). A page that starts from the beginning says how many
households it is the start of (`total`), so a first download needs no other request to show
its progress.
"""

import json
import re
from datetime import timedelta

from server.core.errors import ApiError
from server.households.derived import now
from server.households.serializers import phone_conflict, pulled_household
from server.identity.access import visible_village_ids
from server.models import User
from server.sync import queries

#: How long a phone is still told what a reviewer decided on a conflict (the household's pull
#: carries its open conflicts and those decided this recently).
RECENT_DECISIONS = timedelta(days=30)
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


FORMATS = (1, 2)


def pull(user: User, cursor: str | None, limit: int, fmt: int = 1) -> str:
    """The JSON text of one page of changes since `cursor`, in format `fmt`."""
    since, reset = parse_cursor(cursor, user)
    villages = visible_village_ids(user)
    rows = queries.changed_since(since, villages, limit + 1)
    has_more = len(rows) > limit
    rows = rows[:limit]
    live = [r for r in rows if not r.deleted]
    conflicts = queries.conflicts_of([r.id for r in live], now() - RECENT_DECISIONS)
    records = ",".join(
        pulled_household(r, [phone_conflict(c) for c in conflicts.get(r.id, ())], lean=fmt == 2)
        for r in live
    )
    tombstones = _dumps([{"id": r.id} for r in rows if r.deleted])
    page = {
        "next_cursor": make_cursor(rows[-1].change_seq if rows else since, user),
        "has_more": has_more,
        "reset": reset,
    }
    if since == 0:
        page["total"] = queries.live_households(villages)
    tail = _dumps(page)
    return f'{{"records":[{records}],"tombstones":{tombstones},{tail[1:]}'
