"""Rows by township then village, each township's 小计 and the county's 合计; the columns.

Every table hands over its figures per village as a list of integers that add up (households,
people, money in fen); the 小计 and 合计 are the sums of those, and only then is each row turned
into what is printed (`present`): money in yuan with two places, a share or a per-capita figure
worked out from the row's own sums, never summed itself. A column says how it is made, so the
tests can check each printed cell the same way: `derived` names the two printed columns a share
(`percent`) or a quotient (`per`) is made of.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from server.domain import money
from server.reports import queries

HUNDRED = Decimal(100)
LEAD = ["序号", "乡镇", "村"]


@dataclass(frozen=True)
class Request:
    """What one printing was asked for: the table, campaign, area, review states counted, the
    campaign's line the table compares with (if any), where the 合计 goes, and the day;
    `stream`: a household list's rows are read as they are written (a workbook's)."""

    table: object
    campaign: object
    area: object
    states: tuple[str, ...]
    line: dict | None
    total_first: bool
    today: date
    stream: bool = False


def column(group: str | None, label: str, fmt: str = "count", derived=None) -> dict:
    """A printed column: `fmt` count / money / percent / text; `derived` (kind, i, j)."""
    out = {"group": group, "label": label, "format": fmt}
    if derived is not None:
        out["derived"] = list(derived)
    return out


def yuan(fen: int) -> str:
    """Fen as yuan with two places: '1234.50'."""
    return money.to_str(Decimal(fen) / HUNDRED)


def share(part, whole) -> str:
    """part / whole as a percentage with two places, half up; '' when the whole is nothing."""
    part, whole = Decimal(str(part)), Decimal(str(whole))
    return "" if not whole else money.to_str(part * HUNDRED / whole)


def per(amount, count) -> str:
    """An amount in yuan (printed) divided by a count, two places, half up; '' for no count."""
    amount, count = Decimal(str(amount)), Decimal(str(count))
    return "" if not count else money.to_str(amount / count)


def by_village(
    area,
    figures: dict[int, list[int]],
    width: int,
    present: Callable[[list[int]], list] | None = None,
    total_first: bool = False,
) -> list[dict]:
    """The table's rows: each township's villages, then its 小计; the 合计 last (or first)."""
    present = present or list
    rows, total, number = [], [0] * width, 0
    by_township: dict[int, list] = {}
    for township, village in queries.villages_in(area):
        by_township.setdefault(township.id, [township, []])[1].append(village)
    for township, villages in by_township.values():
        subtotal = [0] * width
        for village in villages:
            number += 1
            values = figures.get(village.id, [0] * width)
            subtotal = [a + b for a, b in zip(subtotal, values, strict=True)]
            rows.append(
                {
                    "kind": "village",
                    "lead": [str(number), township.name, village.name],
                    "values": present(values),
                }
            )
        rows.append(
            {"kind": "subtotal", "lead": ["", township.name, "小计"], "values": present(subtotal)}
        )
        total = [a + b for a, b in zip(total, subtotal, strict=True)]
    total_row = {"kind": "total", "lead": ["", "合计", ""], "values": present(total)}
    return [total_row, *rows] if total_first else [*rows, total_row]
