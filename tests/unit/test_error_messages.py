"""Every message a field can get from the wire schemas reaches the user in Chinese, with the limit
it broke (a surveyor can act on "长度不能超过 40", not on "Longer than maximum length 40.")."""

import re

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from server.core.errors import flatten_messages


class Everything(Schema):
    longer = fields.String(validate=validate.Length(max=40))
    shorter = fields.String(validate=validate.Length(min=8))
    between = fields.String(validate=validate.Length(min=1, max=4))
    exactly = fields.String(validate=validate.Length(equal=4))
    few_rows = fields.List(fields.Integer(), validate=validate.Length(max=1))
    at_least = fields.Integer(validate=validate.Range(min=1))
    at_most = fields.Integer(validate=validate.Range(max=500))
    in_range = fields.Integer(validate=validate.Range(min=1, max=3))
    above = fields.Integer(validate=validate.Range(min=0, min_inclusive=False))
    pattern = fields.String(validate=validate.Regexp(r"^a$"))
    choice = fields.String(validate=validate.OneOf(["甲"]))
    not_this = fields.String(validate=validate.NoneOf(["x"]))
    email = fields.Email()
    url = fields.URL()
    stamp = fields.DateTime()
    day = fields.Date()
    number = fields.Float()
    decimal = fields.Decimal()
    integer = fields.Integer(strict=True)
    flag = fields.Boolean()
    uuid = fields.UUID()
    mapping = fields.Dict(keys=fields.String(validate=validate.Length(max=1)))
    required = fields.String(required=True)
    not_null = fields.String(allow_none=False)


BAD = {
    "longer": "x" * 41,
    "shorter": "x",
    "between": "",
    "exactly": "x",
    "few_rows": [1, 2],
    "at_least": 0,
    "at_most": 501,
    "in_range": 9,
    "above": 0,
    "pattern": "b",
    "choice": "乙",
    "not_this": "x",
    "email": "x",
    "url": "x",
    "stamp": "x",
    "day": "x",
    "number": "nan",
    "decimal": "x",
    "integer": 1.5,
    "flag": "maybe",
    "uuid": "x",
    "mapping": {"ab": 1},
    "not_null": None,
    "unknown": 1,
}


def messages() -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        Everything().load(BAD)
    return flatten_messages(caught.value.messages)


def test_no_message_is_left_in_english():
    out = messages()
    assert len(out) == len(BAD) + 1  # every bad field, the unknown one and the missing one
    for path, texts in out.items():
        for text in texts:
            assert not re.search(r"[A-Za-z]{2,}", text), (path, text)
            assert re.search(r"[\u4e00-\u9fff]", text), (path, text)


def test_length_and_range_messages_keep_their_limits():
    out = messages()
    assert out["longer"] == ["长度不能超过 40"]
    assert out["shorter"] == ["长度不能少于 8"]
    assert out["between"] == ["长度应在 1 到 4 之间"]
    assert out["exactly"] == ["长度应为 4"]
    assert out["few_rows"] == ["长度不能超过 1"]
    assert out["at_least"] == ["不能小于 1"]
    assert out["at_most"] == ["不能大于 500"]
    assert out["in_range"] == ["应在 1 到 3 之间"]
    assert out["above"] == ["应大于 0"]
    assert out["mapping.ab.key"] == ["长度不能超过 1"]


def test_a_chinese_message_passes_unchanged():
    assert flatten_messages({"username": ["用户名已存在"]}) == {"username": ["用户名已存在"]}
