"""JSON text in and out of the database and the sync endpoints.

Writing: orjson, a tenth of the time of `json.dumps` for a household document, which is written
twice (the household and its revision) for every pushed operation. Chinese stays Chinese (a third
of the bytes of \\u escapes). A value orjson refuses (an integer beyond 64 bits, a lone half of a
UTF-16 pair) is written by the standard library instead, after one space, so that nothing accepted
fails to store and no answer fails to be sent.

Reading a stored column: orjson, a third of the time of `json.loads`, except for text that starts
with that space, which the standard library reads (orjson would turn an integer beyond 64 bits into
a float). Reading a request: the standard library, refusing NaN and Infinity, which are not JSON
and which PostgreSQL would not store.
"""

import json

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value) -> str:
    try:
        return orjson.dumps(value, option=_OPTIONS).decode()
    except TypeError:  # an integer over 64 bits; anything else fails here too, with its message
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode()
    except UnicodeEncodeError:  # half of a UTF-16 pair alone (refused in an answer's message,
        # say): written as its \u escape, which is JSON, where the raw character is not UTF-8
        text = json.dumps(value, separators=(",", ":"))
    return " " + text


def loads_stored(text: str | bytes):
    """A JSON column's value (the engine's deserializer)."""
    if text[:1] in (" ", b" "):  # written by the standard library: see `dumps`
        return json.loads(text)
    return orjson.loads(text)


def _not_json(name: str):
    raise ValueError(f"{name} is not JSON")


def loads(text: str | bytes):
    """Raises ValueError on anything that is not strict JSON."""
    return json.loads(text, parse_constant=_not_json)
