"""The flask commands: seed-demo on an empty database, again with --if-empty, create-user."""

import pytest
from sqlalchemy import func, select

from server.domain import idcard
from server.extensions import db
from server.identity.tokens import check_password
from server.models import Area, Campaign, Household, Member, User
from tests.conftest import _empty


@pytest.fixture()
def empty(app):
    with app.app_context():
        _empty()
        yield
        db.session.remove()


def _counts() -> dict:
    db.session.rollback()
    out = {
        "townships": db.session.scalar(
            select(func.count()).select_from(Area).where(Area.level == "township")
        ),
        "villages": db.session.scalar(
            select(func.count()).select_from(Area).where(Area.level == "village")
        ),
        "households": db.session.scalar(
            select(func.count()).select_from(Household).where(Household.campaign_id == 1)
        ),
        "lookback": db.session.scalar(
            select(func.count()).select_from(Household).where(Household.campaign_id == 2)
        ),
        "members": db.session.scalar(select(func.count()).select_from(Member)),
        "users": db.session.scalar(select(func.count()).select_from(User)),
        "campaigns": db.session.scalar(select(func.count()).select_from(Campaign)),
    }
    db.session.rollback()
    return out


def test_seed_demo_then_again_if_empty(app, empty):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--households", "50"])
    assert result.exit_code == 0, result.output
    assert "50 households" in result.output

    counts = _counts()
    assert counts["townships"] == 5
    assert counts["villages"] == 40
    assert counts["households"] == 50  # the families, each in the exit review
    assert 45 <= counts["lookback"] <= 50  # and in the 2019 look-back, but for a few new since
    assert counts["campaigns"] == 2
    assert counts["members"] >= 95

    # A person's ID number is unique within a campaign (the same family is in both).
    for campaign in (1, 2):
        numbers = db.session.scalars(
            select(Member.id_number)
            .join(Household, Household.id == Member.household_id)
            .where(Household.campaign_id == campaign)
        ).all()
        assert all(idcard.is_valid(n) for n in numbers)
        assert len(set(numbers)) == len(numbers)
    for document in db.session.scalars(select(Household.document)):
        for member in document["members"]:
            assert idcard.is_valid(member["id_number"]), member["id_number"]

    users = {u.username: u for u in db.session.scalars(select(User))}
    assert set(users) == {"demo-surveyor", "demo-reviewer", "demo-county", "demo-admin"}
    assert {u.role for u in users.values()} == {"surveyor", "reviewer", "county", "admin"}
    assert all(check_password(u, "demo12345") for u in users.values())
    assert [a.level for a in users["demo-surveyor"].areas] == ["village", "village"]
    db.session.rollback()

    again = runner.invoke(args=["seed-demo", "--households", "50", "--if-empty"])
    assert again.exit_code == 0, again.output
    assert "not seeded again" in again.output
    assert _counts() == counts


def test_seed_demo_is_deterministic(app, empty):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo", "--households", "20", "--seed", "5"])
    first = db.session.scalars(select(Household.household_no).order_by(Household.id)).all()
    db.session.rollback()
    _empty()
    runner.invoke(args=["seed-demo", "--households", "20", "--seed", "5"])
    second = db.session.scalars(select(Household.household_no).order_by(Household.id)).all()
    db.session.rollback()
    assert first == second and len(first) > 20  # 20 families, most in both campaigns


def test_create_user(app, county):
    runner = app.test_cli_runner()
    township = db.session.scalar(select(Area).where(Area.level == "township").order_by(Area.code))
    code = township.code
    db.session.rollback()
    result = runner.invoke(
        args=[
            "create-user",
            "wang-reviewer",
            "--name",
            "王审核",
            "--role",
            "reviewer",
            "--area",
            code,
            "--password",
            "a-long-password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "wang-reviewer"))
    assert user.role == "reviewer"
    assert [a.code for a in user.areas] == [code]
    assert user.password_hash.startswith("scrypt:")
    assert check_password(user, "a-long-password")
    db.session.rollback()

    client = app.test_client()
    r = client.post(
        "/api/auth/login", json={"username": "wang-reviewer", "password": "a-long-password"}
    )
    assert r.status_code == 200

    again = runner.invoke(
        args=[
            "create-user",
            "wang-reviewer",
            "--name",
            "王",
            "--role",
            "reviewer",
            "--password",
            "a-long-password",
        ]
    )
    assert again.exit_code != 0
    assert "exists" in again.output


def test_create_user_rejects_a_short_password_and_unknown_areas(app, county):
    runner = app.test_cli_runner()
    before = _counts()["users"]
    short = runner.invoke(
        args=[
            "create-user",
            "shorty",
            "--name",
            "短",
            "--role",
            "surveyor",
            "--password",
            "1234567",
        ]
    )
    assert short.exit_code != 0
    assert "8 characters" in short.output
    unknown = runner.invoke(
        args=[
            "create-user",
            "lost",
            "--name",
            "迷",
            "--role",
            "surveyor",
            "--area",
            "999999",
            "--password",
            "a-long-password",
        ]
    )
    assert unknown.exit_code != 0
    assert "999999" in unknown.output
    assert _counts()["users"] == before
