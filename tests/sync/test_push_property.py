"""Push, as a property: any batch of good operations mixed with garbage (the wrong types, huge
numbers, NUL, lone surrogates, deep nesting, row ids that are not UUIDs, malformed operations)
answers 200 with one result per operation, in order; the good operations are applied, the others
rejected with messages; and nothing stored fails validation. On SQLite, and on PostgreSQL in the
second leg of the suite."""

import json
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from server.domain import forms
from server.extensions import db
from server.households import checks
from server.models import Household, Member, Revision
from tests.api.conftest import fresh_document

from .bad_values import BAD_ROW_IDS
from .conftest import create_op, villages_of

ANNEX1 = forms.load("annex1")
# Every field a group section has, and every field of a member row: where garbage is put.
GROUP_PATHS = [
    f"{s['key']}.{f['key']}"
    for s in ANNEX1["sections"]
    if s["kind"] == "group"
    for f in s["fields"]
]
MEMBER_KEYS = [f["key"] for s in ANNEX1["sections"] if s["key"] == "members" for f in s["fields"]]

# Values no field of the form allows, whatever its type: each strategy is wrong for every field.
UNWRITABLE_TEXT = st.builds(
    lambda head, bad, tail: head + bad + tail,
    st.text(max_size=8),
    st.sampled_from(["\x00", "\ud800", "\udfff", "\x1b", "\x7f"]),
    st.text(max_size=8),
)
HUGE = st.one_of(  # as numbers: as text, "1000000000000.00" is a fine name
    st.integers(min_value=10**12, max_value=10**40),
    st.integers(max_value=-(10**12), min_value=-(10**40)),
)
NOT_A_POSITION = st.dictionaries(st.sampled_from(["lng", "x", "evil"]), st.integers(), max_size=3)
CONTAINERS = st.one_of(
    NOT_A_POSITION,
    st.lists(st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), min_size=1),
)


def _nested(depth: int, leaf):
    for n in range(depth):
        leaf = [leaf] if n % 2 else {"k": leaf}
    return leaf


DEEP = st.builds(_nested, st.integers(min_value=6, max_value=400), st.integers())
TOO_LONG = st.one_of(  # longer than any text of the form, and than int() reads
    st.text(min_size=501, max_size=520), st.just("9" * 5000)
)
GARBAGE_VALUE = st.one_of(UNWRITABLE_TEXT, HUGE, CONTAINERS, DEEP, TOO_LONG)


@st.composite
def good_op(draw, village: int) -> dict:
    """A household registered in the field, with a few of its answers drawn."""
    document = fresh_document()
    household = document["household"]
    household["phone"] = "1" + draw(st.text("0123456789", min_size=10, max_size=10))
    household["group"] = draw(st.text("一二三四五组村 　", min_size=1, max_size=30))
    amount = draw(st.integers(min_value=0, max_value=10**9))  # in fen: up to the maximum
    document["income"]["wage_local"] = f"{amount // 100}.{amount % 100:02d}"
    document["members"][0]["name"] = draw(st.text("王李张赵钱孙𠮷·", min_size=1, max_size=30))
    return create_op(village, document)


# A bad value in a field is the case with the most variety: drawn three times as often.
KINDS = ["value", "member", "row_id", "value", "unknown", "member", "operation", "value"]
KINDS += ["missing_row", "member", "shape"]


@st.composite
def garbage_op(draw, village: int, kind: str):
    """An operation that must be rejected: `kind` says what is wrong with it."""
    if kind == "shape":  # not even an operation
        return kind, draw(st.sampled_from([None, 7, "op", [], {"op_id": "only-an-id"}]))
    document = fresh_document()
    op = create_op(village, document)
    head = document["members"][0]["id"]
    if kind == "value":
        op["changes"][draw(st.sampled_from(GROUP_PATHS))] = draw(GARBAGE_VALUE)
    elif kind == "member":
        op["changes"][f"members.{head}.{draw(st.sampled_from(MEMBER_KEYS))}"] = draw(GARBAGE_VALUE)
    elif kind == "unknown":
        key = "zz_" + draw(st.text("abcdefgh_", max_size=8))
        op["changes"][f"{draw(st.sampled_from(['household', 'members.' + head]))}.{key}"] = "1"
    elif kind == "row_id":
        bad = draw(st.sampled_from(BAD_ROW_IDS))
        op["changes"][f"helpers.{bad}"] = dict(document["helpers"][0], id=bad)
    elif kind == "missing_row":
        op["changes"][f"members.{uuid.uuid4()}.name"] = "王"
    else:  # the operation's own fields
        field, value = draw(
            st.sampled_from(
                [
                    ("op_id", "\ud800" * 9),
                    ("op_id", "op\x00id-0001"),
                    ("op_id", '"><img src=x>'),
                    ("household_id", "\ud800"),
                    ("household_id", "not-a-uuid"),
                    ("base_version", -1),
                    ("campaign_id", 2**63 + 1),
                    ("campaign_id", 2**40),
                    ("village_id", 10**30),
                    ("changes", []),
                    ("changes", _nested(50, 1)),
                ]
            )
        )
        op[field] = value
    return kind, op


@st.composite
def batches(draw, village: int):
    """A good operation and 1 to 5 others of different kinds (good or garbage), in any order:
    the kinds are a shuffle of them all, which spreads them evenly over the examples."""
    kinds = ["good", *draw(st.permutations(KINDS))[: draw(st.integers(1, 5))]]
    ops = [
        ("good", draw(good_op(village))) if kind == "good" else draw(garbage_op(village, kind))
        for kind in kinds
    ]
    return draw(st.permutations(ops))


def _is_uuid(op) -> bool:
    try:
        return isinstance(op, dict) and bool(uuid.UUID(op.get("household_id")))
    except (TypeError, ValueError, AttributeError):
        return False


def _stored(app, household_ids: list[str]) -> dict:
    with app.app_context():
        rows = db.session.scalars(select(Household).where(Household.id.in_(household_ids)))
        found = {h.id: h.document for h in rows}
        db.session.remove()
    return found


def _all_documents_valid(app) -> list:
    """(household id, errors) of every stored document and revision that fails validation."""
    bad = []
    with app.app_context():
        for model in (Household, Revision):
            for row_id, document in db.session.execute(select(model.id, model.document)):
                errors, _ = checks.check(document)
                if errors:
                    bad.append((model.__name__, row_id, errors[:2]))
        members = db.session.scalars(select(Member.id)).all()
        db.session.remove()
    assert all(len(m) == 36 for m in members)
    return bad


def test_any_batch_answers_each_operation_and_stores_only_what_the_form_allows(
    app, client, surveyor
):
    village = villages_of(client, surveyor)[0]

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,  # the same examples on every run and on both databases
        database=None,
    )
    @given(batches(village))
    def check(batch):
        ops = [op for _, op in batch]
        response = client.post(
            "/api/sync/push",
            data=json.dumps({"device_id": surveyor.device_id, "ops": ops}),
            headers=surveyor.headers | {"Content-Type": "application/json"},
        )
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        results = response.json["results"]
        assert len(results) == len(ops)
        good = []
        for (kind, op), result in zip(batch, results, strict=True):
            if kind == "good":
                assert result["status"] == "applied", (result, op["changes"])
                assert result["op_id"] == op["op_id"]
                good.append(op["household_id"])
            else:
                assert result["status"] == "rejected", (kind, result, op)
                assert result["errors"], result
                for error in result["errors"]:
                    assert error["severity"] == "error" and error["message"], error
        stored = _stored(app, [op["household_id"] for _, op in batch if _is_uuid(op)])
        assert sorted(stored) == sorted(good)

    check()
    assert _all_documents_valid(app) == []
