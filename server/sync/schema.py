"""The shape of one sync operation, checked before anything else is done with it."""

import re

from marshmallow import Schema, fields, validate

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
