"""The pure rules under the documents for people: masking, the notice period, why one is listed,
and a stored answer as printed under its form label."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain import idcard, notices
from server.reports import formfields


def test_an_id_number_keeps_its_first_and_last_four():
    assert idcard.mask("61052619800101123X") == "6105**********123X"
    assert idcard.mask(" 61052619800101123x ") == "6105**********123X"


@given(
    st.dates(dt.date(1900, 1, 1), dt.date(2020, 12, 31)), st.integers(min_value=0, max_value=999)
)
def test_every_valid_number_shows_eight_characters_and_ten_stars(born, seq):
    number = idcard.make("610526", born, seq)
    masked = idcard.mask(number)
    assert masked == number[:4] + "*" * 10 + number[-4:]
    assert f"{born:%Y%m%d}" not in masked


@given(st.text(max_size=40))
def test_a_value_that_is_no_id_number_never_shows_more_than_one_would(value):
    masked = idcard.mask(value)
    shown = [c for c in masked if c != "*"]
    assert len(shown) <= 8
    if len(idcard.normalize(value)) not in (15, 18):
        assert shown == []


def test_masking_nothing_gives_nothing():
    assert idcard.mask("") == "" and idcard.mask(None) == ""


def test_a_notice_runs_five_to_seven_days_both_ends_counted():
    assert notices.period(dt.date(2021, 8, 16), 5) == (dt.date(2021, 8, 16), dt.date(2021, 8, 20))
    start, end = notices.period(dt.date(2020, 12, 28), 7)
    assert notices.period_text(start, end) == "2020年12月28日至2021年1月3日"
    assert notices.period_text(dt.date(2021, 8, 16), dt.date(2021, 8, 20)) == (
        "2021年8月16日至8月20日"
    )
    for days in (4, 8, 0):
        with pytest.raises(ValueError, match="公示期应为5至7天"):
            notices.period(dt.date(2021, 8, 16), days)


def test_the_campaign_kind_decides_what_a_notice_is_about():
    assert notices.subject_for("退出验收").key == "exit"
    assert notices.subject_for("识别").key == "identification"
    assert notices.subject_for("回头看").key == "monitoring"
    assert notices.subject_for("退出验收", "monitoring").key == "monitoring"


def test_the_reason_says_the_verdict_in_the_lines_own_word():
    line = {"key": "exit", "purpose": "exit", "amount": "4000.00", "comparison": "超过"}
    said = notices.reason(
        "exit",
        main_cause="因病",
        per_capita="4210.5",
        exit_line=line,
        monitoring=None,
        risks=[],
    )
    assert said == "年人均纯收入4210.50元，超过4000元；两不愁三保障达标"
    assert (
        notices.reason(
            "monitoring",
            main_cause=None,
            per_capita="3000.00",
            exit_line=None,
            monitoring="边缘易致贫户",
            risks=["因病", "因学"],
        )
        == "边缘易致贫户：因病、因学"
    )
    assert (
        notices.reason(
            "identification",
            main_cause="缺技术",
            per_capita=None,
            exit_line=None,
            monitoring=None,
            risks=None,
        )
        == "缺技术"
    )


def test_only_the_households_a_subject_names_are_listed():
    assert notices.listed("exit", "未脱贫", True, None)
    assert not notices.listed("exit", "未脱贫", False, None)
    assert not notices.listed("exit", "已脱贫", True, None)
    assert notices.listed("identification", "未脱贫", False, None)
    assert notices.listed("monitoring", "已脱贫", False, "脱贫不稳定户")
    assert not notices.listed("monitoring", "未脱贫", False, None)


def test_answers_print_under_the_form_labels():
    document = {
        "household": {"status": "已脱贫", "land_cultivated": "6.5", "cooperative": False},
        "members": [{"id": "m1", "name": "王芳", "health": ["长期慢性病", "残疾"]}],
        "measures": [{"id": "x", "measure": "教育支持", "member_id": "m1", "amount": "500.00"}],
    }
    pairs = dict(formfields.pairs(document, "household", ("land_cultivated", "cooperative")))
    assert pairs == {"耕地面积（亩）": "6.5", "是否加入农民专业合作社": "否"}
    members = formfields.grid(document, "members", ("name", "health"))
    assert members["headings"] == ["姓名", "健康状况"]
    assert members["rows"] == [["王芳", "长期慢性病、残疾"]]
    measures = formfields.grid(document, "measures", ("measure", "member_id", "amount"))
    assert measures["rows"] == [["教育支持", "王芳", "500.00"]]


def test_a_value_left_from_an_answer_no_longer_asked_is_not_printed():
    document = {"household": {"status": "非建档立卡户", "exit_year": 2018}}
    assert dict(formfields.pairs(document, "household", ("exit_year",))) == {"脱贫年度": ""}
    document["household"]["status"] = "已脱贫"
    assert dict(formfields.pairs(document, "household", ("exit_year",))) == {"脱贫年度": "2018"}
