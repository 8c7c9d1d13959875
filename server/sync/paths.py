"""Change paths: the flat map a device sends instead of a whole household document.

A surveyor's phone may hold a household for days before it syncs, and a reviewer may edit the same
household meanwhile. Sending "what I changed" as ``{path: new value}`` instead of the whole
document lets the server tell apart what each side touched, which is what the three-way merge
(``merge.py``) needs. The format is a contract shared with ``web/static/phone/js/paths.js``
(CONTRIBUTING.md, "Change paths"):

- ``section.field`` for a field of a group section (``household``, ``income``, ...);
- ``section.<row id>.field`` for a field of an existing row of a repeat section;
- ``section.<row id>`` with the whole row for an added row, ``None`` for a deleted row (tombstone);
- ``section`` for a top-level value that is not an object (an unknown section, say).

Every value is atomic below those levels: a multi-select list is replaced, never spliced, because
two people ticking boxes in the same list is a conflict a person should see.

No Flask, no SQL: this module is shared by the sync layer and the unit tests.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

#: Sections that are lists of rows matched by ``id``. The one place this list lives.
REPEAT_SECTIONS: tuple[str, ...] = ("members", "helpers", "measures")
#: A row id a device makes: a UUID in its canonical form (server/domain/fieldchecks.ROW_ID, which
#: validation asks of every stored row; this module imports nothing of the domain).
_ROW_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: The deepest value a change may carry: a whole repeat section (a list of rows, each row an
#: object, a multi-select a list in it) is 3 below the change map, a position 2.
MAX_DEPTH = 4


def _copy(value: Any) -> Any:
    """A copy of a JSON value. Documents are only dicts, lists and scalars, and copying them this
    way costs a fifth of `copy.deepcopy`, which matters on the sync path."""
    kind = type(value)
    if kind is dict:
        return {k: _copy(v) for k, v in value.items()}
    if kind is list:
        return [_copy(v) for v in value]
    if kind in _SCALARS:
        return value
    if isinstance(value, dict):  # a subclass (rare): copied as a plain dict
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


#: Value types compared and copied as themselves (no containers, no subclasses).
_SCALARS = frozenset({str, int, float, bool, type(None)})
#: For `isinstance`, made once: ``dict | list`` written in a function builds a union on every call,
#: which costs more than the test itself.
_CONTAINERS = (dict, list)
_SEQUENCES = (list, tuple)


class PathError(ValueError):
    """A change path or a document that does not fit the change-path format."""


def split(path: str) -> tuple[str, ...]:
    """Split a path into (section,), (section, field), (section, row id) or (section, id, field).

    Only the first dots are structural: a repeat section splits at most twice and a group
    section at most once, so a field name may itself contain dots.
    """
    if not isinstance(path, str) or not path:
        raise PathError(f"a change path must be a non-empty string, got {path!r}")
    section = path.split(".", 1)[0]
    parts = tuple(path.split(".", 2 if section in REPEAT_SECTIONS else 1))
    if "" in parts:
        raise PathError(f"change path {path!r} has an empty component")
    return parts


def join(*parts: str) -> str:
    """The path for ``parts``; the inverse of :func:`split`."""
    return ".".join(parts)


def same(a: Any, b: Any) -> bool:
    """Equality that also compares types, so ``True`` is not ``1`` and ``1`` is not ``1.0``.

    A surveyor changing 是 (``True``) into a count of ``1`` did change the answer; plain ``==``
    would hide that change from the diff.
    """
    if a is b:
        return True
    kind = type(a)
    if kind is not type(b):
        return False
    if kind in _SCALARS:
        return a == b
    # plain loops: `all()` over a generator costs twice as much for the short lists of a form
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return False
        for key, value in a.items():
            if not same(value, b[key]):
                return False
        return True
    if isinstance(a, _SEQUENCES):
        if len(a) != len(b):
            return False
        for x, y in zip(a, b, strict=True):
            if not same(x, y):
                return False
        return True
    return a == b


def _surely_same(a: Any, b: Any) -> bool:
    """A quick `same(a, b)` for a whole section or row, in C: equal values (so NaN, which orjson
    writes as null, is not ``None``) and equal JSON text (so ``True`` is not ``1`` and ``1`` is not
    ``1.0``). Plain equality goes first: it stops at the first difference, where the JSON text of
    both sides would be written out whole. False means "look field by field", not "different"."""
    try:
        return a == b and orjson.dumps(a) == orjson.dumps(b)
    except TypeError:  # what orjson cannot write (an integer over 64 bits): look field by field
        return False


def diff(old: dict, new: dict) -> dict[str, Any]:
    """The change map that turns ``old`` into ``new`` (see the module docstring for the paths).

    A field present in ``old`` and missing in ``new`` is reported as ``None``: the wire format has
    no "delete field", and a missing answer and a ``null`` answer mean the same to the forms.
    Values are copies, so the change map never aliases ``new``. Rows are reported deletions and
    edits first (in ``old`` order), then additions (in ``new`` order). Reordering rows is not a
    change: rows are matched by id, never by position. A section or row that both documents
    share (the same object, as ``apply`` leaves what it does not change) is not looked into.
    """
    changes: dict[str, Any] = {}
    for section, a in old.items():
        _diff_section(section, a, new.get(section), changes)
    for section, b in new.items():
        if section not in old:
            _diff_section(section, None, b, changes)
    return changes


def _diff_section(section: Any, a: Any, b: Any, changes: dict[str, Any]) -> None:
    """Add the changes of one section to ``changes`` (``a`` and ``b`` may be missing: None)."""
    if not isinstance(section, str) or not section or "." in section:
        raise _name_error(section, "section name")
    if a is b and (a is None or isinstance(a, _CONTAINERS)):
        return  # shared by both documents (see `apply`): nothing in it changed
    if isinstance(a, _CONTAINERS) and _surely_same(a, b):
        return  # two copies of an unchanged section (the base and the server's document)
    if section in REPEAT_SECTIONS:
        old_rows, new_rows = _rows(section, a), _rows(section, b)
        for row_id, row in old_rows.items():
            new_row = new_rows.get(row_id)
            if new_row is None:
                changes[join(section, row_id)] = None
            elif row is not new_row and not _surely_same(row, new_row):
                _diff_fields(join(section, row_id), row, new_row, changes)
        for row_id, row in new_rows.items():
            if row_id not in old_rows:
                changes[join(section, row_id)] = _copy(row)
    elif (a is None or isinstance(a, dict)) and (b is None or isinstance(b, dict)):
        _diff_fields(section, a or {}, b or {}, changes)
    elif not same(a, b):
        changes[section] = _copy(b)


def apply(doc: dict, changes: dict[str, Any], *, from_device: bool = False) -> dict:
    """A new document: ``doc`` with ``changes`` applied in order. ``doc`` is never mutated.

    A changed field of a row that does not exist raises :class:`PathError`: the device edited a
    row the server does not know, and guessing would invent a half-empty person. A tombstone of a
    missing row is a no-op, so a replayed deletion is harmless. A whole row for an existing id
    replaces it in place; a new row is appended, in the order of ``changes``.

    Only what changes is copied (the document, and each section and row a change touches); the
    rest is shared with ``doc``. Documents are values: nothing changes one in place once made,
    so sharing is safe, and it lets ``diff`` skip what is shared without looking inside it.
    The values taken from ``changes`` are copies: the result never aliases the change map.

    ``from_device``: the change map came from a device, which names the rows it adds or edits by
    a UUID it made, and whose values are no deeper than a document's (MAX_DEPTH); a tombstone of
    a row already there removes it whatever its id.
    """
    result = dict(doc)
    copied: set = set()  # (section,) and (section, row id) already copied for this result
    for path, value in changes.items():
        if from_device and type(value) in _CONTAINERS_EXACT and too_deep(value, MAX_DEPTH):
            raise PathError(f"the value of {_short(path)} is nested too deep")
        _apply_one(result, path, _copy(value), copied, from_device)
    return result


_CONTAINERS_EXACT = frozenset({dict, list})


def too_deep(value: Any, limit: int) -> bool:
    """Whether a JSON value has containers nested more than ``limit`` levels below it. Iterative:
    a value nested a thousand deep must not exhaust the stack of whoever asks."""
    level = [value]
    for _ in range(limit + 1):
        inner = []
        for v in level:
            if type(v) is dict:
                inner.extend(x for x in v.values() if isinstance(x, _CONTAINERS))
            elif type(v) is list:
                inner.extend(x for x in v if isinstance(x, _CONTAINERS))
        if not inner:
            return False
        level = inner
    return True


def is_row_id(value: Any) -> bool:
    return type(value) is str and len(value) == 36 and _ROW_ID.fullmatch(value) is not None


def _short(path: Any) -> str:
    """A path as an error repeats it: its beginning, escaped (repr) so that it prints anywhere."""
    text = repr(path)
    return text if len(text) <= 80 else text[:80] + "…"


def value_at(doc: dict, path: str) -> Any:
    """The value at ``path`` in ``doc`` (a copy), ``None`` where nothing is there."""
    parts = split(path)
    value = doc.get(parts[0])
    if len(parts) == 1:
        return _copy(value)
    if parts[0] in REPEAT_SECTIONS:
        row = _find_row(value if isinstance(value, list) else [], parts[1])
        found = row if row is None or len(parts) == 2 else row.get(parts[2])
    else:
        found = value.get(parts[1]) if isinstance(value, dict) else None
    return _copy(found)


def normalize(doc: dict) -> dict:
    """The canonical form of a document, so that "same document" is well defined.

    Two documents have the same normal form exactly when ``diff`` finds no change between them:

    - a ``None`` field of a group or a row is dropped (``None`` and missing mean "no answer");
    - rows of a repeat section are sorted by id (rows are matched by id, order is not synced);
    - a section that is ``None``, an empty object or an empty row list is dropped.

    Use it to compare documents (``apply(a, diff(a, b))`` and ``b`` have the same normal form);
    never store it: the stored document keeps its ``None`` values and its row order.
    """
    result: dict = {}
    for section, value in doc.items():
        if section in REPEAT_SECTIONS and isinstance(value, list):
            rows = [_drop_none(row) if isinstance(row, dict) else row for row in value]
            rows.sort(key=lambda row: str(row.get("id")) if isinstance(row, dict) else "")
            if rows:
                result[section] = rows
        elif isinstance(value, dict):
            if fields := _drop_none(value):
                result[section] = fields
        elif value is not None:
            result[section] = _copy(value)
    return result


def _drop_none(fields: dict) -> dict:
    return {k: _copy(v) for k, v in fields.items() if v is not None}


def _name_error(name: Any, what: str) -> PathError:
    """For a section name or row id that is not a non-empty string without dots; the callers test
    that inline, as they do for every section and row."""
    return PathError(f"{what} {name!r} cannot be used in a change path (non-empty, no dots)")


def _diff_fields(prefix: str, a: dict, b: dict, changes: dict[str, Any]) -> None:
    """Field by field; `same` is spelled out for scalars, as this loop runs for every field of
    every changed section and row."""
    get = b.get
    for key, old in a.items():
        if not isinstance(key, str) or not key:
            raise _field_name_error(prefix, key)
        new = get(key)
        if old is new:
            continue
        kind = type(old)
        if kind is not type(new) or (old != new if kind in _SCALARS else not same(old, new)):
            changes[f"{prefix}.{key}"] = _copy(new)
    if b.keys() <= a.keys():
        return  # no field added (the common case), checked in C
    for key, new in b.items():
        if key in a:
            continue
        if not isinstance(key, str) or not key:
            raise _field_name_error(prefix, key)
        if new is not None:  # a missing field and a None field are the same answer
            changes[f"{prefix}.{key}"] = _copy(new)


def _field_name_error(prefix: str, key: Any) -> PathError:
    return PathError(f"field name {key!r} under {prefix!r} cannot be used in a change path")


def _rows(section: str, value: Any) -> dict[str, dict]:
    """The rows of a repeat section by id; refuses rows that could not be matched reliably."""
    if value is None:
        return {}
    if not isinstance(value, list):
        raise PathError(f"{section} must be a list of rows, got {type(value).__name__}")
    rows: dict[str, dict] = {}
    for row in value:
        if not isinstance(row, dict):
            raise PathError(f"every row of {section} must be an object, got {row!r}")
        row_id = row.get("id")
        if not isinstance(row_id, str) or not row_id or "." in row_id:
            raise _name_error(row_id, f"row id in {section}")
        if row_id in rows:
            raise PathError(f"{section} has two rows with id {row_id!r}")
        rows[row_id] = row
    return rows


def _find_row(rows: list, row_id: str) -> dict | None:
    index = _row_index(rows, row_id)
    return None if index is None else rows[index]


def _row_index(rows: list, row_id: str) -> int | None:
    for index, row in enumerate(rows):
        if isinstance(row, dict) and row.get("id") == row_id:
            return index
    return None


def _apply_one(doc: dict, path: str, value: Any, copied: set, from_device: bool = False) -> None:
    """Apply one change to ``doc``, a shallow copy whose sections and rows are copied on their
    first write (``copied`` remembers which)."""
    parts = split(path)
    section = parts[0]
    if section not in REPEAT_SECTIONS:
        if len(parts) == 1:
            doc[section] = value
            copied.add((section,))
            return
        if doc.get(section) is None:
            doc[section] = {}
            copied.add((section,))
        if not isinstance(doc[section], dict):
            raise PathError(f"{path!r}: {section} is not an object of fields")
        if (section,) not in copied:
            doc[section] = dict(doc[section])
            copied.add((section,))
        doc[section][parts[1]] = value
        return

    if len(parts) == 1:
        raise PathError(f"{path!r}: a repeat section changes row by row ({section}.<row id>)")
    rows = doc.get(section)
    if rows is not None and not isinstance(rows, list):
        raise PathError(f"{path!r}: {section} is not a list of rows")
    row_id = parts[1]
    index = None if rows is None else _row_index(rows, row_id)
    tombstone = len(parts) == 2 and value is None
    if from_device and not is_row_id(row_id) and not (tombstone and index is not None):
        raise PathError(f"{_short(path)}: a row's id is a UUID made on the device")
    if (section,) not in copied and not (len(parts) == 2 and value is None and index is None):
        rows = doc[section] = [] if rows is None else list(rows)
        copied.add((section,))
    if len(parts) == 3:
        if index is None:
            raise PathError(f"{path!r}: there is no row {row_id!r} in {section} to change")
        if parts[2] == "id" and value != row_id:
            raise PathError(f"{path!r}: a row's id cannot change")
        if (section, row_id) not in copied:
            rows[index] = dict(rows[index])
            copied.add((section, row_id))
        rows[index][parts[2]] = value
    elif value is None:
        if index is not None:
            del rows[index]
    elif not isinstance(value, dict) or value.get("id") != row_id:
        raise PathError(f"{path!r}: a row must be an object whose id is {row_id!r}")
    elif index is None:
        rows.append(value)
        copied.add((section, row_id))
    else:
        rows[index] = value
        copied.add((section, row_id))
