"""Wire schemas: what the API accepts and returns, validated at the edge."""

import re

from flask import request
from marshmallow import EXCLUDE, Schema, fields, validate

from server.core.errors import ApiError
from server.domain.notices import SUBJECTS
from server.domain.roles import ROLES
from server.domain.workflow import ACTIONS, STATES
from server.models import INT_MAX
from server.reports.catalog import DOCUMENTS, TABLES
from server.reports.render import FORMATS
from server.review.conflicts import BULK_CHOICES as CONFLICT_BULK_CHOICES
from server.review.conflicts import CHOICES as CONFLICT_CHOICES
from server.sync.pull import FORMATS as PULL_FORMATS
from server.sync.schema import DEVICE_WORD, Whole

# Every integer the API takes fits the database's (an id, a version, a page): a larger one is a
# 422 with its field named, never an overflow in the driver.
ID = validate.Range(min=1, max=INT_MAX)
COUNT = validate.Range(min=1, max=INT_MAX)


def load_json(schema: Schema) -> dict:
    """The request's JSON body through `schema`; malformed JSON is a 400, not missing fields."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser goes: no form is anything like it
        raise ApiError(400, "请求的 JSON 嵌套过深", "bad_json") from None
    if data is None and request.get_data(cache=True):
        raise ApiError(400, "请求不是有效的 JSON", "bad_json")
    # A questionnaire is checked field by field by the domain's validation, which names the
    # field in the form's terms; everything else in a body is checked here.
    bad = _unstorable_text(
        {k: v for k, v in data.items() if k != "document"} if isinstance(data, dict) else data
    )
    if bad is not None:
        raise ApiError(422, "填写有误", "invalid", {bad or "_": ["含有不允许的字符"]})
    return schema.load(data if data is not None else {})


# No text holds a NUL (PostgreSQL refuses it) or half of a UTF-16 pair (no encoding can store it).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable_text(value, path: str = "") -> str | None:
    """The dotted path of the first key or string in `value` that no database can store."""
    stack = [(value, path)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                inner = f"{path}.{key}" if path else str(key)
                if _UNSTORABLE.search(key):
                    return path or "_"
                stack.append((item, inner))
        elif isinstance(value, list):
            stack.extend((item, f"{path}.{i}" if path else str(i)) for i, item in enumerate(value))
    return None


class Login(Schema):
    class Meta:
        unknown = EXCLUDE

    username = fields.String(required=True, validate=validate.Length(min=1, max=60))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))
    device_id = fields.String(load_default=None, validate=validate.Length(max=64))
    device_label = fields.String(load_default=None, validate=validate.Length(max=120))


class HouseholdCreate(Schema):
    id = fields.UUID(load_default=None)
    village_id = Whole(required=True, validate=ID)
    campaign_id = Whole(required=True, validate=ID)
    document = fields.Dict(required=True)


class HouseholdUpdate(Schema):
    base_version = Whole(load_default=None, validate=COUNT)
    document = fields.Dict(required=True)


class Paging(Schema):
    class Meta:
        unknown = EXCLUDE

    village = fields.Integer(load_default=None, validate=ID)
    page = fields.Integer(load_default=1, validate=COUNT)
    per_page = fields.Integer(load_default=50, validate=COUNT)  # more than 500 is served as 500
    state = fields.String(load_default=None, validate=validate.OneOf(STATES))
    q = fields.String(load_default=None, validate=validate.Length(max=40))


class Push(Schema):
    device_id = fields.String(required=True, validate=[validate.Length(min=1, max=64), DEVICE_WORD])
    # Each operation is checked on its own (sync/push.py): one that is not even an object is
    # rejected alone, and the rest of the batch still applies.
    ops = fields.List(fields.Raw(allow_none=True), required=True)


class Pull(Schema):
    class Meta:
        unknown = EXCLUDE

    since = fields.String(load_default=None, validate=validate.Length(max=64))
    limit = fields.Integer(load_default=200, validate=COUNT)  # more than 500 is served as 500
    v = fields.Integer(load_default=1, validate=validate.OneOf(PULL_FORMATS))


class Resolve(Schema):
    """One decision: keep the value in force now (server), take the device's (device), or a
    new value (value, given in `value`)."""

    choice = fields.String(
        required=True,
        validate=validate.OneOf(CONFLICT_CHOICES),
        metadata={"description": "server：保留现值；device：采用手机上的值；value：改为 value"},
    )
    value = fields.Raw(load_default=None, allow_none=True)


# The household version the decider saw: when the household moved since, 409 and nothing decided.
def _seen_version() -> fields.Field:
    return Whole(
        load_default=None,
        validate=COUNT,
        metadata={"description": "页面所显示的版本号；该户之后又有修改时拒绝（409）"},
    )


class ResolveMany(Schema):
    """Decisions on a household's open conflicts, keyed by the conflict's id (GET /api/conflicts
    lists them); the conflicts not named stay open."""

    resolutions = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[1-9][0-9]{0,9}$", error="冲突编号不正确")),
        values=fields.Nested(Resolve),
        required=True,
        validate=validate.Length(max=500),
        metadata={"description": "冲突编号（conflict.id） → 处理办法"},
    )
    note = fields.String(load_default=None, validate=validate.Length(max=500))
    version = _seen_version()


class ResolveAll(Schema):
    """Every open conflict of a household decided the same way: keep all or take all."""

    choice = fields.String(
        required=True,
        validate=validate.OneOf(CONFLICT_BULK_CHOICES),
        metadata={"description": "server：全部保留现值；device：全部采用手机上的值"},
    )
    note = fields.String(load_default=None, validate=validate.Length(max=500))
    version = _seen_version()


class ConflictQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    household = fields.String(
        load_default=None,
        validate=validate.Regexp(
            r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
            error="户的编号不正确",
        ),
        metadata={"description": "只列这一户的冲突"},
    )
    township = fields.Integer(
        load_default=None, validate=ID, metadata={"description": "只列这个乡镇的冲突"}
    )


class ReviewAction(Schema):
    """A review decision; `undo` takes back the caller's last decision. `comments` (a return
    only): {change path of a field or section: comment}; `base_version`: the version the
    decider saw (a record changed since is refused, 409)."""

    action = fields.String(required=True, validate=validate.OneOf([*ACTIONS, "undo"]))
    note = fields.String(load_default=None, validate=validate.Length(max=1000))
    comments = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=200)),
        values=fields.String(validate=validate.Length(max=200)),
        load_default=None,
        validate=validate.Length(max=100),
    )
    base_version = Whole(load_default=None, validate=COUNT)


class UserCreate(Schema):
    username = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.-]{3,60}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=60))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    password = fields.String(required=True, validate=validate.Length(min=8, max=200))
    area_ids = fields.List(
        Whole(validate=ID),
        load_default=list,
        validate=validate.Length(max=1000),
    )
    phone = fields.String(
        load_default=None, allow_none=True, validate=validate.Regexp(r"^[0-9+\- ]{5,20}$")
    )


class Revoke(Schema):
    device_id = fields.String(
        load_default=None, validate=[validate.Length(min=1, max=64), DEVICE_WORD]
    )


# An area's code: a county's 6 digits, a township's 9, a village's 12 (and longer below).
AREA_CODE = validate.Regexp(r"^[0-9]{6,20}$", error="地区代码应为 6 到 20 位数字")


class _Printable:
    """The names of the catalog's tables and documents for people, read live (a table added to
    the catalog is allowed here and listed in the OpenAPI document at once)."""

    def __iter__(self):
        return iter([*TABLES, *DOCUMENTS])

    def __contains__(self, name) -> bool:
        return name in TABLES or name in DOCUMENTS


PRINTABLE = _Printable()


class ReportJobStart(Schema):
    """A document to print: which table, for which campaign and area, counting which states
    (the campaign's setting when not given: approved and accepted)."""

    # The catalog itself, not a copy: a table added to it is allowed here and in the document.
    report = fields.String(required=True, validate=validate.OneOf(PRINTABLE))
    campaign_id = Whole(required=True, validate=ID)
    area = fields.String(required=True, validate=AREA_CODE)
    states = fields.List(
        fields.String(validate=validate.OneOf(STATES)),
        load_default=None,
        validate=validate.Length(min=1, max=len(STATES)),
    )
    format = fields.String(load_default="pdf", validate=validate.OneOf(FORMATS))
    total_first = fields.Boolean(load_default=False)
    # A document for people's own: a notice's first day, days posted and subject; forms and
    # handbooks in two copies (the household's and the village's), or of every household.
    start = fields.Date(load_default=None)
    days = fields.Integer(load_default=None, validate=validate.Range(min=5, max=7))
    subject = fields.String(load_default=None, validate=validate.OneOf(sorted(SUBJECTS)))
    copies = fields.Integer(load_default=1, validate=validate.OneOf([1, 2]))
    all_households = fields.Boolean(load_default=False)

    def options(self, data: dict) -> dict:
        """The options the named report takes, in the form they are kept and hashed."""
        if data["report"] not in DOCUMENTS:
            return {"total_first": data["total_first"]}
        picked = {k: data[k] for k in ("start", "days", "subject", "copies", "all_households")}
        if picked["start"] is not None:
            picked["start"] = picked["start"].isoformat()
        return {k: v for k, v in picked.items() if v not in (None, False)}


class ReportDocuments(Schema):
    class Meta:
        unknown = EXCLUDE

    report = fields.String(load_default=None, validate=validate.OneOf(PRINTABLE))
    campaign = fields.Integer(load_default=None, validate=ID)
    area = fields.String(load_default=None, validate=AREA_CODE)
    page = fields.Integer(load_default=1, validate=COUNT)
    per_page = fields.Integer(load_default=50, validate=COUNT)  # more than 500 is served as 500
