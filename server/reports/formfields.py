"""A stored document as printed text, labelled by the form definition (annex1.json).

The registration form and the handbook print what the surveyor typed under the labels the phone
showed: the labels, units and section titles are read from the definition, never retyped, so a
field added to the form is printed without touching a template. A field whose condition does not
hold is printed blank (a value left over from an earlier answer is not the household's answer).
"""

from functools import cache

from server.domain import conditions, forms

YES, NO = "是", "否"
# Fields a sheet of paper cannot show: a position and a photo stay in the system.
UNPRINTABLE = ("gps",)


@cache
def _sections() -> dict[str, dict]:
    return {s["key"]: s for s in forms.load("annex1")["sections"]}


@cache
def income_table_labels() -> tuple[str, str]:
    """The income table's labels of the household size and the per-capita net income, with units."""
    columns = {c["key"]: c for c in forms.load("income_table")["columns"]}
    return label(columns["household_size"]), label(columns["per_capita_net_income"])


def section_title(key: str) -> str:
    return _sections()[key]["title"]


def fields(section: str, keys: tuple[str, ...] | None = None, skip: tuple[str, ...] = ()) -> list:
    """A section's field definitions in the form's order (or in the order `keys` names them)."""
    found = {f["key"]: f for f in _sections()[section]["fields"]}
    chosen = keys if keys is not None else tuple(found)
    return [found[k] for k in chosen if k not in skip and found[k]["type"] not in UNPRINTABLE]


def label(field: dict) -> str:
    """The form's label, with its unit when it has one: "耕地面积（亩）"."""
    return f"{field['label']}（{field['unit']}）" if field.get("unit") else field["label"]


def _asked(field: dict):
    """The field's condition as a closure, compiled once per field of the cached definition."""
    key = id(field)
    if key not in _PREDICATES:
        _PREDICATES[key] = conditions.predicate(field.get("relevant"))
    return _PREDICATES[key]


_PREDICATES: dict[int, object] = {}


def text(field: dict, value, local: dict, document: dict, names: dict | None = None) -> str:
    """One answer as printed: 是/否, options joined with 、, a member named, blank for none."""
    asked = _asked(field)
    if asked is not None and not asked(local, document):
        return ""
    if value is None or value == "" or value == []:
        return ""
    kind = field["type"]
    if kind == "boolean":
        return YES if value is True else NO if value is False else ""
    if kind == "multiselect" and isinstance(value, list):
        return "、".join(str(v) for v in value)
    if kind == "attachment":
        return "已签名" if field["key"] == "signature" else "已上传"
    if field.get("options_from") == "members":
        return (names or {}).get(value, "")
    return str(value)


def pairs(document: dict, section: str, keys=None, skip=()) -> list[tuple[str, str]]:
    """(label, text) of a group section's fields."""
    values = document.get(section) or {}
    return [
        (label(f), text(f, values.get(f["key"]), values, document))
        for f in fields(section, keys, skip)
    ]


def grid(document: dict, section: str, keys=None, skip=()) -> dict:
    """A repeat section (members, helpers, measures): its headings, field keys and rows of texts."""
    chosen = fields(section, keys, skip)
    names = {m.get("id"): m.get("name") or "" for m in document.get("members") or []}
    rows = [
        [text(f, row.get(f["key"]), row, document, names) for f in chosen]
        for row in document.get(section) or []
        if isinstance(row, dict)
    ]
    headings = [label(f) for f in chosen]
    return {"headings": headings, "keys": [f["key"] for f in chosen], "rows": rows}
