"""The summary's shortcuts give exactly what the plain roads give: same values, same places,
same errors (the summary is computed for every pushed operation, so it takes the shortcuts)."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from server.domain import income, money, verdicts
from server.domain.sample import sample_document

VALUES = [
    "1234.50", "97", "0.00", "2.345", "0.005", "-0.005", "-0.004", "-1.005", "+3.5", " 12 ",
    "\t7.70\n", ".5", "5.", "١٢٣.٤", "", "  ", "abc", "1,234.00", "1e5", "1_000", "NaN", "-",
    ".", "1.2.3", "9" * 40, "9" * 30 + ".99", 1200, -7, 0, 1234.5, 0.1, float("nan"), True, None,
    [1], Decimal("1.005"), Decimal("-0.00"), Decimal("1E+40"), Decimal("NaN"), Decimal("Infinity"),
]  # fmt: skip


def outcome(function, value):
    """(repr of the answer) or (type and words of the error): repr keeps a Decimal's places."""
    try:
        return repr(function(value))
    except Exception as error:  # noqa: BLE001 - the error itself is what is compared
        return type(error), str(error)


def plain_parse(value):
    """money.parse() as first written, without its first road for the wire form."""
    if type(value) is str:
        text = value.strip()
        if not money.is_plain(text):
            raise money.MoneyError("金额格式不正确")
        return Decimal(text)
    return money.parse(value)


def plain_parse_or_zero(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return money.ZERO
    return plain_parse(value)


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_parse_by_its_first_road_is_parse_as_first_written(value):
    assert outcome(money.parse, value) == outcome(plain_parse, value)
    assert outcome(money.parse_or_zero, value) == outcome(plain_parse_or_zero, value)


AMOUNTS = [
    Decimal(v)
    for v in ("0", "-0", "-0.00", "-0.004", "-0.005", "0.005", "1.005", "-1.005", "4000.004",
              "4000.005", "123456789.125", "1E+3", "1E-9", "9" * 30, "NaN", "Infinity")
]  # fmt: skip


def plain_to_str(amount):
    """money.to_str() as first written: format 'f' of the rounded amount, never '-0.00'."""
    q = amount.quantize(money.CENT, rounding=ROUND_HALF_UP)
    return f"{money.ZERO if q == 0 else q:f}"


@pytest.mark.parametrize("amount", AMOUNTS, ids=str)
def test_to_str_and_quantize_are_as_first_written(amount):
    assert outcome(money.to_str, amount) == outcome(plain_to_str, amount)
    expected = outcome(lambda a: a.quantize(money.CENT, rounding=ROUND_HALF_UP), amount)
    assert outcome(money.quantize, amount) == expected


def plain_group_sums(section: dict) -> dict:
    """The sums as first written: every item of a group added, a missing one as 0.00."""
    sums = {
        name: sum((money.parse_or_zero(section.get(k)) for k in keys), money.ZERO)
        for name, keys in income.GROUP_ITEMS.items()
    }
    sums["business_cost"] = money.parse_or_zero(section.get("cost_business"))
    return sums


@pytest.mark.parametrize(
    "section",
    [
        {},
        {"wage_local": "5"},
        {"wage_local": "5", "wage_migrant": "2.345", "transfer_eco": 12, "cost_business": "1"},
        {"business_other": "-0", "property_other": "0.004", "transfer_other": "-0.004"},
        {"wage_migrant": "9" * 35, "wage_local": "0.01", "property_dividend": "1" + "0" * 29},
        {"business_farming": "  ", "business_other": "", "transfer_dibao": None},
        {key: f"{n}.{n:02d}" for n, key in enumerate(income.ITEMS)},
    ],
)
def test_skipping_missing_items_keeps_every_sum_and_its_places(section):
    assert repr(income.group_sums(section)) == repr(plain_group_sums(section))


def test_figures_is_compute_from_its_parts():
    document = sample_document()
    sums = income.group_sums(document["income"])
    size = income.household_size(document["members"])
    assert repr(income.figures(sums, size)) == repr(income.compute(document))


def test_counted_members_given_or_not_give_the_same_guarantees():
    document = sample_document()
    del document["members"][1]["medical_insurance"]
    counted = income.counted_members(document["members"])
    assert verdicts.unmet_guarantees(document, counted) == ["medical_ok"]
    assert verdicts.unmet_guarantees(document) == ["medical_ok"]
    document["members"][1]["change_reason"] = "迁出"
    assert verdicts.unmet_guarantees(document) == []
