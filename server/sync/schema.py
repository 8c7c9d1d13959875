"""The shape of one sync operation, checked before anything else is done with it."""

import re

from marshmallow import Schema, fields, validate

#: An operation id: a UUID made on the device, or any short word of letters, digits and . _ : -
#: (it is looked up, stored and repeated in answers, so nothing else may ride in it).
OP_ID = re.compile(r"[0-9A-Za-z._:-]{8,64}")
#: The largest area or campaign id: a key of an integer column (32 bits in PostgreSQL).
ID_MAX = 2**31 - 1


class Operation(Schema):
    op_id = fields.String(
        required=True,
        validate=[
            validate.Length(min=8, max=64),
            validate.Regexp(OP_ID, error="操作编号只能包含字母、数字和 . _ : -"),
        ],
    )
    household_id = fields.UUID(required=True)
    base_version = fields.Integer(required=True, validate=validate.Range(min=0))
    village_id = fields.Integer(load_default=None)
    campaign_id = fields.Integer(load_default=None)
    changes = fields.Dict(keys=fields.String(), required=True)
    submit = fields.Boolean(load_default=False)
