"""Wire schemas of review beyond the decision itself: corrections, the diff, spot checks."""

from marshmallow import EXCLUDE, Schema, fields, validate

from server.api.schemas import COUNT, ID
from server.review.spotchecks import NOTE_MAX, RESULTS
from server.sync.schema import Whole


class Correction(Schema):
    """A reviewer's correction: {change path of a field: new value}, checked like any write."""

    changes = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=200)),
        values=fields.Raw(allow_none=True),
        required=True,
        validate=validate.Length(min=1, max=50),
    )
    note = fields.String(load_default=None, validate=validate.Length(max=500))
    base_version = Whole(load_default=None, validate=COUNT)


class DiffRange(Schema):
    class Meta:
        unknown = EXCLUDE

    # By default: since the last review decision, else since the first submission.
    start = fields.Integer(data_key="from", load_default=None, validate=COUNT)
    end = fields.Integer(data_key="to", load_default=None, validate=COUNT)


class SpotCheckQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    village = fields.Integer(required=True, validate=ID)
    campaign = fields.Integer(required=True, validate=ID)


class SpotCheckDraw(Schema):
    """Draw a village's sample at the caller's level (the same households every time)."""

    village_id = Whole(required=True, validate=ID)
    campaign_id = Whole(required=True, validate=ID)


class SpotCheckResult(Schema):
    result = fields.String(required=True, validate=validate.OneOf(RESULTS))
    note = fields.String(load_default=None, validate=validate.Length(max=NOTE_MAX))
