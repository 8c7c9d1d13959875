"""What a campaign must hold, copying it a year on, and what a carried household keeps."""

from datetime import date

import pytest

from server.domain.campaigns import CampaignInvalid, carried_document, next_year, validate
from server.domain.sample import sample_document


def _raw(**changes) -> dict:
    return {
        "name": "2021年度退出验收",
        "kind": "退出验收",
        "year": "2021",
        "area_id": "1",
        "period_start": "2020-10-01",
        "period_end": "2021-09-30",
        "lines": [
            {"label": "退出标准", "amount": "4000", "comparison": "超过", "purpose": "exit"},
            {"label": "4500元", "amount": "4500", "comparison": "低于"},
        ],
        "stages": [{"name": "入户调查", "due": "2021-10-20"}],
    } | changes


def _fields(raw: dict) -> dict:
    with pytest.raises(CampaignInvalid) as e:
        validate(raw)
    return e.value.fields


def test_a_form_as_typed_is_stored_in_the_campaigns_terms():
    out = validate(_raw())
    assert out["year"] == 2021 and out["area_id"] == 1
    assert out["period_start"] == date(2020, 10, 1)
    assert out["lines"] == [
        {
            "key": "exit",
            "label": "退出标准",
            "purpose": "exit",
            "amount": "4000.00",
            "comparison": "超过",
        },
        {
            "key": "below_4500",
            "label": "4500元",
            "purpose": "statistic",
            "amount": "4500.00",
            "comparison": "低于",
        },
    ]
    assert out["report_states"] == ["approved", "accepted"]


@pytest.mark.parametrize(
    ("line", "path", "message"),
    [
        ({"amount": "-1"}, "lines.0.amount", "金额应大于 0"),
        ({"amount": "0.00"}, "lines.0.amount", "金额应大于 0"),
        ({"amount": "四千"}, "lines.0.amount", "金额应为数字，最多两位小数"),
        ({"amount": "4000.001"}, "lines.0.amount", "金额应为数字，最多两位小数"),
        (
            {"comparison": "大于"},
            "lines.0.comparison",
            "请选择比较方式：超过、以上、以下、以内、低于、不满",
        ),
        ({"label": " "}, "lines.0.label", "请填写收入线名称"),
        ({"purpose": "other"}, "lines.0.purpose", "请选择用途：退出标准、监测标准、统计口径"),
        ({"key": "Exit"}, "lines.0.key", "代码应为小写字母开头的字母、数字或下划线"),
    ],
)
def test_each_line_is_checked_with_a_message_on_its_field(line, path, message):
    raw = _raw()
    raw["lines"][0] |= line
    assert _fields(raw) == {path: [message]}


def test_period_and_stages_fall_in_order():
    assert _fields(_raw(period_end="2020-09-30")) == {
        "period_end": ["统计期结束日期不能早于开始日期"]
    }
    assert _fields(_raw(period_end="2024-01-01")) == {"period_end": ["统计期不能超过两年"]}
    stages = [{"name": "乡镇审核", "due": "2021-11-01"}, {"name": "入户调查", "due": "2021-10-01"}]
    assert _fields(_raw(stages=stages)) == {"stages.1.due": ["截止日期不能早于上一阶段"]}
    late = [{"name": "县级验收", "due": "2024-01-01"}]
    assert _fields(_raw(stages=late)) == {
        "stages.0.due": ["截止日期应在统计期开始之后、结束后两年之内"]
    }
    assert _fields(_raw(stages=[{"name": "x", "due": "2021-02-30"}])) == {
        "stages.0.due": ["请填写截止日期（年-月-日）"]
    }


def test_every_message_at_once_and_nothing_in_english():
    fields = _fields(_raw(name="", kind="普查", year="20x1", lines=[], report_states=[]))
    assert set(fields) == {"name", "kind", "year", "lines", "report_states"}
    assert all(all("\u4e00" <= m[0] <= "\u9fff" for m in ms) for ms in fields.values())


def test_next_year_moves_the_year_the_period_and_the_stages():
    campaign = validate(_raw(period_start="2020-02-29", period_end="2021-02-28")) | {"id": 7}
    out = next_year(campaign)
    assert out["name"] == "2022年度退出验收" and out["year"] == 2022
    assert out["period_start"] == date(2021, 2, 28)  # no 29 February in 2021
    assert out["stages"] == [{"name": "入户调查", "due": "2022-10-20"}]
    assert out["lines"] == campaign["lines"] and out["lines"] is not campaign["lines"]
    assert out["source_campaign_id"] == 7
    validate(out)  # a copy is a campaign the rules accept


def test_a_carried_household_keeps_its_family_and_facts_but_not_its_income():
    document = sample_document()
    carried = carried_document(document)
    assert carried["members"] == document["members"]
    assert carried["household"] == document["household"]
    assert carried["guarantees"] == document["guarantees"]
    assert carried["helpers"] == document["helpers"]
    assert carried["income"] == {} and carried["signoff"] == {}
    assert document["income"] and document["signoff"]["visit_date"]  # the old one untouched
