"""The shape check of one operation: a quick check for what phones send, the schema for the rest."""

import uuid

import pytest

from server.sync.schema import Operation
from server.sync.schema import load_operation as _load
from server.sync.schema import well_formed as _well_formed

_op_schema = Operation()

HID = str(uuid.uuid4())
GOOD = {"op_id": "op-000001", "household_id": HID, "base_version": 2, "changes": {"a.b": 1}}


@pytest.mark.parametrize(
    "raw",
    [
        GOOD,
        GOOD | {"household_id": HID.upper()},
        GOOD | {"household_id": HID.replace("-", "")},
        GOOD | {"base_version": 0, "village_id": 3, "campaign_id": 1, "submit": True},
        GOOD | {"village_id": None, "campaign_id": None, "submit": False},
        GOOD | {"changes": {}},
    ],
)
def test_the_quick_check_gives_what_the_schema_gives(raw):
    quick = _well_formed(raw)
    assert quick is not None
    loaded = _op_schema.load(raw)
    assert quick == loaded | {"household_id": str(loaded["household_id"])}


@pytest.mark.parametrize(
    "raw",
    [
        GOOD | {"op_id": "short"},
        GOOD | {"op_id": "x" * 65},
        GOOD | {"household_id": "not-a-uuid"},
        GOOD | {"base_version": -1},
        GOOD | {"base_version": "2"},
        GOOD | {"base_version": True},
        GOOD | {"village_id": "3"},
        GOOD | {"changes": []},
        GOOD | {"submit": "yes"},
        GOOD | {"extra": 1},
        {k: v for k, v in GOOD.items() if k != "changes"},
    ],
)
def test_anything_else_is_left_to_the_schema_and_its_messages(raw):
    assert _well_formed(raw) is None
    try:
        expected = _op_schema.load(raw)
    except Exception:  # noqa: BLE001 - the schema refuses it: so must _load, with a message
        result = _load(raw)
        assert result["status"] == "rejected" and result["errors"], result
    else:  # the schema coerces it ("2" -> 2): _load takes the schema's answer
        assert _load(raw) == expected | {"household_id": str(expected["household_id"])}
