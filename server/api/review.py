"""Township review and county acceptance: moving a record between review states."""

from flask import g, jsonify

from server import store
from server.api import api
from server.api.errors import ApiError, fields_from_messages
from server.api.schemas import ReviewAction, household_out, load_json
from server.core.database import write_transaction
from server.domain.workflow import WorkflowError, transition
from server.extensions import db
from server.households import records
from server.identity.access import require_household
from server.identity.tokens import login_required


@api.post("/households/<household_id>/review")
@login_required
def review_household(household_id: str):
    data = load_json(ReviewAction())
    if data["action"] in ("return", "reopen") and not (data["note"] or "").strip():
        raise ApiError(422, "退回时请填写原因", "invalid", {"note": ["退回时请填写原因"]})
    with write_transaction():
        hh = require_household(g.user, store.get_household(household_id, lock=True))
        if data["action"] in ("approve", "accept") and hh.conflict_open:
            raise ApiError(409, "该户有未处理的冲突，请先处理冲突", "conflict_open")
        try:
            new_state = transition(g.user.role, hh.review_state, data["action"])
        except WorkflowError as e:
            raise ApiError(409, e.message, "invalid_transition") from None
        if data["action"] == "submit":
            errors, _ = records.check(hh.document, complete=True)
            if errors:
                raise ApiError(
                    422, "问卷尚未填写完整，不能提交", "incomplete", fields_from_messages(errors)
                )
        old_state = hh.review_state
        hh.review_state = new_state
        hh.review_note = data["note"]
        hh.version += 1
        hh.updated_at = records.now()
        hh.updated_by = g.user.id
        store.add_revision(
            household_id=hh.id,
            version=hh.version,
            base_version=hh.version - 1,
            kind="review",
            author_id=g.user.id,
            changes={"review_state": [old_state, new_state]},
            document=hh.document,
            note=data["note"],
            created_at=hh.updated_at,
        )
        records.touch(hh)
    db.session.refresh(hh)
    return jsonify(household_out(hh))
