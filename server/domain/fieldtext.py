"""A field of the questionnaire as a person reads and types it: its label at a change path, a
value in words, and typed text read back as the value a document holds.

A reviewer deciding a conflict reads "家庭成员 · 王芳 · 身份证号", not ``members.<uuid>.id_number``,
and types "12000" where the document holds ``"12000.00"``. What is typed is only read here, never
judged: validation (``validation.py``) says, in the form's words, what is wrong with it.
Change paths are those of CONTRIBUTING.md ("Change paths"). Standard library and the domain only.
"""

import re

from server.domain import money

EMPTY = "（空）"
_SPLIT = re.compile(r"[、,，;；\s]+")
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_YES, _NO = frozenset({"是", "true", "1"}), frozenset({"否", "false", "0"})


def locate(definition: dict, path: str) -> tuple[dict | None, dict | None, str | None]:
    """(section, field, row id) named by `path`; the field is None for a whole row or section,
    the row id None outside a repeat section; (None, None, None) for a section the form lacks."""
    key = path.split(".", 1)[0]
    section = next((s for s in definition["sections"] if s["key"] == key), None)
    if section is None:
        return None, None, None
    repeat = section["kind"] == "repeat"
    parts = path.split(".", 2 if repeat else 1)
    row_id = parts[1] if repeat and len(parts) > 1 else None
    name = parts[-1] if len(parts) == (3 if repeat else 2) else None
    field = next((f for f in section["fields"] if f["key"] == name), None) if name else None
    return section, field, row_id


def section_title(section: dict) -> str:
    """ "家庭成员" of "B. 家庭成员"."""
    return re.sub(r"^[A-Z]\.\s*", "", section["title"])


def find_row(document: dict, section_key: str, row_id: str) -> dict | None:
    rows = document.get(section_key) if isinstance(document, dict) else None
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict) and row.get("id") == row_id:
            return row
    return None


def row_name(section: dict, row: dict | None) -> str:
    """How a person names a row: a member or a helper by name, a measure by what it is."""
    if not row:
        return f"（已删除的{section.get('item_label') or '条目'}）"
    return str(row.get("name") or row.get("measure") or section.get("item_label") or "条目")


def label(definition: dict, document: dict, path: str) -> str:
    """ "收入情况 · 外出务工收入", "家庭成员 · 王芳 · 身份证号", "家庭成员 · 王芳（整行）"."""
    section, field, row_id = locate(definition, path)
    if section is None:
        return path
    parts = [section_title(section)]
    if row_id is not None:
        parts.append(row_name(section, find_row(document, section["key"], row_id)))
    if field is not None:
        parts.append(field["label"])
    elif row_id is not None:
        parts[-1] += "（整行）"
    return " · ".join(parts)


def words(definition: dict, document: dict, path: str, value) -> str:
    """A value as the questionnaire shows it: 是/否, options joined by 、, a member by name."""
    if value is None or value == "" or value == []:
        return EMPTY
    section, field, _ = locate(definition, path)
    if isinstance(value, dict):
        if "lat" in value and "lng" in value:
            return f"{value['lat']}, {value['lng']}"
        if section is not None and field is None:  # a whole row
            fields = [value.get(f["key"]) for f in section["fields"][:4]]
            return " · ".join(_scalar(v) for v in fields if v not in (None, "", []))
        return "、".join(f"{k}: {_scalar(v)}" for k, v in value.items())
    if field is not None and field.get("options_from") == "members":
        row = find_row(document, "members", value)
        return str(row.get("name") or "（未填姓名）") if row else "（已删除的成员）"
    if field is not None and field["type"] == "attachment":
        return "（已上传）"
    return _scalar(value)


def _scalar(value) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, list):
        return "、".join(_scalar(v) for v in value) or EMPTY
    return str(value)


def read(field: dict, text: str):
    """The value `text` stands for in `field`, or the text itself when it cannot be read as the
    field's kind of value (validation then says what is wrong, with the field's label)."""
    text = text.strip()
    kind = field["type"]
    if kind == "multiselect":
        return [part for part in _SPLIT.split(text) if part]
    if not text:
        return None
    if kind == "money":
        try:
            return money.normalize(text)
        except money.MoneyError:
            return text
    if kind == "integer":
        return int(text) if _INTEGER.fullmatch(text) and len(text) < 12 else text
    if kind == "boolean":
        lowered = text.lower()
        return True if lowered in _YES else False if lowered in _NO else text
    if kind == "idcard":
        return text.upper()
    return text


def can_type(field: dict | None) -> bool:
    """Whether a new value for this field can be typed as text (not a whole row, a signature,
    a photo or a position)."""
    return field is not None and field["type"] not in ("attachment", "gps")
