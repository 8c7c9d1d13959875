"""The review queue and bulk approval, through HTTP, against expectations built apart.

Each filter's expected households are worked out here by a loop over the stored documents and
the domain's rules (not by the queue's SQL), then compared with what the queue pages out.
"""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from server.domain import lines as line_rules
from server.domain.summary import summarize
from server.extensions import db
from server.households.checks import check
from server.models import Area, Campaign, Household, Revision, User
from tests.api.conftest import fresh_document, household, make_household, push_one
from tests.api.test_desk_session import csrf_of, desk_login

REVIEWER = "demo-reviewer"


# --- a township with something of every kind -----------------------------------------------


def _doc(**changes) -> dict:
    """The sample household with some sections changed."""
    document = fresh_document()
    for path, value in changes.items():
        section, key = path.split("__")
        if key == "ALL":
            document[section] = value
        else:
            document[section][key] = value
    return document


def _push(client, headers, household_id, base_version, changes, device):
    return push_one(client, headers, household_id, base_version, changes, device)


def make_conflict(client, auth, household_id: str) -> None:
    """Two phones change the same answer from version 1, differently: a real conflict."""
    headers = auth.headers(REVIEWER)
    assert (
        _push(client, headers, household_id, 1, {"household.phone": "13900000001"}, "a")["status"]
        == "applied"
    )
    second = _push(client, headers, household_id, 1, {"household.phone": "13900000002"}, "b")
    assert second["status"] == "conflict", second


@pytest.fixture()
def township(client, auth, areas):
    """Households of every kind in township 1 beside the seeded ones; returns their ids."""
    v1, v2 = areas.unassigned_village, areas.surveyor_village
    made = {
        "near": make_household(v1, _doc(income__ALL={"wage_local": "12300.00"}), state="submitted"),
        "poor": make_household(v1, _doc(income__ALL={"wage_local": "6000.00"}), state="submitted"),
        "warning": make_household(
            v1, _doc(income__ALL={"wage_local": "200.00", "business_farming": "30000.00"})
        ),
        "unmet": make_household(
            v2, _doc(guarantees__food_secure=False), state="submitted", household_no="UNMET0001"
        ),
        "monitored": make_household(
            v2,
            _doc(
                income__ALL={"wage_local": "9000.00"},
                causes__risks=["因病"],
                causes__risk_note="家人患病",
            ),
            state="held",
        ),
        "group": make_household(v1, _doc(household__group="一组"), state="returned"),
        "not_visited": make_household(v1, _doc(signoff__ALL={})),
        "errors": make_household(v1, _doc(signoff__ALL={}), state="submitted"),
        "conflict": make_household(v1, state="submitted"),
        "approved": make_household(v2, state="approved"),
    }
    make_conflict(client, auth, made["conflict"])
    made["parallel"] = make_household(v1, state="submitted")
    headers = auth.headers(REVIEWER)
    for changes, device in (
        ({"household.phone": "13900000003"}, "a"),
        ({"household.housing_area": "120"}, "b"),  # another answer: both kept, a note left
    ):
        assert _push(client, headers, made["parallel"], 1, changes, device)["status"] in (
            "applied",
            "merged",
        )
    return made


def _in_township(township_id: int) -> list[Household]:
    db.session.rollback()
    villages = select(Area.id).where(Area.parent_id == township_id)
    rows = list(
        db.session.scalars(
            select(Household).where(
                Household.village_id.in_(villages),
                Household.campaign_id == 1,
                Household.deleted.is_(False),
            )
        )
    )
    db.session.rollback()
    return rows


def _lines() -> list[dict]:
    lines = db.session.get(Campaign, 1).lines
    db.session.rollback()
    return lines


def queue_ids(client, headers, **params) -> list[str]:
    """Every household the queue pages out for these parameters, in order."""
    out, page = [], 1
    while True:
        r = client.get("/api/review/queue", query_string=params | {"page": page}, headers=headers)
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        assert len(body["items"]) <= 50
        out += [item["id"] for item in body["items"]]
        if page >= body["pages"]:
            assert body["total"] == len(out)
            return out
        page += 1


def _income(h: Household):
    value = summarize(h.document, _LINES_CACHE["lines"])["per_capita_net_income"]
    return None if value is None else Decimal(value)


_LINES_CACHE: dict = {}


def _expected(kind: str, value, h: Household) -> bool:
    """Whether household `h` belongs under the filter `kind=value`, from its document."""
    lines = _LINES_CACHE["lines"]
    doc = h.document
    visited = bool((doc.get("signoff") or {}).get("visit_date"))
    summary = summarize(doc, lines)
    income = _income(h)
    if kind == "state":
        if value == "not_visited":
            return h.review_state == "draft" and not visited
        if value == "draft":
            return h.review_state == "draft" and visited
        return h.review_state == value
    if kind == "group":
        return doc["household"].get("group") == value
    if kind == "exit":
        return summary["exit_eligible"] is (value == "yes")
    if kind == "monitoring":
        return (
            summary["monitoring_type"] is not None
            if value == "any"
            else (summary["monitoring_type"] == value)
        )
    if kind == "below":
        line = next(ln for ln in lines if ln["key"] == value)
        return line_rules.below(income, line)
    if kind == "village":
        return h.village_id == value
    flag = value
    if flag == "conflict":
        return h.conflict_open
    if flag == "parallel":
        return h.parallel_note
    if flag == "warning":
        return bool(check(doc, complete=True)[1])
    if flag == "errors":  # complete while waiting for a decision, as a draft otherwise
        return bool(check(doc, complete=h.review_state in ("submitted", "held"))[0])
    if flag == "unmet":
        return not summary["guarantees_met"]
    if flag == "near":
        return income is not None and any(
            abs(income - Decimal(ln["amount"])) <= Decimal(ln["amount"]) / 10 for ln in lines
        )
    raise AssertionError(kind)


FILTERS = [
    ("state", "not_visited"),
    ("state", "draft"),
    ("state", "submitted"),
    ("state", "held"),
    ("state", "returned"),
    ("state", "approved"),
    ("group", "一组"),
    ("exit", "yes"),
    ("exit", "no"),
    ("monitoring", "any"),
    ("monitoring", "脱贫不稳定户"),
    ("below", "exit"),
    ("below", "monitoring"),
    ("flag", "conflict"),
    ("flag", "parallel"),
    ("flag", "warning"),
    ("flag", "errors"),
    ("flag", "unmet"),
    ("flag", "near"),
]


@pytest.mark.parametrize(("kind", "value"), FILTERS, ids=[f"{k}={v}" for k, v in FILTERS])
def test_each_filter_keeps_exactly_the_households_it_names(
    client, auth, areas, township, kind, value
):
    _LINES_CACHE["lines"] = _lines()
    everything = _in_township(areas.township1)
    expected = {h.id for h in everything if _expected(kind, value, h)}
    got = queue_ids(client, auth.headers(REVIEWER), **{kind: value})
    assert len(got) == len(set(got))
    assert set(got) == expected
    assert expected, "the township has none of these: the test would prove nothing"
    assert len(expected) < len(everything), "the filter kept everything"


def test_filters_combine_and_the_village_filter_narrows(client, auth, areas, township):
    _LINES_CACHE["lines"] = _lines()
    everything = _in_township(areas.township1)
    expected = {
        h.id
        for h in everything
        if h.village_id == areas.unassigned_village
        and _expected("state", "submitted", h)
        and _expected("flag", "near", h)
    }
    got = queue_ids(
        client,
        auth.headers(REVIEWER),
        village=areas.unassigned_village,
        state="submitted",
        flag="near",
    )
    assert set(got) == expected == {township["near"]}
    two = queue_ids(client, auth.headers(REVIEWER), flag=["near", "unmet"])
    assert set(two) == {
        h.id for h in everything if _expected("flag", "near", h) and _expected("flag", "unmet", h)
    }


def test_the_surveyor_filter_keeps_what_that_person_wrote(client, auth, areas, township):
    headers = auth.headers("demo-surveyor")
    target = make_household(areas.surveyor_village)
    assert (
        _push(client, headers, target, 1, {"household.phone": "13911112222"}, "p")["status"]
        == "applied"
    )
    surveyor = db.session.scalar(select(User.id).where(User.username == "demo-surveyor"))
    written = set(
        db.session.scalars(select(Revision.household_id).where(Revision.author_id == surveyor))
    )
    db.session.rollback()
    got = queue_ids(client, auth.headers(REVIEWER), surveyor=surveyor)
    assert set(got) == written == {target}


def test_every_household_once_across_pages_in_the_order_asked(client, auth, areas, township):
    everything = _in_township(areas.township1)
    headers = auth.headers(REVIEWER)
    got = queue_ids(client, headers)
    assert sorted(got) == sorted(h.id for h in everything)
    first = client.get("/api/review/queue", headers=headers).get_json()
    assert first["per_page"] == 50 and len(first["items"]) == min(50, len(everything))
    assert first["pages"] == -(-len(everything) // 50)

    def by(key):
        return sorted(everything, key=lambda h: (key(h), h.id))

    expectations = {
        "household_no": by(lambda h: h.household_no or ""),
        "head": by(lambda h: h.search_keys or ""),  # names in pinyin order
        "income": by(lambda h: -1 if h.per_capita_net_income is None else h.per_capita_net_income),
        "updated": by(lambda h: h.updated_at.replace(tzinfo=None)),
    }
    for sort, rows in expectations.items():
        assert queue_ids(client, headers, sort=sort) == [h.id for h in rows], sort
        assert queue_ids(client, headers, sort=f"-{sort}") == [h.id for h in reversed(rows)], sort
    order = ["draft", "submitted", "held", "returned", "approved", "accepted"]
    states = [
        next(h.review_state for h in everything if h.id == i)
        for i in queue_ids(client, headers, sort="state")
    ]
    assert states == sorted(states, key=order.index)


def test_search_by_name_id_number_household_number_and_pinyin(client, auth, areas, township):
    headers = auth.headers(REVIEWER)
    target = household(township["unmet"])
    members = target.document["members"]
    other = next(m for m in members if m["relation"] != "户主")
    assert queue_ids(client, headers, q="UNMET0001") == [target.id]
    assert queue_ids(client, headers, q="MET000") == [target.id]  # part of a number
    assert target.id in queue_ids(client, headers, q=other["id_number"])
    assert target.id in queue_ids(client, headers, q=other["name"])  # not the head
    assert target.id in queue_ids(client, headers, q=target.head_name[:1])
    pinyin = target.search_keys.split()[0]
    assert target.id in queue_ids(client, headers, q=pinyin.upper())
    assert queue_ids(client, headers, q="没有这个人") == []
    for hid in queue_ids(client, headers, q=other["name"]):  # nobody else's name
        names = {m.get("name") for m in household(hid).document["members"]}
        assert other["name"] in names or other["name"] in (household(hid).head_name or "")


def test_neighbours_follow_the_queue_order(client, auth, areas, township):
    from server.review import queue

    headers = auth.headers(REVIEWER)
    order = queue_ids(client, headers, sort="-income")
    reviewer = db.session.scalar(select(User).where(User.username == REVIEWER))
    filters = queue.Filters()
    with client.application.test_request_context():
        for i in (0, 1, len(order) // 2, len(order) - 1):
            prev_id, next_id = queue.neighbours(reviewer, filters, "-income", order[i])
            assert prev_id == (order[i - 1] if i else None)
            assert next_id == (order[i + 1] if i + 1 < len(order) else None)
        outside = make_household(areas.township2_village)
        assert queue.neighbours(reviewer, filters, "-income", outside) == (None, None)
    db.session.rollback()


def test_bad_filters_are_422_in_chinese_and_outside_villages_403(client, auth, areas, township):
    headers = auth.headers(REVIEWER)
    for params, field in (
        ({"state": "done"}, "state"),
        ({"sort": "name"}, "sort"),
        ({"page": 0}, "page"),
        ({"flag": "odd"}, "flag.0"),
        ({"below": "no_such_line"}, "below"),
        ({"campaign": 999}, "campaign"),
        ({"q": "x" * 41}, "q"),
    ):
        r = client.get("/api/review/queue", query_string=params, headers=headers)
        assert r.status_code == 422, params
        error = r.get_json()["error"]
        assert field in error["fields"], error
        assert all("\u4e00" <= ch <= "\u9fff" for ch in error["fields"][field][0][:1]), error
    r = client.get(
        "/api/review/queue", query_string={"village": areas.township2_village}, headers=headers
    )
    assert r.status_code == 403


def test_a_reviewer_never_sees_another_township(client, auth, areas, township):
    elsewhere = make_household(areas.township2_village, state="submitted", household_no="T2X0001")
    headers = auth.headers(REVIEWER)
    assert elsewhere not in queue_ids(client, headers)
    assert queue_ids(client, headers, q="T2X0001") == []
    assert elsewhere in queue_ids(client, auth.headers("demo-county"), q="T2X0001")


# --- bulk approval ------------------------------------------------------------------------


def _revisions() -> int:
    db.session.rollback()
    n = db.session.scalar(select(func.count()).select_from(Revision))
    db.session.rollback()
    return n


def _bulk(client, auth, body, user=REVIEWER):
    return client.post("/api/review/bulk-approve", json=body, headers=auth.headers(user))


def test_bulk_approve_of_a_selection_skips_and_counts_what_it_cannot_approve(client, auth, areas):
    v = areas.unassigned_village
    clean = [make_household(v, state="submitted") for _ in range(4)]
    held = make_household(v, state="held")
    conflicts = [make_household(v, state="submitted") for _ in range(3)]
    for hid in conflicts:
        make_conflict(client, auth, hid)
    broken = [make_household(v, _doc(signoff__ALL={}), state="submitted") for _ in range(2)]
    drafts = [make_household(v) for _ in range(5)]
    elsewhere = make_household(areas.township2_village, state="submitted")
    ids = [*clean, held, *conflicts, *broken, *drafts, elsewhere]
    versions = {hid: household(hid).version for hid in ids}
    before = _revisions()

    r = _bulk(client, auth, {"ids": ids})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["approved"] == 5
    assert body["refused"] == {"conflict": 3, "errors": 2, "state": 5, "not_found": 1}
    assert "3 户有未处理的冲突" in body["messages"]
    assert "2 户问卷有错误" in body["messages"]
    assert "5 户状态不是已提交" in body["messages"]
    assert _revisions() == before + 5
    for hid in [*clean, held]:
        after = household(hid)
        assert after.review_state == "approved" and after.version == versions[hid] + 1
        last = db.session.scalar(
            select(Revision).where(Revision.household_id == hid, Revision.version == after.version)
        )
        assert last.kind == "review" and last.author_id is not None
        db.session.rollback()
    for hid in [*conflicts, *broken, *drafts, elsewhere]:
        after = household(hid)
        assert after.version == versions[hid] and after.review_state != "approved"


def test_bulk_approve_of_a_filter_takes_every_page(client, auth, areas):
    v = areas.unassigned_village
    many = [make_household(v, state="submitted") for _ in range(55)]
    conflicted = make_household(v, state="submitted")
    make_conflict(client, auth, conflicted)
    headers = auth.headers(REVIEWER)
    matching = queue_ids(client, headers, village=v, state="submitted")
    assert len(matching) > 50 and set(many) <= set(matching)
    before = _revisions()
    r = _bulk(client, auth, {"filter": {"village": v, "state": "submitted"}})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["approved"] == len(matching) - 1 - body["refused"]["errors"]
    assert body["refused"]["conflict"] == 1 and body["refused"]["state"] == 0
    assert _revisions() == before + body["approved"]
    left = {conflicted} | {h for h in matching if household(h).error_count}
    assert set(queue_ids(client, headers, village=v, state="submitted")) == left
    assert all(household(h).review_state == "approved" for h in many)


def test_bulk_approve_refuses_bad_bodies_other_roles_and_writes_nothing(client, auth, areas):
    target = make_household(areas.unassigned_village, state="submitted")
    before = _revisions()
    for body, field in (
        ({}, "_"),
        ({"ids": [target], "filter": {}}, "_"),
        ({"ids": []}, "ids"),
        ({"ids": ["not-a-uuid"]}, "ids.0"),
        ({"filter": {"state": "finished"}}, "filter.state"),
        ({"filter": {"odd": 1}}, "filter.odd"),
    ):
        r = _bulk(client, auth, body)
        assert r.status_code == 422, body
        assert field in r.get_json()["error"]["fields"], r.get_json()
    for user in ("demo-county", "demo-surveyor", "demo-admin"):
        assert _bulk(client, auth, {"ids": [target]}, user).status_code == 403
    assert _revisions() == before
    assert household(target).review_state == "submitted"


def test_the_cookie_session_needs_its_csrf_token_to_approve(client, areas):
    target = make_household(areas.unassigned_village, state="submitted")
    desk_login(client, REVIEWER)
    before = _revisions()
    r = client.post("/api/review/bulk-approve", json={"ids": [target]})
    assert r.status_code == 401
    r = client.post(f"/desk/queue/approve?village={areas.unassigned_village}", data={"one": target})
    assert r.status_code == 400
    assert _revisions() == before and household(target).review_state == "submitted"
    token = client.get_cookie("csrf_access_token").value
    r = client.post(
        "/api/review/bulk-approve", json={"ids": [target]}, headers={"X-CSRF-TOKEN": token}
    )
    assert r.status_code == 200 and r.get_json()["approved"] == 1


# --- the desk pages -------------------------------------------------------------------------


def test_the_queue_page_filters_and_approves_one_row(client, areas, township):
    desk_login(client, REVIEWER)
    page = client.get(f"/desk/queue?village={areas.unassigned_village}&state=submitted&flag=near")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert township["near"] in html and township["poor"] not in html
    assert "data-keys" in html and 'data-key="a"' in html
    assert f"/desk/households/{township['near']}?from=" in html
    r = client.post(
        f"/desk/queue/approve?village={areas.unassigned_village}&state=submitted&flag=near",
        data={"csrf_token": csrf_of(client), "one": township["near"]},
    )
    assert r.status_code == 303
    assert r.headers["Location"].startswith("/desk/queue?")
    assert "flag=near" in r.headers["Location"]
    assert household(township["near"]).review_state == "approved"
    follow = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "已审核通过 1 户" in follow


def test_the_queue_page_says_what_a_bulk_approval_skipped(client, auth, areas, township):
    desk_login(client, REVIEWER)
    r = client.post(
        "/desk/queue/approve?state=submitted",
        data={"csrf_token": csrf_of(client), "all": "1"},
        follow_redirects=True,
    )
    html = r.get_data(as_text=True)
    assert "1 户有未处理的冲突" in html and "1 户问卷有错误" in html
    assert household(township["conflict"]).review_state == "submitted"
    assert household(township["near"]).review_state == "approved"


def test_bad_queue_filters_on_the_desk_are_a_page_in_chinese(client):
    desk_login(client, REVIEWER)
    r = client.get("/desk/queue?state=nope")
    assert r.status_code == 422
    assert "筛选条件有误" in r.get_data(as_text=True)
    assert client.get("/desk/queue?village=&state=&q=").status_code == 200


def test_the_writer_keeps_the_counts_a_fresh_check_gives(client, auth, areas):
    """A push hands the writer what it found; the stored counts are what checking gives."""
    headers = auth.headers(REVIEWER)
    v = areas.unassigned_village
    cases = [
        (make_household(v), {"income.wage_local": "200.00"}),  # a warning, in a draft
        (make_household(v, state="submitted"), {"income.wage_local": "250.00"}),
        (make_household(v, state="held"), {"signoff.visit_date": ""}),  # incomplete while held
    ]
    for household_id, changes in cases:
        result = _push(client, headers, household_id, 1, changes, "counts")
        assert result["status"] == "applied", result
        stored = household(household_id)
        complete = stored.review_state in ("submitted", "held")
        errors, warnings = check(stored.document, complete=complete)
        assert (stored.error_count, stored.warning_count) == (len(errors), len(warnings))
        assert stored.warning_count or stored.error_count
    assert household(cases[2][0]).error_count >= 1


def test_the_household_page_finds_its_place_in_the_queue_it_came_from(
    client, auth, areas, township
):
    from flask import g

    from server.desk.queue import place_in_queue

    headers = auth.headers(REVIEWER)
    order = queue_ids(client, headers, state="submitted", sort="-income")
    assert len(order) >= 3
    reviewer = db.session.scalar(select(User).where(User.username == REVIEWER))
    with client.application.test_request_context():
        g.user = reviewer
        place = place_in_queue(order[1], "state=submitted&sort=-income&village=")
        assert place["queue"] == "/desk/queue?state=submitted&sort=-income"
        assert place["previous"] == (
            f"/desk/households/{order[0]}?from=state%3Dsubmitted%26sort%3D-income"
        )
        assert place["next"].startswith(f"/desk/households/{order[2]}?from=")
        first = place_in_queue(order[0], "state=submitted&sort=-income")
        assert first["previous"] is None
        # Not a queue's query (or another township's village): the whole queue, in its order.
        plain = place_in_queue(order[0], f"state=bogus&village={areas.township2_village}")
        assert plain["queue"] == "/desk/queue"
        assert plain["next"] is not None or plain["previous"] is not None
    db.session.rollback()
