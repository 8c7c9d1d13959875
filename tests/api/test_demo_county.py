"""The demo county at the end of its exit review, with the 2019 look-back of the same families.

A county office that opens `make run` prints full tables for either campaign, and the demo
surveyor's phone still has work to do.
"""

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import select

from server.demo import EXIT_CAMPAIGN_ID, LOOKBACK_CAMPAIGN_ID, seed
from server.demo.progress import SURVEYING_PATTERN
from server.domain import forms
from server.domain.summary import summarize
from server.domain.validation import validate
from server.extensions import db
from server.models import Campaign, Household, User
from tests.conftest import _empty

FAMILIES = 2000


@pytest.fixture(scope="module")
def households(app):
    """(campaign, village, state, note, document) of every household of a 2,000-family county."""
    with app.app_context():
        _empty()
        seed(households=FAMILIES, random_seed=2020)
        rows = db.session.execute(
            select(
                Household.campaign_id,
                Household.village_id,
                Household.review_state,
                Household.review_note,
                Household.document,
            )
        ).all()
        surveyor = db.session.scalar(select(User).where(User.username == "demo-surveyor"))
        villages = {a.id for a in surveyor.areas}
        active = {c.id: c.active for c in db.session.scalars(select(Campaign))}
        lines = {c.id: c.lines for c in db.session.scalars(select(Campaign))}
        db.session.remove()
        _empty()
        yield {"rows": rows, "surveyor": villages, "active": active, "lines": lines}


def of(households, campaign):
    return [r for r in households["rows"] if r.campaign_id == campaign]


def test_both_campaigns_hold_the_same_families(households):
    exit_review, lookback = of(households, EXIT_CAMPAIGN_ID), of(households, LOOKBACK_CAMPAIGN_ID)
    assert len(exit_review) == FAMILIES
    assert 0.95 * FAMILIES <= len(lookback) < FAMILIES  # but for the few new since
    numbers = {r.document["household"]["household_no"] for r in exit_review}
    assert {r.document["household"]["household_no"] for r in lookback} <= numbers
    assert {r.village_id for r in lookback} == {r.village_id for r in exit_review}
    assert households["active"] == {EXIT_CAMPAIGN_ID: True, LOOKBACK_CAMPAIGN_ID: False}


def test_the_lookback_holds_last_years_answers(households):
    """Surveyed in April 2019 on 2018's income: lower incomes, school years one lower, and the
    register as it stood (returns and new identifications, no monitoring statuses yet)."""
    now = {r.document["household"]["household_no"]: r.document for r in of(households, 1)}
    lines = households["lines"]
    lower = 0
    statuses, changes = Counter(), Counter()
    for row in of(households, LOOKBACK_CAMPAIGN_ID):
        then = row.document
        later = now[then["household"]["household_no"]]
        assert then["signoff"]["visit_date"].startswith("2019-04-")
        pci = summarize(then, lines[2])["per_capita_net_income"]
        lower += pci < summarize(later, lines[1])["per_capita_net_income"]
        statuses[then["household"]["status"]] += 1
        changes[then["household"].get("register_change")] += 1
        assert {m["id"] for m in then["members"]} <= {m["id"] for m in later["members"]}
        if then["household"].get("register_change"):
            assert then["household"]["status"] == "未脱贫" and float(pci) < 4500
    assert lower > 0.8 * len(of(households, 2))  # not all: children born since, members gone
    assert set(statuses) == {"未脱贫", "已脱贫", "非建档立卡户"}
    assert changes["新识别"] >= 10 and changes["返贫"] >= 10


def test_every_visited_questionnaire_is_complete(households):
    definition = forms.load("annex1")
    for row in households["rows"][::7]:
        if not (row.document.get("signoff") or {}).get("visit_date"):
            continue
        on = (
            dt.date(2019, 5, 1) if row.campaign_id == LOOKBACK_CAMPAIGN_ID else dt.date(2020, 11, 1)
        )
        errors = [
            m
            for m in validate(definition, row.document, reference_date=on)
            if m["severity"] == "error"
        ]
        assert errors == [], (row.campaign_id, errors)


def test_the_exit_review_stands_near_its_end(households):
    """Most records accepted by the county, some approved by the township, some still submitted,
    a few sent back (each with its reason), some drafts; the closed look-back all decided."""
    states = Counter(r.review_state for r in of(households, EXIT_CAMPAIGN_ID))
    share = {state: n / FAMILIES for state, n in states.items()}
    assert share["accepted"] > 0.6
    assert 0.05 < share["approved"] < 0.2
    assert 0.03 < share["submitted"] < 0.15
    assert 0.005 < share["returned"] < 0.06
    assert 0.02 < share["draft"] < 0.15
    for row in of(households, EXIT_CAMPAIGN_ID):
        assert bool(row.review_note) == (row.review_state == "returned")
    lookback = Counter(r.review_state for r in of(households, LOOKBACK_CAMPAIGN_ID))
    assert set(lookback) == {"accepted", "approved"} and lookback["accepted"] > 0.9 * sum(
        lookback.values()
    )


def test_the_demo_surveyor_still_has_work_in_the_active_campaign(households):
    """Her two villages are still being surveyed: drafts visited and not, records waiting for the
    township, one sent back to her, and a few already approved."""
    mine = [r for r in of(households, EXIT_CAMPAIGN_ID) if r.village_id in households["surveyor"]]
    kinds = Counter(
        (r.review_state, bool((r.document.get("signoff") or {}).get("visit_date"))) for r in mine
    )
    expected = Counter(SURVEYING_PATTERN)
    assert set(kinds) == set(expected)
    assert kinds[("draft", False)] >= 2 and kinds[("draft", True)] >= 2
    assert kinds[("returned", True)] >= 1 and kinds[("submitted", True)] >= 2
