"""The township dashboard through HTTP, its counts checked against a loop over the documents."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from server.domain import lines as line_rules
from server.domain import stages
from server.domain.lines import COMPARISONS
from server.domain.summary import summarize
from server.extensions import db
from server.households.checks import check
from server.models import Area, Campaign, Household
from tests.api.conftest import make_household
from tests.api.test_desk_session import desk_login
from tests.api.test_review_queue import _doc, make_conflict


def _households(campaign_id: int = 1) -> list[Household]:
    db.session.rollback()
    rows = list(
        db.session.scalars(
            select(Household).where(
                Household.campaign_id == campaign_id, Household.deleted.is_(False)
            )
        )
    )
    db.session.rollback()
    return rows


def _state(h: Household) -> str:
    visited = bool((h.document.get("signoff") or {}).get("visit_date"))
    if h.review_state == "draft":
        return "draft" if visited else "not_visited"
    return h.review_state


def _expected_counts(rows: list[Household], lines: list[dict]) -> dict:
    """{"total", each queue state, "conflicts", "warnings", "errors", "below": {...}} by a loop."""
    out = dict.fromkeys(
        ["total", "not_visited", "draft", "submitted", "held", "returned", "approved",
         "accepted", "conflicts", "warnings", "errors"],
        0,
    )  # fmt: skip
    out["below"] = {line["key"]: 0 for line in lines}
    for h in rows:
        out["total"] += 1
        out[_state(h)] += 1
        errors, warnings = check(h.document, complete=h.review_state in ("submitted", "held"))
        out["conflicts"] += h.conflict_open
        out["warnings"] += bool(warnings)
        out["errors"] += bool(errors)
        income = summarize(h.document, lines)["per_capita_net_income"]
        for line in lines:
            out["below"][line["key"]] += line_rules.below(income, line)
    return out


def _flat(api_row: dict) -> dict:
    return {"total": api_row["total"], **api_row["counts"], "below": api_row["below"]}


@pytest.fixture()
def variety(client, auth, areas):
    v = areas.unassigned_village
    made = [
        make_household(v, _doc(income__ALL={"wage_local": "12300.00"}), state="held"),
        make_household(v, _doc(income__ALL={"wage_local": "200.00"}), state="returned"),
        make_household(v, _doc(signoff__ALL={})),
        make_household(v, state="accepted"),
    ]
    conflicted = make_household(v, state="submitted")
    make_conflict(client, auth, conflicted)
    return [*made, conflicted]


def test_the_reviewer_sees_every_village_of_the_township_counted_right(
    client, auth, areas, variety
):
    r = client.get("/api/review/dashboard", headers=auth.headers("demo-reviewer"))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    lines = db.session.get(Campaign, 1).lines
    db.session.rollback()
    assert [ln["key"] for ln in body["lines"]] == [ln["key"] for ln in lines]
    [township] = body["townships"]
    assert township["id"] == areas.township1
    villages = list(db.session.scalars(select(Area.id).where(Area.parent_id == areas.township1)))
    db.session.rollback()
    assert sorted(v["id"] for v in township["villages"]) == sorted(villages)
    everything = _households()
    for village in township["villages"]:
        rows = [h for h in everything if h.village_id == village["id"]]
        assert _flat(village) == _expected_counts(rows, lines), village["name"]
    in_township = [h for h in everything if h.village_id in villages]
    assert _flat(township) == _expected_counts(in_township, lines)
    assert _flat(body["total"]) == _flat(township)
    here = next(v for v in township["villages"] if v["id"] == areas.unassigned_village)
    assert here["counts"]["held"] >= 1 and here["counts"]["conflicts"] >= 1
    assert here["counts"]["accepted"] >= 1 and here["counts"]["not_visited"] >= 1


def test_the_county_sees_every_township_with_subtotals_and_a_total(client, auth, variety):
    body = client.get("/api/review/dashboard", headers=auth.headers("demo-county")).get_json()
    assert len(body["townships"]) == 5
    lines = db.session.get(Campaign, 1).lines
    db.session.rollback()
    assert _flat(body["total"]) == _expected_counts(_households(), lines)
    for township in body["townships"]:
        summed = sum(v["total"] for v in township["villages"])
        assert township["total"] == summed
        for key in township["counts"]:
            assert township["counts"][key] == sum(v["counts"][key] for v in township["villages"])
    assert body["total"]["total"] == sum(t["total"] for t in body["townships"])


def test_the_stage_and_days_left_come_from_the_campaign_and_today(client, auth):
    body = client.get("/api/review/dashboard", headers=auth.headers("demo-county")).get_json()
    campaign = db.session.get(Campaign, 1)
    expected = stages.timing(campaign.stages, date.today())
    db.session.rollback()
    assert body["today"] == date.today().isoformat()
    assert body["stage"]["name"] == expected.stage.name
    assert body["stage"]["days_left"] == (expected.stage.due - date.today()).days
    assert body["stage"]["overdue"] is (body["stage"]["days_left"] < 0)
    # The demo's stages are past: every village with a household short of the goal is overdue.
    for township in body["townships"]:
        for village in township["villages"]:
            assert village["overdue"] is (village["counts"]["accepted"] < village["total"])


def test_the_campaign_is_chosen_and_an_unknown_one_is_422(client, auth):
    headers = auth.headers("demo-county")
    other = client.get("/api/review/dashboard?campaign=2", headers=headers).get_json()
    assert other["campaign"]["id"] == 2
    lines = db.session.get(Campaign, 2).lines
    db.session.rollback()
    assert [ln["key"] for ln in other["lines"]] == [ln["key"] for ln in lines]
    assert other["total"]["total"] == len(_households(2))
    r = client.get("/api/review/dashboard?campaign=999", headers=headers)
    assert r.status_code == 422 and "campaign" in r.get_json()["error"]["fields"]
    r = client.get("/api/review/dashboard?campaign=x", headers=headers)
    assert r.status_code == 422 and r.get_json()["error"]["fields"]["campaign"] == ["应为整数"]


@pytest.mark.parametrize("word", sorted(COMPARISONS))
def test_below_a_line_in_sql_is_the_domain_rule(client, areas, word):
    """A household exactly at the line, one a cent under and one a cent over, for every word."""
    from server.review.filters import HH, below_clause

    amount = "4100.00"
    made = {
        make_household(areas.unassigned_village, _doc(income__ALL={"wage_local": total}))
        for total in ("12300.00", "12299.97", "12300.03", "0.00")
    }
    line = {"key": "x", "amount": amount, "comparison": word}
    got = set(db.session.scalars(select(HH.c.id).where(HH.c.id.in_(made), below_clause(line))))
    db.session.rollback()
    expected = set()
    for h in _households():
        if h.id in made:
            income = summarize(h.document, [line])["per_capita_net_income"]
            if line_rules.below(income, line):
                expected.add(h.id)
    assert got == expected
    at_line = Decimal(amount)
    assert line_rules.below(at_line, line) is (COMPARISONS[word] in ("<=", ">"))


def test_the_desk_dashboard_groups_townships_for_the_county_and_marks_overdue(client):
    desk_login(client, "demo-county")
    html = client.get("/desk/dashboard").get_data(as_text=True)
    assert html.count("小计") == 5 and "合计" in html
    assert 'class="overdue"' in html and "已逾期" in html
    assert 'name="campaign"' in html and "data-autosubmit" in html
    assert "/desk/queue?campaign=1&amp;village=" in html


def test_the_reviewer_dashboard_is_one_township_and_the_home_page_leads_there(client):
    desk_login(client, "demo-reviewer")
    r = client.get("/desk/", follow_redirects=True)
    assert r.request.path == "/desk/dashboard"
    html = r.get_data(as_text=True)
    assert "小计" not in html and "合计" in html and "城关镇" in html
    assert "青龙镇" not in html


def test_an_administrator_has_no_dashboard(client, auth):
    desk_login(client, "demo-admin")
    assert client.get("/desk/dashboard").status_code == 403
    assert client.get("/desk/").status_code == 200
    r = client.get("/api/review/dashboard", headers=auth.headers("demo-admin"))
    assert r.status_code == 403


def test_a_reviewer_assigned_no_area_gets_empty_pages_not_errors(client, auth):
    from server.identity.accounts import create_user

    create_user("lonely-reviewer", "无区域", "reviewer", "demo12345", [])
    desk_login(client, "lonely-reviewer")
    board = client.get("/desk/dashboard")
    assert board.status_code == 200 and "合计" in board.get_data(as_text=True)
    page = client.get("/desk/queue")
    assert page.status_code == 200 and "没有符合条件的户" in page.get_data(as_text=True)
    r = client.get("/api/review/queue", headers=auth.headers("lonely-reviewer"))
    assert r.status_code == 200 and r.get_json()["total"] == 0
    r = client.get("/api/review/dashboard", headers=auth.headers("lonely-reviewer"))
    assert r.get_json()["townships"] == [] and r.get_json()["total"]["total"] == 0
