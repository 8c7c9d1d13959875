"""JSON text for the database and the sync endpoints (server/jsontext.py)."""

import json

import pytest

from server.core import jsontext


def test_chinese_is_written_as_itself_and_reads_back_equal():
    value = {"name": "王建国", "income": {"wage_local": "8000.00"}, "members": [{"id": "a"}]}
    text = jsontext.dumps(value)
    assert "王建国" in text
    assert json.loads(text) == value


def test_an_integer_beyond_64_bits_is_written_exactly_and_marked_for_exact_reading():
    value = {"count": 10**30}
    text = jsontext.dumps(value)
    assert json.loads(text) == value
    assert text.startswith(" ")  # orjson would read the number back as a float


def test_what_is_not_json_at_all_still_fails_to_write():
    with pytest.raises(TypeError):
        jsontext.dumps({"when": object()})


@pytest.mark.parametrize("text", ["[NaN]", '{"a": Infinity}', '{"a": -Infinity}'])
def test_nan_and_infinity_are_refused_on_reading(text):
    with pytest.raises(ValueError):
        jsontext.loads(text)


@pytest.mark.parametrize(
    "value",
    [
        {"count": 10**30, "name": "王"},
        {"card": "6222021234567890123", "n": 1},  # a bank card number as text: read exactly too
        {"n": 9223372036854775807, "m": -9223372036854775808},
        {"x": 1.5, "t": True, "none": None, "list": [1, "二", {"三": 3}]},
    ],
)
def test_stored_text_reads_back_exactly(value):
    read = jsontext.loads_stored(jsontext.dumps(value))
    assert read == value
    assert [type(v) for v in read.values()] == [type(v) for v in value.values()]
