"""Campaign lines and their comparison words (Civil Code art. 1259).

以上 / 以下 include the amount; 超过 / 不满 / 低于 exclude it. Lines are data, never constants.
"""

import operator
from decimal import Decimal

from server.domain import money

COMPARISONS = {
    "以上": operator.ge,
    "以下": operator.le,
    "超过": operator.gt,
    "不满": operator.lt,
    "低于": operator.lt,
}


def compare(amount: Decimal, comparison: str, line_amount: Decimal) -> bool:
    try:
        op = COMPARISONS[comparison]
    except KeyError:
        raise ValueError(f"未知的比较方式：{comparison}") from None
    return op(amount, line_amount)


def satisfies(amount, line: dict) -> bool:
    """Whether a per-capita income is on the line's side; no income (nobody counts) never is.

    The income is compared as shown: rounded half-up to two places.
    """
    if amount is None:
        return False
    value = money.quantize(money.parse(amount))
    return compare(value, line["comparison"], money.parse(line["amount"]))


def by_purpose(lines: list[dict], purpose: str) -> dict | None:
    """The first line with a purpose (exit, monitoring); a campaign has at most one of each."""
    for line in lines or []:
        if line.get("purpose") == purpose:
            return line
    return None
