"""server/bulk.py writes what the ORM would write, on SQLite and on PostgreSQL alike."""

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Text, cast, insert, select

from server.core import bulk
from server.extensions import db
from server.models import Conflict, Household, Member, Revision

CONFLICT = Conflict.__table__
HOUSEHOLD = Household.__table__
MEMBER = Member.__table__

AWKWARD = ['引号"与\\反斜杠', "逗号,{花括号}", "NULL", "", "换行\n制表\t", "😀"]


def _households(n: int) -> list:
    return db.session.execute(
        select(HOUSEHOLD.c.id, HOUSEHOLD.c.version, HOUSEHOLD.c.township_id)
        .order_by(HOUSEHOLD.c.id)
        .limit(n)
    ).all()


def _conflict(household, path: str, **values) -> dict:
    return {
        "household_id": household.id,
        "township_id": household.township_id,
        "path": path,
        "base_value": None,
        "server_value": None,
        "device_value": None,
        "version": household.version,
        "device_user_id": None,
        "device_id": None,
        "op_id": None,
        "created_at": datetime(2026, 11, 23, 8, 30, 15, 123456, tzinfo=UTC),
    } | values


def test_inserted_rows_read_back_as_the_orm_writes_them(county):
    household = _households(1)[0]
    values = [
        None,
        {"a": [1, 2.5, None, True], "文字": AWKWARD},
        AWKWARD[0],
        0,
        [],
        {},
        {"n": 12345678901234567890},  # wider than 64 bits: jsontext's exact fallback
    ]
    rows = [
        _conflict(household, f"bulk.{i}", base_value=v, server_value=AWKWARD[i % len(AWKWARD)])
        for i, v in enumerate(values)
    ]
    orm = [dict(row, path=row["path"].replace("bulk", "orm")) for row in rows]
    bulk.insert_rows(CONFLICT, rows)
    db.session.execute(insert(CONFLICT), orm)
    db.session.commit()

    def stored(prefix):
        return db.session.execute(
            select(
                CONFLICT.c.base_value,
                cast(CONFLICT.c.base_value, Text),
                CONFLICT.c.server_value,
                CONFLICT.c.device_value.is_(None),
                CONFLICT.c.created_at,
            )
            .where(CONFLICT.c.path.like(f"{prefix}.%"))
            .order_by(CONFLICT.c.id)
        ).all()

    written, expected = stored("bulk"), stored("orm")
    assert [r[0] for r in written] == values
    assert [r[2] for r in written] == [AWKWARD[i % len(AWKWARD)] for i in range(len(values))]
    assert written == expected  # the same JSON text, JSON null for None, the same instant
    assert written[0][1] == "null" and written[0][3] is False


def test_rows_with_different_keys_are_all_written(county):
    household = _households(1)[0]
    rows = [
        {"household_id": household.id, "id": "m-bulk-1", "name": "王一", "counted": True},
        {"household_id": household.id, "id": "m-bulk-2", "id_number": None},
        {"household_id": household.id, "id": "m-bulk-3", "name": None, "counted": False},
    ]
    bulk.insert_rows(MEMBER, rows)
    db.session.commit()
    found = db.session.execute(
        select(MEMBER.c.id, MEMBER.c.name, MEMBER.c.id_number, MEMBER.c.counted)
        .where(MEMBER.c.id.like("m-bulk-%"))
        .order_by(MEMBER.c.id)
    ).all()
    assert [tuple(r) for r in found] == [
        ("m-bulk-1", "王一", None, True),
        ("m-bulk-2", None, None, True),  # the column default, as an ORM insert gives
        ("m-bulk-3", None, None, False),
    ]


def test_update_writes_where_the_version_matches_and_counts_what_it_changed(county):
    rows = _households(4)
    incomes = [Decimal("1234.50"), 7000, 8000.25, None]  # a batch may mix number types
    params = [
        {
            "hid": r.id,
            "expected": r.version if i != 2 else r.version + 5,  # the third has moved on
            "per_capita_net_income": income,
            "head_name": AWKWARD[i],
            "line_flags": {"line": i},
        }
        for i, (r, income) in enumerate(zip(rows, incomes, strict=True))
    ]
    done = bulk.update_rows(HOUSEHOLD, params, {"hid": "id", "expected": "version"})
    db.session.commit()
    assert done == 3
    after = {
        r.id: r
        for r in db.session.execute(
            select(
                HOUSEHOLD.c.id,
                HOUSEHOLD.c.per_capita_net_income,
                HOUSEHOLD.c.head_name,
                HOUSEHOLD.c.line_flags,
            ).where(HOUSEHOLD.c.id.in_([r.id for r in rows]))
        )
    }
    assert after[rows[0].id].per_capita_net_income == Decimal("1234.50")
    assert after[rows[1].id].per_capita_net_income == Decimal("7000.00")
    assert after[rows[2].id].head_name != AWKWARD[2]  # not at the version given: untouched
    assert after[rows[3].id].per_capita_net_income is None
    assert [after[rows[i].id].head_name for i in (0, 1, 3)] == [AWKWARD[0], AWKWARD[1], AWKWARD[3]]
    assert after[rows[3].id].line_flags == {"line": 3}


def test_delete_removes_exactly_the_pairs_given(county):
    first, second = _households(2)
    bulk.insert_rows(
        MEMBER,
        [
            {"household_id": hid, "id": mid}
            for hid in (first.id, second.id)
            for mid in ("m-del-1", "m-del-2")
        ],
    )
    bulk.delete_rows(
        MEMBER, ("household_id", "id"), [(first.id, "m-del-1"), (second.id, "m-del-2")]
    )
    bulk.delete_rows(MEMBER, ("household_id", "id"), [])
    db.session.commit()
    left = db.session.execute(
        select(MEMBER.c.household_id, MEMBER.c.id)
        .where(MEMBER.c.id.like("m-del-%"))
        .order_by(MEMBER.c.household_id, MEMBER.c.id)
    ).all()
    assert sorted(map(tuple, left)) == sorted([(first.id, "m-del-2"), (second.id, "m-del-1")])


def test_a_left_out_column_gets_its_python_default(county):
    household = _households(1)[0]
    row = _conflict(household, "defaults.1")
    del row["created_at"]  # default=utcnow, computed in Python, not by the database
    before = datetime.now(UTC)
    bulk.insert_rows(CONFLICT, [row])
    db.session.commit()
    created = db.session.scalar(
        select(CONFLICT.c.created_at).where(CONFLICT.c.path == "defaults.1")
    )
    assert created is not None
    assert created.replace(tzinfo=created.tzinfo or UTC) >= before.replace(microsecond=0)


def test_json_serialised_while_planning_is_stored_as_the_value_itself(county):
    household = _households(1)[0]
    value = {"文字": AWKWARD, "n": 12345678901234567890, "x": [None, 1.5]}
    ready = bulk.serialized(CONFLICT, _conflict(household, "ready.1", base_value=value))
    assert isinstance(ready["base_value"], bulk.JsonText)
    assert ready["server_value"] == "null" and ready["path"] == "ready.1"  # only JSON columns
    bulk.insert_rows(CONFLICT, [ready, _conflict(household, "ready.2", base_value=value)])
    db.session.commit()
    stored = db.session.execute(
        select(CONFLICT.c.base_value, cast(CONFLICT.c.base_value, Text), CONFLICT.c.server_value)
        .where(CONFLICT.c.path.like("ready.%"))
        .order_by(CONFLICT.c.path)
    ).all()
    assert stored[0] == stored[1]  # not a JSON string holding the text: the same JSON
    assert stored[0][0] == value and stored[0][2] is None


def test_a_copied_column_comes_from_the_matching_source_row_only(county):
    first, second = _households(2)
    revision = Revision.__table__

    def row(household, version, op_id):
        return {
            "household_id": household.id,
            "version": version,
            "base_version": version - 1,
            "kind": "edit",
            "op_id": op_id,
            "changes": {},
            "result": None,
            "created_at": datetime(2026, 11, 23, tzinfo=UTC),
        }

    db.session.execute(  # make room: revisions at the households' current versions
        revision.delete().where(
            ((revision.c.household_id == first.id) & (revision.c.version == first.version))
            | ((revision.c.household_id == second.id) & (revision.c.version == second.version))
        )
    )
    rows = [
        row(first, first.version, "copy-ok-1"),
        row(second, second.version + 7, "copy-stale"),  # the household is not at that version
        row(second, second.version, "copy-ok-2"),
    ]
    on = (("household_id", "id"), ("version", "version"))
    assert bulk.insert_copying(revision, rows, "document", HOUSEHOLD, on) == 2
    db.session.commit()
    copied = dict(
        db.session.execute(
            select(revision.c.op_id, revision.c.document).where(revision.c.op_id.like("copy-%"))
        ).all()
    )
    documents = dict(
        db.session.execute(
            select(HOUSEHOLD.c.id, HOUSEHOLD.c.document).where(
                HOUSEHOLD.c.id.in_([first.id, second.id])
            )
        ).all()
    )
    assert set(copied) == {"copy-ok-1", "copy-ok-2"}
    assert copied["copy-ok-1"] == documents[first.id]
    assert copied["copy-ok-2"] == documents[second.id]
