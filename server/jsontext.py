"""JSON text in and out of the database and the sync endpoints.

Writing: orjson, a tenth of the time of `json.dumps` for a household document, which is written
twice (the household and its revision) for every pushed operation. Chinese stays Chinese (a third
of the bytes of \\u escapes). A value orjson refuses (an integer beyond 64 bits) is written by the
standard library instead, so nothing that was accepted fails to store.

Reading a request: the standard library, refusing NaN and Infinity, which are not JSON and which
PostgreSQL would not store. Reading a stored column: orjson (a third of the time), except for text
with a run of 19 digits or more, which the standard library reads, since orjson turns an integer
beyond 64 bits into a float.
"""

import json
import re

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value) -> str:
    try:
        return orjson.dumps(value, option=_OPTIONS).decode()
    except TypeError:  # an integer over 64 bits; anything else fails here too, with its message
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


_LONG_DIGITS = re.compile(r"\d{19}")


def loads_stored(text: str | bytes):
    """A JSON column's value (the engine's deserializer)."""
    if _LONG_DIGITS.search(text if isinstance(text, str) else text.decode()):
        return json.loads(text)
    return orjson.loads(text)


def _not_json(name: str):
    raise ValueError(f"{name} is not JSON")


def loads(text: str | bytes):
    """Raises ValueError on anything that is not strict JSON."""
    return json.loads(text, parse_constant=_not_json)
