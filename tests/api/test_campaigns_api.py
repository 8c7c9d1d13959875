"""Campaigns through HTTP: the county creates and edits them with field messages in Chinese, copies
last year's, a line changed recomputes the verdicts, and starting a campaign carries every family
forward (members and facts, no income) while the old campaign stays as it was signed."""

import copy

from sqlalchemy import func, select

from server.extensions import db
from server.models import Area, Campaign, Household, Revision

from .conftest import count, fresh_document, household, make_household


def _body(**changes) -> dict:
    body = {
        "name": "2021年度监测排查",
        "kind": "监测排查",
        "year": 2021,
        "area_id": _county_id(),
        "period_start": "2020-10-01",
        "period_end": "2021-09-30",
        "lines": [
            {"label": "退出标准", "amount": "4000.00", "comparison": "超过", "purpose": "exit"},
            {
                "label": "监测标准",
                "amount": "6000.00",
                "comparison": "以下",
                "purpose": "monitoring",
            },
        ],
        "stages": [
            {"name": "入户调查", "due": "2021-10-20"},
            {"name": "县级验收", "due": "2021-11-15"},
        ],
    }
    return body | changes


def _county_id() -> int:
    db.session.rollback()
    county = db.session.scalar(select(Area.id).where(Area.level == "county").order_by(Area.id))
    db.session.rollback()
    return county


def _campaign_one(client, auth) -> dict:
    c = client.get("/api/campaigns/1", headers=auth.headers("demo-county")).get_json()
    names = ("name", "kind", "year", "area_id", "period_start", "period_end", "lines", "stages")
    return {k: c[k] for k in names}


def test_a_bad_campaign_is_refused_field_by_field_and_nothing_is_written(client, auth):
    before = count(Campaign)
    bad = _body(period_start="2021-10-01", period_end="2021-01-01")
    bad["lines"][0]["amount"] = "0"
    bad["stages"][1]["due"] = "2030-01-01"
    r = client.post("/api/campaigns", json=bad, headers=auth.headers("demo-county"))
    assert r.status_code == 422
    fields = r.get_json()["error"]["fields"]
    assert fields["period_end"] == ["统计期结束日期不能早于开始日期"]
    assert fields["lines.0.amount"] == ["金额应大于 0"]
    assert "stages.1.due" in fields
    assert count(Campaign) == before

    bad = _body()
    bad["lines"][1]["comparison"] = "高于"  # not a word the law reads
    r = client.post("/api/campaigns", json=bad, headers=auth.headers("demo-county"))
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"]["lines.1.comparison"] == ["不在可选范围内"]
    two_exits = _body()
    two_exits["lines"][1]["purpose"] = "exit"
    r = client.post("/api/campaigns", json=two_exits, headers=auth.headers("demo-county"))
    assert r.get_json()["error"]["fields"] == {"lines.1.purpose": ["只能有一条退出标准线"]}
    r = client.post("/api/campaigns", json=_body(lines=[]), headers=auth.headers("demo-county"))
    assert r.status_code == 422 and "lines" in r.get_json()["error"]["fields"]
    assert count(Campaign) == before


def test_create_and_read_a_campaign(client, auth):
    r = client.post("/api/campaigns", json=_body(), headers=auth.headers("demo-county"))
    assert r.status_code == 201, r.get_json()
    out = r.get_json()
    assert r.headers["Location"] == f"/api/campaigns/{out['id']}"
    assert out["lines"][0] == {
        "key": "exit",
        "label": "退出标准",
        "purpose": "exit",
        "amount": "4000.00",
        "comparison": "超过",
    }
    assert out["report_states"] == ["approved", "accepted"]
    assert out["period_start"] == "2020-10-01"
    for user in ("demo-reviewer", "demo-surveyor", "demo-admin"):
        r = client.post("/api/campaigns", json=_body(), headers=auth.headers(user))
        assert r.status_code == 403


def test_copy_last_years_campaign(client, auth):
    r = client.get("/api/campaigns/1/next-year", headers=auth.headers("demo-county"))
    assert r.status_code == 200
    draft = r.get_json()
    one = _campaign_one(client, auth)
    assert draft["year"] == one["year"] + 1
    assert draft["name"] == one["name"].replace("2020", "2021")
    assert draft["period_start"] == "2020-10-01" and draft["period_end"] == "2021-09-30"
    assert draft["lines"] == one["lines"]
    assert [s["due"][:4] for s in draft["stages"]] == ["2021"] * len(one["stages"])
    assert draft["source_campaign_id"] == 1
    r = client.post("/api/campaigns", json=draft, headers=auth.headers("demo-county"))
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["source_campaign_id"] == 1
    assert (
        client.get("/api/campaigns/1/next-year", headers=auth.headers("demo-reviewer")).status_code
        == 403
    )


def test_a_line_changed_recomputes_the_verdicts_of_the_campaign(client, auth, areas):
    document = fresh_document()
    document["income"] = {"wage_migrant": "12000.00"}  # three people: 4000.00 each
    exactly = make_household(areas.surveyor_village, document)
    rich = make_household(areas.surveyor_village)  # 11373.33 each: over either word
    before, unchanged = household(exactly), household(rich)
    assert before.per_capita_net_income is not None
    assert before.line_flags["exit"] is False and before.exit_eligible is False  # not 超过
    revisions = count(Revision)

    body = _campaign_one(client, auth)
    body["lines"] = copy.deepcopy(body["lines"])
    body["lines"][0]["comparison"] = "以上"  # 4000.00 以上 4000.00: on the line's side
    r = client.put("/api/campaigns/1", json=body, headers=auth.headers("demo-county"))
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["recompute"]["task"] == "recompute"
    assert r.get_json()["recompute"]["changed"] >= 1  # the test queue runs the job at once
    assert r.get_json()["campaign"]["progress"]["state"] == "done"
    after = household(exactly)
    assert after.line_flags["exit"] is True and after.exit_eligible is True
    assert after.summary["exit_eligible"] is True
    assert after.version == before.version and after.document == before.document
    assert after.change_seq > before.change_seq  # phones pull the new verdict
    assert household(rich).change_seq == unchanged.change_seq  # nothing moved, nothing sent
    assert count(Revision) == revisions  # the documents stay as signed
    pulled = client.get("/api/sync/pull?limit=500", headers=auth.headers("demo-surveyor"))
    record = next(h for h in pulled.get_json()["records"] if h["id"] == exactly)
    assert record["exit_eligible"] is True and record["lines"]["exit"] is True

    r = client.put("/api/campaigns/1", json=body, headers=auth.headers("demo-county"))
    assert r.status_code == 200 and r.get_json()["recompute"] is None  # lines as they were


def test_starting_a_campaign_carries_every_family_forward(client, auth, areas):
    draft = client.get("/api/campaigns/1/next-year", headers=auth.headers("demo-county")).get_json()
    new_id = client.post(
        "/api/campaigns", json=draft, headers=auth.headers("demo-county")
    ).get_json()["id"]
    db.session.rollback()
    old = {
        h.id: (h.version, h.document, h.change_seq, h.review_state)
        for h in db.session.scalars(select(Household).where(Household.campaign_id == 1))
    }
    db.session.rollback()

    r = client.post(
        f"/api/campaigns/{new_id}/carry-forward",
        json={"source_campaign_id": 1},
        headers=auth.headers("demo-county"),
    )
    assert r.status_code == 202, r.get_json()
    progress = r.get_json()["progress"]
    assert progress["task"] == "carry" and progress["state"] == "done"
    assert (progress["carried"], progress["skipped"]) == (len(old), 0)
    assert progress["done"] == progress["total"] == len(old)
    db.session.rollback()
    carried = list(db.session.scalars(select(Household).where(Household.campaign_id == new_id)))
    assert sorted(h.carried_from for h in carried) == sorted(old)
    for h in carried:
        source = old[h.carried_from][1]
        assert h.document["members"] == source["members"]
        assert h.document["household"] == source["household"]
        assert h.document["income"] == {} and h.document["signoff"] == {}
        assert h.annual_income == 0 and h.review_state == "draft" and h.version == 1
    one = carried[0]
    revision = db.session.scalar(select(Revision).where(Revision.household_id == one.id))
    assert revision.kind == "create" and "结转" in revision.note
    now_old = {
        h.id: (h.version, h.document, h.change_seq, h.review_state)
        for h in db.session.scalars(select(Household).where(Household.campaign_id == 1))
    }
    assert now_old == old  # the old campaign's answers stay as signed
    db.session.rollback()

    # Once: a second start carries nothing again.
    r = client.post(
        f"/api/campaigns/{new_id}/carry-forward",
        json={"source_campaign_id": 1},
        headers=auth.headers("demo-county"),
    )
    assert r.get_json()["progress"]["carried"] == 0
    db.session.rollback()
    total = db.session.scalar(
        select(func.count()).select_from(Household).where(Household.campaign_id == new_id)
    )
    db.session.rollback()
    assert total == len(old)

    # The surveyor's phone downloads the new campaign's households of its villages.
    pulled = client.get("/api/sync/pull?limit=500", headers=auth.headers("demo-surveyor"))
    records = [h for h in pulled.get_json()["records"] if h["campaign_id"] == new_id]
    assert records and all(
        h["village_id"] in {areas.surveyor_village} | _surveyor_villages() for h in records
    )
    campaigns = client.get("/api/campaigns", headers=auth.headers("demo-surveyor")).get_json()
    assert new_id in {c["id"] for c in campaigns}


def _surveyor_villages() -> set[int]:
    from server.models import User

    db.session.rollback()
    user = db.session.scalar(select(User).where(User.username == "demo-surveyor"))
    ids = {a.id for a in user.areas}
    db.session.rollback()
    return ids


def test_carry_forward_needs_another_campaign_and_the_county(client, auth):
    r = client.post(
        "/api/campaigns/1/carry-forward",
        json={"source_campaign_id": 1},
        headers=auth.headers("demo-county"),
    )
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"] == {"source_campaign_id": ["不能从本轮结转"]}
    r = client.post(
        "/api/campaigns/1/carry-forward",
        json={"source_campaign_id": 2},
        headers=auth.headers("demo-reviewer"),
    )
    assert r.status_code == 403


def test_a_campaign_of_another_county_is_not_found(client, auth):
    db.session.rollback()
    other = Area(code="610599", name="外县", level="county", path="")
    db.session.add(other)
    db.session.flush()
    other.path = f"/{other.id}/"
    db.session.commit()
    campaign = Campaign(
        name="外县识别",
        kind="识别",
        area_id=other.id,
        year=2020,
        period_start=__import__("datetime").date(2020, 1, 1),
        period_end=__import__("datetime").date(2020, 12, 31),
        lines=[],
        stages=[],
    )
    db.session.add(campaign)
    db.session.commit()
    campaign_id, other_id = campaign.id, other.id
    db.session.rollback()
    body = _body(area_id=other_id)
    r = client.put(f"/api/campaigns/{campaign_id}", json=body, headers=auth.headers("demo-county"))
    assert r.status_code == 404
    r = client.post("/api/campaigns", json=body, headers=auth.headers("demo-county"))
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"] == {"area_id": ["该地区不在您的管理范围内"]}


def test_the_campaigns_counted_states_feed_its_tables(client, auth):
    from server.reports.context import build

    body = _campaign_one(client, auth) | {"report_states": ["submitted", "approved"]}
    r = client.put("/api/campaigns/1", json=body, headers=auth.headers("demo-county"))
    assert (
        r.status_code == 200 and r.get_json()["campaign"]["report_states"] == body["report_states"]
    )
    db.session.rollback()
    code = db.session.scalar(select(Area.code).where(Area.level == "county"))
    context = build("monitoring", 1, code)
    assert context["parameters"]["states"] == ["submitted", "approved"]
    assert build("monitoring", 1, code, ["accepted"])["parameters"]["states"] == ["accepted"]
    db.session.rollback()
