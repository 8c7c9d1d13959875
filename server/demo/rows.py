"""The household, member and revision rows of one chunk of the demo county's families.

Chunks are made in worker processes while the parent writes, so each is a function of (seed, chunk
number) alone, and hands over its JSON already serialised and its timestamps already formatted:
nothing is converted twice on the one writing process.
"""

import random
from datetime import date, datetime

from sqlalchemy import column, table
from sqlalchemy.sql.expression import TableClause

from server.core.jsontext import dumps as json_dumps
from server.demo.campaigns import (
    EXIT_CAMPAIGN_ID,
    EXIT_CAMPAIGN_LINES,
    LOOKBACK_CAMPAIGN_ID,
    LOOKBACK_LINES,
)
from server.demo.households import household
from server.demo.lookback import last_year
from server.demo.people import People, new_uuid
from server.demo.progress import exit_review_state, lookback_state
from server.households.checks import quality
from server.households.derived import derived_columns
from server.households.derived import member_rows as member_rows_of

CHUNK = 2000  # households made by one worker task
SURVEY = date(2020, 10, 1)


def raw(model) -> TableClause:
    """The model's table with untyped columns, for rows whose values are already in column form."""
    return table(model.__tablename__, *[column(c.name) for c in model.__table__.columns])


def stamp(moment: datetime, dialect: str) -> str:
    """A timestamp as the dialect's column stores it (SQLAlchemy's SQLite format, or ISO)."""
    if dialect == "sqlite":
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
    return moment.isoformat()


def chunk_rows(task) -> tuple[list, list, list]:
    """Rows for the families [k·CHUNK, (k+1)·CHUNK): deterministic from (seed, k) alone.

    Each family has its exit-review record and, unless it is new since, its look-back record.
    """
    random_seed, k, size, total, villages, township_of, paces, now = task
    rng = random.Random(random_seed * 100003 + k)
    earlier = random.Random(f"lookback-{random_seed}-{k}")
    people = People(rng, chunk=k, stride=-(-total // size))
    rows = ([], [], [])
    for n in range(k * size, min(total, (k + 1) * size)):
        vid, vcode = villages[n % len(villages)]
        place = (vid, township_of[vid])
        index = n // len(villages)
        state, visited, note = exit_review_state(rng, paces[vid], index)
        document = household(rng, people, vcode, index + 1, SURVEY, visited)
        before = last_year(earlier, document)
        if before is not None:
            lookback = (LOOKBACK_CAMPAIGN_ID, LOOKBACK_LINES, lookback_state(earlier), None)
            _add(rows, earlier, place, lookback, before, total + n + 1, now)
        _add(
            rows,
            rng,
            place,
            (EXIT_CAMPAIGN_ID, EXIT_CAMPAIGN_LINES, state, note),
            document,
            n + 1,
            now,
        )
    return rows


def _add(rows, rng, place, record, document, change_seq, now) -> None:
    """Append one household's row, its members and its first revision to `rows`."""
    hh_rows, member_rows, revision_rows = rows
    (village_id, township_id), (campaign_id, lines, state, note) = place, record
    hid = new_uuid(rng)
    derived = derived_columns(document, lines)
    document_json = json_dumps(document)  # once, for the household and its first revision
    hh_rows.append(
        {
            "id": hid,
            "village_id": village_id,
            "township_id": township_id,
            "campaign_id": campaign_id,
            "version": 1,
            "document": document_json,
            "review_state": state,
            "review_note": note,
            "conflict_open": False,
            "parallel_note": False,
            "deleted": False,
            "change_seq": change_seq,
            "created_at": now,
            "updated_at": now,
            "updated_by": None,
            **derived,
            **quality(document, state),
            "summary": json_dumps(derived["summary"]),
            "line_flags": json_dumps(derived["line_flags"]),
        }
    )
    member_rows += [dict(m, household_id=hid) for m in member_rows_of(document["members"])]
    revision_rows.append(
        {
            "household_id": hid,
            "version": 1,
            "base_version": 0,
            "kind": "create",
            "author_id": None,
            "device_id": None,
            "op_id": None,
            "changes": "{}",
            "document": document_json,
            "result": None,
            "note": "演示数据",
            "created_at": now,
        }
    )
