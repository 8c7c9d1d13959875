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


def _decision(action, role="reviewer", from_state="submitted", to_state="approved", **kw):
    return workflow.Decision(
        action=action,
        role=role,
        from_state=from_state,
        to_state=to_state,
        mine=kw.get("mine", True),
        touched_since=kw.get("touched_since", False),
    )


@pytest.mark.parametrize(
    ("action", "from_state", "to_state"),
    [
        ("approve", "submitted", "approved"),
        ("approve", "held", "approved"),
        ("return", "submitted", "returned"),
        ("return", "approved", "returned"),
        ("hold", "submitted", "held"),
    ],
)
def test_undo_leads_back_to_where_the_decision_found_the_record(action, from_state, to_state):
    last = _decision(action, from_state=from_state, to_state=to_state)
    assert workflow.undo("reviewer", to_state, last) == from_state


@pytest.mark.parametrize(
    ("state", "last", "message"),
    [
        ("accepted", _decision("approve"), "县级已确认的记录不能撤销审核决定"),
        ("approved", None, "该户没有可以撤销的审核决定"),
        (
            "submitted",
            _decision("submit", "surveyor", "draft", "submitted"),
            "该户没有可以撤销的审核决定",
        ),
        (
            "accepted",
            _decision("accept", "county", "approved", "accepted"),
            "县级已确认的记录不能撤销审核决定",
        ),
        ("submitted", _decision("undo", to_state="submitted"), "该户没有可以撤销的审核决定"),
        ("returned", _decision("approve"), "该户没有可以撤销的审核决定"),  # moved on since
        ("approved", _decision("approve", mine=False), "只能撤销您本人做出的审核决定"),
        ("approved", _decision("approve", touched_since=True), "该决定之后记录已被修改，不能撤销"),
    ],
)
def test_undo_refused_says_why(state, last, message):
    with pytest.raises(WorkflowError) as info:
        workflow.undo("reviewer", state, last)
    assert info.value.message == message


def test_undo_by_another_role_is_refused():
    with pytest.raises(WorkflowError):
        workflow.undo("county", "approved", _decision("approve"))


def test_action_of_reads_an_older_history():
    assert workflow.action_of("reviewer", "submitted", "approved") == "approve"
    assert workflow.action_of("county", "approved", "accepted") == "accept"
    assert workflow.action_of(None, "draft", "submitted") == "submit"
    assert workflow.action_of("surveyor", "submitted", "approved") is None
