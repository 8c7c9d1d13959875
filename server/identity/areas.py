"""An administrator's list of areas: the new ones added under their parents, the renamed renamed.

A county loads its townships, villages and villagers' groups from its own list (统计用区划代码
and names) before accounts are given areas. Each row is checked on its own
(`server/domain/areacodes.py`): a row with a fault is reported by its line and field, and the
others are applied, together, in one transaction. An area is never deleted or moved here:
households, accounts and printed documents point at it.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.core.database import write_transaction
from server.core.errors import ApiError
from server.domain import areacodes
from server.extensions import db
from server.identity import audit
from server.models import Area

ROWS_MAX = 20000  # a county's villages and groups, many times over


@dataclass
class Imported:
    added: int = 0
    renamed: int = 0
    unchanged: int = 0
    # {"line", "code", "field", "message"}: the line as the list numbers it
    errors: list[dict] = field(default_factory=list)

    def refuse(self, line: int, code, errors: dict[str, str]) -> None:
        shown = code[:20] if isinstance(code, str) else ""
        for name, message in errors.items():
            self.errors.append({"line": line, "code": shown, "field": name, "message": message})

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "renamed": self.renamed,
            "unchanged": self.unchanged,
            "errors": sorted(self.errors, key=lambda e: e["line"]),
        }


def import_areas(rows: list[tuple], actor_id: int | None, first_line: int = 1) -> Imported:
    """Apply `rows` of (code, name), numbered from `first_line` (a file's first data line)."""
    result, checked, seen = Imported(), [], set()
    for line, (code, name) in enumerate(rows, start=first_line):
        if code == "" and name == "":
            continue  # an empty line between a list's parts
        row, errors = areacodes.checked_row(code, name)
        if not errors and row["code"] in seen:
            errors = {"code": "与前面的行代码重复"}
        if errors:
            result.refuse(line, row["code"], errors)
            continue
        seen.add(row["code"])
        checked.append((line, row))
    checked.sort(key=lambda item: len(item[1]["code"]))  # every parent before its children
    try:
        with write_transaction():
            areas = {a.code: a for a in db.session.scalars(select(Area))}
            for line, row in checked:
                _apply(result, areas, line, row)
            if result.added or result.renamed:
                audit.record(
                    "areas_import",
                    actor_id=actor_id,
                    detail=f"新增{result.added}个，改名{result.renamed}个",
                )
    except IntegrityError:  # the same code added by another import meanwhile
        raise ApiError(409, "另一次导入正在写入同样的区划，请稍后重试", "conflict") from None
    return result


def _apply(result: Imported, areas: dict[str, Area], line: int, row: dict) -> None:
    found = areas.get(row["code"])
    if found is not None:
        if found.name == row["name"]:
            result.unchanged += 1
        else:
            found.name = row["name"]
            result.renamed += 1
        return
    above = areacodes.parent_code(row["code"])
    parent = areas.get(above) if above else None
    if above and parent is None:
        message = f"上级区划 {above} 不存在：请把它列在同一文件中，或先导入"
        result.refuse(line, row["code"], {"code": message})
        return
    area = Area(
        code=row["code"],
        name=row["name"],
        level=row["level"],
        parent_id=parent.id if parent else None,
        path="",
    )
    db.session.add(area)
    db.session.flush()  # its id, for its path
    area.path = f"{parent.path if parent else '/'}{area.id}/"
    areas[area.code] = area
    result.added += 1
