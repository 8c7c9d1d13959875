"""The shape of one sync operation, checked before anything else is done with it: the schema,
and `load_operation()`, which says for each operation of a batch what it is or why it is refused."""

import re
import uuid

from marshmallow import Schema, ValidationError, fields, validate

from server.core.errors import flatten_messages
from server.models import INT_MAX


class Whole(fields.Integer):
    """An integer as JSON writes one: 12, or 12.0 (JSON has one kind of number), never "12"
    or true. What JSON Schema calls an integer, so the OpenAPI document says what is taken."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super()._validated(value)


#: The largest area or campaign id: a key of an integer column (32 bits in PostgreSQL).
ID_MAX = INT_MAX
ID = validate.Range(min=1, max=ID_MAX)
#: An id a device makes (an operation id, a device id): a UUID, or a short word of letters,
#: digits and . _ : -. It is looked up, stored and repeated in answers, so nothing else (no NUL,
#: no control character, no markup) may ride in it.
DEVICE_WORD = validate.Regexp(r"^[0-9A-Za-z._:-]+$", error="只能包含字母、数字和 . _ : -")
OP_ID = re.compile(r"[0-9A-Za-z._:-]{8,64}")


class Operation(Schema):
    op_id = fields.String(required=True, validate=[validate.Length(min=8, max=64), DEVICE_WORD])
    household_id = fields.UUID(required=True)
    base_version = Whole(required=True, validate=validate.Range(min=0, max=INT_MAX))
    village_id = Whole(load_default=None, validate=ID)
    campaign_id = Whole(load_default=None, validate=ID)
    changes = fields.Dict(keys=fields.String(), required=True)
    submit = fields.Boolean(load_default=False)


_OPERATION = Operation()


def load_operation(raw) -> dict:
    """The operation, checked for shape; or its "rejected" result."""
    raw = raw if isinstance(raw, dict) else {}
    op = well_formed(raw)
    if op is not None:
        return op
    try:
        op = _OPERATION.load(raw)
    except ValidationError as e:
        errors = [
            {"path": p, "message": "；".join(m), "severity": "error"}
            for p, m in flatten_messages(e.messages).items()
        ]
        return {  # the ids repeated only as far as they are what they should be
            "op_id": raw.get("op_id") if OP_ID.fullmatch(str(raw.get("op_id"))) else None,
            "household_id": _uuid_or_none(raw.get("household_id")),
            "status": "rejected",
            "code": "invalid_operation",
            "errors": errors,
        }
    op["household_id"] = str(op["household_id"])
    return op


_OP_KEYS = frozenset(_OPERATION.fields)
_INT_OR_NONE = (int, type(None))


def _uuid_or_none(value) -> str | None:
    try:
        return str(uuid.UUID(value)) if type(value) is str and len(value) <= 40 else None
    except ValueError:
        return None


def well_formed(raw: dict) -> dict | None:
    """What `Operation().load(raw)` gives, for an operation a phone sends: the exact types, nothing
    to coerce. Anything else (None) goes through the schema, which says what is wrong with it.
    Loading a schema costs more than validating a document's shape this way, 200 times a batch."""
    op_id, household_id, base_version = (
        raw.get("op_id"),
        raw.get("household_id"),
        raw.get("base_version"),
    )
    if not (
        raw.keys() <= _OP_KEYS
        and type(op_id) is str
        and 8 <= len(op_id) <= 64
        and OP_ID.fullmatch(op_id)
        and type(household_id) is str
        and type(base_version) is int
        and base_version >= 0
        and type(raw.get("village_id")) in _INT_OR_NONE
        and type(raw.get("campaign_id")) in _INT_OR_NONE
        and type(raw.get("changes")) is dict
        and all(type(k) is str for k in raw["changes"])
        and type(raw.get("submit", False)) is bool
    ):
        return None
    try:
        household_id = str(uuid.UUID(household_id))
    except ValueError:
        return None
    return {
        "op_id": op_id,
        "household_id": household_id,
        "base_version": base_version,
        "village_id": raw.get("village_id"),
        "campaign_id": raw.get("campaign_id"),
        "changes": raw["changes"],
        "submit": raw.get("submit", False),
    }
