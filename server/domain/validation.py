"""Validation of a household document against a form definition (CONTRIBUTING.md messages).

Field checks live here; rules across fields and rows live in crosschecks.py and plausibility.py.
They see a "clean" copy of the document: only relevant fields whose values passed their own checks,
parsed (money as Decimal), so each rule reports its own problem and not a follow-on of a typo.

Every pushed operation is validated (twice when it merges), so a definition is first compiled into
tuples and closures (`compiled`): labels, messages, options, patterns and bounds are read once per
process, not once per field of every document. The checks themselves are the ones described here.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from server.domain import conditions, crosschecks, idcard, money, plausibility
from server.domain.conditions import is_filled

PHONE = re.compile(r"^1\d{10}$")
INVALID = crosschecks.INVALID
_INTEGER = re.compile(r"-?\d+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ATTACHMENT = re.compile(r"[0-9A-Za-z-]{8,64}")


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
    out: list[dict] = [message(str(k), "未知的部分") for k in document if k not in form.known]
    clean: dict = {}
    for section in form.sections:
        value = document.get(section.key)
        if section.is_group:
            clean[section.key] = _check_group(section, value, document, out, check_required)
        else:
            clean[section.key] = _check_repeat(section, value, document, out, check_required)
    out += crosschecks.check(clean, today, check_required)
    out += plausibility.check(clean)
    return out


# --- the compiled definition ----------------------------------------------------------------


class Field(NamedTuple):
    key: str
    relevant: object  # conditions.predicate(...), None when always asked
    required: bool
    missing: str  # the message when required and empty
    check: object  # check(value) -> (problem, parsed), bounds included
    as_is: type | None  # a value of exactly this type ...
    as_is_values: frozenset | None  # ... (and one of these, if given) is valid as it stands


class Section(NamedTuple):
    key: str
    is_group: bool
    fields: tuple[Field, ...]  # computed fields left out: the server derives them
    keys: frozenset  # every field key, computed ones too (none is "unknown")
    min_items: int
    item_label: str


class Form(NamedTuple):
    known: frozenset  # section keys
    sections: tuple[Section, ...]


_COMPILED: dict[int, tuple[dict, Form]] = {}
_COMPILED_MAX = 16


def compiled(definition: dict) -> Form:
    """The definition read once into tuples and closures, cached by identity.

    Definitions are read-only once loaded (records.definition() keeps one per process): a caller
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
    return Section(
        key=section["key"],
        is_group=section["kind"] == "group",
        fields=tuple(_compile_field(f) for f in section["fields"] if not f.get("computed")),
        keys=frozenset(f["key"] for f in section["fields"]),
        min_items=section.get("min_items", 0),
        item_label=section.get("item_label", "条目"),
    )


def _compile_field(field: dict) -> Field:
    return Field(
        key=field["key"],
        relevant=conditions.predicate(field.get("relevant")),
        required=bool(field.get("required")),
        missing=f"请填写{field['label']}",
        check=checker(field),
        **_valid_as_is(field),
    )


def _valid_as_is(field: dict) -> dict:
    """The values check() would return unchanged with no problem, known without calling it.

    A yes/no answer and a listed option are half the fields of a household: accepting them
    straight away saves a call each. An empty option is left out: empty means "not filled".
    """
    if field["type"] == "boolean":
        return {"as_is": bool, "as_is_values": None}
    if field["type"] == "select":
        try:  # text equals only text of the same hash: a set answers as the list would
            return {"as_is": str, "as_is_values": frozenset(field.get("options", [])) - {""}}
        except TypeError:
            pass  # an option that is not text: check() compares one by one
    return {"as_is": None, "as_is_values": None}


# --- sections and fields --------------------------------------------------------------------


def _check_group(section: Section, value, document, out, check_required) -> dict:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        out.append(message(section.key, "该部分数据格式不正确"))
        return {}
    return _check_fields(section, value, section.key, document, out, check_required)


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
        if not isinstance(row, dict) or not isinstance(row.get("id"), str) or not row["id"]:
            out.append(message(key, f"每个{section.item_label}都需要id"))
            continue
        row_id = row["id"]
        if row_id in seen:
            out.append(message(f"{key}.{row_id}", "id重复"))
            continue
        seen.add(row_id)
        values = dict(row)
        del values["id"]  # the row's fields, as its conditions and checks see them
        prefix = f"{key}.{row_id}"
        rows.append(_check_fields(section, values, prefix, document, out, check_required, row_id))
    return rows


def _check_fields(
    section: Section, values, prefix, document, out, check_required, row_id=None
) -> dict:
    """The clean values of one group or row (its id first); a path is only written for a message."""
    if not section.keys.issuperset(values):
        out += [message(f"{prefix}.{k}", "未知字段") for k in values if k not in section.keys]
    clean: dict = {} if row_id is None else {"id": row_id}
    invalid: list[str] = []
    for key, relevant, required, missing, check, as_is, as_is_values in section.fields:
        if relevant is not None and not relevant(values, document):
            continue  # a value left over from an earlier answer is ignored, not an error
        value = values.get(key)
        if type(value) is as_is and (as_is_values is None or value in as_is_values):
            clean[key] = value
            continue
        if value is None or (not value and not is_filled(value)):  # no true value is empty
            if check_required and required:
                out.append(message(f"{prefix}.{key}", missing))
            continue
        problem, parsed = check(value)
        if problem:
            out.append(message(f"{prefix}.{key}", problem))
            invalid.append(key)
        else:
            clean[key] = parsed
    if invalid:
        clean[INVALID] = frozenset(invalid)
    return clean


def check_value(field: dict, value) -> tuple[str | None, object]:
    """(problem, parsed value) for one filled value."""
    return checker(field)(value)


# --- one checker per field type: check(value) -> (problem, parsed) --------------------------


def checker(field: dict):
    """The field's check with everything it needs from the definition read now, bounds included."""
    label = field["label"]
    make = _CHECKERS.get(field["type"])
    if make is None:
        unknown = f"{label}的类型未知"
        return lambda value: (unknown, None)
    return make(field, label)


def _text(field, label):
    has_max, max_length = "max_length" in field, field.get("max_length")
    too_long = f"{label}不能超过{max_length}个字"
    pattern = re.compile(field["pattern"]) if "pattern" in field else None
    mismatch = field.get("pattern_message", f"{label}格式不正确")

    def check(value):
        if not isinstance(value, str):
            return f"{label}应为文本", None
        if has_max and len(value) > max_length:
            return too_long, None
        if pattern is not None and not pattern.fullmatch(value):
            return mismatch, None
        return None, value

    return check


def _integer(field, label):
    wrong, within = f"{label}应为整数", _within(field, label)

    def check(value):
        if isinstance(value, bool):
            return wrong, None
        if isinstance(value, int):
            return within(value)
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            return within(int(value))
        return wrong, None

    return check


def _decimal(field, label):
    wrong, within = f"{label}应为数字", _within(field, label)

    def check(value):
        if type(value) is str:  # the wire form, asked first
            text = value.strip()
        elif isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            return wrong, None
        else:
            text = repr(value) if isinstance(value, float) else str(value).strip()
        if not money.is_plain(text):  # the text a decimal field accepts is that of an amount
            return wrong, None
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the regex already rules this out
            return wrong, None
        return within(number)

    return check


def _money(field, label):
    wrong, too_precise = f"{label}应为金额（如 1234.50）", f"{label}最多保留两位小数"
    within = _within(field, label)

    def check(value):
        try:
            amount, places = money.parse_with_places(value)
        except money.MoneyError:
            return wrong, None
        if places > 2:
            return too_precise, None
        return within(amount)

    return check


def _select(field, label):
    options, one_only = field.get("options", []), f"{label}只能选择一项"

    def check(value):
        if isinstance(value, list):
            return one_only, None
        if value not in options:
            return f"{label}的选项“{value}”无效", None
        return None, value

    return check


def _multiselect(field, label):
    options, has_max, most = field.get("options", []), "max" in field, field.get("max")
    too_many = f"{label}最多选择{most}项"

    def check(value):
        if not isinstance(value, list):
            return f"{label}应为多选列表", None
        for v in value:
            if v not in options:
                return f"{label}的选项“{v}”无效", None  # the first one
        if len(set(value)) != len(value):
            return f"{label}有重复选项", None
        if has_max and len(value) > most:
            return too_many, list(value)
        return None, list(value)

    return check


def _boolean(field, label):
    wrong = f"{label}应为“是”或“否”"
    return lambda value: (None, value) if isinstance(value, bool) else (wrong, None)


def _date(field, label):
    wrong = f"{label}应为日期（年-月-日）"

    def check(value):
        try:
            if not isinstance(value, str) or not _DATE.fullmatch(value):
                raise ValueError
            return None, dt.date.fromisoformat(value)
        except ValueError:
            return wrong, None

    return check


def _idcard(field, label):
    return idcard.checked  # (problem, None) or (None, the number normalized)


def _phone(field, label):
    def check(value):
        if not isinstance(value, str) or not PHONE.match(value):
            return "手机号应为11位数字", None
        return None, value

    return check


def _attachment(field, label):
    wrong = f"{label}附件编号无效"

    def check(value):
        if not isinstance(value, str) or not _ATTACHMENT.fullmatch(value):
            return wrong, None
        return None, value

    return check


def _gps(field, label):
    def check(value):
        if not isinstance(value, dict) or not {"lat", "lng"} <= set(value):
            return f"{label}应包含经纬度", None
        lat, lng = value["lat"], value["lng"]
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lng))
        if not numeric or not (-90 <= lat <= 90 and -180 <= lng <= 180):
            return f"{label}经纬度无效", None
        return None, value

    return check


_CHECKERS = {
    "text": _text,
    "integer": _integer,
    "decimal": _decimal,
    "money": _money,
    "select": _select,
    "multiselect": _multiselect,
    "boolean": _boolean,
    "date": _date,
    "idcard": _idcard,
    "phone": _phone,
    "attachment": _attachment,
    "gps": _gps,
}


def _within(field, label):
    """within(number) -> (problem or None, number), the min and max read once (as Decimal)."""
    unit = field.get("unit", "")
    low = Decimal(str(field["min"])) if "min" in field else None
    high = Decimal(str(field["max"])) if "max" in field else None
    too_small = f"{label}不能小于{field.get('min')}{unit}"
    too_big = f"{label}不能大于{field.get('max')}{unit}"

    def within(number):
        if low is not None and number < low:
            return too_small, number
        if high is not None and number > high:
            return too_big, number
        return None, number

    return within
