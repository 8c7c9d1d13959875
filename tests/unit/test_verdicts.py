from decimal import Decimal

from server.domain import verdicts
from server.domain.sample import sample_document
from server.domain.summary import summarize

EXIT = {
    "key": "exit",
    "label": "退出标准",
    "purpose": "exit",
    "amount": "4000.00",
    "comparison": "超过",
}
MON = {"key": "monitoring", "label": "监测标准", "purpose": "monitoring", "amount": "5000.00",
       "comparison": "以下"}  # fmt: skip


def doc(status="已脱贫", risks=(), sudden=False):
    d = sample_document()
    d["household"]["status"] = status
    d["causes"]["risks"] = list(risks)
    d["causes"]["sudden_hardship"] = sudden
    return d


def test_sample_household_meets_every_guarantee():
    assert verdicts.unmet_guarantees(sample_document()) == []


def test_medical_is_derived_from_counted_members_only():
    d = sample_document()
    del d["members"][2]["medical_insurance"]
    assert verdicts.unmet_guarantees(d) == ["medical_ok"]
    d["members"][2]["change_reason"] = "迁出"
    assert verdicts.unmet_guarantees(d) == []


def test_housing_is_derived_from_the_danger_grade():
    d = sample_document()
    for grade, unmet in (("A", []), ("B", []), ("C", ["housing_ok"]), ("D", ["housing_ok"])):
        d["household"]["danger_grade"] = grade
        assert verdicts.unmet_guarantees(d) == unmet


def test_typed_medical_or_housing_values_are_ignored():
    d = sample_document()
    d["guarantees"]["medical_ok"] = False
    d["guarantees"]["housing_ok"] = False
    assert verdicts.unmet_guarantees(d) == []


def test_missing_or_false_guarantee_is_unmet_in_form_order():
    d = sample_document()
    d["guarantees"]["water_reliable_ok"] = False
    del d["guarantees"]["food_secure"]
    assert verdicts.unmet_guarantees(d) == ["food_secure", "water_reliable_ok"]


def test_exit_eligible_needs_the_line_and_the_guarantees():
    assert verdicts.exit_eligible(Decimal("4000.01"), True, [EXIT]) is True
    assert verdicts.exit_eligible(Decimal("4000.00"), True, [EXIT]) is False
    assert verdicts.exit_eligible(Decimal("9000.00"), False, [EXIT]) is False
    assert verdicts.exit_eligible(Decimal("9000.00"), True, [MON]) is False
    assert verdicts.exit_eligible(None, True, [EXIT]) is False


def test_monitoring_type_by_status():
    low = Decimal("3000.00")
    expected = {
        "已脱贫": "脱贫不稳定户",
        "脱贫不稳定户": "脱贫不稳定户",
        "未脱贫": None,
        "边缘易致贫户": "边缘易致贫户",
        "非建档立卡户": "边缘易致贫户",
        "突发严重困难户": "边缘易致贫户",
    }
    for status, kind in expected.items():
        assert verdicts.monitoring_type(doc(status, ["因病"]), low, [MON]) == kind, status


def test_monitoring_needs_a_risk_and_the_line():
    assert verdicts.monitoring_type(doc(risks=[]), Decimal("3000.00"), [MON]) is None
    assert verdicts.monitoring_type(doc(risks=["因病"]), Decimal("5000.01"), [MON]) is None
    assert (
        verdicts.monitoring_type(doc(risks=["因病"]), Decimal("5000.00"), [MON]) == "脱贫不稳定户"
    )
    assert verdicts.monitoring_type(doc(risks=["因病"]), Decimal("3000.00"), [EXIT]) is None


def test_sudden_hardship_wins_whatever_the_income():
    d = doc("未脱贫", sudden=True)
    assert verdicts.monitoring_type(d, Decimal("99999.00"), []) == "突发严重困难户"


def test_summary_of_the_sample():
    s = summarize(sample_document(), [EXIT, MON])
    assert s["annual_income"] == "36220.00"
    assert s["net_income"] == "34120.00"
    assert s["per_capita_net_income"] == "11373.33"
    assert s["exit_eligible"] is True
    assert s["lines"] == {"exit": True, "monitoring": False}
