"""The one writer of a household: every accepted change, whoever makes it, becomes a new version
here (a phone's push, a REST edit, a review decision, a conflict resolved).

A write is made in two steps. `new_version()` / `creation()` *plan* it: the document's derived
columns (income, verdicts, what the county adds up), the member projection's changed rows, the
immutable revision (who, when, which device, which operation, base version, changed paths), the
conflicts it opens and the attachments it links, with the JSON already serialised. Planning
takes no lock, so a push plans a whole batch on every core before it writes. `write()` then
writes planned versions together, a few statements for a whole batch, inside the caller's write
transaction, and bumps the change sequence last: sequence order is commit order, and a pull
cursor never skips a change. `write_checked()` is the same for writers that hold no lock yet.

Lock order, on every write path: household rows first, the change counter second.
"""

from dataclasses import dataclass, field

from server.households import checks, queries
from server.households.derived import (
    VERDICT_COLUMNS,
    derived_columns,
    member_rows,
    now,
    verdict_columns,
)


class Refused(Exception):
    """A write the rules refuse; `errors` are field messages for the person who made it."""

    def __init__(self, errors: list[dict], code: str = "invalid"):
        super().__init__(code)
        self.errors = errors
        self.code = code


def refused(path: str, message: str, code: str) -> Refused:
    return Refused([{"path": path, "message": message, "severity": "error"}], code)


@dataclass
class Write:
    """One planned version of one household: every row it writes."""

    household_id: str
    village_id: int
    expected_version: int | None  # None: a new household
    household: dict
    revision: dict
    result: dict | None = None
    # The member projection's rows to delete (by id) and to write: only what the change touched.
    members_gone: list[str] = field(default_factory=list)
    members_written: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.household, self.revision = queries.write_ready(self.household, self.revision)


def new_version(
    row,
    document: dict,
    *,
    lines: list[dict],
    author_id: int,
    kind: str,
    changes: dict,
    base_version: int,
    device_id: str | None = None,
    op_id: str | None = None,
    result: dict | None = None,
    note: str | None = None,
    state: dict | None = None,
    conflicts: list[dict] = (),
    checked: checks.Checked | None = None,
) -> Write:
    """The next version of the stored household `row` (a `queries.household_row`), holding
    `document`; `state` sets record columns beside it (review state, note, conflict flags);
    `checked`: what the caller found checking `document` (checks.quality)."""
    version = row.version + 1
    at = now()
    written, gone = member_changes(row.document, document)
    review_state = (state or {}).get("review_state", row.review_state)
    return Write(
        household_id=row.id,
        village_id=row.village_id,
        expected_version=row.version,
        household=_columns(document, lines, version, author_id, at)
        | checks.quality(document, review_state, checked)
        | (state or {}),
        revision=_revision(
            row.id,
            version,
            at,
            base_version=base_version,
            kind=kind,
            author_id=author_id,
            device_id=device_id,
            op_id=op_id,
            changes=changes,
            result=result,
            note=note,
        ),
        result=result,
        members_written=written,
        members_gone=gone,
        conflicts=[
            {
                "household_id": row.id,
                "township_id": row.township_id,
                "path": c["path"],
                "base_value": c["base"],
                "server_value": c["server"],
                "device_value": c["device"],
                "version": version,
                "device_user_id": author_id,
                "device_id": device_id,
                "op_id": op_id,
                "created_at": at,
            }
            for c in conflicts
        ],
        attachments=attachments(row.id, document),
    )


def creation(
    household_id: str,
    document: dict,
    *,
    village_id: int,
    township_id: int,
    campaign_id: int,
    lines: list[dict],
    author_id: int,
    review_state: str,
    changes: dict,
    device_id: str | None = None,
    op_id: str | None = None,
    result: dict | None = None,
    checked: checks.Checked | None = None,
    carried_from: str | None = None,
    note: str | None = None,
) -> Write:
    """Version 1 of a new household (`carried_from`: the same family's household of the campaign
    it was carried forward from)."""
    at = now()
    household = (
        _columns(document, lines, 1, author_id, at)
        | checks.quality(document, review_state, checked)
        | {
            "id": household_id,
            "village_id": village_id,
            "township_id": township_id,
            "campaign_id": campaign_id,
            "review_state": review_state,
            "review_note": None,
            "conflict_open": False,
            "parallel_note": False,
            "deleted": False,
            "created_at": at,
            "carried_from": carried_from,
        }
    )
    return Write(
        household_id=household_id,
        village_id=village_id,
        expected_version=None,
        household=household,
        revision=_revision(
            household_id,
            1,
            at,
            base_version=0,
            kind="create",
            author_id=author_id,
            device_id=device_id,
            op_id=op_id,
            changes=changes,
            result=result,
            note=note,
        ),
        result=result,
        members_written=member_rows(document.get("members") or []),
        attachments=attachments(household_id, document),
    )


def attachments(household_id: str, document: dict) -> list[str]:
    """The attachments the document names that are to be linked to this household; a record
    never points at an attachment the server does not have, or at another household's."""
    to_link, errors = checks.attachments_to_link(household_id, document)
    if errors:
        code = "missing_attachment" if errors[0]["code"] == "missing" else "invalid_attachment"
        raise Refused([{k: e[k] for k in ("path", "message", "severity")} for e in errors], code)
    return to_link


def member_changes(old_doc: dict, new_doc: dict) -> tuple[list[dict], list[str]]:
    """(the member projection's rows to write, the member ids whose rows go): only the members
    whose projected columns changed. An edit touches one or two members of a household, so the
    projection is made only of members whose document entry is not equal as a whole."""
    old = _by_id(old_doc.get("members") or [])
    new = _by_id(new_doc.get("members") or [])
    written, gone = [], []
    for member_id, member in new.items():
        before = old.get(member_id)
        if before == member:
            continue
        row = member_rows([member])[0]
        if before is None:
            written.append(row)
        elif member_rows([before])[0] != row:
            written.append(row)
            gone.append(member_id)
    gone += [member_id for member_id in old if member_id not in new]
    return written, gone


def _by_id(members: list[dict]) -> dict:
    """The members that have an id (the only ones the projection holds), by id; of two with one
    id, the last, as the projection's key keeps it."""
    return {m["id"]: m for m in members if m.get("id")}


def _columns(document: dict, lines: list[dict], version: int, author_id: int, at) -> dict:
    return derived_columns(document, lines or []) | {
        "document": document,
        "version": version,
        "updated_at": at,
        "updated_by": author_id,
    }


def _revision(household_id: str, version: int, at, **values) -> dict:
    """The revision row, but its document: `queries.add_revisions` copies the one the household
    row was just given."""
    empty = {"device_id": None, "op_id": None, "result": None, "note": None}
    return {"household_id": household_id, "version": version, "created_at": at} | empty | values


def write(writes: list[Write]) -> None:
    """Write planned versions, inside the caller's write transaction, their households already
    checked to be at each write's expected version (and locked, on PostgreSQL).

    New households are inserted before the counter is taken, so an insert that has to wait for a
    parallel insert of the same id never waits while holding the counter.
    """
    if not writes:
        return
    queries.insert_households(
        [w.household | {"change_seq": 0} for w in writes if w.expected_version is None]
    )
    last = queries.bump_change_seq(len(writes))  # held until commit: sequence order = commit order
    for seq, w in enumerate(writes, start=last - len(writes) + 1):
        w.household["change_seq"] = seq
    queries.update_households(
        [
            w.household | {"hid": w.household_id, "expected": w.expected_version}
            for w in writes
            if w.expected_version is not None
        ]
    )
    queries.set_change_seqs(
        [
            {"hid": w.household_id, "change_seq": w.household["change_seq"]}
            for w in writes
            if w.expected_version is None
        ]
    )
    queries.delete_members([(w.household_id, i) for w in writes for i in w.members_gone])
    queries.insert_members([(w.household_id, m) for w in writes for m in w.members_written])
    queries.add_revisions([w.revision for w in writes])
    queries.add_conflicts([c for w in writes for c in w.conflicts])
    for w in writes:
        queries.link_attachments(w.attachments, w.household_id, w.village_id)


def write_checked(writes: list[Write]) -> None:
    """`write()`, after locking the households and checking each is still at the version its
    write was planned on (raises `queries.StaleWrite` otherwise): for writers that read the
    household inside the same transaction and hold no lock of their own yet."""
    writes = sorted(writes, key=lambda w: w.household_id)  # every writer locks in the same order
    versions = queries.lock_versions([w.household_id for w in writes])
    for w in writes:
        if versions.get(w.household_id) != w.expected_version:
            raise queries.StaleWrite(f"household moved from version {w.expected_version}")
    write(writes)


def new_verdicts(row, lines: list[dict]) -> dict | None:
    """The verdict columns of the stored household `row` (id, version, document and the verdict
    columns) under `lines`, when they differ from the stored ones; None when nothing changes.

    Lines are the campaign's data, not the household's: a line changed moves the verdicts but
    not the document, so this is no new version and no revision (the document as signed is
    unchanged), only the derived columns and the change sequence, so phones pull the verdicts."""
    columns = verdict_columns(row.document, lines)
    if all(_same(getattr(row, name), columns[name]) for name in VERDICT_COLUMNS):
        return None
    return {"hid": row.id, "expected": row.version} | columns


def _same(stored, computed) -> bool:
    return stored == computed or (stored is None and computed in ({}, None))


def write_verdicts(updates: list[dict]) -> int:
    """Write verdict columns planned by `new_verdicts`, inside the caller's write transaction,
    each where its household is still at the version read (a household written meanwhile was
    given its verdicts by that write); bumps the change sequence last. Returns how many were
    written."""
    if not updates:
        return 0
    last = queries.bump_change_seq(len(updates))
    for seq, update in enumerate(updates, start=last - len(updates) + 1):
        update["change_seq"] = seq
    return queries.update_verdicts(updates)
