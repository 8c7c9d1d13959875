"""Review of a questionnaire: surveyor → township reviewer → county (README §6).

A record the township has approved is locked for the surveyor: changing it means sending it back,
so every change after review leaves a trace in the state history.
"""

from dataclasses import dataclass

from server.domain.roles import COUNTY, REVIEWER, ROLE_LABELS, ROLES, SURVEYOR

STATES = ("draft", "submitted", "held", "returned", "approved", "accepted")
# A record not yet sent for review is 未提交: the phone calls its unsynced local edits 草稿, and
# one row could otherwise carry the word twice with two meanings.
STATE_LABELS = {
    "draft": "未提交",
    "submitted": "已提交",
    "held": "存疑待核实",
    "returned": "已退回",
    "approved": "乡镇已审核",
    "accepted": "县级已确认",
}
LOCKED_STATES = frozenset({"approved", "accepted"})

# action -> (roles allowed, states it starts from, state it leads to)
ACTIONS = {
    "submit": ({SURVEYOR}, {"draft", "returned"}, "submitted"),
    "return": ({REVIEWER, COUNTY}, {"submitted", "held", "approved"}, "returned"),
    # The reviewer doubts a record and checks it (a visit, a call) before deciding.
    "hold": ({REVIEWER, COUNTY}, {"submitted"}, "held"),
    "approve": ({REVIEWER}, {"submitted", "held"}, "approved"),
    "accept": ({COUNTY}, {"approved"}, "accepted"),
    "reopen": ({COUNTY}, {"approved", "accepted"}, "returned"),
    # The county sends a confirmed record back to township review without asking for edits.
    "reopen_review": ({COUNTY}, {"accepted"}, "submitted"),
}
ACTION_LABELS = {
    "submit": "提交",
    "return": "退回",
    "hold": "存疑待核实",
    "approve": "审核通过",
    "accept": "确认",
    "reopen": "重新打开",
    "reopen_review": "退回乡镇重审",
    "undo": "撤销决定",
}
# What a reviewer or the county decides about a record (a surveyor's submit is not a decision).
DECISIONS = ("return", "hold", "approve", "accept", "reopen", "reopen_review")
# Decisions their maker may take back while the record waits at the state they left it in: the
# county's acceptance is final (the county reopens a record instead).
UNDOABLE = frozenset({"return", "hold", "approve"})
# What a revision of the record was, for its history.
REVISION_KINDS = {
    "create": "建档",
    "edit": "修改",
    "merge": "修改（自动合并）",
    "conflict": "修改（有冲突）",
    "resolve": "处理冲突",
    "review": "审核",
    "correct": "审核员更正",
}


@dataclass(frozen=True)
class Decision:
    """The latest change of a record's review state: what was done, by whom, from where to where."""

    action: str
    role: str
    from_state: str
    to_state: str
    mine: bool  # made by the user who asks to undo it
    touched_since: bool  # someone else has changed the record since


class WorkflowError(Exception):
    """A transition that the role or the state does not allow; the message is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_locked(state: str) -> bool:
    return state in LOCKED_STATES


def actions_for(role: str, state: str) -> list[str]:
    """What the buttons on a record should offer this role."""
    return [a for a, (roles, froms, _) in ACTIONS.items() if role in roles and state in froms]


def can_transition(role: str, from_state: str, to_state: str) -> bool:
    return any(ACTIONS[a][2] == to_state for a in actions_for(role, from_state))


def transition(role: str, from_state: str, action: str) -> str:
    if role not in ROLES:
        raise WorkflowError(f"未知的角色：{role}")
    if from_state not in STATES:
        raise WorkflowError(f"未知的状态：{from_state}")
    if action not in ACTIONS:
        raise WorkflowError(f"未知的操作：{action}")
    roles, froms, to_state = ACTIONS[action]
    if role not in roles:
        raise WorkflowError(f"{ROLE_LABELS[role]}不能执行“{ACTION_LABELS[action]}”操作")
    if from_state not in froms:
        raise WorkflowError(
            f"“{STATE_LABELS[from_state]}”状态的记录不能执行“{ACTION_LABELS[action]}”操作"
        )
    return to_state


def undo(role: str, state: str, last: Decision | None) -> str:
    """The state an undo leads back to: where the last decision found the record.

    Only its maker undoes a decision, and only while the record is where the decision left it
    (nobody has decided, submitted or edited since) and the county has not accepted it; the
    undo is then a new decision of its own, in the history like any other."""
    if role not in ROLES:
        raise WorkflowError(f"未知的角色：{role}")
    if state == "accepted":
        raise WorkflowError("县级已确认的记录不能撤销审核决定")
    if last is None or last.action not in UNDOABLE or last.to_state != state:
        raise WorkflowError("该户没有可以撤销的审核决定")
    if not last.mine or last.role != role:
        raise WorkflowError("只能撤销您本人做出的审核决定")
    if last.touched_since:
        raise WorkflowError("该决定之后记录已被修改，不能撤销")
    return last.from_state


def action_of(role: str | None, from_state: str, to_state: str) -> str | None:
    """The action that moved a record from one state to another, for a history written before
    revisions named their action: the first one the role could take (None if none fits)."""
    for action, (roles, froms, to) in ACTIONS.items():
        if from_state in froms and to == to_state and (role is None or role in roles):
            return action
    return None
