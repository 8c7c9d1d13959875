"""The shortcuts that make validation cheap give the answers of the plain rules they replace."""

import copy
import datetime as dt
import random
import re
from decimal import Decimal

import pytest

from server.domain import conditions, forms, idcard, money, validation
from server.domain.sample import sample_document

ANNEX1 = forms.load("annex1")
ON = dt.date(2020, 10, 12)
# ASCII, Arabic-Indic and full-width digits: `\d` and int() accept all three.
DIGITS = "0123456789" + "٠١٢٣٤٥٦٧٨٩" + "０１２３４５６７８９"


def test_check_character_is_the_weighted_sum_of_the_standard():
    rng = random.Random(11643)
    for _ in range(5000):
        first17 = "".join(rng.choice(DIGITS) for _ in range(17))
        total = sum(int(d) * w for d, w in zip(first17, idcard.WEIGHTS, strict=True))
        assert idcard.check_char(first17) == idcard.CHECK_CHARS[total % 11], first17


def test_read_valid_is_birth_date_and_sex():
    number = idcard.make("610526", "1968-04-12", 31)
    assert idcard.read_valid(number) == (idcard.birth_date(number), idcard.sex(number))
    assert idcard.completed_years(dt.date(1968, 4, 12), ON) == idcard.age(number, ON) == 52


@pytest.mark.parametrize(
    "value",
    ["1234.50", " 12 ", "5.", ".5", "-0.00", "+3", "1.234", "00012.5", "١٢.٣٤", "0.000", "7"],
)
def test_places_counted_from_the_text_are_the_exponent(value):
    amount, places = money.parse_with_places(value)
    assert amount == money.parse(value)
    assert str(amount) == str(money.parse(value))
    assert places == money.places(money.parse(value))


@pytest.mark.parametrize(
    "value", [12, Decimal("1.005"), 100.5, "1e3", "NaN", "1,000", "", None, True]
)
def test_parse_with_places_agrees_with_parse_for_anything_else(value):
    try:
        expected = money.parse(value)
    except money.MoneyError:
        with pytest.raises(money.MoneyError):
            money.parse_with_places(value)
        return
    assert money.parse_with_places(value) == (expected, money.places(expected))


def test_plain_amount_text_is_the_regex_of_the_contract():
    plain = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
    rng = random.Random(1259)
    alphabet = "0123456789.+-eE_ x" + "٣５²"
    samples = ["", ".", "+", "-.", "5.", ".5", "+.5", "..5", "5..", "1.2.3", "+-5", "1e3", "١٢.٥"]
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(20000)
    ]
    for text in samples:
        assert money.is_plain(text) == bool(plain.fullmatch(text)), repr(text)


LOCALS = [{}, {"a": "x"}, {"a": ["x", "y"]}, {"a": []}, {"a": ""}, {"a": 0}, {"a": None}]
DOCUMENTS = [{}, {"household": {"status": "已脱贫"}}, {"household": []}, {"household": {"b": 1}}]
CONDITIONS = [
    None,
    {"field": "a", "in": ["x"]},
    {"field": "a", "eq": "x"},
    {"field": "a", "eq": 0},
    {"field": "a", "filled": True},
    {"field": "a", "filled": False},
    {"field": "household.status", "in": ["已脱贫", "未脱贫"]},
    {"field": "household.b", "filled": 1},
    {"not": {"field": "a", "in": ["x", "y"]}},
    {"all": [{"field": "a", "filled": True}, {"not": {"field": "a", "eq": "y"}}]},
    {"any": [{"field": "a", "eq": "z"}, None, {"field": "household.status", "eq": "已脱贫"}]},
    {"all": []},
    {"any": []},
]


@pytest.mark.parametrize("cond", CONDITIONS)
def test_compiled_conditions_answer_as_holds(cond):
    test = conditions.predicate(cond)
    for local in LOCALS:
        for document in DOCUMENTS:
            expected = conditions.holds(cond, local, document)
            assert (True if test is None else test(local, document)) == expected


def test_every_condition_of_annex1_compiles_to_the_same_answers():
    for section in ANNEX1["sections"]:
        for field in section["fields"]:
            cond = field.get("relevant")
            for local in LOCALS + [{"health": ["残疾"]}, {"measure": "教育支持"}]:
                for document in DOCUMENTS:
                    test = conditions.predicate(cond)
                    expected = conditions.holds(cond, local, document)
                    assert (True if test is None else test(local, document)) == expected


def test_a_malformed_condition_fails_when_asked_as_before():
    test = conditions.predicate({"all": [{"field": "a", "eq": 1}, {"field": "a", "bogus": 1}]})
    assert test({}, {}) is False  # the first part is false: the second is never read
    with pytest.raises(ValueError, match="unknown condition"):
        test({"a": 1}, {})


def test_a_definition_is_compiled_once_and_a_copy_anew():
    assert validation.compiled(ANNEX1) is validation.compiled(ANNEX1)
    edited = copy.deepcopy(ANNEX1)
    household = next(s for s in edited["sections"] if s["key"] == "household")
    next(f for f in household["fields"] if f["key"] == "group")["required"] = False
    doc = sample_document()
    del doc["household"]["group"]
    assert validation.compiled(edited) is not validation.compiled(ANNEX1)
    assert any(
        m["path"] == "household.group" for m in validation.validate(ANNEX1, doc, reference_date=ON)
    )
    assert not any(
        m["path"] == "household.group" for m in validation.validate(edited, doc, reference_date=ON)
    )


def test_an_empty_option_still_counts_as_not_filled():
    definition = {
        "sections": [
            {
                "key": "s",
                "kind": "group",
                "fields": [
                    {"key": "pick", "label": "选项", "type": "select", "options": ["", "甲"],
                     "required": True},
                    {"key": "yes", "label": "是否", "type": "boolean", "required": True},
                ],
            }
        ]
    }  # fmt: skip
    messages = validation.validate(definition, {"s": {"pick": "", "yes": 1}}, reference_date=ON)
    assert messages == [
        {"path": "s.pick", "message": "请填写选项", "severity": "error"},
        {"path": "s.yes", "message": "是否应为“是”或“否”", "severity": "error"},
    ]


def test_check_value_still_gives_problem_and_parsed_value():
    fields = {f["key"]: f for s in ANNEX1["sections"] for f in s["fields"]}
    assert validation.check_value(fields["exit_year"], "2013") == ("脱贫年度不能小于2014", 2013)
    assert validation.check_value(fields["wage_migrant"], "12.5") == (None, Decimal("12.5"))
    assert validation.check_value(fields["other_causes"], ["因病", "因残", "因学"]) == (
        "其他致贫原因最多选择2项",
        ["因病", "因残", "因学"],
    )
    assert validation.check_value(fields["relation"], "户主") == (None, "户主")
