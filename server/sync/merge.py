"""The three-way merge of a household document: what the server does when a device is behind.

A surveyor edits a household offline from version ``base``; meanwhile the server moved on to
``server`` (a reviewer's correction, another surveyor's visit). The merge compares base→server and
base→device path by path (``paths.diff``) and promises one thing above all: nothing either side
typed is lost. A value is either in the merged document or kept in a :class:`Conflict` with all
three values, for a person to decide. Where the two sides clash, the server's value stays in the
document, so the record a reviewer already saw does not change under them until someone decides.

Rows are matched by id, never by position; the diffs are recomputed from whole documents, so a
row-level path and field-level paths for the same row can never disagree (a raw change map from a
device goes through ``paths.apply`` first: :func:`merge_changes`).

Derived values (income totals, verdicts) are not merged: the caller recomputes them from the
merged document. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from server.sync.paths import REPEAT_SECTIONS, apply, diff, join, same, value_at


@dataclass(frozen=True)
class Conflict:
    """The same path changed to different values on both sides; the server value is in force."""

    path: str
    base: Any
    server: Any
    device: Any

    def as_dict(self) -> dict[str, Any]:
        """The wire shape of a conflict in a sync result (CONTRIBUTING.md)."""
        return {"path": self.path, "base": self.base, "server": self.server, "device": self.device}


@dataclass(frozen=True)
class MergeResult:
    """The merged document and an account of where each change in it came from.

    ``from_server`` / ``from_device``: paths changed by one side only and taken from it.
    ``from_both``: paths both sides changed to the same value (an accident, not a conflict).
    ``soft``: both sides changed something and nothing clashed (a "parallel update" note).
    ``duplicate_members``: (server row id, device row id, ID number) for members added on each
    side under different row ids with the same ID number; both rows are kept.
    ``server_changed``: whether the server moved since base at all. The path lists cannot tell:
    a row both sides added, that only the device filled in, lists no server path.
    """

    document: dict
    from_server: list[str] = field(default_factory=list)
    from_device: list[str] = field(default_factory=list)
    from_both: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    soft: bool = False
    duplicate_members: list[tuple[str, str, str]] = field(default_factory=list)
    server_changed: bool = False

    @property
    def kind(self) -> str:
        """``fast_forward`` (the server had not moved), ``merged`` or ``conflict``."""
        if self.conflicts:
            return "conflict"
        return "merged" if self.server_changed else "fast_forward"


def merge(base: dict, server: dict, device: dict) -> MergeResult:
    """Merge ``device`` into ``server``, both edited from ``base``; none of them is mutated.

    The merged document is the server document plus the device's changes that do not clash:
    existing rows keep the server's order, rows the device added are appended in its order.
    """
    server_changes, device_changes = diff(base, server), diff(base, device)
    merger = _Merger(base, server, device)
    for unit, (s, d) in _units(server_changes, device_changes).items():
        if unit[0] in REPEAT_SECTIONS:
            merger.row(unit[0], unit[1], s, d)
        else:
            merger.section(unit[0], s, d)
    return MergeResult(
        document=apply(server, merger.take),
        from_server=merger.from_server,
        from_device=merger.from_device,
        from_both=merger.from_both,
        conflicts=merger.conflicts,
        soft=bool(server_changes) and bool(device_changes) and not merger.conflicts,
        duplicate_members=_duplicate_members(base, server, device),
        server_changed=bool(server_changes),
    )


def merge_changes(base: dict, server: dict, device_changes: dict[str, Any]) -> MergeResult:
    """Merge a device's change map (the sync wire format) made against ``base``.

    Raises ``paths.PathError`` when the changes do not fit ``base`` (a field of an unknown row).
    """
    return merge(base, server, apply(base, device_changes))


Changes = dict[str, Any]


def _units(server_changes: Changes, device_changes: Changes) -> dict[tuple, tuple]:
    """Group both change maps by what must be decided together: one row, or one group section."""
    units: dict[tuple, tuple[Changes, Changes]] = {}
    for side, changes in enumerate((server_changes, device_changes)):
        for path, value in changes.items():
            # paths made by `diff`: no empty part, no dot in a section name or row id
            section, _, rest = path.partition(".")
            key = (section, rest.partition(".")[0]) if section in REPEAT_SECTIONS else (section,)
            units.setdefault(key, ({}, {}))[side][path] = value
    return units


class _Merger:
    """Accumulates the decisions of one merge; ``take`` is what to apply onto the server doc."""

    def __init__(self, base: dict, server: dict, device: dict) -> None:
        self.base, self.server, self.device = base, server, device
        self.documents = (base, server, device)
        self._indexes: dict[str, tuple[dict[str, dict], ...]] = {}
        self.from_server: list[str] = []
        self.from_device: list[str] = []
        self.from_both: list[str] = []
        self.conflicts: list[Conflict] = []
        self.take: Changes = {}

    def path(self, path: str, s: Changes, d: Changes) -> None:
        """One path that cannot clash with any other path of the same unit."""
        if path not in d:
            self.from_server.append(path)
        elif path not in s:
            self.from_device.append(path)
            self.take[path] = d[path]
        elif same(s[path], d[path]):
            self.from_both.append(path)
        else:
            self.conflicts.append(Conflict(path, value_at(self.base, path), s[path], d[path]))

    def section(self, section: str, s: Changes, d: Changes) -> None:
        """A non-repeat section: field by field, unless a side replaced it as a whole value.

        A whole-section value (an unknown section that is not an object, or one that changed type)
        cannot be combined with field edits of the same section, so it is decided as one value.
        """
        if section not in s and section not in d:
            for path in _paths(s, d):
                self.path(path, s, d)
        elif not d:
            self.from_server.extend(s)
        elif not s:
            self.from_device.extend(d)
            self.take.update(d)
        else:
            s_value, d_value = value_at(self.server, section), value_at(self.device, section)
            if diff({section: s_value}, {section: d_value}):
                base_value = value_at(self.base, section)
                self.conflicts.append(Conflict(section, base_value, s_value, d_value))
            else:
                self.from_both.append(section)

    def row(self, section: str, row_id: str, s: Changes, d: Changes) -> None:
        """One row. A row added or deleted on either side is decided from the three documents, so
        row and field paths cannot disagree; field edits alone are decided path by path."""
        path = join(section, row_id)
        if path not in s and path not in d:
            # `diff` sends a row's fields only when the row is in base and in that side's document,
            # and a side that sends nothing for it has it as base has it: it is in all three
            for field_path in _paths(s, d):
                self.path(field_path, s, d)
            return
        b_row, s_row, d_row = (rows.get(row_id) for rows in self._rows_by_id(section))
        if b_row is None:
            self._added_row(section, row_id, s_row, d_row)
        elif s_row is None and d_row is None:
            self.from_both.append(path)
        elif s_row is None:
            if d:  # the device edited a row the server deleted: the row stays deleted
                self.conflicts.append(self._whole_conflict(path))
            else:
                self.from_server.append(path)
        else:  # the device deleted the row (a row path for a row that base and server have)
            if s:  # the server edited a row the device deleted: the row stays, with the edits
                self.conflicts.append(self._whole_conflict(path))
            else:
                self.from_device.append(path)
                self.take[path] = None

    def _rows_by_id(self, section: str) -> tuple[dict[str, dict], ...]:
        """The rows of ``section`` by id in base, server and device, made once per section: a
        merge may look up many rows, and scanning three lists for each would cost the square of
        a large family. The rows are not copies: they are only read, or copied by `apply`."""
        if section not in self._indexes:
            self._indexes[section] = tuple(_by_id(doc.get(section)) for doc in self.documents)
        return self._indexes[section]

    def _whole_conflict(self, path: str) -> Conflict:
        """A row that one side deleted and the other edited, with copies of all three values."""
        return Conflict(path, *(value_at(doc, path) for doc in self.documents))

    def _added_row(self, section: str, row_id: str, s_row: Any, d_row: Any) -> None:
        """A row new since base: one side's addition, or the same id added on both sides.

        The same id added twice is one row (a device retrying, two people copying one draft):
        merge it field by field against an empty row, so only differing fields are conflicts.
        """
        path = join(section, row_id)
        if d_row is None:
            self.from_server.append(path)
        elif s_row is None:
            self.from_device.append(path)
            self.take[path] = d_row
        else:
            empty = {section: [{"id": row_id}]}
            s = diff(empty, {section: [s_row]})
            d = diff(empty, {section: [d_row]})
            if not diff({section: [s_row]}, {section: [d_row]}):
                self.from_both.append(path)
                return
            for field_path in _paths(s, d):
                self.path(field_path, s, d)


def _paths(s: Changes, d: Changes) -> list[str]:
    return list(s) + [p for p in d if p not in s]


def _by_id(rows: Any) -> dict[str, dict]:
    """Rows by id, the first row of an id as `value_at` finds it."""
    index: dict[str, dict] = {}
    for row in rows if isinstance(rows, list) else ():
        if isinstance(row, dict) and isinstance(row.get("id"), str):
            index.setdefault(row["id"], row)
    return index


def _duplicate_members(base: dict, server: dict, device: dict) -> list[tuple[str, str, str]]:
    """Members added on each side (different row ids) with the same ID number.

    Two surveyors registering the same newborn, or a reviewer and a surveyor both adding a spouse,
    make two rows for one person; the merge keeps both and says so. Rows added on both sides under
    the same id are one row and are not listed. ID numbers compare without surrounding spaces and
    with the check letter upper-cased (``x`` is ``X``).
    """
    base_ids = {row.get("id") for row in _members(base)}
    server_new = [r for r in _members(server) if r.get("id") not in base_ids]
    if not server_new:
        return []
    device_new = [r for r in _members(device) if r.get("id") not in base_ids]
    server_ids = {r.get("id") for r in server_new}
    device_ids = {r.get("id") for r in device_new}
    duplicates = []
    for a in server_new:
        number = _id_number(a)
        if not number or a.get("id") in device_ids:
            continue
        for b in device_new:
            if b.get("id") not in server_ids and _id_number(b) == number:
                duplicates.append((a["id"], b["id"], number))
    return duplicates


def _members(doc: dict) -> list[dict]:
    rows = doc.get("members")
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _id_number(row: dict) -> str:
    number = row.get("id_number")
    return number.strip().upper() if isinstance(number, str) else ""
