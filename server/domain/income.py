"""Section C arithmetic: group sums, net income and per-capita net income (README §3C)."""

from decimal import Decimal

from server.domain import money

# key -> (label, group); the order is the order of CONTRIBUTING.md and of the form.
ITEMS = {
    "wage_migrant": ("外出务工收入", "工资性收入"),
    "wage_public_job": ("公益性岗位收入", "工资性收入"),
    "wage_local": ("本地务工收入", "工资性收入"),
    "business_farming": ("种植业收入", "生产经营性收入"),
    "business_livestock": ("养殖业收入", "生产经营性收入"),
    "business_forestry": ("林业收入", "生产经营性收入"),
    "business_other": ("其他生产经营收入", "生产经营性收入"),
    "property_dividend": ("资产收益分红", "财产性收入"),
    "property_land_rent": ("土地流转租金", "财产性收入"),
    "property_other": ("其他财产性收入", "财产性收入"),
    "transfer_family_planning": ("计划生育金", "转移性收入"),
    "transfer_dibao": ("低保金", "转移性收入"),
    "transfer_tekun": ("特困供养金", "转移性收入"),
    "transfer_pension": ("养老保险金", "转移性收入"),
    "transfer_eco": ("生态补偿金", "转移性收入"),
    "transfer_other": ("其他转移性收入", "转移性收入"),
    "cost_business": ("生产经营性支出", "支出"),
}
# summary key -> key prefix of its items
GROUPS = {
    "wage_income": "wage_",
    "business_income": "business_",
    "property_income": "property_",
    "transfer_income": "transfer_",
}
LEAVING_REASONS = frozenset({"死亡", "迁出", "服刑", "失踪", "婚出", "分户"})


def is_counted(member: dict) -> bool:
    """Members who left stay in the register but not in the household size."""
    return member.get("change_reason") not in LEAVING_REASONS


def counted_members(members: list | None) -> list[dict]:
    return [m for m in (members or []) if isinstance(m, dict) and is_counted(m)]


def household_size(members: list | None) -> int:
    return len(counted_members(members))


# summary key -> the keys of its items, in form order
GROUP_ITEMS = {
    name: tuple(k for k in ITEMS if k.startswith(prefix)) for name, prefix in GROUPS.items()
}


# (item key, summary key of its group), in form order: the order each group adds its items in
ITEM_GROUPS = tuple((key, name) for name, keys in GROUP_ITEMS.items() for key in keys)


def group_sums(income: dict | None) -> dict[str, Decimal]:
    """The four income groups and the business cost; a missing item is zero.

    Each group adds its items from 0.00, so its sum has at least two places; a missing item is
    skipped rather than added, since adding 0.00 then changes neither the value nor the places.
    """
    income = income or {}
    sums = dict.fromkeys(GROUPS, money.ZERO)
    for key, group in ITEM_GROUPS:
        value = income.get(key)
        if value is not None:
            sums[group] += money.parse_or_zero(value)
    sums["business_cost"] = money.parse_or_zero(income.get("cost_business"))
    return sums


def per_capita(net_income: Decimal, size: int) -> Decimal | None:
    """Half-up to two places (away from zero for a negative half); None when nobody counts."""
    if size <= 0:
        return None
    return money.quantize(net_income / Decimal(size))


def compute(document: dict) -> dict:
    """Every income figure of the summary, as Decimals (and an int size)."""
    sums = group_sums(document.get("income"))
    return figures(sums, household_size(document.get("members")))


def figures(sums: dict[str, Decimal], size: int) -> dict:
    """compute() from the group sums and the household size (the summary has both at hand)."""
    annual = (
        sums["wage_income"]
        + sums["business_income"]
        + sums["property_income"]
        + sums["transfer_income"]
    )
    net = annual - sums["business_cost"]
    return {
        "household_size": size,
        "wage_income": sums["wage_income"],
        "business_income": sums["business_income"],
        "property_income": sums["property_income"],
        "transfer_income": sums["transfer_income"],
        "annual_income": annual,
        "business_cost": sums["business_cost"],
        "net_income": net,
        "per_capita_net_income": per_capita(net, size),
    }
