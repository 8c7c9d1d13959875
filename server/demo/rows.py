"""The household, member and revision rows of one chunk of the demo county.

Chunks are made in worker processes while the parent writes, so each is a function of (seed, chunk
number) alone, and hands over its JSON already serialised and its timestamps already formatted:
nothing is converted twice on the one writing process.
"""

import random
from datetime import date, datetime

from sqlalchemy import column, table
from sqlalchemy.sql.expression import TableClause

from server.core.jsontext import dumps as json_dumps
from server.demo.campaigns import EXIT_CAMPAIGN_ID, EXIT_CAMPAIGN_LINES
from server.demo.households import household
from server.demo.people import People, new_uuid
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
    """Rows for households [k·CHUNK, (k+1)·CHUNK): deterministic from (seed, k) alone."""
    random_seed, k, size, total, villages, township_of, now = task
    rng = random.Random(random_seed * 100003 + k)
    as_json = json_dumps
    people = People(rng, chunk=k, stride=-(-total // size))
    hh_rows, member_rows, revision_rows = [], [], []
    for n in range(k * size, min(total, (k + 1) * size)):
        vid, vcode = villages[n % len(villages)]
        state = rng.choices(["draft", "submitted", "approved"], [50, 30, 20])[0]
        visited = state != "draft" or rng.random() < 0.3
        document = household(rng, people, vcode, n // len(villages) + 1, SURVEY, visited)
        hid = new_uuid(rng)
        derived = derived_columns(document, EXIT_CAMPAIGN_LINES)
        document_json = as_json(document)  # once, for the household and its first revision
        hh_rows.append(
            {
                "id": hid,
                "village_id": vid,
                "township_id": township_of[vid],
                "campaign_id": EXIT_CAMPAIGN_ID,
                "version": 1,
                "document": document_json,
                "review_state": state,
                "review_note": None,
                "conflict_open": False,
                "parallel_note": False,
                "deleted": False,
                "change_seq": n + 1,
                "created_at": now,
                "updated_at": now,
                "updated_by": None,
                **derived,
                **quality(document, state),
                "summary": as_json(derived["summary"]),
                "line_flags": as_json(derived["line_flags"]),
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
    return hh_rows, member_rows, revision_rows
