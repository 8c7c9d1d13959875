"""Plausibility warnings on income (README §3C): shown to the surveyor, never blocking.

Each catches a typing slip that the totals would otherwise hide (a yearly amount typed as monthly,
a cost forgotten), not an impossible value.
"""

from decimal import Decimal

from server.domain import income
from server.domain.crosschecks import INVALID

BUSINESS_ITEMS = [k for k in income.ITEMS if k.startswith("business_")]
WAGE_ITEMS = [k for k in income.ITEMS if k.startswith("wage_")]
# item -> smallest plausible non-zero yearly amount
MINIMUM_TRANSFERS = {
    "transfer_dibao": Decimal(200),
    "transfer_family_planning": Decimal(100),
    "transfer_pension": Decimal(88),
}
WAGE_LOW, WAGE_HIGH = Decimal(300), Decimal(300000)


def _warning(path, text):
    return {"path": path, "message": text, "severity": "warning"}


def check(clean: dict) -> list[dict]:
    items = clean.get("income", {})
    household = clean.get("household", {})
    out = []
    cost_given = items.get("cost_business") or "cost_business" in items.get(INVALID, ())
    if not cost_given and _total(items, BUSINESS_ITEMS) > 0:
        out.append(_warning("income.cost_business", "有生产经营性收入但没有生产经营性支出，请核实"))
    land_given = household.get("land_returned") or "land_returned" in household.get(INVALID, ())
    if items.get("transfer_eco", 0) > 0 and not land_given:
        out.append(_warning("income.transfer_eco", "有生态补偿金但没有退耕还林面积，请核实"))
    for key, minimum in MINIMUM_TRANSFERS.items():
        amount = items.get(key)
        if amount is not None and 0 < amount < minimum:
            label = income.ITEMS[key][0]
            out.append(_warning(f"income.{key}", f"{label}不足{minimum}元，请核实是否为全年金额"))
    for key in WAGE_ITEMS:
        amount = items.get(key)
        if amount is None:
            continue  # absent counts as 0: neither too low nor too high
        if 0 < amount < WAGE_LOW:
            label = income.ITEMS[key][0]
            out.append(_warning(f"income.{key}", f"{label}不足{WAGE_LOW}元，请核实是否为全年金额"))
        elif amount > WAGE_HIGH:
            label = income.ITEMS[key][0]
            out.append(_warning(f"income.{key}", f"{label}超过{WAGE_HIGH}元，请核实"))
    return out


def _total(items: dict, keys) -> Decimal | int:
    """sum(items.get(k, 0) for k in keys), without a generator: most items are absent."""
    total = 0
    for key in keys:
        amount = items.get(key)
        if amount is not None:
            total += amount
    return total
