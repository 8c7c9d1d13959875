"""The desk's villages and campaigns pages: who opens them, CSRF on every form, the township's
submission and the county's decision through plain forms, and a campaign form that comes back
with its messages beside the fields and writes nothing when the rules refuse it."""

import re

from sqlalchemy import select

from server.extensions import db
from server.models import Campaign, Household, VillageSubmission

from .conftest import count, household, make_household
from .test_desk_session import csrf_of, desk_login
from .test_village_acceptance import _decide_all


def _campaign_form(client, path="/desk/campaigns/new", **changes) -> dict:
    """The fields of a campaign form as the page fills them, with `changes`."""
    html = client.get(path).get_data(as_text=True)
    data = {"csrf_token": csrf_of(client)}
    for tag in re.findall(r"<input[^>]*>", html):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and value and 'type="checkbox"' not in tag and name.group(1) != "csrf_token":
            data[name.group(1)] = value.group(1)
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option(?: value="([^"]*)")? selected>([^<]*)', body)
        if chosen:
            data[name] = chosen.group(1) if chosen.group(1) is not None else chosen.group(2)
    data["report_states"] = ["approved", "accepted"]
    data["active"] = "1"
    return data | changes


def test_who_opens_the_pages(client, areas):
    make_household(areas.unassigned_village)  # a draft: the township has something to decide
    assert client.get("/desk/villages").status_code == 303  # to the login
    desk_login(client, "demo-admin")
    assert client.get("/desk/villages").status_code == 403
    assert client.get("/desk/campaigns").status_code == 403
    client.post("/desk/logout", data={"csrf_token": csrf_of(client)})
    desk_login(client, "demo-reviewer")
    page = client.get("/desk/villages")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "村级汇总上报与县级确认" in body and "户未审核" in body
    assert "调查轮次" not in re.search(r'<nav class="menu".*?</nav>', body, re.S).group(0)
    assert client.get("/desk/campaigns").status_code == 403


def test_the_township_submits_and_the_county_accepts_on_the_desk(client, areas):
    village = areas.surveyor_village  # still in review in the demo: its records get locked here
    ids = _decide_all(village)
    desk_login(client, "demo-reviewer")
    url = f"/desk/villages/1/{village}/submit"
    assert client.post(url).status_code == 400  # no CSRF token: the stale-form page
    assert count(VillageSubmission) == 0
    r = client.post(url, data={"csrf_token": csrf_of(client)})
    assert r.status_code == 303
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert f"已上报：{len(ids)} 户" in page and "已上报，待县级确认" in page
    client.post("/desk/logout", data={"csrf_token": csrf_of(client)})

    desk_login(client, "demo-county")
    r = client.post(f"/desk/villages/1/{village}/return", data={"csrf_token": csrf_of(client)})
    assert r.status_code == 422
    assert "退回时请填写原因" in r.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(VillageSubmission.state)) == "submitted"
    db.session.rollback()
    r = client.post(f"/desk/villages/1/{village}/accept", data={"csrf_token": csrf_of(client)})
    assert r.status_code == 303
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert f"已确认，{len(ids)} 户记录已锁定" in page, re.findall(r"flash[^<]*<", page)
    assert {household(i).review_state for i in ids} == {"accepted"}
    detail = client.get(f"/desk/villages/1/{village}")
    assert detail.status_code == 200
    text = detail.get_data(as_text=True)
    assert "县级已确认" in text and "乡镇上报" in text and "县级确认" in text


def test_a_blocked_submission_says_what_blocks_it(client, areas):
    desk_login(client, "demo-reviewer")
    village = areas.unassigned_village
    make_household(village)
    r = client.post(f"/desk/villages/1/{village}/submit", data={"csrf_token": csrf_of(client)})
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert re.search(r"\d+ 户未审核（.*?），不能上报", page)
    assert count(VillageSubmission) == 0


def test_a_refused_campaign_form_comes_back_with_messages_and_writes_nothing(client):
    desk_login(client, "demo-county")
    assert client.get("/desk/campaigns").status_code == 200
    before = count(Campaign)
    data = _campaign_form(
        client,
        "/desk/campaigns/new?copy=1",
        period_end="2019-01-01",
        **{"lines-0-amount": "0", "lines-1-comparison": ""},
    )
    r = client.post("/desk/campaigns/new", data=data)
    assert r.status_code == 422
    body = r.get_data(as_text=True)
    assert "统计期结束日期不能早于开始日期" in body
    assert "金额应大于 0" in body and "请选择比较方式" in body
    assert 'name="lines-0-amount" value="0"' in body  # what was typed, kept
    assert count(Campaign) == before


def test_copy_last_years_and_save_from_the_desk(client):
    desk_login(client, "demo-county")
    data = _campaign_form(client, "/desk/campaigns/new?copy=1")
    assert data["year"] == "2021" and data["source_campaign_id"] == "1"
    r = client.post("/desk/campaigns/new", data=data)
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    db.session.rollback()
    made = db.session.scalar(select(Campaign).order_by(Campaign.id.desc()))
    assert made.year == 2021 and made.source_campaign_id == 1
    assert made.lines == db.session.get(Campaign, 1).lines
    db.session.rollback()
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "开始本轮：结转农户" in page


def test_changing_a_line_on_the_desk_recomputes(client):
    desk_login(client, "demo-county")
    data = _campaign_form(client, "/desk/campaigns/1", **{"lines-1-amount": "20000.00"})
    r = client.post("/desk/campaigns/1", data=data)
    assert r.status_code == 303
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "收入线有变化，已重算" in page
    db.session.rollback()
    flags = db.session.scalars(select(Household.line_flags).where(Household.campaign_id == 1))
    assert all(f["monitoring"] for f in flags)  # every household is 以下 20000 now
    db.session.rollback()
