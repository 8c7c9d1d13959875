"""Area codes: the level by length, the parent by prefix, a row's faults in words."""

import pytest

from server.domain.areacodes import checked_row, level_of, parent_code


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("610526", "county", None),
        ("610526001", "township", "610526"),
        ("610526001001", "village", "610526001"),
        ("61052600100101", "group", "610526001001"),
    ],
)
def test_a_code_says_its_level_and_its_parent(code, level, parent):
    assert level_of(code) == level
    assert parent_code(code) == parent


@pytest.mark.parametrize(
    "code", ["61052", "6105260011", "61052600100a", "６１０５２６", "", "x" * 12]
)
def test_other_codes_have_no_level(code):
    assert level_of(code) is None


def test_a_row_is_trimmed_and_checked_field_by_field():
    row, errors = checked_row(" 610526001001 ", " 东坪村 ")
    assert row == {"code": "610526001001", "name": "东坪村", "level": "village"} and errors == {}
    _, errors = checked_row("61052600100", "")
    assert set(errors) == {"code", "name"}
    assert "12位（村）" in errors["code"] and errors["name"] == "名称不能为空"
    assert "60" in checked_row("610526001", "乡" * 61)[1]["name"]
    assert "控制字符" in checked_row("610526001", "城关\u0000镇")[1]["name"]
    assert set(checked_row(610526001, None)[1]) == {"code", "name"}  # not text at all
