"""Scope fails closed: an account sees the households of the areas it is assigned, and nothing
when it is assigned none. The administrator manages accounts and sees no household at all."""

import uuid

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Area, Campaign, Household

from .conftest import bearer, fresh_document, login


def make_account(client, role: str, area_ids: list[int]) -> dict:
    admin = login(client, "demo-admin").get_json()["access_token"]
    username = f"{role}-{uuid.uuid4().hex[:6]}"
    r = client.post(
        "/api/admin/users",
        json={
            "username": username,
            "name": "新账号",
            "role": role,
            "password": "a-long-secret",
            "area_ids": area_ids,
        },
        headers=bearer(admin),
    )
    assert r.status_code == 201, r.get_json()
    return bearer(login(client, username, "a-long-secret").get_json()["access_token"])


def sees(client, headers) -> dict:
    households = client.get("/api/households?per_page=500", headers=headers).get_json()
    pulled = client.get("/api/sync/pull?limit=500", headers=headers).get_json()
    return {
        "listed": households["total"],
        "pulled": len(pulled["records"]),
        "areas": client.get("/api/areas", headers=headers).get_json(),
        "conflicts": client.get("/api/conflicts", headers=headers).get_json(),
    }


def any_household() -> Household:
    hh = db.session.scalar(select(Household).order_by(Household.id).limit(1))
    db.session.expunge(hh)
    db.session.rollback()
    return hh


@pytest.mark.parametrize("role", ["county", "reviewer", "surveyor"])
def test_an_account_with_no_areas_sees_nothing(client, role):
    headers = make_account(client, role, [])
    assert sees(client, headers) == {"listed": 0, "pulled": 0, "areas": [], "conflicts": []}
    hh = any_household()
    assert client.get(f"/api/households/{hh.id}", headers=headers).status_code == 404
    r = client.post(
        "/api/households",
        json={"village_id": hh.village_id, "campaign_id": 1, "document": fresh_document()},
        headers=headers,
    )
    assert r.status_code == 403


def test_the_administrator_sees_accounts_not_households(client):
    headers = bearer(login(client, "demo-admin").get_json()["access_token"])
    assert sees(client, headers) == {"listed": 0, "pulled": 0, "areas": [], "conflicts": []}
    hh = any_household()
    assert client.get(f"/api/households/{hh.id}", headers=headers).status_code == 404
    assert client.get(f"/api/households/{hh.id}/revisions", headers=headers).status_code == 404
    village = client.get(f"/api/households?village={hh.village_id}", headers=headers)
    assert village.status_code == 403
    # What the administrator does see: the accounts, and the areas to assign them.
    users = client.get("/api/admin/users", headers=headers).get_json()
    assert {"demo-surveyor", "demo-county"} <= {u["username"] for u in users}
    tree = client.get("/api/admin/areas", headers=headers).get_json()
    assert [node["level"] for node in tree] == ["county"]
    assert tree[0]["children"] and "households" not in tree[0]


def test_the_demo_county_office_sees_its_whole_county(client):
    """Every household listed; on a phone, those of the active campaign (the closed look-back
    stays on the server)."""
    headers = bearer(login(client, "demo-county").get_json()["access_token"])
    total = db.session.scalar(select(func.count()).select_from(Household))
    active = db.session.scalar(
        select(func.count())
        .select_from(Household)
        .join(Campaign, Campaign.id == Household.campaign_id)
        .where(Campaign.active.is_(True))
    )
    county = db.session.scalar(select(Area).where(Area.level == "county"))
    db.session.rollback()
    seen = sees(client, headers)
    assert seen["listed"] == total > seen["pulled"] == active > 0
    assert [a["id"] for a in seen["areas"]] == [county.id]
