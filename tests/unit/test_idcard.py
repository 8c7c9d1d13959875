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
