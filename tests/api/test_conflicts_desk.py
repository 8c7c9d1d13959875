"""The conflicts desk (/desk/conflicts): who sees which conflicts, the value in force beside the
recorded one, and each decision (per field, typed, all at once) with its refusals."""

import re

from flask import current_app

from server.extensions import db
from server.models import Conflict
from tests.api.test_desk_session import csrf_of
from tests.api.test_desk_session import desk_login as _desk_login

from .test_conflicts import listed, make_conflict, push, snapshot


def desk_login(client, username):
    """Sign in to the desk in an app context of its own: the tests share one app context, whose
    `g` still holds the user of the last API request, which the desk would take for this one."""
    with current_app.app_context():
        r = _desk_login(client, username)
    db.session.rollback()  # the test's own session must see the new sign-in
    assert r.status_code == 303
    return r


def page(client, query=""):
    r = client.get(f"/desk/conflicts{query}")
    assert r.status_code == 200, r.status_code
    return r.get_data(as_text=True)


def block(html, household_id):
    """The card of one household on the page."""
    match = re.search(rf'<section[^>]*id="h-{household_id}".*?</section>', html, re.S)
    assert match, f"household {household_id} is not on the page"
    return match.group(0)


def post(client, household_id, data, csrf=True):
    if csrf:
        data = {"csrf_token": csrf_of(client), **data}
    return client.post(f"/desk/conflicts/{household_id}", data=data)


def test_a_reviewer_sees_the_value_in_force_not_the_stale_one(client, auth, areas):
    household_id = make_conflict(client, auth, areas.surveyor_village)
    push(client, auth, "demo-surveyor", household_id, 3, {"income.wage_migrant": "11000.00"}, "pa")
    desk_login(client, "demo-reviewer")
    html = page(client)
    assert "冲突处理" in html
    card = block(html, household_id)
    assert "收入情况 · 外出务工收入" in card
    current = re.search(r"<span class=\"value\" data-current>([^<]*)</span>", card).group(1)
    assert current.strip() == "11000.00"
    assert "冲突记录时为“10000.00”" in card
    assert "9000.00" in card and "24000.00" in card  # the device's value, and the base

    (conflict,) = listed(client, auth, household_id)
    r = post(client, household_id, {"version": "4", f"choice-{conflict['id']}": "server"})
    assert r.status_code == 303, r.get_data(as_text=True)[:400]
    db.session.rollback()
    stored = db.session.get(Conflict, conflict["id"])
    assert stored.resolution == {"choice": "server", "value": "11000.00"}
    db.session.rollback()
    html = page(client)
    assert household_id not in html
    assert "已处理 1 项冲突" in html


def test_the_county_sees_every_township_and_can_filter_one(client, auth, areas):
    mine = make_conflict(client, auth, areas.surveyor_village)
    other = make_conflict(client, auth, areas.township2_village, user="demo-county")
    desk_login(client, "demo-reviewer")
    html = page(client)
    assert f'id="h-{mine}"' in html and f'id="h-{other}"' not in html
    r = client.get(f"/desk/conflicts?township={areas.township2}")
    assert r.status_code == 403
    client.post("/desk/logout", data={"csrf_token": csrf_of(client)})

    desk_login(client, "demo-county")
    html = page(client)
    assert f'id="h-{mine}"' in html and f'id="h-{other}"' in html
    html = page(client, f"?township={areas.township2}")
    assert f'id="h-{mine}"' not in html and f'id="h-{other}"' in html


def test_the_menu_and_the_roles(client, auth, areas):
    assert client.get("/desk/conflicts").status_code == 303  # to the login page
    desk_login(client, "demo-admin")
    assert client.get("/desk/conflicts").status_code == 403
    assert "冲突处理" not in client.get("/desk/", follow_redirects=True).get_data(as_text=True)
    client.post("/desk/logout", data={"csrf_token": csrf_of(client)})
    desk_login(client, "demo-reviewer")
    assert 'href="/desk/conflicts"' in client.get("/desk/", follow_redirects=True).get_data(
        as_text=True
    )


def test_take_type_and_keep_all_take_all(client, auth, areas):
    desk_login(client, "demo-reviewer")
    taken = make_conflict(client, auth, areas.surveyor_village)
    (c,) = listed(client, auth, taken)
    assert post(client, taken, {f"choice-{c['id']}": "device"}).status_code == 303

    typed = make_conflict(client, auth, areas.surveyor_village)
    (c,) = listed(client, auth, typed)
    # A typed value chooses "new value" by itself, and is read as an amount.
    assert post(client, typed, {f"value-{c['id']}": " 9500 "}).status_code == 303

    kept = make_conflict(client, auth, areas.surveyor_village)
    assert post(client, kept, {"all": "server", "note": "以村台账为准"}).status_code == 303
    all_taken = make_conflict(client, auth, areas.surveyor_village)
    assert post(client, all_taken, {"all": "device"}).status_code == 303

    from .conftest import household

    assert household(taken).document["income"]["wage_migrant"] == "9000.00"
    assert household(typed).document["income"]["wage_migrant"] == "9500.00"
    assert household(kept).document["income"]["wage_migrant"] == "10000.00"
    assert household(all_taken).document["income"]["wage_migrant"] == "9000.00"
    for hid in (taken, typed, kept, all_taken):
        assert not household(hid).conflict_open
        assert listed(client, auth, hid) == []


def test_a_bad_value_comes_back_beside_its_field_and_writes_nothing(client, auth, areas):
    household_id = make_conflict(client, auth, areas.surveyor_village)
    (c,) = listed(client, auth, household_id)
    before = snapshot(household_id)
    desk_login(client, "demo-reviewer")
    r = post(client, household_id, {f"choice-{c['id']}": "value", f"value-{c['id']}": "很多"})
    assert r.status_code == 422
    card = block(r.get_data(as_text=True), household_id)
    row = re.search(rf'<tr[^>]*id="c-{c["id"]}".*?</tr>', card, re.S).group(0)
    assert "has-error" in row and "外出务工收入应为金额" in row
    assert 'value="很多"' in row  # what was typed stays where it was typed
    assert snapshot(household_id) == before

    for data, words in (
        ({}, "请至少为一项冲突选择处理办法"),
        ({f"choice-{c['id']}": "mine"}, "处理办法不正确"),
        ({f"choice-{c['id']}": "value"}, "请填写新的值"),
        ({"all": "value"}, "处理办法不正确"),
    ):
        r = post(client, household_id, data)
        assert r.status_code == 422, data
        assert words in r.get_data(as_text=True), data
        assert snapshot(household_id) == before


def test_a_page_out_of_date_is_refused_and_shows_the_new_values(client, auth, areas):
    household_id = make_conflict(client, auth, areas.surveyor_village)
    (c,) = listed(client, auth, household_id)
    desk_login(client, "demo-reviewer")
    page(client)  # the reviewer opens the page at version 3 ...
    push(client, auth, "demo-surveyor", household_id, 3, {"income.wage_migrant": "11000.00"}, "pa")
    before = snapshot(household_id)
    r = post(client, household_id, {"version": "3", f"choice-{c['id']}": "server"})
    assert r.status_code == 409
    card = block(r.get_data(as_text=True), household_id)
    assert "请刷新后再处理" in card and "11000.00" in card
    assert snapshot(household_id) == before


def test_csrf_and_another_township_write_nothing(client, auth, areas):
    household_id = make_conflict(client, auth, areas.surveyor_village)
    (c,) = listed(client, auth, household_id)
    before = snapshot(household_id)
    desk_login(client, "demo-reviewer")
    r = post(client, household_id, {f"choice-{c['id']}": "device"}, csrf=False)
    assert r.status_code == 400
    assert "页面已过期" in r.get_data(as_text=True)
    r = post(client, household_id, {"csrf_token": "forged", f"choice-{c['id']}": "device"}, False)
    assert r.status_code == 400
    assert snapshot(household_id) == before

    elsewhere = make_conflict(client, auth, areas.township2_village, user="demo-county")
    (e,) = listed(client, auth, elsewhere, user="demo-county")
    before = snapshot(elsewhere)
    r = post(client, elsewhere, {f"choice-{e['id']}": "device"})
    assert r.status_code == 404
    assert "未找到该户" in r.get_data(as_text=True)
    r = post(client, elsewhere, {"all": "device"})
    assert r.status_code == 404
    assert snapshot(elsewhere) == before
