"""Each field's quick check gives the answer of the general check it stands in for.

Each quick check recognises the usual wire form (an unsigned "1234.50", a "yyyy-mm-dd" date, an
18-digit ID number, a listed option, a name of an allowed length) and leaves everything else to
the general check; these tests compare the two on random text.
"""

import copy
import dataclasses
import datetime as dt
import random
import re
from decimal import Decimal

import pytest

from server.domain import fieldchecks, forms, idcard, money, validation
from server.domain.sample import sample_document

ANNEX1 = forms.load("annex1")
ON = dt.date(2020, 10, 12)
FIELDS = {f["key"]: f for s in ANNEX1["sections"] for f in s["fields"]}
# ASCII, Arabic-Indic and full-width digits: a Unicode `\d`, isdecimal() and int() accept all
# three; the numbers of a form are written in the first only.
DIGITS = "0123456789" + "٠١٢٣٤٥٦٧٨٩" + "０１２３４５６７８９"


def _texts(alphabet: str, count: int, longest: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    lengths = [rng.randint(0, longest) for _ in range(count)]
    return ["".join(rng.choice(alphabet) for _ in range(n)) for n in lengths]


def _general_money(field: dict, value):
    """_money()'s check as it was: money's own reading, then places, then bounds."""
    label = field["label"]
    try:
        amount, places = money.parse_with_places(value)
    except money.MoneyError:
        return f"{label}应为金额（如 1234.50）", None
    if places > 2:
        return f"{label}最多保留两位小数", None
    if "min" in field and amount < Decimal(str(field["min"])):
        return f"{label}不能小于{field['min']}{field.get('unit', '')}", amount
    if "max" in field and amount > Decimal(str(field["max"])):
        return f"{label}不能大于{field['max']}{field.get('unit', '')}", amount
    return None, amount


def test_an_amount_is_read_as_money_reads_it():
    field = FIELDS["wage_migrant"]
    check = fieldchecks.checker(field)
    samples = ["1234.50", "0.00", "-5.00", "5.5", "12.345", "١٢.٣٤", " 7.00", "7.00 ", ".50"]
    samples += _texts("0123456789.-+ e" + "٣５", 20000, 8, seed=1234)
    for value in samples:
        got, expected = check(value), _general_money(field, value)
        assert repr(got) == repr(expected), repr(value)  # repr: Decimal("1.50") is not "1.5"


def test_a_decimal_is_read_as_a_plain_amount():
    field = FIELDS["land_forest"]  # 0 to 100000 亩
    check = fieldchecks.checker(field)
    for value in [
        "2.3",
        "0",
        "100000",
        "100000.01",
        "5.",
        ".5",
        "-1",
        " 3 ",
        "٣.٥",
        *_texts("0123456789.-+ eE" + "٣５", 20000, 8, seed=97),
    ]:
        number = money.read_plain(value.strip())
        if number is None:
            expected = (f"{field['label']}应为数字", None)
        elif number > 100000:
            expected = (f"{field['label']}不能大于100000亩", number)
        elif number < 0:
            expected = (f"{field['label']}不能小于0亩", number)
        else:
            expected = (None, number)
        assert repr(check(value)) == repr(expected), repr(value)


def test_a_date_is_the_regex_then_fromisoformat():
    check = fieldchecks.checker(FIELDS["visit_date"])
    pattern = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
    samples = ["2020-10-12", "2020-02-30", "2020-13-01", "٢٠٢٠-١٠-١٢", "2020-W01-1", "20201012"]
    samples += _texts("0123456789-W" + "٣", 20000, 11, seed=8601)
    samples += ["".join(random.Random(n).choice("0123456789") for _ in range(8)) for n in range(50)]
    for value in samples:
        try:
            expected = (None, dt.date.fromisoformat(value)) if pattern.fullmatch(value) else None
        except ValueError:
            expected = None
        assert check(value) == (expected or ("调查日期应为日期（年-月-日）", None)), repr(value)


def test_a_phone_number_is_what_the_regex_matches():
    check = fieldchecks.checker(FIELDS["phone"])
    samples = ["13800000000", "1380000000", "23800000000", "13800000000\n", "1３800000000"]
    samples += ["1" + t for t in _texts("0123456789 \n" + "٣５", 20000, 11, seed=11)]
    for value in samples:
        ok = bool(fieldchecks.PHONE.match(value))
        assert check(value) == ((None, value) if ok else ("手机号应为11位数字", None)), repr(value)


@pytest.mark.parametrize("value", [2013, 2014, 2030, 2031, -(10**30), 10**30, True, "2019", 2019.0])
def test_whole_bounds_compared_as_int_answer_as_decimal(value):
    check = fieldchecks.checker(FIELDS["exit_year"])  # 2014 to 2030
    within = fieldchecks._within(FIELDS["exit_year"], "脱贫年度")  # noqa: SLF001
    if type(value) is int:
        assert check(value) == within(value)
    elif isinstance(value, str):
        assert check(value) == within(int(value))
    else:
        assert check(value) == ("脱贫年度应为整数", None)


def test_int_if_whole_keeps_every_comparison():
    rng = random.Random(1259)
    bounds = [Decimal("2014"), Decimal("0.5"), Decimal("-3"), Decimal("1E+3"), Decimal("Infinity")]
    bounds.append(Decimal("-Infinity"))
    for bound in bounds:
        whole = fieldchecks._int_if_whole(bound)  # noqa: SLF001
        for n in [rng.randint(-5000, 5000) for _ in range(500)] + [10**40, -(10**40)]:
            assert (n < whole, n > whole, n == whole) == (n < bound, n > bound, n == bound)


def _general_idcard(number):
    """idcard.checked() as it was: upper-case, the regex, then _read() and _check_char()."""
    if not isinstance(number, str):
        return "身份证号应为文本", None
    n = number.strip().upper()
    if not idcard._SHAPE18.match(n):  # noqa: SLF001
        if idcard._SHAPE15.match(n):  # noqa: SLF001
            return "请填写18位身份证号（15位旧号码需升级）", None
        return "身份证号应为18位，前17位为数字，末位为数字或X", None
    born, _ = idcard._read(n)  # noqa: SLF001
    if born is None or born.year < 1800:
        return "身份证号中的出生日期无效", None
    if idcard._check_char(n[:17]) != n[17]:  # noqa: SLF001
        return "身份证号校验位不正确", None
    return None, n


def test_an_id_number_is_checked_as_the_standard_says():
    rng = random.Random(11643)
    samples = [idcard.make("610526", "1968-04-12", 31), "17000101" * 2 + "00", 610526196804120315]
    for _ in range(4000):
        born = dt.date(rng.randint(1790, 2030), rng.randint(1, 12), rng.randint(1, 28))
        good = idcard.make("610526", born, rng.randint(0, 999))
        position = rng.randrange(18)
        samples += [
            good,
            good.lower(),
            f" {good} ",
            good[:position] + rng.choice(DIGITS + "Xx ") + good[position + 1 :],
            good[:6] + rng.choice(["19620230", "19621304", "00000101", "17991231"]) + good[14:],
            good[:15],
            "".join(rng.choice(DIGITS) if c.isdigit() else c for c in good),
        ]
    for number in samples:
        expected = _general_idcard(number)
        assert idcard.checked(number) == expected, repr(number)
        if expected[0] is None:
            n = expected[1]
            assert idcard.read_valid(n) == (idcard._read(n)[0], idcard._read(n)[1])  # noqa: SLF001


def _checking_every_value(definition: dict) -> dict:
    """A copy of the definition whose compiled form has every "valid as it stands" set emptied.

    Every value then goes through its field's check(): the answers must not change.
    """
    plain = copy.deepcopy(definition)
    form = validation.compiled(definition)
    sections = []
    for section in form.sections:
        fields = {
            key: (frozenset(), -1, frozenset(), *field[3:]) for key, field in section.fields.items()
        }
        sections.append(dataclasses.replace(section, fields=fields, yes_no=frozenset()))
    validation._COMPILED[id(plain)] = (plain, form._replace(sections=tuple(sections)))  # noqa: SLF001
    return plain


@pytest.mark.parametrize("complete", [True, False])
def test_values_valid_as_they_stand_are_those_check_accepts(complete):
    plain = _checking_every_value(ANNEX1)
    rng = random.Random(3)
    doc = sample_document()
    pool = [True, False, 1, 0, None, "", "户主", "汉族", "健康", ["健康"], ["残疾"]]
    pool += [
        ["健康", "健康"],
        "王" * 30,
        "王" * 31,
        "x" * 101,
        ["因病"],
        ["因病", "缺水", "因学"],
        "A",
        5,
        [1],
        [[]],
    ]
    for _ in range(300):
        edited = copy.deepcopy(doc)
        for _ in range(6):
            section = rng.choice(["household", "causes", "signoff", "guarantees"])
            edited[section][rng.choice([f["key"] for f in _fields(section)])] = rng.choice(pool)
            row = rng.choice(edited["members"] + edited["helpers"])
            row[rng.choice([f["key"] for f in _fields("members")])] = rng.choice(pool)
        expected = validation.validate(plain, edited, reference_date=ON, check_required=complete)
        got = validation.validate(ANNEX1, edited, reference_date=ON, check_required=complete)
        assert got == expected


def _fields(section: str) -> list[dict]:
    return next(s for s in ANNEX1["sections"] if s["key"] == section)["fields"]
