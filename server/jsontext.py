"""JSON text in and out of the database and the sync endpoints.

Writing: orjson, a tenth of the time of `json.dumps` for a household document, which is written
twice (the household and its revision) for every pushed operation. Chinese stays Chinese (a third
of the bytes of \\u escapes). A value orjson refuses (an integer beyond 64 bits) is written by the
standard library instead, so nothing that was accepted fails to store.

Reading: the standard library, which keeps every integer exact (orjson would turn a huge one into
a float), and refuses NaN and Infinity, which are not JSON and which PostgreSQL would not store.
"""

import json

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value) -> str:
    try:
        return orjson.dumps(value, option=_OPTIONS).decode()
    except TypeError:  # an integer over 64 bits; anything else fails here too, with its message
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _not_json(name: str):
    raise ValueError(f"{name} is not JSON")


def loads(text: str | bytes):
    """Raises ValueError on anything that is not strict JSON."""
    return json.loads(text, parse_constant=_not_json)
