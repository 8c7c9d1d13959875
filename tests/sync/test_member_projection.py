"""The member table follows the document: what the county counts and cross-checks by ID number."""

from datetime import date

from sqlalchemy import select

from server.domain import idcard
from server.domain.sample import newborn
from server.extensions import db
from server.households import derived
from server.models import Member
from tests.api.conftest import fresh_document

from .conftest import create_op, new_id, villages_of

PEOPLE_COUNTS = ("education", "school_status", "health")  # what the people table counts


def projection(app, household_id: str, people_counts: bool = True) -> list[dict]:
    with app.app_context():
        rows = db.session.scalars(select(Member).where(Member.household_id == household_id))
        found = [
            {c: getattr(m, c) for c in ("id", "name", "id_number", "sex", "relation", "labour")}
            | {"counted": m.counted}
            | ({c: getattr(m, c) for c in PEOPLE_COUNTS} if people_counts else {})
            for m in rows
        ]
        db.session.remove()
    return sorted(found, key=lambda m: m["id"])


def expected(document: dict) -> list[dict]:
    return sorted(derived.member_rows(document["members"]), key=lambda m: m["id"])


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
                f"members.{head['id']}.health": ["长期慢性病", "患有大病"],
                f"members.{others[0]['id']}.political": political,
            },
        )
    )
    assert pushed["status"] == "applied", pushed
    now = surveyor.download(draft_household)
    rows = {m["id"]: m for m in projection(app, draft_household)}
    assert list(rows.values()) == expected(now["document"])
    assert rows[head["id"]]["labour"] == labour
    assert rows[head["id"]]["health"] == 0b0110  # the form's 2nd and 3rd health options
    assert rows[others[0]["id"]] == derived.member_rows([others[0]])[0]


GRANDFATHER, DAUGHTER, BABY, IN_LAW = (
    "00000000-0000-4000-8000-00000000a001",
    "00000000-0000-4000-8000-00000000a002",
    "00000000-0000-4000-8000-00000000a003",
    "00000000-0000-4000-8000-00000000a004",
)


def _person(row_id, name, number, sex, relation, labour, **extra) -> dict:
    return {
        "id": row_id,
        "name": name,
        "id_number": number,
        "sex": sex,
        "relation": relation,
        "health": ["健康"],
        "labour": labour,
    } | extra


def test_who_left_is_projected_but_not_counted(app, client, surveyor):
    """Written out by hand: a grandfather who died and a daughter married away stay in the
    register and in the member table, not counted; a newborn and a daughter-in-law who married in
    are counted. Then the daughter comes back (her reason cleared): counted again."""
    document = fresh_document()
    head, spouse, son = document["members"]
    document["members"] += [
        _person(GRANDFATHER, "王老汉", "610526193503030059", "男", "之父", "丧失劳动力",
                change_reason="死亡", change_date="2020-01-05"),
        _person(DAUGHTER, "王芳", "610526199805050028", "女", "之女", "普通劳动力",
                change_reason="婚出", change_date="2019-10-01"),
        _person(BABY, "王小宝", "610526202003010010", "男", "之孙子", "无劳动力",
                change_reason="新生儿", change_date="2020-03-01"),
        _person(IN_LAW, "张丽", None, "女", "之儿媳", "普通劳动力",
                change_reason="迁入", change_date="2020-05-01"),
    ]  # fmt: skip
    del document["members"][-1]["id_number"]
    op = create_op(villages_of(client, surveyor)[0], document)
    [created] = surveyor.push(op)
    assert created["status"] == "applied", created
    household_id = op["household_id"]

    expected = [
        {"id": head["id"], "name": "王建国", "id_number": head["id_number"], "sex": "男",
         "relation": "户主", "labour": "普通劳动力", "counted": True},
        {"id": spouse["id"], "name": "李秀兰", "id_number": spouse["id_number"], "sex": "女",
         "relation": "配偶", "labour": "弱劳动力或半劳动力", "counted": True},
        {"id": son["id"], "name": "王磊", "id_number": son["id_number"], "sex": "男",
         "relation": "之子", "labour": "无劳动力", "counted": True},
        {"id": GRANDFATHER, "name": "王老汉", "id_number": "610526193503030059", "sex": "男",
         "relation": "之父", "labour": "丧失劳动力", "counted": False},
        {"id": DAUGHTER, "name": "王芳", "id_number": "610526199805050028", "sex": "女",
         "relation": "之女", "labour": "普通劳动力", "counted": False},
        {"id": BABY, "name": "王小宝", "id_number": "610526202003010010", "sex": "男",
         "relation": "之孙子", "labour": "无劳动力", "counted": True},
        {"id": IN_LAW, "name": "张丽", "id_number": None, "sex": "女",
         "relation": "之儿媳", "labour": "普通劳动力", "counted": True},
    ]  # fmt: skip
    assert projection(app, household_id, people_counts=False) == sorted(
        expected, key=lambda m: m["id"]
    )
    stored = surveyor.download(household_id)
    assert stored["household_size"] == 5
    assert stored["head_name"] == "王建国"

    [back] = surveyor.push(
        surveyor.op(
            stored,
            {f"members.{DAUGHTER}.change_reason": "迁入", f"members.{DAUGHTER}.change_date": None},
        )
    )
    assert back["status"] == "applied", back
    rows = {m["id"]: m for m in projection(app, household_id)}
    assert rows[DAUGHTER]["counted"] is True
    assert rows[GRANDFATHER]["counted"] is False
    assert surveyor.download(household_id)["household_size"] == 6
