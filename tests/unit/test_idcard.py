import datetime as dt

import pytest

from server.domain import idcard

# The two worked examples printed in GB 11643-1999 itself.
STANDARD_FEMALE = "11010519491231002X"
STANDARD_MALE = "440524188001010014"


def test_the_standard_examples_are_valid():
    assert idcard.is_valid(STANDARD_FEMALE)
    assert idcard.is_valid(STANDARD_MALE)


def test_check_character_of_the_examples():
    assert idcard.check_char(STANDARD_FEMALE[:17]) == "X"
    assert idcard.check_char(STANDARD_MALE[:17]) == "4"


def test_a_wrong_check_character_is_named():
    wrong = STANDARD_MALE[:17] + "5"
    assert not idcard.is_valid(wrong)
    assert idcard.problem(wrong) == "身份证号校验位不正确"


def test_lowercase_x_is_accepted_and_normalised():
    assert idcard.is_valid(STANDARD_FEMALE.lower())
    assert idcard.normalize(" 11010519491231002x ") == STANDARD_FEMALE


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("1101051949123100", "身份证号应为18位，前17位为数字，末位为数字或X"),
        ("11010519491231002Y", "身份证号应为18位，前17位为数字，末位为数字或X"),
        ("110105194902300021", "身份证号中的出生日期无效"),
        ("110105179912310021", "身份证号中的出生日期无效"),
        ("110105491231002", "请填写18位身份证号（15位旧号码需升级）"),
        (12345, "身份证号应为文本"),
    ],
)
def test_invalid_shapes_and_dates(number, reason):
    assert idcard.problem(number) == reason
    assert not idcard.is_valid(number)


def test_birth_date_and_sex():
    assert idcard.birth_date(STANDARD_FEMALE) == dt.date(1949, 12, 31)
    assert idcard.sex(STANDARD_FEMALE) == "女"
    assert idcard.birth_date(STANDARD_MALE) == dt.date(1880, 1, 1)
    assert idcard.sex(STANDARD_MALE) == "男"


def test_birth_date_of_an_invalid_number_raises():
    with pytest.raises(ValueError, match="校验位"):
        idcard.birth_date(STANDARD_FEMALE[:17] + "1")


def test_upgrade15_inserts_19_and_the_check():
    assert idcard.upgrade15("110105491231002") == STANDARD_FEMALE
    with pytest.raises(ValueError):
        idcard.upgrade15("11010549123100")


def test_fifteen_digit_numbers_still_give_birth_date_and_sex():
    assert idcard.birth_date("110105491231002") == dt.date(1949, 12, 31)
    assert idcard.sex("110105491231002") == "女"


def test_mask_keeps_four_and_four():
    assert idcard.mask("61022419800101123X") == "6102**********123X"
    assert len(idcard.mask(STANDARD_MALE)) == 18


def test_make_builds_valid_numbers_with_the_right_sex():
    man = idcard.make("610526", dt.date(1968, 4, 12), 31)
    woman = idcard.make("610526", "1970-11-03", 42)
    assert man.startswith("61052619680412031")
    assert idcard.is_valid(man) and idcard.is_valid(woman)
    assert idcard.sex(man) == "男" and idcard.sex(woman) == "女"
    assert idcard.birth_date(woman) == dt.date(1970, 11, 3)


@pytest.mark.parametrize(("area", "seq"), [("61052", 1), ("610526", 1000), ("610526", -1)])
def test_make_rejects_bad_parts(area, seq):
    with pytest.raises(ValueError):
        idcard.make(area, "1970-01-01", seq)


def test_age_counts_completed_years():
    number = idcard.make("610526", "1980-06-15", 1)
    assert idcard.age(number, dt.date(2020, 6, 14)) == 39
    assert idcard.age(number, dt.date(2020, 6, 15)) == 40


# One valid number for each of the 11 check characters. The check characters were worked out by
# ISO 7064 MOD 11-2 as the standard defines it, p = (p + digit) * 2 mod 11 over the 17 digits and
# check = (12 - p) mod 11 (10 written X), not by the weight table of server/domain/idcard.py; the
# first is worked by hand: the weighted sum of 11010519491231007 is 177, 177 mod 11 = 1, which GB
# 11643's table maps to 0. The X is the standard's own example.
BY_CHECK_CHARACTER = {
    "0": "110105194912310070",
    "1": "110105194912310011",
    "2": "110105194912310062",
    "3": "110105194912310003",
    "4": "440524188001010014",  # the standard's other example
    "5": "110105194912310185",
    "6": "110105194912310046",
    "7": "110105194912310097",
    "8": "110105194912310038",
    "9": "110105194912310089",
    "X": "11010519491231002X",
}


def test_the_examples_cover_every_check_character():
    assert sorted(BY_CHECK_CHARACTER) == [*"0123456789", "X"]
    assert all(number[17] == char for char, number in BY_CHECK_CHARACTER.items())


@pytest.mark.parametrize(("char", "number"), sorted(BY_CHECK_CHARACTER.items()))
def test_each_check_character_is_computed_and_only_it_is_accepted(char, number):
    assert idcard.check_char(number[:17]) == char
    assert idcard.checked(number) == (None, number)
    for other in "0123456789X":
        if other != char:
            assert idcard.problem(number[:17] + other) == "身份证号校验位不正确", other
