import pytest

from server.domain import workflow
from server.domain.workflow import WorkflowError, transition


@pytest.mark.parametrize(
    ("role", "state", "action", "to"),
    [
        ("surveyor", "draft", "submit", "submitted"),
        ("surveyor", "returned", "submit", "submitted"),
        ("reviewer", "submitted", "approve", "approved"),
        ("reviewer", "submitted", "return", "returned"),
        ("reviewer", "approved", "return", "returned"),
        ("county", "submitted", "return", "returned"),
        ("county", "approved", "accept", "accepted"),
        ("county", "approved", "return", "returned"),
        ("county", "approved", "reopen", "returned"),
        ("county", "accepted", "reopen", "returned"),
        ("county", "accepted", "reopen_review", "submitted"),
    ],
)
def test_allowed_transitions(role, state, action, to):
    assert transition(role, state, action) == to
    assert workflow.can_transition(role, state, to)


@pytest.mark.parametrize(
    ("role", "state", "action", "message"),
    [
        ("reviewer", "draft", "submit", "乡镇审核员不能执行“提交”操作"),
        ("surveyor", "submitted", "approve", "调查员不能执行“审核通过”操作"),
        ("county", "submitted", "approve", "县级管理员不能执行“审核通过”操作"),
        ("reviewer", "approved", "accept", "乡镇审核员不能执行“确认”操作"),
        ("surveyor", "submitted", "submit", "“已提交”状态的记录不能执行“提交”操作"),
        ("county", "draft", "accept", "“未提交”状态的记录不能执行“确认”操作"),
        ("reviewer", "accepted", "return", "“县级已确认”状态的记录不能执行“退回”操作"),
        ("surveyor", "accepted", "reopen", "调查员不能执行“重新打开”操作"),
        ("county", "draft", "reopen", "“未提交”状态的记录不能执行“重新打开”操作"),
        # An administrator manages accounts, not records.
        ("admin", "approved", "reopen", "系统管理员不能执行“重新打开”操作"),
        ("guest", "draft", "submit", "未知的角色：guest"),
        ("surveyor", "lost", "submit", "未知的状态：lost"),
        ("surveyor", "draft", "delete", "未知的操作：delete"),
    ],
)
def test_refused_transitions_say_why(role, state, action, message):
    with pytest.raises(WorkflowError) as info:
        transition(role, state, action)
    assert info.value.message == message


def test_can_transition_refuses_what_no_action_allows():
    assert not workflow.can_transition("surveyor", "draft", "approved")
    assert not workflow.can_transition("reviewer", "approved", "accepted")
    assert not workflow.can_transition("admin", "submitted", "approved")


def test_reviewed_records_are_locked():
    assert [s for s in workflow.STATES if workflow.is_locked(s)] == ["approved", "accepted"]


def test_labels_and_actions_for_a_role():
    assert workflow.STATE_LABELS["approved"] == "乡镇已审核"
    assert workflow.STATE_LABELS["accepted"] == "县级已确认"
    assert workflow.actions_for("reviewer", "submitted") == ["return", "hold", "approve"]
    assert workflow.actions_for("reviewer", "held") == ["return", "approve"]
    assert workflow.STATE_LABELS["held"] == "存疑待核实"
    assert workflow.actions_for("surveyor", "approved") == []
    assert workflow.ROLES == ("surveyor", "reviewer", "county", "admin")
