"""The member table follows the document: what the county counts and cross-checks by ID number."""

from datetime import date

from sqlalchemy import select

from server import records
from server.domain import idcard
from server.domain.sample import newborn
from server.extensions import db
from server.models import Member

from .conftest import new_id


def projection(app, household_id: str) -> list[dict]:
    with app.app_context():
        rows = db.session.scalars(select(Member).where(Member.household_id == household_id))
        found = [
            {c: getattr(m, c) for c in ("id", "name", "id_number", "sex", "relation", "labour")}
            | {"counted": m.counted}
            for m in rows
        ]
        db.session.remove()
    return sorted(found, key=lambda m: m["id"])


def expected(document: dict) -> list[dict]:
    return sorted(records.member_rows(document["members"]), key=lambda m: m["id"])


def test_renamed_added_and_removed_members_are_projected(
    app, surveyor, second_surveyor, draft_household
):
    """A rename and a newborn (fast-forward), then a removal merged from an older copy: after each
    push the member table holds exactly the document's members, and nothing else."""
    household = surveyor.download(draft_household)
    assert expected(household["document"]) == projection(app, draft_household)
    older = second_surveyor.download(draft_household)
    head, *others = household["document"]["members"]
    assert others, "the draft household has a member besides the head"
    baby = newborn(new_id(), "王小花", idcard.make("610526", date(2020, 3, 1), 12))

    [renamed] = surveyor.push(
        surveyor.op(
            household,
            {f"members.{head['id']}.name": head["name"] + "新", f"members.{baby['id']}": baby},
        )
    )
    assert renamed["status"] == "applied", renamed
    now = surveyor.download(draft_household)
    assert projection(app, draft_household) == expected(now["document"])
    assert {m["id"] for m in projection(app, draft_household)} >= {head["id"], baby["id"]}

    [removed] = second_surveyor.push(
        second_surveyor.op(older, {f"members.{others[0]['id']}": None})
    )
    assert removed["status"] == "merged", removed
    now = surveyor.download(draft_household)
    assert others[0]["id"] not in {m["id"] for m in now["document"]["members"]}
    assert projection(app, draft_household) == expected(now["document"])


def test_an_edit_outside_the_projection_leaves_its_row_and_one_inside_rewrites_it(
    app, surveyor, draft_household
):
    """Only members whose projected columns changed are rewritten; the others keep their rows."""
    household = surveyor.download(draft_household)
    head, *others = household["document"]["members"]
    labour = "丧失劳动力" if head.get("labour") != "丧失劳动力" else "普通劳动力"
    political = "中共党员" if head.get("political") != "中共党员" else "群众"
    [pushed] = surveyor.push(
        surveyor.op(
            household,
            {
                f"members.{head['id']}.labour": labour,
                f"members.{others[0]['id']}.political": political,
            },
        )
    )
    assert pushed["status"] == "applied", pushed
    now = surveyor.download(draft_household)
    rows = {m["id"]: m for m in projection(app, draft_household)}
    assert list(rows.values()) == expected(now["document"])
    assert rows[head["id"]]["labour"] == labour
    assert rows[others[0]["id"]] == records.member_rows([others[0]])[0]
