from decimal import Decimal

import pytest

from server.domain import lines


def line(amount, comparison):
    return {
        "key": "k",
        "label": "x",
        "purpose": "statistic",
        "amount": amount,
        "comparison": comparison,
    }


@pytest.mark.parametrize(
    ("income", "comparison", "expected"),
    [
        ("4000.00", "以上", True), ("3999.99", "以上", False), ("4000.01", "以上", True),
        ("4000.00", "以下", True), ("4000.01", "以下", False), ("3999.99", "以下", True),
        ("4000.00", "超过", False), ("4000.01", "超过", True), ("3999.99", "超过", False),
        ("4000.00", "不满", False), ("3999.99", "不满", True), ("4000.01", "不满", False),
        ("4000.00", "低于", False), ("3999.99", "低于", True), ("4000.01", "低于", False),
    ],
)  # fmt: skip
def test_each_word_at_and_around_the_line(income, comparison, expected):
    assert lines.satisfies(income, line("4000.00", comparison)) is expected


def test_no_income_is_on_no_side():
    for word in lines.COMPARISONS:
        assert lines.satisfies(None, line("4000.00", word)) is False


def test_the_shown_figure_is_compared():
    # 4000.004 is shown as 4000.00, which is not above 4000.
    assert lines.satisfies(Decimal("4000.004"), line("4000.00", "超过")) is False
    assert lines.satisfies(Decimal("4000.005"), line("4000.00", "超过")) is True


def test_unknown_word_is_an_error():
    with pytest.raises(ValueError, match="未知的比较方式"):
        lines.satisfies("1.00", line("4000.00", "大约"))


def test_by_purpose_finds_the_first_matching_line():
    ls = [line("1", "以下"), {**line("2", "超过"), "key": "exit", "purpose": "exit"}]
    assert lines.by_purpose(ls, "exit")["key"] == "exit"
    assert lines.by_purpose(ls, "monitoring") is None
    assert lines.by_purpose(None, "exit") is None
