"""JSON text for the database and the sync endpoints (server/jsontext.py)."""

import json

import pytest

from server import jsontext


def test_chinese_is_written_as_itself_and_reads_back_equal():
    value = {"name": "王建国", "income": {"wage_local": "8000.00"}, "members": [{"id": "a"}]}
    text = jsontext.dumps(value)
    assert "王建国" in text
    assert json.loads(text) == value


def test_an_integer_beyond_64_bits_is_written_exactly():
    value = {"count": 10**30}
    assert json.loads(jsontext.dumps(value)) == value


def test_what_is_not_json_at_all_still_fails_to_write():
    with pytest.raises(TypeError):
        jsontext.dumps({"when": object()})


@pytest.mark.parametrize("text", ["[NaN]", '{"a": Infinity}', '{"a": -Infinity}'])
def test_nan_and_infinity_are_refused_on_reading(text):
    with pytest.raises(ValueError):
        jsontext.loads(text)
