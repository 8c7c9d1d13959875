"""The income written out and the verdicts in words, as the phone says them."""

import re
from pathlib import Path

import pytest

from server.domain import explain, income
from server.domain.sample import sample_document

ROOT = Path(__file__).resolve().parents[2]
EXIT = {
    "key": "exit",
    "label": "退出标准4000元",
    "purpose": "exit",
    "amount": "4000.00",
    "comparison": "超过",
}
MONITORING = {
    "key": "monitoring",
    "label": "监测标准",
    "purpose": "monitoring",
    "amount": "5000.00",
    "comparison": "以下",
}


def test_the_phone_says_each_word_the_same_way():
    """income.js's SAYING table, word for word (the browser test checks the phrases too)."""
    text = (ROOT / "web/static/phone/js/income.js").read_text(encoding="utf-8")
    table = re.search(r"const SAYING = \{(.*?)\n\};", text, re.S).group(1)
    phone = {
        word: (on.replace("${x}", "{}"), off.replace("${x}", "{}"))
        for word, on, off in re.findall(
            r"(\S+?): \[\(x\) => `([^`]*)`, \(x\) => `([^`]*)`\]", table
        )
    }
    assert phone == explain.SAYING


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("4210.5", "4,210.50"),
        ("1234567.005", "1,234,567.01"),
        ("0", "0.00"),
        ("-1234.5", "-1,234.50"),
        (None, "—"),
        ("", "—"),
        ("abc", "—"),
        (12000, "12,000.00"),
    ],
)
def test_yuan(value, text):
    assert explain.yuan(value) == text


@pytest.mark.parametrize(
    ("line", "name"),
    [
        (EXIT, "退出标准 4000 元"),
        (MONITORING, "监测标准 5000 元"),
        ({"label": "低于4500元", "amount": "4500.00", "comparison": "低于"}, "4500 元"),
        ({"label": "4500元", "amount": "4500.50", "comparison": "低于"}, "4500.50 元"),
    ],
)
def test_line_name(line, name):
    assert explain.line_name(line) == name


def test_the_sentence_of_the_issue():
    assert explain.line_sentence("4210.50", EXIT) == "人均纯收入 4,210.50 元，超过退出标准 4000 元"
    assert (
        explain.line_sentence("4000.00", EXIT) == "人均纯收入 4,000.00 元，未超过退出标准 4000 元"
    )
    assert explain.line_sentence("5000.00", MONITORING) == (
        "人均纯收入 5,000.00 元，在监测标准 5000 元以下"
    )
    assert explain.line_sentence(None, EXIT) == "没有计入家庭人口的成员，算不出人均纯收入"


def test_an_unknown_word_says_yes_or_no():
    assert explain.line_phrase({"label": "某线", "comparison": "约"}, True) == "某线：是"


def test_the_arithmetic_uses_the_incomes_own_numbers():
    document = sample_document()
    document["members"][1]["change_reason"] = "死亡"
    out = explain.income_arithmetic(document, [EXIT, MONITORING])
    figures = income.compute(document)
    assert out["annual"] == explain.yuan(figures["annual_income"])
    assert out["net"] == explain.yuan(figures["net_income"])
    assert out["per_capita"] == explain.yuan(figures["per_capita_net_income"])
    assert out["size"] == figures["household_size"] == len(document["members"]) - 1
    assert out["not_counted"] == [{"name": document["members"][1]["name"], "reason": "死亡"}]
    assert document["members"][1]["name"] not in out["counted"]
    annual, net, per_capita = out["steps"]
    terms = " + ".join(f"{t['label']} {t['amount']}" for t in out["terms"])
    assert annual == f"年收入 = {terms} = {out['annual']} 元"
    assert (
        net
        == f"纯收入 = 年收入 − 生产经营性支出 = {out['annual']} − {out['cost']} = {out['net']} 元"
    )
    assert per_capita.endswith(f"÷ {out['size']} 人 = {out['per_capita']} 元")
    assert [line["key"] for line in out["lines"]] == ["exit", "monitoring"]
    assert out["lines"][0]["sentence"].startswith(f"人均纯收入 {out['per_capita']} 元，")


def test_no_member_counted_means_no_per_capita():
    document = sample_document()
    for member in document["members"]:
        member["change_reason"] = "迁出"
    out = explain.income_arithmetic(document, [EXIT])
    assert out["per_capita"] is None and out["size"] == 0
    assert out["steps"][2] == "人均纯收入：没有计入家庭人口的成员，无法计算"
    assert out["lines"][0]["on_side"] is False


def test_no_income_at_all_reads_zero():
    out = explain.income_arithmetic({"members": [{"id": "x", "name": "甲"}]}, [])
    assert out["steps"][0] == "年收入 = 0.00 = 0.00 元"
