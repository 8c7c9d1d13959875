"""Wire schemas of the review desk's API: the queue's filters, the dashboard, bulk approval,
corrections, the diff and spot checks."""

from flask import request
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from server.api.schemas import COUNT, ID
from server.review import bulk, filters
from server.review.spotchecks import NOTE_MAX, RESULTS
from server.sync.schema import Whole


class QueueFilter(Schema):
    """The queue's filters (every one optional): the same in a query string and a request body."""

    campaign = fields.Integer(load_default=None, validate=ID)
    village = fields.Integer(load_default=None, validate=ID)
    group = fields.String(load_default=None, validate=validate.Length(max=30))
    surveyor = fields.Integer(load_default=None, validate=ID)
    state = fields.String(load_default=None, validate=validate.OneOf(filters.QUEUE_STATES))
    exit = fields.String(load_default=None, validate=validate.OneOf(filters.EXIT_CHOICES))
    monitoring = fields.String(
        load_default=None, validate=validate.OneOf(filters.MONITORING_CHOICES)
    )
    below = fields.String(load_default=None, validate=validate.Regexp(filters.LINE_KEY_PATTERN))
    flag = fields.List(
        fields.String(validate=validate.OneOf(list(filters.FLAGS))),
        load_default=list,
        validate=validate.Length(max=len(filters.FLAGS)),
    )
    q = fields.String(load_default=None, validate=validate.Length(max=filters.SEARCH_MAX))


class QueueQuery(QueueFilter):
    """One page of the review queue: its filters, its order, its page."""

    class Meta:
        unknown = EXCLUDE

    sort = fields.String(load_default=None, validate=validate.OneOf(filters.SORT_CHOICES))
    page = fields.Integer(load_default=1, validate=COUNT)


class DashboardQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    campaign = fields.Integer(load_default=None, validate=ID)


class BulkApprove(Schema):
    """The households to approve: a list of ids, or every household a filter matches."""

    ids = fields.List(
        fields.UUID(), load_default=None, validate=validate.Length(min=1, max=bulk.MAX)
    )
    filter = fields.Nested(QueueFilter, load_default=None)

    @validates_schema
    def _one_of(self, data, **_kwargs):
        if (data.get("ids") is None) == (data.get("filter") is None):
            raise ValidationError("请给出要通过的户（ids）或筛选条件（filter），二者选一", "_")


# What a bulk approval answers: how many it approved, and how many it left, by reason.
BULK_APPROVED = {
    "type": "object",
    "required": ["approved", "refused", "messages"],
    "properties": {
        "approved": {"type": "integer", "minimum": 0},
        "refused": {
            "type": "object",
            "required": list(bulk.REASONS),
            "properties": {reason: {"type": "integer", "minimum": 0} for reason in bulk.REASONS},
            "additionalProperties": False,
        },
        "messages": {
            "type": "array",
            "items": {"type": "string"},
            "description": "每种原因一条，如“3 户有未处理的冲突”",
        },
    },
}


def query_args(schema: Schema) -> dict:
    """The request's query string through `schema`, repeated keys (flag=…&flag=…) as lists."""
    args = request.args.to_dict()
    if "flag" in request.args:
        args["flag"] = request.args.getlist("flag")
    return schema.load(args)


def filters_of(data: dict) -> filters.Filters:
    return filters.Filters.of(data | {"flags": data.get("flag")})


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
