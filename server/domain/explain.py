"""The income and the verdicts in words, as a reviewer checks them by hand.

"人均纯收入 4,210.50 元，超过退出标准 4000 元": each comparison word says its side as a person
would, and the other side in the word that denies it (以下 / 以上 / 以内 follow the amount, the
others precede it). The phone says the same with the same table (web/static/phone/js/income.js
SAYING, `linePhrase`, `lineName`, `yuan`): tests/unit/test_explain.py holds the two tables equal
and tests/e2e/test_line_phrases_browser.py the phrases. Every figure comes from `income`, the
functions the stored summary is made with, so the arithmetic written out is the one stored.
"""

import re
from decimal import Decimal

from server.domain import income, lines, money

# word -> (on the line's side, off it), "{}" standing for the line's name and amount
SAYING = {
    "超过": ("超过{}", "未超过{}"),
    "低于": ("低于{}", "不低于{}"),
    "不满": ("不满{}", "已满{}"),
    "以上": ("在{}以上", "低于{}"),
    "以下": ("在{}以下", "超过{}"),
    "以内": ("在{}以内", "超过{}"),
}
NO_VALUE = "—"
_AMOUNT_AT_END = re.compile(r"\s*[0-9,.]+\s*元?$")


def yuan(value) -> str:
    """ "4210.5" -> "4,210.50" (an amount as a person reads it, half-up to the fen); "—" when
    there is none or it is not an amount."""
    if value is None or value == "":
        return NO_VALUE
    try:
        amount = money.quantize(money.parse(value))
    except (ValueError, ArithmeticError):
        return NO_VALUE
    return f"{amount if amount else money.ZERO:,.2f}"


def line_name(line: dict) -> str:
    """A line's name and amount as said aloud: "退出标准 4000 元" (its label without the amount
    it may end with; a label that is only "低于4500元" leaves the amount alone)."""
    try:
        amount = money.to_str(money.parse(line.get("amount")))
    except (ValueError, ArithmeticError):
        amount = "0.00"
    amount = amount.removesuffix(".00")
    name = _AMOUNT_AT_END.sub("", str(line.get("label") or ""))
    if name in lines.COMPARISONS:
        name = ""
    return f"{name}{' ' if name else ''}{amount} 元"


def line_phrase(line: dict, on_side: bool) -> str:
    """Where the income stands against the line, in the line's own word: "低于监测标准 5000 元"."""
    say = SAYING.get(line.get("comparison"))
    if say is None:
        return f"{line.get('label')}：{'是' if on_side else '否'}"
    return say[0 if on_side else 1].format(line_name(line))


def line_sentence(per_capita, line: dict) -> str:
    """ "人均纯收入 4,210.50 元，超过退出标准 4000 元"; without an income, why there is none."""
    if per_capita is None:
        return "没有计入家庭人口的成员，算不出人均纯收入"
    return (
        f"人均纯收入 {yuan(per_capita)} 元，{line_phrase(line, lines.satisfies(per_capita, line))}"
    )


def income_arithmetic(document: dict, campaign_lines: list[dict]) -> dict:
    """The sums of section C written out, term by term, with who is counted and each line's
    comparison. Every number is `income`'s own (the stored summary's)."""
    items = document.get("income") or {}
    terms = []
    for key, (label, group) in income.ITEMS.items():
        if group == "支出":
            continue
        amount = _amount(items.get(key))
        if amount:
            terms.append({"key": key, "label": label, "group": group, "amount": yuan(amount)})
    members = [m for m in document.get("members") or [] if isinstance(m, dict)]
    counted = income.counted_members(members)
    left = [m for m in members if not income.is_counted(m)]
    figures = income.compute(document)
    annual, cost, net = figures["annual_income"], figures["business_cost"], figures["net_income"]
    per_capita, size = figures["per_capita_net_income"], figures["household_size"]
    sums = " + ".join(f"{t['label']} {t['amount']}" for t in terms) or "0.00"
    steps = [
        f"年收入 = {sums} = {yuan(annual)} 元",
        f"纯收入 = 年收入 − 生产经营性支出 = {yuan(annual)} − {yuan(cost)} = {yuan(net)} 元",
        f"人均纯收入 = 纯收入 ÷ 家庭人口 = {yuan(net)} ÷ {size} 人 = {yuan(per_capita)} 元"
        if per_capita is not None
        else "人均纯收入：没有计入家庭人口的成员，无法计算",
    ]
    return {
        "terms": terms,
        "groups": [
            {"label": income.ITEMS[keys[0]][1], "amount": yuan(figures[name])}
            for name, keys in income.GROUP_ITEMS.items()
        ],
        "annual": yuan(annual),
        "cost": yuan(cost),
        "net": yuan(net),
        "size": size,
        "per_capita": None if per_capita is None else yuan(per_capita),
        "counted": [_name(m) for m in counted],
        "not_counted": [{"name": _name(m), "reason": m.get("change_reason")} for m in left],
        "steps": steps,
        "lines": [
            {
                "key": line.get("key"),
                "label": line.get("label"),
                "purpose": line.get("purpose"),
                "on_side": lines.satisfies(per_capita, line),
                "sentence": line_sentence(per_capita, line),
            }
            for line in campaign_lines or []
        ],
    }


def _amount(value) -> Decimal:
    try:
        return money.parse_or_zero(value)
    except (ValueError, ArithmeticError):
        return money.ZERO


def _name(member: dict) -> str:
    name = member.get("name")
    return name if isinstance(name, str) and name.strip() else "（未填姓名）"
