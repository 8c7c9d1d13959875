"""Changes since a cursor, inside the caller's areas, in pages.

The cursor is the change sequence the phone has seen plus the version of the user's areas: when an
administrator changes the areas, the old cursor no longer fits and the phone starts over (`reset`),
so records that left its scope disappear from it.
"""

from .. import store
from ..access import visible_village_ids
from ..api.schemas import household_out
from ..errors import ApiError
from ..models import User


def parse_cursor(cursor: str | None, user: User) -> tuple[int, bool]:
    """(sequence to start after, whether the phone must drop what it has and start over)."""
    if not cursor:
        return 0, False
    try:
        version, seq, scope = cursor.split(".")
        seq_value, scope_value = int(seq), int(scope)
    except ValueError:
        raise ApiError(
            400,
            "同步游标格式不正确，请重新下载",
            "bad_cursor",
            fields={"since": ["同步游标格式不正确"]},
        ) from None
    if version != "1" or seq_value < 0:
        raise ApiError(
            400,
            "同步游标格式不正确，请重新下载",
            "bad_cursor",
            fields={"since": ["同步游标格式不正确"]},
        )
    if scope_value != user.scope_version:
        return 0, True
    return seq_value, False


def make_cursor(seq: int, user: User) -> str:
    return f"1.{seq}.{user.scope_version}"


def pull(user: User, cursor: str | None, limit: int) -> dict:
    since, reset = parse_cursor(cursor, user)
    rows = store.changed_since(since, visible_village_ids(user), limit + 1)
    has_more = len(rows) > limit
    rows = rows[:limit]
    records = [household_out(h) for h in rows if not h.deleted]
    tombstones = [{"id": h.id} for h in rows if h.deleted]
    last = rows[-1].change_seq if rows else since
    return {
        "records": records,
        "tombstones": tombstones,
        "next_cursor": make_cursor(last, user),
        "has_more": has_more,
        "reset": reset,
    }
