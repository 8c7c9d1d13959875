"""A document as a person reads it: the form's labels and each value in words.

The form definition drives it, as on the phone: sections in the questionnaire's order with their
titles, fields with their labels, options by label, money as "12,000.00 元", a beneficiary by the
member's name. The household page, the diff and the pickers of field comments all read a path
("household.phone", "members.<row id>.name", "members") through the same functions.
"""

import re

from server.domain import explain, money

YES, NO = "是", "否"
SEPARATOR = " › "


def sections(definition: dict) -> list[dict]:
    return definition["sections"]


def section(definition: dict, key: str) -> dict | None:
    for s in definition["sections"]:
        if s["key"] == key:
            return s
    return None


def field(sec: dict, key: str) -> dict | None:
    for f in sec["fields"]:
        if f["key"] == key:
            return f
    return None


def option_label(option) -> str:
    return option if isinstance(option, str) else str(option.get("label", option.get("value")))


def _option_text(f: dict, value) -> str:
    for option in f.get("options") or []:
        if (option if isinstance(option, str) else option.get("value")) == value:
            return option_label(option)
    return str(value)


def is_empty(value) -> bool:
    """ "No answer": None, empty text, an empty multi-select."""
    return value is None or value == "" or value == [] or value == {}


def value_text(f: dict, value, document: dict | None = None) -> str:
    """One value of field `f` in words; "" when there is no answer."""
    if is_empty(value):
        return ""
    kind = f.get("type")
    unit = f" {f['unit']}" if f.get("unit") and kind != "money" else ""
    if kind == "boolean":
        return YES if value is True else NO if value is False else str(value)
    if kind == "money":
        return f"{explain.yuan(value)} 元"
    if kind == "select":
        return _option_text(f, value)
    if kind == "multiselect":
        values = value if isinstance(value, list) else [value]
        return "、".join(_option_text(f, v) for v in values)
    if kind == "attachment":
        return "已上传"
    if kind == "gps":
        return gps_text(value)
    if f.get("options_from") and document is not None:
        row = row_by_id(document, f["options_from"], value)
        if row is not None:
            return row_title(section_stub(f["options_from"]), row)
    return f"{value}{unit}"


def section_stub(key: str) -> dict:
    return {"key": key, "item_label": "成员" if key == "members" else "行"}


def gps_text(value) -> str:
    if not isinstance(value, dict) or "lat" not in value or "lng" not in value:
        return str(value)
    text = f"北纬 {value['lat']}，东经 {value['lng']}"
    if value.get("accuracy") is not None:
        text += f"（精度约 {value['accuracy']} 米）"
    return text


def row_by_id(document: dict, section_key: str, row_id) -> dict | None:
    for row in document.get(section_key) or []:
        if isinstance(row, dict) and row.get("id") == row_id:
            return row
    return None


def row_title(sec: dict, row: dict, index: int | None = None) -> str:
    """What names a row: a member or helper by name, a measure by its kind and year."""
    name = row.get("name")
    if isinstance(name, str) and name.strip():
        return name
    if sec["key"] == "measures" and row.get("measure"):
        return f"{row['measure']}{' ' + str(row['year']) if row.get('year') else ''}"
    number = "" if index is None else f" {index + 1}"
    return f"{sec.get('item_label', '行')}{number}"


def path_label(definition: dict, path: str, *documents: dict) -> str:
    """ "B. 家庭成员 › 王芳 › 身份证号" for "members.<id>.id_number"; a row is named from the
    first of `documents` that has it (the newer one first, so a renamed member reads as now)."""
    parts = path.split(".")
    sec = section(definition, parts[0])
    if sec is None:
        return path
    words = [sec["title"]]
    if sec["kind"] == "repeat" and len(parts) >= 2:
        row = next((r for d in documents if (r := row_by_id(d, sec["key"], parts[1]))), None)
        words.append(row_title(sec, row) if row is not None else sec.get("item_label", "行"))
        rest = parts[2:]
    else:
        rest = parts[1:]
    if rest:
        f = field(sec, rest[0])
        words.append(f["label"] if f else rest[0])
    return SEPARATOR.join(words)


def field_groups(definition: dict, document: dict, sections_too: bool = False) -> list[dict]:
    """Every field a reviewer may comment on or correct, grouped as a picker shows them: a
    group section's fields, then each row of a repeat section (its fields by the row's id), in
    form order: [{"label": "B. 家庭成员 › 王芳", "options": [(path, field label, field)]}].
    Fields the server computes are left out: nobody types them. `sections_too`: a whole
    section may be named too (a comment such as 请补充家庭成员)."""
    out = []
    for sec in definition["sections"]:
        fields = [f for f in sec["fields"] if not f.get("computed")]
        if sec["kind"] == "group":
            options = [(f"{sec['key']}.{f['key']}", f["label"], f) for f in fields]
            if sections_too:
                options.insert(0, (sec["key"], "（整个部分）", None))
            out.append({"label": sec["title"], "options": options})
            continue
        if sections_too:
            out.append({"label": sec["title"], "options": [(sec["key"], "（整个部分）", None)]})
        for index, row in enumerate(document.get(sec["key"]) or []):
            if not isinstance(row, dict) or not row.get("id"):
                continue
            prefix = f"{sec['key']}.{row['id']}"
            out.append(
                {
                    "label": f"{sec['title']}{SEPARATOR}{row_title(sec, row, index)}",
                    "options": [(f"{prefix}.{f['key']}", f["label"], f) for f in fields],
                }
            )
    return out


def field_paths(definition: dict, document: dict) -> list[tuple[str, str]]:
    """(path, "section › row › field") of every field `field_groups` offers, in form order."""
    return [
        (path, f"{group['label']}{SEPARATOR}{label}")
        for group in field_groups(definition, document)
        for path, label, _ in group["options"]
    ]


def input_text(f: dict, value) -> str:
    """A value as a person would type it back into one text box (`typed_value` reads it)."""
    if is_empty(value):
        return ""
    if f.get("type") == "boolean":
        return YES if value is True else NO if value is False else str(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return ""
    return str(value)


def field_at(definition: dict, document: dict, path: str) -> dict | None:
    """The field a path names in this document (a row must exist), or None: what a comment or a
    correction may be keyed by. Computed fields are not among them."""
    if not isinstance(path, str):
        return None
    parts = path.split(".")
    sec = section(definition, parts[0])
    if sec is None:
        return None
    if sec["kind"] == "group":
        if len(parts) != 2:
            return None
        key = parts[1]
    else:
        if len(parts) != 3 or row_by_id(document, sec["key"], parts[1]) is None:
            return None
        key = parts[2]
    f = field(sec, key)
    return None if f is None or f.get("computed") else f


def is_comment_path(definition: dict, document: dict, path: str) -> bool:
    """A reviewer's comment names a field of the form (a row's field, of a row the document has)
    or a whole section ("members": 请补充家庭成员)."""
    return field_at(definition, document, path) is not None or (
        isinstance(path, str) and section(definition, path) is not None
    )


_SPLIT = re.compile(r"[、,，;；\s]+")
_WHOLE = re.compile(r"-?[0-9]+")


def typed_value(f: dict, text: str):
    """What a person typed into one text box, as field `f` holds it: an amount with two places,
    a whole number, 是 / 否, a list of options. What does not read as the type is left as typed,
    for the validation to say what is wrong with it."""
    text = (text or "").strip()
    kind = f.get("type")
    if text == "":
        return [] if kind == "multiselect" else None
    if kind == "money":
        try:
            amount, places = money.parse_with_places(text.replace(",", ""))
        except (ValueError, ArithmeticError):
            return text
        return money.to_str(amount) if places <= 2 else text
    if kind == "integer" and _WHOLE.fullmatch(text) and len(text) < 12:
        return int(text)
    if kind == "boolean":
        return {"是": True, "否": False}.get(text, text)
    if kind == "multiselect":
        return [part for part in _SPLIT.split(text) if part]
    return text
