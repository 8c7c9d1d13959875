import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from server.domain import lines

ROOT = Path(__file__).parents[2]
# Civil Code art. 1259: "以上、以下、以内" include the amount; "不满、超过" (and 低于) exclude it.
# Written out here, not read from lines.py: the words and their sides, as the law states them.
WORDS = {"以上": ">=", "以下": "<=", "以内": "<=", "超过": ">", "不满": "<", "低于": "<"}


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
        ("4000.00", "以内", True), ("4000.01", "以内", False), ("3999.99", "以内", True),
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


def test_the_words_are_those_of_the_law():
    assert lines.COMPARISONS == WORDS


def test_the_phone_knows_the_same_words_with_the_same_sides():
    """The phone's income.js has the one table the phone compares with: the server's words."""
    text = (ROOT / "web/static/phone/js/income.js").read_text(encoding="utf-8")
    table = re.search(r"export const COMPARISONS = \{(.*?)\};", text, re.S)
    assert table, "income.js states its comparison words in one COMPARISONS table"
    phone = dict(re.findall(r"(\S+?): '([<>]=?)'", table.group(1)))
    assert phone == lines.COMPARISONS


def test_every_word_has_a_golden_case_at_the_line_itself():
    """The golden files (checked by Python and by income.js in the browser) hold, for each
    word, a household whose per-capita income is exactly a line's amount: where the words differ."""
    at_the_line = set()
    for path in (ROOT / "tests/golden").glob("*.json"):
        for case in json.loads(path.read_text(encoding="utf-8")):
            income = case["expected"]["per_capita_net_income"]
            at_the_line |= {
                line["comparison"] for line in case["lines"] if line["amount"] == income
            }
    assert at_the_line >= set(lines.COMPARISONS)


def test_every_word_has_an_other_side_that_complements_it():
    """Every per-capita income is on exactly one side of a line: its word or the other one."""
    for word in WORDS:
        other = lines.OTHER_SIDE[word]
        for income in ("3999.99", "4000.00", "4000.01"):
            sides = [lines.satisfies(income, line("4000.00", w)) for w in (word, other)]
            assert sides.count(True) == 1, (word, income)


@pytest.mark.parametrize(
    ("word", "bands"),
    [
        # incomes 3999.99, 4000.00, 4000.01, 6000.00, 6000.01 against a 4000 line
        ("超过", [0, 0, 1, 1, 2]),  # the exit line: 4000 itself has not exited
        ("以上", [0, 1, 1, 2, 2]),
        ("以下", [0, 0, 1, 1, 2]),
        ("以内", [0, 0, 1, 1, 2]),
        ("不满", [0, 1, 1, 2, 2]),
        ("低于", [0, 1, 1, 2, 2]),
    ],
)
def test_income_bands_follow_the_lines_word_at_both_boundaries(word, bands):
    incomes = ["3999.99", "4000.00", "4000.01", "6000.00", "6000.01"]
    assert [lines.income_band(i, line("4000.00", word)) for i in incomes] == bands
    assert lines.income_band(None, line("4000.00", word)) is None


def test_a_band_is_headed_in_the_lines_words():
    exit_line = line("4000.00", "超过")
    assert lines.phrase(lines.below_word(exit_line), "4000.00") == "4000元以下"
    assert lines.phrase("超过", "6000.00") == "超过6000元"
    assert lines.phrase(lines.below_word(line("5000.00", "低于")), "7500.00") == "低于7500元"
    assert lines.phrase("以上", "4500.50") == "4500.50元以上"
