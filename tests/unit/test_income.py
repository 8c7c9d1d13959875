from decimal import Decimal

import pytest

from server.domain import income, money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234.5", "1234.50"),
        (" 12 ", "12.00"),
        (1200, "1200.00"),
        (Decimal("0.005"), "0.01"),
        ("2.345", "2.35"),
        ("-0.004", "0.00"),
        ("-1.005", "-1.01"),
        (1234.5, "1234.50"),
        (0.1, "0.10"),
    ],
)
def test_normalize(value, expected):
    assert money.normalize(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", "abc", "1,234.00", "1e5", "NaN", "nan", "Infinity", "--1", "1.2.3", None, True,
     Decimal("NaN"), Decimal("Infinity"), float("nan"), float("inf"), [1]],
)  # fmt: skip
def test_parse_rejects_garbage(value):
    with pytest.raises(money.MoneyError):
        money.parse(value)


def test_parse_is_exact_and_does_not_round():
    assert money.parse("0.1") + money.parse("0.2") == Decimal("0.3")
    assert money.parse("2.345") == Decimal("2.345")
    assert money.places(money.parse("2.345")) == 3
    assert money.places(money.parse("7")) == 0


def test_parse_or_zero_treats_blank_as_zero():
    assert money.parse_or_zero(None) == 0
    assert money.parse_or_zero("  ") == 0
    with pytest.raises(money.MoneyError):
        money.parse_or_zero("x")


def test_group_sums_use_the_key_prefixes():
    sums = income.group_sums(
        {"wage_migrant": "100.10", "wage_local": "0.20", "business_other": "5",
         "property_other": "1", "transfer_eco": "2.50", "transfer_dibao": None,
         "cost_business": "3.30"}
    )  # fmt: skip
    assert sums == {
        "wage_income": Decimal("100.30"),
        "business_income": Decimal("5"),
        "property_income": Decimal("1"),
        "transfer_income": Decimal("2.50"),
        "business_cost": Decimal("3.30"),
    }


def test_every_contract_key_is_an_item_in_its_group():
    assert len(income.ITEMS) == 17
    assert income.ITEMS["transfer_eco"] == ("生态补偿金", "转移性收入")
    assert income.ITEMS["cost_business"] == ("生产经营性支出", "支出")


def test_members_who_left_are_not_counted():
    members = [
        {"id": "a"},
        {"id": "b", "change_reason": "新生儿"},
        {"id": "c", "change_reason": "婚入"},
    ]
    members += [
        {"id": r, "change_reason": r} for r in ("死亡", "迁出", "服刑", "失踪", "婚出", "分户")
    ]
    assert income.household_size(members) == 3
    assert income.household_size(None) == 0


def test_per_capita_rounds_half_up_and_none_for_nobody():
    assert income.per_capita(Decimal("12001"), 3) == Decimal("4000.33")
    assert income.per_capita(Decimal("8000.01"), 2) == Decimal("4000.01")
    assert income.per_capita(Decimal("-1000.01"), 2) == Decimal("-500.01")
    assert income.per_capita(Decimal("100"), 0) is None


def test_compute_net_and_per_capita():
    doc = {
        "members": [{"id": "a"}, {"id": "b"}, {"id": "c", "change_reason": "死亡"}],
        "income": {
            "wage_migrant": "9000.00",
            "business_farming": "2000.00",
            "cost_business": "1500.00",
        },
    }
    figures = income.compute(doc)
    assert figures["household_size"] == 2
    assert figures["annual_income"] == Decimal("11000.00")
    assert figures["net_income"] == Decimal("9500.00")
    assert figures["per_capita_net_income"] == Decimal("4750.00")


def test_negative_net_income_is_allowed():
    figures = income.compute({"members": [{"id": "a"}], "income": {"cost_business": "10.00"}})
    assert figures["net_income"] == Decimal("-10.00")
    assert figures["per_capita_net_income"] == Decimal("-10.00")
