"""A campaign's stages: the running one, the days left, what each asks, and overdue villages."""

from datetime import date
from decimal import Decimal

from server.domain import lines, stages

THREE = [
    {"name": "入户调查", "due": "2020-10-20"},
    {"name": "乡镇审核", "due": "2020-10-31"},
    {"name": "县级验收", "due": "2020-11-15"},
]


def test_goals_come_from_the_place_of_a_stage_unless_it_names_one():
    assert [s.goal for s in stages.stages(THREE)] == ["submitted", "approved", "accepted"]
    four = [*THREE[:2], {"name": "部门比对", "due": "2020-11-05"}, THREE[2]]
    assert [s.goal for s in stages.stages(four)] == [
        "submitted",
        "approved",
        "approved",
        "accepted",
    ]
    named = [{"name": "复核", "due": "2020-10-01", "goal": "approved"}]
    assert stages.stages(named)[0].goal == "approved"
    assert stages.stages([{"name": "只有一个", "due": "2020-10-01"}])[0].goal == "submitted"


def test_the_running_stage_and_its_days_left():
    before = stages.timing(THREE, date(2020, 10, 1))
    assert before.stage.name == "入户调查" and before.days_left == 19 and not before.passed
    on_due = stages.timing(THREE, date(2020, 10, 20))
    assert on_due.stage.name == "入户调查" and on_due.days_left == 0 and not on_due.overdue
    between = stages.timing(THREE, date(2020, 10, 21))
    assert between.stage.name == "乡镇审核" and between.days_left == 10
    assert [s.name for s in between.passed] == ["入户调查"]
    after = stages.timing(THREE, date(2020, 11, 20))
    assert after.stage.name == "县级验收" and after.days_left == -5 and after.overdue
    assert len(after.passed) == 3


def test_no_dates_no_timing():
    assert stages.timing([], date(2020, 1, 1)).stage is None
    assert stages.timing([{"name": "x", "due": "not a date"}], date(2020, 1, 1)).days_left is None


def test_a_village_is_overdue_when_a_passed_stage_left_a_household_short():
    passed = stages.timing(THREE, date(2020, 10, 25)).passed  # the survey's due date has passed
    assert stages.is_overdue({"submitted": 3, "not_visited": 1}, passed)
    assert stages.is_overdue({"returned": 1, "approved": 5}, passed)  # sent back: not submitted
    assert not stages.is_overdue({"submitted": 3, "held": 1, "approved": 2}, passed)
    assert not stages.is_overdue({"not_visited": 9}, ())
    later = stages.timing(THREE, date(2020, 11, 1)).passed
    assert stages.is_overdue({"submitted": 1, "approved": 2}, later)
    assert stages.behind({"submitted": 1, "approved": 2, "accepted": 4}, "accepted") == 3


def test_below_a_line_faces_the_way_its_word_does():
    exit_line = {"amount": "4000.00", "comparison": "超过"}
    assert lines.below(Decimal("4000.00"), exit_line)  # not above it
    assert not lines.below(Decimal("4000.01"), exit_line)
    monitoring = {"amount": "5000.00", "comparison": "以下"}
    assert lines.below(Decimal("5000.00"), monitoring)
    assert not lines.below(Decimal("5000.01"), monitoring)
    assert not lines.below(None, monitoring)
    assert lines.near_bounds(exit_line) == (Decimal("3600.00"), Decimal("4400.00"))
