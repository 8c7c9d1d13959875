"""What changed between two versions of a questionnaire, field by field, in the form's words.

`changes(definition, old, new)` walks the form in its order and lists every answer that differs,
with its label ("B. 家庭成员 › 王芳 › 身份证号") and both values in words. Rows of a repeat section
are matched by id, never by position: a row is added, removed (with the reason the form gives
for it, when the removed row carries one), or changed field by field; a member whose change
reason now says they left (死亡, 迁出 …) is reported as leaving, since they stay in the register
but not in the household size. "No answer" is one thing whatever its spelling (None, "", []),
and an amount is compared as an amount ("12000" is "12000.00").

`authors(definition, versions)` says which versions made each change, so the desk can show who
changed it and on which device.
"""

from dataclasses import dataclass, field

from server.domain import display, income, money

# What the form calls the reason a row goes, per repeat section (none for helpers or measures).
REASON_FIELD = "change_reason"

CHANGED, FILLED, CLEARED = "changed", "filled", "cleared"
ROW_ADDED, ROW_REMOVED, ROW_LEFT = "row_added", "row_removed", "row_left"
KIND_LABELS = {
    CHANGED: "修改",
    FILLED: "填写",
    CLEARED: "清空",
    ROW_ADDED: "新增",
    ROW_REMOVED: "删除",
    ROW_LEFT: "减员",
}


@dataclass(frozen=True)
class Change:
    path: str  # the change path: "income.wage_migrant", "members.<id>.name", "members.<id>"
    kind: str
    section: str  # the section's title
    row: str | None  # the row's name, for a repeat section
    field: str | None  # the field's label; None for a whole row
    old: object
    new: object
    old_text: str
    new_text: str
    reason: str | None = None  # why a row went or a member left
    details: tuple = field(default=())  # a new or removed row's answers: ((label, text), ...)

    @property
    def label(self) -> str:
        return display.SEPARATOR.join(p for p in (self.section, self.row, self.field) if p)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "kind": self.kind,
            "label": self.label,
            "section": self.section,
            "row": self.row,
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "old_text": self.old_text,
            "new_text": self.new_text,
            "reason": self.reason,
            "details": [list(d) for d in self.details],
        }


def changes(definition: dict, old: dict, new: dict) -> list[Change]:
    """Every difference between `old` and `new`, in the form's order."""
    old, new = old or {}, new or {}
    out: list[Change] = []
    for sec in definition["sections"]:
        a, b = old.get(sec["key"]), new.get(sec["key"])
        if sec["kind"] == "repeat":
            out += _rows(sec, a, b, old, new)
        else:
            out += _fields(sec, None, a, b, old, new, sec["key"])
    return out


def _fields(sec, row_title, a, b, old_doc, new_doc, prefix) -> list[Change]:
    a = a if isinstance(a, dict) else {}
    b = b if isinstance(b, dict) else {}
    known = list(sec["fields"])
    keys = {f["key"] for f in known}
    # A key the form does not have (an older form's) is still a difference worth showing.
    extra = [{"key": k, "label": k, "type": "text"} for k in {**a, **b} if k not in keys | {"id"}]
    out = []
    for f in known + sorted(extra, key=lambda f: f["key"]):
        before, after = a.get(f["key"]), b.get(f["key"])
        if _same(f, before, after):
            continue
        kind = (
            FILLED if display.is_empty(before) else CLEARED if display.is_empty(after) else CHANGED
        )
        out.append(
            Change(
                path=f"{prefix}.{f['key']}",
                kind=kind,
                section=sec["title"],
                row=row_title,
                field=f["label"],
                old=before,
                new=after,
                old_text=display.value_text(f, before, old_doc),
                new_text=display.value_text(f, after, new_doc),
            )
        )
    return out


def _rows(sec, a, b, old_doc, new_doc) -> list[Change]:
    before = _by_id(a)
    after = _by_id(b)
    out = []
    for index, (row_id, row) in enumerate(after.items()):
        path = f"{sec['key']}.{row_id}"
        title = display.row_title(sec, row, index)
        if row_id not in before:
            out.append(_whole_row(sec, ROW_ADDED, path, title, None, row, new_doc))
            continue
        was = before[row_id]
        if was == row:
            continue
        if sec["key"] == "members" and _left(was, row):
            out.append(
                Change(
                    path=path,
                    kind=ROW_LEFT,
                    section=sec["title"],
                    row=title,
                    field=None,
                    old=None,
                    new=None,
                    old_text="计入家庭人口",
                    new_text="不计入家庭人口",
                    reason=_reason(sec, row),
                )
            )
        out += _fields(sec, title, was, row, old_doc, new_doc, path)
    for index, (row_id, row) in enumerate(before.items()):
        if row_id not in after:
            title = display.row_title(sec, row, index)
            out.append(
                _whole_row(sec, ROW_REMOVED, f"{sec['key']}.{row_id}", title, row, None, old_doc)
            )
    return out


def _whole_row(sec, kind, path, title, was, row, document) -> Change:
    shown = row if row is not None else was
    details = tuple(
        (f["label"], display.value_text(f, shown.get(f["key"]), document))
        for f in sec["fields"]
        if not display.is_empty(shown.get(f["key"]))
    )
    summary = "；".join(f"{label} {text}" for label, text in details[:3])
    return Change(
        path=path,
        kind=kind,
        section=sec["title"],
        row=title,
        field=None,
        old=was,
        new=row,
        old_text=summary if kind == ROW_REMOVED else "",
        new_text=summary if kind == ROW_ADDED else "",
        reason=_reason(sec, was) if kind == ROW_REMOVED else None,
        details=details,
    )


def _reason(sec, row) -> str | None:
    """The removal reason the row gives, in the form's words, when the form has such a field."""
    f = display.field(sec, REASON_FIELD)
    if f is None or not isinstance(row, dict) or display.is_empty(row.get(REASON_FIELD)):
        return None
    return display.value_text(f, row[REASON_FIELD])


def _left(was: dict, row: dict) -> bool:
    return income.is_counted(was) and not income.is_counted(row)


def _by_id(rows) -> dict:
    return {
        r["id"]: r
        for r in (rows if isinstance(rows, list) else [])
        if isinstance(r, dict) and r.get("id")
    }


def _same(f: dict, a, b) -> bool:
    if display.is_empty(a) and display.is_empty(b):
        return True
    if f.get("type") == "money" and not display.is_empty(a) and not display.is_empty(b):
        try:
            return money.parse(a) == money.parse(b)
        except (ValueError, ArithmeticError):
            return a == b
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def touches(a: str, b: str) -> bool:
    """Whether two change paths meet: the same, or one inside the other (a row and its field)."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def authors(
    definition: dict, versions: list[tuple[int, dict]], paths: list[str]
) -> dict[str, list[int]]:
    """{change path: the versions that changed something there}, for `paths`, over consecutive
    versions [(version, document), ...] (oldest first): each step is diffed on its own, so a
    merge or a correction is credited with what it really changed, not with what was asked."""
    steps: list[tuple[int, set[str]]] = []
    for (_, before), (version, after) in zip(versions, versions[1:], strict=False):
        steps.append((version, {c.path for c in changes(definition, before, after)}))
    return {path: [v for v, done in steps if any(touches(path, p) for p in done)] for path in paths}
