"""Validation of a household document against a form definition (CONTRIBUTING.md messages).

The walk of sections and fields lives here, each field type's own check in fieldchecks.py, and
rules across fields and rows in crosschecks.py and plausibility.py.
They see a "clean" copy of the document: only relevant fields whose values passed their own checks,
parsed (money as Decimal), so each rule reports its own problem and not a follow-on of a typo.

Every pushed operation is validated (twice when it merges), so a definition is first compiled into
tuples and closures (`compiled`): labels, messages, options, patterns and bounds are read once per
process, not once per field of every document (fieldchecks.checker() makes each field's check).
A document is then walked by the values it has, not by the ~190 fields of the form, and its
messages put in form order (`_check_fields`). Most values are valid as they stand, which the
compiled field says without a call: a yes/no answer, a listed option, a name of an allowed length,
a single health status.
"""

import datetime as dt
import re
from dataclasses import dataclass
from typing import NamedTuple

from server.domain import conditions, crosschecks, plausibility
from server.domain.fieldchecks import TEXT_MAX, checker, is_row_id, option_texts

INVALID = crosschecks.INVALID
_NO_OPTIONS = frozenset()
#: A key a message may name: what the forms' keys look like. Any other unknown key is reported on
#: its section or row, so that a message never repeats what a device sent as a key.
_NAMEABLE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")


def message(path: str, text: str, severity: str = "error") -> dict:
    return {"path": path, "message": text, "severity": severity}


def errors_only(messages: list[dict]) -> list[dict]:
    return [m for m in messages if m["severity"] == "error"]


def validate(
    definition: dict,
    document: dict,
    *,
    reference_date: dt.date | None = None,
    check_required: bool = True,
) -> list[dict]:
    """All messages, errors and warnings, in form order.

    check_required=False skips completeness (required fields, min_items, education or school)
    so that a draft can be saved half done; everything that is filled is still checked.
    """
    today = reference_date or dt.date.today()
    if not isinstance(document, dict):
        return [message("", "问卷数据格式不正确")]
    form = compiled(definition)
    out: list[dict] = []
    if not form.known.issuperset(document):
        out += [message(_name(k), "未知的部分") for k in document if k not in form.known]
    clean: dict = {}
    for section in form.sections:
        value = document.get(section.key)
        if not section.is_group:
            clean[section.key] = _check_repeat(section, value, document, out, check_required)
        elif type(value) is dict:  # _check_group() without the call, for the usual case
            clean[section.key] = _check_fields(section, value, None, document, out, check_required)
        else:
            clean[section.key] = _check_group(section, value, document, out, check_required)
    out += crosschecks.check(clean, today, check_required)
    out += plausibility.check(clean)
    return out


# --- the compiled definition ----------------------------------------------------------------


class Field(NamedTuple):
    # Values valid as they stand, known without calling check(), for a field always asked:
    options: frozenset  # text: a select's listed options
    longest: int  # text of 1 to `longest` characters (-1: a field whose text must be checked)
    choices: frozenset  # a list of one of these: a multi-select's options
    key: str
    index: int  # place in the form: messages are written in this order
    relevant: object  # conditions.predicate(...), None when always asked
    required: bool
    missing: str  # the message when required and empty
    check: object  # check(value) -> (problem, parsed), bounds included
    list_is_empty: bool  # [] means "no answer" (a multi-select); for any other type it is wrong


@dataclass(frozen=True, slots=True)  # slots: read faster than a NamedTuple's attributes
class Section:
    key: str
    is_group: bool
    # By key, in form order; computed fields left out: the server derives them. Plain tuples in
    # Field's order: Python unpacks a tuple subclass (a NamedTuple) through an iterator, 3x slower.
    fields: dict[str, tuple]
    # The fields the server derives, by key: (form index, check). A device's value is not used,
    # but it is still one of the field's type, or it would be stored as it came.
    derived: dict[str, tuple[int, object]]
    yes_no: frozenset  # boolean fields always asked: True or False is valid as it stands
    known: frozenset  # every field key, computed ones too (none is "unknown"); a row's "id"
    # The required fields, as (key, index, missing): those asked whatever the answers (and
    # their keys), and those asked when a condition holds, as (condition, keys, fields) with
    # the fields that share a condition together, so that a row asks it once.
    always_required: frozenset
    required: tuple[tuple[str, int, str], ...]
    required_if: tuple[tuple[object, frozenset, tuple[tuple[str, int, str], ...]], ...]
    has_required: bool  # required or required_if has a field
    ask_first: tuple  # conditions that may raise: asked before anything else, in form order
    copy_rows: bool  # a row's own fields are a copy without its id (else the row itself)
    min_items: int
    item_label: str


class Form(NamedTuple):
    known: frozenset  # section keys
    sections: tuple[Section, ...]


_COMPILED: dict[int, tuple[dict, Form]] = {}
_COMPILED_MAX = 16


def compiled(definition: dict) -> Form:
    """The definition read once into tuples and closures, cached by identity.

    Definitions are read-only once loaded (checks.definition() keeps one per process): a caller
    that wants to change one must change a copy (forms.load() gives a fresh one). The cache holds
    the definition itself, so its id cannot be reused by another object while it is cached.
    """
    entry = _COMPILED.get(id(definition))
    if entry is not None and entry[0] is definition:
        return entry[1]
    form = Form(
        known=frozenset(s["key"] for s in definition["sections"]),
        sections=tuple(_compile_section(s) for s in definition["sections"]),
    )
    if len(_COMPILED) >= _COMPILED_MAX:
        _COMPILED.clear()  # a handful of definitions per process; a test may load many copies
    _COMPILED[id(definition)] = (definition, form)
    return form


def _compile_section(section: dict) -> Section:
    is_group = section["kind"] == "group"
    asked = [f for f in section["fields"] if not f.get("computed")]
    compiled_fields = [
        _compile_field(f, index)
        for index, f in enumerate(section["fields"])
        if not f.get("computed")
    ]
    derived = {
        f["key"]: (index, checker(f))
        for index, f in enumerate(section["fields"])
        if f.get("computed")
    }
    fields = {f.key: tuple(f) for f in compiled_fields}
    if len(fields) < len(asked):
        raise ValueError(f"a field key is listed twice in section {section['key']}")
    required = [f for f in compiled_fields if f.required and f.relevant is None]
    required_if: list[tuple[dict, object, list]] = []  # (condition, predicate, fields)
    for f, definition in zip(compiled_fields, asked, strict=True):
        if f.required and f.relevant is not None:
            cond = definition["relevant"]
            group = next((g for c, _, g in required_if if c == cond), None)
            if group is None:
                required_if.append((cond, f.relevant, group := []))
            group.append((f.key, f.index, f.missing))
    conds = [f.get("relevant") for f in asked]
    ask_first = tuple(
        conditions.predicate(c) for c in conds if c is not None and not conditions.never_raises(c)
    )
    # A row's fields are the row without its id: a field named "id", or a condition that may
    # read it, must not see it. Otherwise the row is read as it is, and its "id" skipped.
    reads_id = ask_first or "id" in fields or any("id" in conditions.field_refs(c) for c in conds)
    return Section(
        key=section["key"],
        is_group=is_group,
        fields=fields,
        derived=derived,
        yes_no=_yes_no(asked),
        known=frozenset(f["key"] for f in section["fields"]) | (set() if is_group else {"id"}),
        always_required=frozenset(f.key for f in required),
        required=tuple((f.key, f.index, f.missing) for f in required),
        required_if=tuple(
            (relevant, frozenset(key for key, _, _ in group), tuple(group))
            for _, relevant, group in required_if
        ),
        has_required=bool(required or required_if),
        ask_first=ask_first,
        copy_rows=not is_group and bool(reads_id),
        min_items=section.get("min_items", 0),
        item_label=section.get("item_label", "条目"),
    )


def _compile_field(field: dict, index: int) -> Field:
    return Field(
        key=field["key"],
        index=index,
        relevant=conditions.predicate(field.get("relevant")),
        required=bool(field.get("required")),
        missing=f"请填写{field['label']}",
        check=checker(field),
        options=_valid_as_is(field),
        longest=_longest_as_is(field),
        choices=_one_choice_as_is(field),
        list_is_empty=field["type"] == "multiselect",
    )


def _valid_as_is(field: dict) -> frozenset:
    """The text values check() would return unchanged with no problem, known without calling it.

    A listed option is a third of the values of a household: accepting it straight away saves a
    call. A field with a condition has none: the condition must be asked first.
    """
    if field["type"] != "select" or field.get("relevant") is not None:
        return _NO_OPTIONS
    return _listed(field)


def _listed(field: dict) -> frozenset:
    """The field's text options but the empty one, which means "not filled"."""
    return option_texts(field.get("options", [])) - {""}


def _longest_as_is(field: dict) -> int:
    """The longest text a plain text field takes as it is: no pattern, no condition to ask.

    Names, units and titles are most of the text of a household; -1 when check() must read it.
    """
    if field["type"] != "text" or "pattern" in field or field.get("relevant") is not None:
        return -1
    longest = field.get("max_length", TEXT_MAX)
    return longest if type(longest) is int else -1  # another kind of bound: check() compares


def _one_choice_as_is(field: dict) -> frozenset:
    """The options a multi-select takes alone as they are (a health status, most often)."""
    if field["type"] != "multiselect" or field.get("relevant") is not None:
        return _NO_OPTIONS
    if "max" in field and not (type(field["max"]) is int and field["max"] >= 1):
        return _NO_OPTIONS  # one choice may be too many: check() says so
    return _listed(field)


def _yes_no(fields: list[dict]) -> frozenset:
    """The boolean fields always asked: True or False is valid as it stands, without a lookup."""
    always = [f for f in fields if f.get("relevant") is None]
    return frozenset(f["key"] for f in always if f["type"] == "boolean")


# --- sections and fields --------------------------------------------------------------------


def _check_group(section: Section, value, document, out, check_required) -> dict:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        out.append(message(section.key, "该部分数据格式不正确"))
        return {}
    return _check_fields(section, value, None, document, out, check_required)


def _check_repeat(section: Section, value, document, out, check_required) -> list[dict]:
    key = section.key
    if value is None:
        value = []
    if not isinstance(value, list):
        out.append(message(key, "该部分应为列表"))
        return []
    if check_required and len(value) < section.min_items:
        out.append(message(key, f"至少填写{section.min_items}个{section.item_label}"))
    rows, seen = [], set()
    for row in value:
        row_id = row.get("id") if isinstance(row, dict) else None
        if not isinstance(row_id, str) or not row_id:
            out.append(message(key, f"每个{section.item_label}都需要id"))
            continue
        if not is_row_id(row_id):  # reported on the section: the message never repeats it
            out.append(message(key, f"{section.item_label}的id无效（应为设备生成的UUID）"))
            continue
        if row_id in seen:
            out.append(message(f"{key}.{row_id}", "id重复"))
            continue
        seen.add(row_id)
        if section.copy_rows:
            values = {k: v for k, v in row.items() if k != "id"}
            clean = _check_fields(section, values, row_id, document, out, check_required)
            clean["id"] = row_id
        else:
            clean = _check_fields(section, row, row_id, document, out, check_required)
        rows.append(clean)
    return rows


def _check_fields(section: Section, values, row_id, document, out, check_required) -> dict:
    """The clean values of one group, or of the row row_id (None for a group).

    The values present are walked, not the ~190 fields of the form, most of them absent from
    any one household; the required ones that are absent are looked up apart. The messages
    are then put in form order, as if every field had been walked. The clean values start as a
    copy, so that the half of them valid as they stand are left where they are.

    A value is checked whether or not its field is asked: one left over from an earlier answer
    is not in the clean values (the rules across fields ignore it) and never required, but it is
    stored with the document, so it is a value its field allows. No answer is None or "" (and []
    for a multi-select); an empty list or object anywhere else is a value of the wrong type.
    """
    if section.ask_first:  # conditions that may raise: asked first, in form order, as they were
        for relevant in section.ask_first:
            relevant(values, document)
    fields, yes_no = section.fields, section.yes_no
    found: list[tuple[int, str, str, bool]] = []  # (form index, key, text, the value is invalid)
    clean = dict(values)
    for key, value in values.items():
        if (value is True or value is False) and key in yes_no:
            continue  # a yes/no answer (bool has no other values): a third of a household's
        field = fields.get(key)
        if field is None:
            if key not in section.known:  # before the fields' messages, in the document's order
                out.append(message(_path(section, row_id, _name(key)), "未知字段"))
                del clean[key]
            elif key != "id":  # a row's id stays: a group's is unknown, a row's copy has none
                del clean[key]  # a field the server derives: a device's value is not used
                derived = section.derived[key]
                problem = None if value is None else derived[1](value)[0]
                if problem:
                    found.append((derived[0], key, problem, False))
            continue
        kind = type(value)
        if kind is str:
            if value in field[0] or (0 < len(value) <= field[1] and value.isprintable()):
                continue  # a listed option, or a plain text of an allowed length: another third
        elif kind is list and len(value) == 1 and type(value[0]) is str and value[0] in field[2]:
            continue  # one listed option of a multi-select
        _, _, _, _, index, relevant, required, missing, check, list_is_empty = field
        if value is None or (not value and (value == "" or (list_is_empty and value == []))):
            del clean[key]
            if check_required and required and (relevant is None or relevant(values, document)):
                found.append((index, key, missing, False))
            continue
        asked = relevant is None or relevant(values, document)
        problem, parsed = check(value)
        if problem:
            del clean[key]
            found.append((index, key, problem, asked))  # not asked: absent for the rules
        elif not asked:
            del clean[key]  # a value left over from an earlier answer: kept, not used
        elif parsed is not value:  # text is its own clean value: no need to store it again
            clean[key] = parsed
    if check_required and section.has_required:  # the required fields absent: not walked above
        present = values.keys()
        if not present >= section.always_required:
            found += _absent(section.required, present)
        for relevant, keys, group in section.required_if:
            if not present >= keys and relevant(values, document):
                found += _absent(group, present)
    if found:
        found.sort()
        out += [message(_path(section, row_id, key), text) for _, key, text, _ in found]
        invalid = [key for _, key, _, is_invalid in found if is_invalid]
        if invalid:
            clean[INVALID] = frozenset(invalid)
    return clean


def _name(key) -> str:
    """An unknown key as a message's path names it: only when it looks like a key of a form."""
    return key if type(key) is str and _NAMEABLE.fullmatch(key) else ""


def _path(section: Section, row_id: str | None, key: str) -> str:
    """A message's path: written only for a message, not for every row."""
    prefix = section.key if row_id is None else f"{section.key}.{row_id}"
    return f"{prefix}.{key}" if key else prefix


def _absent(required, present) -> list[tuple[int, str, str, bool]]:
    """The messages of _check_fields() for the required fields (key, index, missing) not present."""
    return [(index, key, missing, False) for key, index, missing in required if key not in present]


def check_value(field: dict, value) -> tuple[str | None, object]:
    """(problem, parsed value) for one filled value."""
    return checker(field)(value)
