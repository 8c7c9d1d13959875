"""Campaign lines and their comparison words (Civil Code art. 1259).

以上 / 以下 / 以内 include the amount; 超过 / 不满 / 低于 exclude it. Lines are data, never
constants. The phone compares with the same table (web/static/phone/js/income.js COMPARISONS, which
tests/unit/test_lines.py holds equal to this one), so a word one side knows the other knows too.
"""

import operator
from decimal import Decimal

from server.domain import money

# word -> which side of the amount it means, in the symbols the phone's table uses
COMPARISONS = {
    "以上": ">=",
    "以下": "<=",
    "以内": "<=",
    "超过": ">",
    "不满": "<",
    "低于": "<",
}
_OPERATORS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}


def compare(amount: Decimal, comparison: str, line_amount: Decimal) -> bool:
    try:
        op = _OPERATORS[COMPARISONS[comparison]]
    except (KeyError, TypeError):
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


# The words whose side is above the amount: a household is below such a line when it is not on it.
UPPER_WORDS = frozenset({"以上", "超过"})


def below(amount, line: dict) -> bool:
    """Whether a per-capita income is below a line, whichever way its word faces: on the side of
    以下 / 以内 / 不满 / 低于, or off the side of 以上 / 超过 (4000.00 is below "超过4000元").
    No income (nobody counts) is below no line."""
    if amount is None:
        return False
    on_side = satisfies(amount, line)
    return not on_side if line["comparison"] in UPPER_WORDS else on_side


NEAR_SHARE = "0.10"  # "near a line": within a tenth of its amount, either side


def near_bounds(line: dict) -> tuple:
    """(lowest, highest) per-capita income within a tenth of the line's amount, both included."""
    amount = money.parse(line["amount"])
    margin = money.quantize(amount * money.parse(NEAR_SHARE))
    return amount - margin, amount + margin


# The word for the other side of a line, by the same convention: the complement of ≥ is <, of
# ≤ is >, and so on, so a household is on exactly one side of any line.
OTHER_SIDE = {
    "以上": "不满",
    "不满": "以上",
    "低于": "以上",
    "以下": "超过",
    "以内": "超过",
    "超过": "以下",
}
_PREFIXED = frozenset({"超过", "不满", "低于"})  # "超过4000元"; the others follow: "4000元以下"


def phrase(word: str, amount) -> str:
    """The words a table heads a column with: "超过4000元", "5000元以下", "低于7500元"."""
    value = money.parse(amount)
    text = f"{int(value)}元" if value == int(value) else f"{money.to_str(value)}元"
    return f"{word}{text}" if word in _PREFIXED else f"{text}{word}"


def below_word(line: dict) -> str:
    """The word for the poorer side of a line: its own for 以下 / 以内 / 不满 / 低于; for an
    exit line (超过 / 以上, on the richer side) its other side."""
    word = line["comparison"]
    return word if COMPARISONS[word] in ("<", "<=") else OTHER_SIDE[word]


def scaled(line: dict, factor: Decimal) -> dict:
    """The same line at `factor` times its amount (two places, half up)."""
    return line | {"amount": money.to_str(money.parse(line["amount"]) * factor)}


BAND_FACTOR = Decimal("1.5")


def income_band(amount, line: dict) -> int | None:
    """0 on the poorer side of the line, 1 from the line to 1.5 times it, 2 beyond; None when
    there is no per-capita income (nobody counted). Each boundary by the line's own word."""
    if amount is None:
        return None
    below = line | {"comparison": below_word(line)}
    if satisfies(amount, below):
        return 0
    return 1 if satisfies(amount, scaled(below, BAND_FACTOR)) else 2
