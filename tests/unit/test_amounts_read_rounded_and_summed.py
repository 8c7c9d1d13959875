"""Amounts are read, rounded and summed as the rules say: same values, same places, same errors.

The summary is computed for every pushed operation, so these readers take quick roads; whatever
road they take, the answers must be the ones written out here by hand.

Every expectation below is a literal, read off the rules (money.py's docstrings, Decimal's
ROUND_HALF_UP), not the answer of another function of the code under test.
"""

from decimal import Decimal, InvalidOperation

import pytest

from server.domain import income, money, verdicts
from server.domain.sample import sample_document

FORMAT = (money.MoneyError, "金额格式不正确")
NOT_A_NUMBER = (money.MoneyError, "金额应为数字")
NOT_FINITE = (money.MoneyError, "金额应为有限数字")

# value, parse(value), parse_or_zero(value): a Decimal's repr (which keeps its places) or an error
PARSED = [
    ("1234.50", "Decimal('1234.50')", "Decimal('1234.50')"),
    ("97", "Decimal('97')", "Decimal('97')"),
    ("0.00", "Decimal('0.00')", "Decimal('0.00')"),
    ("2.345", "Decimal('2.345')", "Decimal('2.345')"),
    ("0.005", "Decimal('0.005')", "Decimal('0.005')"),
    ("-0.005", "Decimal('-0.005')", "Decimal('-0.005')"),
    ("-0.004", "Decimal('-0.004')", "Decimal('-0.004')"),
    ("-1.005", "Decimal('-1.005')", "Decimal('-1.005')"),
    ("+3.5", "Decimal('3.5')", "Decimal('3.5')"),
    (" 12 ", "Decimal('12')", "Decimal('12')"),
    ("\t7.70\n", "Decimal('7.70')", "Decimal('7.70')"),
    (".5", "Decimal('0.5')", "Decimal('0.5')"),
    ("5.", "Decimal('5')", "Decimal('5')"),
    ("١٢٣.٤", FORMAT, FORMAT),  # Arabic-Indic digits: not what an amount is written in
    ("１２", FORMAT, FORMAT),  # full-width digits
    ("", FORMAT, "Decimal('0.00')"),
    ("  ", FORMAT, "Decimal('0.00')"),
    ("abc", FORMAT, FORMAT),
    ("1,234.00", FORMAT, FORMAT),
    ("1e5", FORMAT, FORMAT),
    ("1_000", FORMAT, FORMAT),
    ("NaN", FORMAT, FORMAT),
    ("-", FORMAT, FORMAT),
    (".", FORMAT, FORMAT),
    ("1.2.3", FORMAT, FORMAT),
    ("9" * 40, f"Decimal('{'9' * 40}')", f"Decimal('{'9' * 40}')"),
    ("9" * 30 + ".99", f"Decimal('{'9' * 30}.99')", f"Decimal('{'9' * 30}.99')"),
    (1200, "Decimal('1200')", "Decimal('1200')"),
    (-7, "Decimal('-7')", "Decimal('-7')"),
    (0, "Decimal('0')", "Decimal('0')"),
    (1234.5, "Decimal('1234.5')", "Decimal('1234.5')"),  # a float read through its repr
    (0.1, "Decimal('0.1')", "Decimal('0.1')"),
    (float("nan"), FORMAT, FORMAT),
    (True, NOT_A_NUMBER, NOT_A_NUMBER),
    (None, NOT_A_NUMBER, "Decimal('0.00')"),
    ([1], NOT_A_NUMBER, NOT_A_NUMBER),
    ({}, NOT_A_NUMBER, NOT_A_NUMBER),
    (Decimal("1.005"), "Decimal('1.005')", "Decimal('1.005')"),
    (Decimal("-0.00"), "Decimal('-0.00')", "Decimal('-0.00')"),
    (Decimal("1E+40"), "Decimal('1E+40')", "Decimal('1E+40')"),
    (Decimal("NaN"), NOT_FINITE, NOT_FINITE),
    (Decimal("Infinity"), NOT_FINITE, NOT_FINITE),
]


def outcome(function, value):
    """(repr of the answer) or (type and words of the error): repr keeps a Decimal's places."""
    try:
        return repr(function(value))
    except Exception as error:  # noqa: BLE001 - the error itself is what is compared
        return type(error), str(error)


@pytest.mark.parametrize(("value", "parsed", "or_zero"), PARSED, ids=[repr(p[0]) for p in PARSED])
def test_parse_and_parse_or_zero_read_what_the_rules_say(value, parsed, or_zero):
    assert outcome(money.parse, value) == parsed
    assert outcome(money.parse_or_zero, value) == or_zero


INVALID = (InvalidOperation, "[<class 'decimal.InvalidOperation'>]")

# amount, to_str(amount), quantize(amount): half up (away from zero on a tie), never "-0.00" text
ROUNDED = [
    ("0", "'0.00'", "Decimal('0.00')"),
    ("-0", "'0.00'", "Decimal('-0.00')"),
    ("-0.00", "'0.00'", "Decimal('-0.00')"),
    ("-0.004", "'0.00'", "Decimal('-0.00')"),
    ("-0.005", "'-0.01'", "Decimal('-0.01')"),
    ("0.005", "'0.01'", "Decimal('0.01')"),
    ("1.005", "'1.01'", "Decimal('1.01')"),
    ("-1.005", "'-1.01'", "Decimal('-1.01')"),
    ("4000.004", "'4000.00'", "Decimal('4000.00')"),
    ("4000.005", "'4000.01'", "Decimal('4000.01')"),
    ("123456789.125", "'123456789.13'", "Decimal('123456789.13')"),
    ("1E+3", "'1000.00'", "Decimal('1000.00')"),
    ("1E-9", "'0.00'", "Decimal('0.00')"),
    ("9" * 30, INVALID, INVALID),  # 32 digits at two places: past Decimal's 28
    ("NaN", "'NaN'", "Decimal('NaN')"),
    ("Infinity", INVALID, INVALID),
]


@pytest.mark.parametrize(("amount", "text", "rounded"), ROUNDED, ids=[r[0] for r in ROUNDED])
def test_to_str_and_quantize_round_half_up(amount, text, rounded):
    assert outcome(money.to_str, Decimal(amount)) == text
    assert outcome(money.quantize, Decimal(amount)) == rounded


def sums(wage="0.00", business="0.00", prop="0.00", transfer="0.00", cost="0.00") -> dict:
    return {
        "wage_income": Decimal(wage),
        "business_income": Decimal(business),
        "property_income": Decimal(prop),
        "transfer_income": Decimal(transfer),
        "business_cost": Decimal(cost),
    }


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ({}, sums()),
        ({"wage_local": "5"}, sums(wage="5.00")),  # added to 0.00: two places
        (
            {"wage_local": "5", "wage_migrant": "2.345", "transfer_eco": 12, "cost_business": "1"},
            sums(wage="7.345", transfer="12.00", cost="1"),  # the cost is read, not added
        ),
        (
            {"business_other": "-0", "property_other": "0.004", "transfer_other": "-0.004"},
            sums(business="0.00", prop="0.004", transfer="-0.004"),
        ),
        (
            {"wage_migrant": "9" * 35, "wage_local": "0.01", "property_dividend": "1" + "0" * 29},
            sums(wage="1." + "0" * 27 + "E+35", prop="1." + "0" * 27 + "E+29"),
        ),  # Decimal's 28 digits: what the form's maximum keeps every household far from
        ({"business_farming": "  ", "business_other": "", "transfer_dibao": None}, sums()),
        (
            {key: f"{n}.{n:02d}" for n, key in enumerate(income.ITEMS)},  # 0.00, 1.01, ...
            sums(wage="3.03", business="18.18", prop="24.24", transfer="75.75", cost="16.16"),
        ),
    ],
)
def test_group_sums_keep_every_sum_and_its_places(section, expected):
    assert repr(income.group_sums(section)) == repr(expected)


def test_the_sample_households_figures():
    """24000 + 3600 wages, 6500 + 1200 business, 300 property, 420 + 200 transfers, 2100 cost;
    three members: 34120.00 / 3 = 11373.333..., shown 11373.33."""
    sample = sample_document()
    figures = income.compute(sample)
    assert repr(figures) == repr(
        {
            "household_size": 3,
            "wage_income": Decimal("27600.00"),
            "business_income": Decimal("7700.00"),
            "property_income": Decimal("300.00"),
            "transfer_income": Decimal("620.00"),
            "annual_income": Decimal("36220.00"),
            "business_cost": Decimal("2100.00"),
            "net_income": Decimal("34120.00"),
            "per_capita_net_income": Decimal("11373.33"),
        }
    )
    assert repr(income.figures(income.group_sums(sample["income"]), 3)) == repr(figures)


def test_counted_members_given_or_not_give_the_same_guarantees():
    document = sample_document()
    del document["members"][1]["medical_insurance"]
    counted = income.counted_members(document["members"])
    assert verdicts.unmet_guarantees(document, counted) == ["medical_ok"]
    assert verdicts.unmet_guarantees(document) == ["medical_ok"]
    document["members"][1]["change_reason"] = "迁出"
    assert verdicts.unmet_guarantees(document) == []
