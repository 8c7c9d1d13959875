"""Helpers for the API tests: the demo county's areas by role, fresh households, real logins.

The `county` fixture of tests/conftest.py runs each test inside an app context; these helpers use
that context's session and always end its transaction, so the test never reads a stale snapshot of
what a request has just committed.
"""

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from server.core.database import write_transaction
from server.domain.sample import sample_document
from server.extensions import db
from server.households import writer
from server.models import Area, Campaign, Household, User

PASSWORD = "demo12345"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64


@dataclass(frozen=True)
class Areas:
    """Areas of the demo county as the roles see them."""

    county: int
    township1: int  # demo-reviewer's township
    township2: int
    surveyor_village: int  # assigned to demo-surveyor
    unassigned_village: int  # township 1, not assigned to demo-surveyor
    township2_village: int


def user_id(username: str) -> int:
    uid = db.session.scalar(select(User.id).where(User.username == username))
    db.session.rollback()
    return uid


def demo_areas() -> Areas:
    surveyor = db.session.scalar(select(User).where(User.username == "demo-surveyor"))
    assigned = {a.id for a in surveyor.areas}
    county = db.session.scalar(select(Area).where(Area.level == "county").order_by(Area.id))
    townships = list(
        db.session.scalars(select(Area).where(Area.parent_id == county.id).order_by(Area.code))
    )

    def villages(township: Area) -> list[int]:
        return list(
            db.session.scalars(
                select(Area.id).where(Area.parent_id == township.id).order_by(Area.code)
            )
        )

    t1, t2 = townships[0], townships[1]
    areas = Areas(
        county=county.id,
        township1=t1.id,
        township2=t2.id,
        surveyor_village=sorted(assigned)[0],
        unassigned_village=next(v for v in villages(t1) if v not in assigned),
        township2_village=villages(t2)[0],
    )
    db.session.rollback()
    return areas


def fresh_document() -> dict:
    """The sample household with new row ids: member ids are unique across the whole database."""
    document = sample_document()
    renamed = {}
    for section in ("members", "helpers", "measures"):
        for row in document[section]:
            renamed[row["id"]] = row["id"] = str(uuid.uuid4())
    for measure in document["measures"]:
        if measure["member_id"]:
            measure["member_id"] = renamed[measure["member_id"]]
    document["signoff"]["signature"] = None  # the sample's points at an attachment never uploaded
    return document


def make_household(
    village_id: int,
    document: dict | None = None,
    *,
    state: str = "draft",
    household_no: str | None = None,
    campaign_id: int = 1,
) -> str:
    """A household written the way the API writes one (the household writer), committed."""
    document = document or fresh_document()
    if household_no:
        document["household"]["household_no"] = household_no
    household_id = str(uuid.uuid4())
    with write_transaction():
        village = db.session.get(Area, village_id)
        campaign = db.session.get(Campaign, campaign_id)
        write = writer.creation(
            household_id,
            document,
            village_id=village.id,
            township_id=village.parent_id,
            campaign_id=campaign_id,
            lines=campaign.lines,
            author_id=None,
            review_state=state,
            changes={},
        )
        writer.write_checked([write])
    return household_id


def household(household_id: str) -> Household:
    """A fresh read of a household (detached from any earlier snapshot)."""
    db.session.rollback()
    hh = db.session.get(Household, household_id)
    db.session.expunge(hh)
    db.session.rollback()
    return hh


def count(model) -> int:
    db.session.rollback()
    n = db.session.scalar(select(func.count()).select_from(model))
    db.session.rollback()
    return n


def login(client, username: str, password: str = PASSWORD, **extra):
    return client.post(
        "/api/auth/login", json={"username": username, "password": password, **extra}
    )


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def me(client, access: str) -> int:
    """The status of GET /api/me with this access token: is the sign-in still good?"""
    return client.get("/api/me", headers=bearer(access)).status_code


def refresh(client, token: str):
    return client.post("/api/auth/refresh", headers=bearer(token))


def logout(client, token: str):
    return client.post("/api/auth/logout", headers=bearer(token))


@pytest.fixture()
def areas(county) -> Areas:
    return demo_areas()


@pytest.fixture(scope="session", autouse=True)
def _close_pooled_connections(app):
    """Close the pool's connections at the end: psycopg warns about any still open at exit, and
    the suite turns warnings into errors."""
    yield
    with app.app_context():
        db.engine.dispose()


def push_one(client, headers, household_id, base_version, changes, device="phone-1", submit=False):
    """One operation pushed as a phone does; its result (status, version, conflicts, errors)."""
    op = {
        "op_id": str(uuid.uuid4()),
        "household_id": household_id,
        "base_version": base_version,
        "changes": changes,
    }
    if submit:
        op["submit"] = True
    r = client.post("/api/sync/push", json={"device_id": device, "ops": [op]}, headers=headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["results"][0]
