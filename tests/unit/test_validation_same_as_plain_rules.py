"""The quick forms validation runs on give the answers of the plain rules they stand for.

Conditions and the form are compiled once, ID numbers and amounts are read by a pattern and
remembered; each is compared here with the rule as the standard or the contract writes it.
"""

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
# ASCII, Arabic-Indic and full-width digits: int() and a Unicode `\d` read all three; a number
# of a form is written in the first only.
DIGITS = "0123456789" + "٠١٢٣٤٥٦٧٨٩" + "０１２３４５６７８９"


def test_check_character_is_the_weighted_sum_of_the_standard():
    rng = random.Random(11643)
    for n in range(5000):
        first17 = "".join(rng.choice(DIGITS[:10] if n % 2 else DIGITS) for _ in range(17))
        if not first17.isascii():
            with pytest.raises(ValueError, match="需要17位数字"):
                idcard.check_char(first17)
            continue
        total = sum(int(d) * w for d, w in zip(first17, idcard.WEIGHTS, strict=True))
        assert idcard.check_char(first17) == idcard.CHECK_CHARS[total % 11], first17


def test_read_valid_is_birth_date_and_sex():
    number = idcard.make("610526", "1968-04-12", 31)
    assert idcard.read_valid(number) == (idcard.birth_date(number), idcard.sex(number))
    assert idcard.completed_years(dt.date(1968, 4, 12), ON) == idcard.age(number, ON) == 52


@pytest.mark.parametrize(
    "value",
    ["1234.50", " 12 ", "5.", ".5", "-0.00", "+3", "1.234", "00012.5", "0.000", "7"],
)
def test_places_counted_from_the_text_are_the_exponent(value):
    amount, places = money.parse_with_places(value)
    assert amount == money.parse(value)
    assert str(amount) == str(money.parse(value))
    assert places == money.places(money.parse(value))


@pytest.mark.parametrize(
    "value", [12, Decimal("1.005"), 100.5, "1e3", "NaN", "1,000", "", None, True, "١٢.٣٤", "１２"]
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
    plain = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", re.ASCII)
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


def test_id_number_shape_is_the_regex_of_the_standard():
    rng = random.Random(11643)
    alphabet = "0123456789Xx \n" + "٣５"
    samples = [idcard.make("610526", "1968-04-12", 31), "61052619680412031x\n", "６" * 18]
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(14, 20))) for _ in range(5000)
    ]
    shape_problems = {
        "身份证号应为18位，前17位为数字，末位为数字或X",
        "请填写18位身份证号（15位旧号码需升级）",
    }
    for text in samples:
        shaped = bool(idcard._SHAPE18.match(text.strip().upper()))  # noqa: SLF001
        assert (idcard.checked(text)[0] not in shape_problems) == shaped, repr(text)


def test_read_valid_gives_the_same_reading_looked_up_or_parsed():
    numbers = [
        idcard.make("610526", dt.date(1950, 1, 1) + dt.timedelta(days=97 * n), n)
        for n in range(600)
    ]
    for number in numbers:
        assert idcard.checked(number) == (None, number)
        assert idcard.read_valid(number) == (idcard.birth_date(number), idcard.sex(number))
    # The first ones were dropped when the readings were cleared: parsed again, same answer.
    assert idcard.read_valid(numbers[0]) == (dt.date(1950, 1, 1), "女")


def test_read_plain_is_decimal_of_a_plain_text():
    rng = random.Random(97)
    alphabet = "0123456789.+- eE" + "٣５"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        expected = Decimal(text) if money.is_plain(text) else None
        assert repr(money.read_plain(text)) == repr(expected), repr(text)


@pytest.mark.parametrize(
    "cond",
    [
        {"field": "a", "in": ["x", 0]},  # not all text: compared one by one, as a list
        {"not": {"field": "household.status", "in": ["已脱贫"]}},
        {"not": {"field": "a", "in": ["x"], "eq": "y"}},
        {"not": {"field": "a", "eq": "x"}},
        {"not": {"field": "a", "in": "x"}},
    ],
)
def test_other_shapes_of_in_answer_as_holds(cond):
    test = conditions.predicate(cond)
    for local in LOCALS + [{"a": ["y", "x"]}, {"a": ["y"]}]:
        for document in DOCUMENTS:
            assert _answer(test, local, document) == _answer(
                conditions.holds, cond, local, document
            )


def _answer(function, *args):
    try:
        return function(*args)
    except TypeError as exc:  # a malformed condition fails the same way
        return type(exc)


def test_only_plain_conditions_never_raise():
    assert all(conditions.never_raises(c) for c in CONDITIONS)
    assert not conditions.never_raises({"all": [{"field": "a", "eq": 1}, {"field": "a", "x": 1}]})
    assert not conditions.never_raises({"not": {"field": 3, "eq": 1}})


def _reordered(value, rng):
    """The same document with the keys of every section and row in a random order."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _reordered(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_reordered(v, rng) for v in value]
    return value


def test_messages_are_in_form_order_whatever_the_order_of_the_keys():
    doc = sample_document()
    head = doc["members"][0]
    head.update(sex="女", name="", birth_date="1968-13-01", health=["残疾"], migrant_months=20)
    del head["ethnicity"]
    doc["household"].update(exit_year=1999, group="", phone="123", land_returned="9")
    doc["income"].update(wage_local="12.345", transfer_dibao="50")
    doc["signoff"] = {"visit_date": "2020-02-30"}
    rng = random.Random(5)
    for complete in (True, False):
        expected = validation.validate(ANNEX1, doc, reference_date=ON, check_required=complete)
        assert len(expected) >= 9
        for _ in range(20):
            shuffled = _reordered(doc, rng)
            got = validation.validate(ANNEX1, shuffled, reference_date=ON, check_required=complete)
            assert got == expected


def _definition(fields: list[dict], kind: str = "repeat") -> dict:
    return {"sections": [{"key": "s", "kind": kind, "fields": fields}]}


def test_a_row_field_named_id_never_sees_the_row_id():
    definition = _definition(
        [
            {"key": "id", "label": "编号", "type": "text", "required": True},
            {"key": "note", "label": "备注", "type": "text", "required": True,
             "relevant": {"field": "id", "filled": False}},
        ]
    )  # fmt: skip
    row_id = "00000000-0000-4000-8000-000000000001"
    messages = validation.validate(definition, {"s": [{"id": row_id}]}, reference_date=ON)
    assert messages == [
        {"path": f"s.{row_id}.id", "message": "请填写编号", "severity": "error"},
        {"path": f"s.{row_id}.note", "message": "请填写备注", "severity": "error"},
    ]


def test_a_malformed_condition_still_fails_validation_when_its_field_is_absent():
    definition = _definition(
        [{"key": "a", "label": "甲", "type": "text", "relevant": {"field": "b", "bogus": 1}}],
        kind="group",
    )
    with pytest.raises(ValueError, match="unknown condition"):
        validation.validate(definition, {"s": {}}, reference_date=ON)


def test_fields_that_share_a_condition_are_each_required():
    fields = {f["key"]: f for s in ANNEX1["sections"] for f in s["fields"]}
    assert fields["disability_kind"]["relevant"] == fields["disability_grade"]["relevant"]
    doc = sample_document()
    doc["members"][0]["health"] = ["残疾"]
    paths = [m["path"] for m in validation.validate(ANNEX1, doc, reference_date=ON)]
    row = doc["members"][0]["id"]
    assert paths[:2] == [f"members.{row}.disability_kind", f"members.{row}.disability_grade"]
