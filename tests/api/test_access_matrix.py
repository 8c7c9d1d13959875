"""Every API endpoint × every role × inside / outside the caller's area, as one table.

Each row names a route, how to call it, and the status each role gets on a household (or village,
township, attachment) inside its area and outside it. For routes that list things, the expectation
also says whether the target shows up ("200 seen" / "200 unseen"), because a list that leaks a
record outside the caller's area still answers 200.

"Inside" and "outside" per role:
  surveyor   an assigned village            / a village of the same township not assigned
  reviewer   a village of township 1        / a village of township 2
  county     a village of township 2        / a village of another county
  admin      a village of township 2        / a village of another county (an administrator
                                              manages accounts and sees no household anywhere)
  anonymous  the surveyor's village         / a village of another county

A write that is refused (an error status, or a pushed operation answered "rejected") must leave
the database exactly as it was: every table's row count, the target household, the change counter
and the revoked sign-ins are compared before and after.

The last test checks that the table covers every /api rule of the app, so a new endpoint without
access expectations fails the suite.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from flask_jwt_extended import decode_token
from sqlalchemy import func, select

from server.domain.roles import SURVEYOR
from server.extensions import db
from server.identity.tokens import issue_tokens
from server.models import Area, Attachment, Conflict, Counter, Household, SignIn, User
from server.reports import store
from server.reports.catalog import DOCUMENTS, TABLES
from server.reports.context import check, levels_of

from .conftest import PNG, demo_areas, fresh_document, make_household

ROLES = ("surveyor", "reviewer", "county", "admin", "anonymous")
USERNAMES = {
    "surveyor": "demo-surveyor",
    "reviewer": "demo-reviewer",
    "county": "demo-county",
    "admin": "demo-admin",
}


@dataclass
class Target:
    """What one case works on: a fresh household in the village the role/scope points at."""

    household_id: str
    household_no: str
    village_id: int
    township_id: int
    attachment_id: str
    user_id: int  # the user the admin routes act on
    document: dict
    village_code: str = ""
    report_id: str = ""  # a kept document (a village's household list) of the village
    sign_in_id: str = ""  # a sign-in of that user, for the routes that end one


@dataclass
class Row:
    method: str
    rule: str  # the Flask rule this row covers
    url: str  # with {household}, {village}, {township}, {attachment}, {no}, {user}, {new},
    # {report} (a kept document of the target's village)
    expect: dict  # role -> status, or role -> (inside, outside)
    body: object = None
    raw: bytes | None = None
    token: str = "access"  # or "refresh"
    probe: object = None  # response -> "seen" / "unseen" etc., appended to the status
    headers: dict = field(default_factory=dict)


def _seen(key):
    def probe(response, target):
        return "seen" if target.household_id in key(response.get_json()) else "unseen"

    return probe


def _tree_has_village(response, target):
    def walk(nodes):
        return any(n["id"] == target.village_id or walk(n["children"]) for n in nodes)

    return "seen" if walk(response.get_json()) else "unseen"


def _push_status(response, target):
    return response.get_json()["results"][0]["status"]


def _printable_here(response, target):
    """Whether the target's village is among the areas of a table the caller may print."""
    body = response.get_json()
    village_level = any("village" in r["levels"] for r in body["reports"])
    codes = {a["code"] for a in body["areas"]}
    return "seen" if village_level and target.village_code in codes else "unseen"


list_ids = _seen(lambda body: {h["id"] for h in body["items"]})


def report_ids(response, target):
    return (
        "seen" if target.report_id in {d["id"] for d in response.get_json()["items"]} else "unseen"
    )


pull_ids = _seen(lambda body: {h["id"] for h in body["records"]})
conflict_ids = _seen(lambda body: {c["household_id"] for c in body})
queue_ids = _seen(lambda body: {h["id"] for h in body["items"]})


def _dashboard_village(response, target):
    villages = {v["id"] for t in response.get_json()["townships"] for v in t["villages"]}
    return "seen" if target.village_id in villages else "unseen"


def _bulk_reason(response, target):
    """What a bulk approval did with the target (a draft): refused for its state when seen."""
    body = response.get_json()
    return next((k for k, n in body["refused"].items() if n), "approved")


def _village_listed(response, target):
    listed = {v["village_id"] for v in response.get_json()["items"]}
    return "seen" if target.village_id in listed else "unseen"


def _demo_campaign(target) -> dict:
    """The demo's exit campaign as it is: saving it changes nothing."""
    from server.demo.campaigns import CAMPAIGNS

    c = CAMPAIGNS[0]
    body = {k: c[k] for k in ("name", "kind", "year", "area_id", "lines", "stages")}
    return body | {
        "period_start": c["period_start"].isoformat(),
        "period_end": c["period_end"].isoformat(),
    }


def _new_campaign(target) -> dict:
    """A campaign of the target's township (inside the county's area, or another county's)."""
    return _demo_campaign(target) | {"name": "矩阵测试轮次", "area_id": target.township_id}


SAME = {"surveyor": 200, "reviewer": 200, "county": 200, "admin": 200, "anonymous": 401}
ADMIN_ONLY = {"surveyor": 403, "reviewer": 403, "county": 403, "admin": 200, "anonymous": 401}
COUNTY_ONLY = {"surveyor": 403, "reviewer": 403, "county": 200, "admin": 403, "anonymous": 401}
NOBODY_BUT = {"surveyor": 403, "reviewer": 403, "county": 403, "admin": 403, "anonymous": 401}


def in_area(inside, outside, admin=None) -> dict:
    """Surveyor, reviewer and county get `inside` in their area and `outside` beyond it; the
    administrator gets `admin` (`outside` unless said); a caller without a token gets 401."""
    staff = {role: (inside, outside) for role in ("surveyor", "reviewer", "county")}
    return staff | {"admin": outside if admin is None else admin, "anonymous": 401}


SCOPED_READ = in_area(200, 404)
SCOPED_LIST = in_area("200 seen", "200 unseen")
# The printed tables: a village's household list is the township's and the county's to print;
# a surveyor prints only a table that names the role (a village's public notice), in the
# villages assigned, and sees the kept documents of such tables only.
SURVEYOR_PRINTS_VILLAGES = any(
    SURVEYOR in t.who and "village" in levels_of(t) for t in (*TABLES.values(), *DOCUMENTS.values())
)
PRINTERS = in_area(202, 403, admin=403) | {"surveyor": (403, 403)}
PRINTED = in_area(200, 404) | {"surveyor": (404, 404)}
PRINTED_LIST = SCOPED_LIST | {"surveyor": ("200 unseen", "200 unseen")}
PRINTABLE = SCOPED_LIST | {
    "surveyor": ("200 seen" if SURVEYOR_PRINTS_VILLAGES else "200 unseen", "200 unseen")
}

# A table reads better as a table.
# fmt: off
MATRIX = [
    Row("POST", "/api/auth/login", "/api/auth/login", {r: 200 for r in ROLES},
        body={"username": "demo-reviewer", "password": "demo12345"}),
    Row("POST", "/api/auth/refresh", "/api/auth/refresh", SAME, token="refresh"),
    Row("POST", "/api/auth/logout", "/api/auth/logout",
        dict.fromkeys(USERNAMES, 204) | {"anonymous": 401}, token="refresh"),
    Row("GET", "/api/me", "/api/me", SAME),
    Row("GET", "/api/openapi.json", "/api/openapi.json", {r: 200 for r in ROLES}),
    Row("GET", "/api/forms", "/api/forms", SAME),
    Row("GET", "/api/forms/<form_id>", "/api/forms/annex1", SAME),
    Row("GET", "/api/campaigns", "/api/campaigns", SAME),
    Row("GET", "/api/areas", "/api/areas", SCOPED_LIST, probe=_tree_has_village),
    Row("GET", "/api/households", "/api/households?q={no}", SCOPED_LIST, probe=list_ids),
    Row("GET", "/api/households", "/api/households?village={village}&q={no}",
        in_area("200 seen", 403), probe=list_ids),
    Row("POST", "/api/households", "/api/households", in_area(201, 403),
        body=lambda t: {"id": str(uuid.uuid4()), "village_id": t.village_id, "campaign_id": 1,
                        "document": fresh_document()}),
    Row("GET", "/api/households/<household_id>", "/api/households/{household}", SCOPED_READ),
    Row("PUT", "/api/households/<household_id>", "/api/households/{household}",
        in_area(200, 404, admin=403),
        body=lambda t: {"document": t.document | {"causes": {"main_cause": "因病"}}},
        headers={"If-Match": '"1"'}),
    Row("GET", "/api/households/<household_id>/revisions",
        "/api/households/{household}/revisions", SCOPED_READ),
    # Submitting is the surveyor's move; the others may see the record but not make it (409),
    # and outside their area they learn nothing (404).
    Row("POST", "/api/households/<household_id>/review", "/api/households/{household}/review",
        {"surveyor": (200, 404), "reviewer": (409, 404), "county": (409, 404),
         "admin": 404, "anonymous": 401},
        body={"action": "submit"}),
    Row("POST", "/api/households/<household_id>/resolve", "/api/households/{household}/resolve",
        {"surveyor": 403, "reviewer": (422, 404), "county": (422, 404),
         "admin": 403, "anonymous": 401},
        body={"resolutions": {"1": {"choice": "server"}}}),
    # Keep all: the conflict _target made is decided (the phone number stays as it is).
    Row("POST", "/api/households/<household_id>/resolve-all",
        "/api/households/{household}/resolve-all",
        {"surveyor": 403, "reviewer": (200, 404), "county": (200, 404),
         "admin": 403, "anonymous": 401},
        body={"choice": "server"}),
    Row("GET", "/api/conflicts", "/api/conflicts", SCOPED_LIST, probe=conflict_ids),
    Row("GET", "/api/conflicts", "/api/conflicts?household={household}",
        in_area("200 seen", 404), probe=conflict_ids),
    # The surveyor's "outside" village is in the surveyor's own township: the township filter
    # must still not show a village that is not assigned.
    Row("GET", "/api/conflicts", "/api/conflicts?township={township}",
        {"surveyor": ("200 seen", "200 unseen"), "reviewer": ("200 seen", 403),
         "county": ("200 seen", 403), "admin": 403, "anonymous": 401},
        probe=conflict_ids),
    Row("GET", "/api/sync/pull", "/api/sync/pull?limit=500", SCOPED_LIST, probe=pull_ids),
    Row("POST", "/api/sync/push", "/api/sync/push",
        in_area("200 applied", "200 rejected", admin=403),
        body=lambda t: {"device_id": "matrix", "ops": [{
            "op_id": str(uuid.uuid4()), "household_id": t.household_id, "base_version": 1,
            "changes": {"household.phone": "13900000000"}}]},
        probe=_push_status),
    Row("PUT", "/api/attachments/<attachment_id>", "/api/attachments/{new}",
        {"surveyor": 201, "reviewer": 201, "county": 201, "admin": 403, "anonymous": 401},
        raw=PNG + b"matrix"),
    Row("GET", "/api/attachments/<attachment_id>", "/api/attachments/{attachment}", SCOPED_READ),
    Row("GET", "/api/review/dashboard", "/api/review/dashboard",
        {"surveyor": 403, "reviewer": ("200 seen", "200 unseen"),
         "county": ("200 seen", "200 unseen"), "admin": 403, "anonymous": 401},
        probe=_dashboard_village),
    Row("GET", "/api/review/queue", "/api/review/queue?q={no}",
        {"surveyor": 403, "reviewer": ("200 seen", "200 unseen"),
         "county": ("200 seen", "200 unseen"), "admin": 403, "anonymous": 401},
        probe=queue_ids),
    Row("GET", "/api/review/queue", "/api/review/queue?village={village}&q={no}",
        {"surveyor": 403, "reviewer": ("200 seen", 403), "county": ("200 seen", 403),
         "admin": 403, "anonymous": 401},
        probe=queue_ids),
    # Only the township approves; a household outside the area is not found, never approved.
    Row("POST", "/api/review/bulk-approve", "/api/review/bulk-approve",
        {"surveyor": 403, "reviewer": ("200 state", "200 not_found"), "county": 403,
         "admin": 403, "anonymous": 401},
        body=lambda t: {"ids": [t.household_id]}, probe=_bulk_reason),
    Row("POST", "/api/review/bulk-approve", "/api/review/bulk-approve",
        {"surveyor": 403, "reviewer": ("200 state", 403), "county": 403,
         "admin": 403, "anonymous": 401},
        body=lambda t: {"filter": {"village": t.village_id, "q": t.household_no}},
        probe=_bulk_reason),
    Row("GET", "/api/admin/users", "/api/admin/users", ADMIN_ONLY),
    # The administrator sees every area, to assign accounts to; no household comes with them.
    Row("GET", "/api/admin/areas", "/api/admin/areas", ADMIN_ONLY | {"admin": "200 seen"},
        probe=_tree_has_village),
    # A list of areas whose one row is faulty: reported, nothing written.
    Row("POST", "/api/admin/areas/import", "/api/admin/areas/import", ADMIN_ONLY,
        body={"rows": [{"code": "not-a-code", "name": "某村"}]}),
    Row("POST", "/api/admin/users", "/api/admin/users", ADMIN_ONLY | {"admin": 201},
        body=lambda t: {"username": f"u-{uuid.uuid4().hex[:8]}", "name": "新用户",
                        "role": "surveyor", "password": "long-enough", "area_ids": [t.village_id]}),
    Row("GET", "/api/admin/users/<int:user_id>/devices", "/api/admin/users/{user}/devices",
        ADMIN_ONLY),
    Row("POST", "/api/admin/users/<int:user_id>/revoke", "/api/admin/users/{user}/revoke",
        ADMIN_ONLY, body={}),
    Row("PATCH", "/api/admin/users/<int:user_id>", "/api/admin/users/{spare}", ADMIN_ONLY,
        body={"name": "改过的名字", "role": "surveyor", "phone": "13800000000", "area_ids": []}),
    Row("POST", "/api/admin/users/<int:user_id>/password", "/api/admin/users/{spare}/password",
        ADMIN_ONLY | {"admin": 204}, body={"password": "another-long-one"}),
    Row("POST", "/api/admin/sign-ins/<sign_in_id>/revoke", "/api/admin/sign-ins/{sign_in}/revoke",
        ADMIN_ONLY, body={}),
    Row("GET", "/api/admin/audit", "/api/admin/audit", ADMIN_ONLY),
    # Review beyond the decision: corrections (of records under review only: the target is a
    # draft, so the reviewer's and the county's are refused for its state, 409, not for access),
    # what changed, spot checks (the township's and the county's, at their level).
    Row("POST", "/api/households/<household_id>/corrections",
        "/api/households/{household}/corrections",
        {"surveyor": 403, "reviewer": (409, 404), "county": (409, 404), "admin": 403,
         "anonymous": 401},
        body={"changes": {"household.phone": "13900000000"}}),
    Row("GET", "/api/households/<household_id>/diff", "/api/households/{household}/diff",
        SCOPED_READ),
    Row("GET", "/api/spotchecks", "/api/spotchecks?village={village}&campaign=1",
        {"surveyor": 403, "reviewer": (200, 403), "county": (200, 403), "admin": 403,
         "anonymous": 401}),
    Row("POST", "/api/spotchecks", "/api/spotchecks",
        {"surveyor": 403, "reviewer": (200, 403), "county": (200, 403), "admin": 403,
         "anonymous": 401},
        body=lambda t: {"village_id": t.village_id, "campaign_id": 1}),
    Row("PUT", "/api/households/<household_id>/spotcheck", "/api/households/{household}/spotcheck",
        {"surveyor": 403, "reviewer": (200, 404), "county": (200, 404), "admin": 403,
         "anonymous": 401},
        body={"result": "符合", "note": "一致"}),
    # Village submission: the township submits its own villages (the target's fresh draft
    # household blocks it: 409), the county accepts and returns (nothing submitted yet: 409).
    Row("GET", "/api/villages/submissions", "/api/villages/submissions?campaign=1",
        NOBODY_BUT | {"reviewer": ("200 seen", "200 unseen"), "county": ("200 seen", "200 unseen")},
        probe=_village_listed),
    Row("POST", "/api/villages/submissions/submit", "/api/villages/submissions/submit",
        NOBODY_BUT | {"reviewer": (409, 403)},
        body=lambda t: {"campaign_id": 1, "village_id": t.village_id}),
    Row("POST", "/api/villages/submissions/accept", "/api/villages/submissions/accept",
        NOBODY_BUT | {"county": (409, 403)},
        body=lambda t: {"campaign_id": 1, "village_id": t.village_id}),
    Row("POST", "/api/villages/submissions/return", "/api/villages/submissions/return",
        NOBODY_BUT | {"county": (409, 403)},
        body=lambda t: {"campaign_id": 1, "village_id": t.village_id, "note": "退回"}),
    # Campaigns: the county office's, inside its own area.
    Row("POST", "/api/campaigns", "/api/campaigns", NOBODY_BUT | {"county": (201, 422)},
        body=_new_campaign),
    Row("GET", "/api/campaigns/<int:campaign_id>", "/api/campaigns/1", SAME),
    Row("PUT", "/api/campaigns/<int:campaign_id>", "/api/campaigns/1", COUNTY_ONLY,
        body=_demo_campaign),
    Row("GET", "/api/campaigns/<int:campaign_id>/next-year", "/api/campaigns/1/next-year",
        COUNTY_ONLY),
    Row("POST", "/api/campaigns/<int:campaign_id>/recompute", "/api/campaigns/1/recompute",
        NOBODY_BUT | {"county": 202}),
    Row("POST", "/api/campaigns/<int:campaign_id>/carry-forward",
        "/api/campaigns/1/carry-forward", NOBODY_BUT | {"county": 422},
        body={"source_campaign_id": 1}),
    Row("GET", "/api/reports", "/api/reports", PRINTABLE, probe=_printable_here),
    # A new household in the village each case: the data moved, so a new document is made.
    Row("POST", "/api/reports/jobs", "/api/reports/jobs", PRINTERS,
        body=lambda t: {"report": "annex6_list", "campaign_id": 1, "area": t.village_code,
                        "format": "xlsx", "states": ["draft", "approved", "accepted"]}),
    Row("GET", "/api/reports/jobs/<job_id>", "/api/reports/jobs/{report}", PRINTED),
    Row("GET", "/api/reports/jobs/<job_id>/file", "/api/reports/jobs/{report}/file", PRINTED),
    Row("GET", "/api/reports/documents", "/api/reports/documents", PRINTED_LIST,
        probe=report_ids),
]
# fmt: on


def _cases():
    for index, row in enumerate(MATRIX):
        for role in ROLES:
            expected = row.expect[role]
            scopes = ("inside", "outside") if isinstance(expected, tuple) else ("any",)
            for n, scope in enumerate(scopes):
                want = expected[n] if isinstance(expected, tuple) else expected
                yield pytest.param(
                    index, role, scope, str(want), id=f"{row.method} {row.url} {role} {scope}"
                )


@pytest.fixture(scope="module")
def world(app):
    """The demo county seeded once for the whole table, plus a second county nobody but the
    administrator covers. Every case then makes its own fresh target inside it."""
    from server.demo import seed
    from tests.conftest import _empty

    with app.app_context():
        _empty()
        seed(households=120, random_seed=7)
        other = Area(code="610527", name="外县", level="county", path="")
        db.session.add(other)
        db.session.flush()
        other.path = f"/{other.id}/"
        township = Area(
            parent_id=other.id, code="610527001", name="外镇", level="township", path=""
        )
        db.session.add(township)
        db.session.flush()
        township.path = f"{other.path}{township.id}/"
        village = Area(
            parent_id=township.id, code="610527001001", name="外村", level="village", path=""
        )
        db.session.add(village)
        db.session.flush()
        village.path = f"{township.path}{village.id}/"
        db.session.commit()
        areas = demo_areas()
        villages = {
            ("surveyor", "inside"): areas.surveyor_village,
            ("surveyor", "outside"): areas.unassigned_village,
            ("reviewer", "inside"): areas.unassigned_village,
            ("reviewer", "outside"): areas.township2_village,
            ("county", "inside"): areas.township2_village,
            ("county", "outside"): village.id,
            ("admin", "inside"): areas.township2_village,
            ("admin", "outside"): village.id,
            ("anonymous", "inside"): areas.surveyor_village,
            ("anonymous", "outside"): village.id,
        }
        # The account the rows that change an account act on, so that no other row's caller
        # loses its areas or its password to them.
        spare = User(username="matrix-spare", name="备用账号", role="surveyor", password_hash="-")
        db.session.add(spare)
        db.session.commit()
        villages["spare"] = spare.id
        db.session.remove()
    return villages


def _target(village_id: int) -> Target:
    """A draft household (the sample document) with a linked attachment and an open conflict row."""
    number = f"MX{uuid.uuid4().hex[:12]}"
    attachment_id = str(uuid.uuid4())
    document = fresh_document()
    document["signoff"]["signature"] = attachment_id
    admin = db.session.scalar(select(User).where(User.username == "demo-admin"))
    db.session.add(  # uploaded before the record that names it, as a phone does
        Attachment(
            id=attachment_id,
            content_type="image/png",
            size=len(PNG),
            sha256=uuid.uuid4().hex,
            data=PNG,
            uploaded_by=admin.id,
        )
    )
    db.session.commit()
    household_id = make_household(village_id, document, household_no=number)
    village = db.session.get(Area, village_id)
    surveyor = db.session.scalar(select(User).where(User.username == "demo-surveyor"))
    db.session.add(
        Conflict(
            household_id=household_id,
            township_id=village.parent_id,
            path="household.phone",
            base_value="1",
            server_value="2",
            device_value="3",
            version=1,
            created_at=datetime.now(UTC),
        )
    )
    db.session.commit()
    target = Target(
        household_id,
        number,
        village_id,
        village.parent_id,
        attachment_id,
        surveyor.id,
        document,
        village.code,
        _kept_document(village.code),
    )
    access = issue_tokens(surveyor, device_id="matrix-target")["access_token"]
    target.sign_in_id = decode_token(access)["sid"]
    return target


def _kept_document(village_code: str) -> str:
    """A finished household list of the village, as a job leaves one."""
    request = check("annex6_list", 1, village_code)
    params = store.parameters(request, "xlsx", {"total_first": False})
    key = (store.params_hash(params), store.code_version(), store.data_version(request))
    document_id = store.create(request, params, key, None)
    store.finished(document_id, b"PK matrix", "明细表.xlsx", key[2])
    return document_id


def _fingerprint(target: Target) -> dict:
    """What a refused write must not change."""
    db.session.rollback()
    counts = {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }
    hh = db.session.get(Household, target.household_id)
    print_ = {
        "counts": counts,
        "household": (hh.version, hh.review_state, hh.document, hh.conflict_open, hh.updated_at),
        "change_seq": db.session.scalar(select(Counter.value).where(Counter.name == "change_seq")),
        "revoked": db.session.scalar(
            select(func.count()).select_from(SignIn).where(SignIn.revoked_at.is_not(None))
        ),
    }
    db.session.rollback()
    return print_


def _headers(role: str, token: str) -> dict:
    if role == "anonymous":
        return {}
    user = db.session.scalar(select(User).where(User.username == USERNAMES[role]))
    jwt = issue_tokens(user, device_id=f"matrix-{role}")[f"{token}_token"]
    return {"Authorization": f"Bearer {jwt}"}


@pytest.mark.parametrize(("index", "role", "scope", "expected"), list(_cases()))
def test_access(app, world, index, role, scope, expected):
    row = MATRIX[index]
    client = app.test_client()
    with app.test_request_context():
        target = _target(world[(role, "outside" if scope == "outside" else "inside")])
        headers = _headers(role, row.token) | row.headers
        before = _fingerprint(target)
        db.session.remove()
    url = row.url.format(
        household=target.household_id,
        village=target.village_id,
        township=target.township_id,
        attachment=target.attachment_id,
        no=target.household_no,
        user=target.user_id,
        sign_in=target.sign_in_id,
        spare=world["spare"],
        new=uuid.uuid4(),
        report=target.report_id,
    )
    body = row.body(target) if callable(row.body) else row.body
    if row.raw is not None:
        response = client.open(url, method=row.method, data=row.raw, headers=headers)
    else:
        response = client.open(url, method=row.method, json=body, headers=headers)
    got = str(response.status_code)
    if row.probe is not None and response.status_code == 200:
        got += " " + row.probe(response, target)
    assert got == expected, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        error = response.get_json()["error"]
        assert error["code"] and error["message"]
    if row.method != "GET" and (response.status_code >= 400 or got.endswith("rejected")):
        with app.app_context():
            assert _fingerprint(target) == before, "a refused write changed the database"
            db.session.remove()


def _api_rules(app) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_the_matrix_covers_every_api_rule(app):
    covered = {(row.method, row.rule) for row in MATRIX}
    assert covered == _api_rules(app)


def test_every_row_names_every_role():
    for row in MATRIX:
        assert set(row.expect) == set(ROLES), row.url


# --- the desk's pages: the same roles and areas, with a cookie session ------------------------
#
# A surveyor gets no desk session (the login sends them to the phone), so like a visitor without
# one every page sends them to the login (303); an administrator is refused the reviewer's pages
# (403). A form posted carries the session's CSRF token. A village outside the area is refused
# (403), a household page outside it is a 404, and an approval of a household outside the area
# finds nothing, says so, and writes nothing. (tests/api/test_desk_access.py holds the desk's
# role table, with the pages that have no area.)

DESK = {"surveyor": 303, "anonymous": 303, "admin": 403}


def _desk(inside, outside) -> dict:
    return DESK | {"reviewer": (inside, outside), "county": (inside, outside)}


def _village_shown(response, target):
    selected = f'<option value="{target.village_id}" selected>'
    return "seen" if selected in response.get_data(as_text=True) else "unseen"


def _page_lists(response, target):
    return "seen" if target.household_id in response.get_data(as_text=True) else "unseen"


# fmt: off
DESK_MATRIX = [
    Row("GET", "/desk/dashboard", "/desk/dashboard", DESK | {"reviewer": 200, "county": 200}),
    Row("GET", "/desk/queue", "/desk/queue?campaign=1&q={no}", _desk("200 seen", "200 unseen"),
        probe=_page_lists),
    Row("GET", "/desk/queue", "/desk/queue?village={village}", _desk(200, 403)),
    Row("POST", "/desk/queue/approve", "/desk/queue/approve?campaign=1&q={no}",
        DESK | {"reviewer": 303, "county": 403}, body=lambda t: {"one": t.household_id}),
    Row("GET", "/desk/households/<household_id>", "/desk/households/{household}",
        _desk(200, 404)),
    Row("GET", "/desk/households/<household_id>/diff", "/desk/households/{household}/diff",
        _desk(200, 404)),
    # The target is a draft: no decision fits it (409, the page again with the reason).
    Row("POST", "/desk/households/<household_id>/decide",
        "/desk/households/{household}/decide", _desk(409, 404), body={"action": "approve"}),
    Row("POST", "/desk/households/<household_id>/correct",
        "/desk/households/{household}/correct", _desk(409, 404),
        body={"path": "household.phone", "value": "13900000000"}),
    Row("POST", "/desk/households/<household_id>/spotcheck",
        "/desk/households/{household}/spotcheck", _desk(303, 404), body={"result": "符合"}),
    Row("GET", "/desk/spotchecks", "/desk/spotchecks?campaign=1&village={village}",
        _desk("200 seen", "200 unseen"), probe=_village_shown),
    Row("POST", "/desk/spotchecks/draw", "/desk/spotchecks/draw", _desk(303, 403),
        body=lambda t: {"campaign": "1", "village": str(t.village_id)}),
    Row("POST", "/desk/spotchecks/result", "/desk/spotchecks/result", _desk(303, 404),
        body=lambda t: {"household_id": t.household_id, "result": "符合"}),
    # Village submission and county acceptance; campaigns (the county's). A refusal on the spot
    # is a flashed message on the list (303); the target's fresh draft blocks its village.
    Row("GET", "/desk/villages", "/desk/villages?campaign=1", DESK | {"reviewer": 200,
        "county": 200}),
    Row("GET", "/desk/villages/<int:campaign_id>/<int:village_id>", "/desk/villages/1/{village}",
        _desk(200, 403)),
    Row("POST", "/desk/villages/<int:campaign_id>/<int:village_id>/submit",
        "/desk/villages/1/{village}/submit", DESK | {"reviewer": (303, 403), "county": 403}),
    Row("POST", "/desk/villages/<int:campaign_id>/<int:village_id>/accept",
        "/desk/villages/1/{village}/accept", DESK | {"reviewer": 403, "county": (303, 403)}),
    Row("POST", "/desk/villages/<int:campaign_id>/<int:village_id>/return",
        "/desk/villages/1/{village}/return", DESK | {"reviewer": 403, "county": (303, 403)},
        body={"note": "退回"}),
    Row("GET", "/desk/campaigns", "/desk/campaigns", DESK | {"reviewer": 403, "county": 200}),
    Row("GET", "/desk/campaigns/new", "/desk/campaigns/new?copy=1",
        DESK | {"reviewer": 403, "county": 200}),
    Row("POST", "/desk/campaigns/new", "/desk/campaigns/new",
        DESK | {"reviewer": 403, "county": 422}, body={"name": ""}),
    Row("GET", "/desk/campaigns/<int:campaign_id>", "/desk/campaigns/1",
        DESK | {"reviewer": 403, "county": 200}),
    Row("POST", "/desk/campaigns/<int:campaign_id>", "/desk/campaigns/1",
        DESK | {"reviewer": 403, "county": 422}, body={"name": ""}),
    Row("POST", "/desk/campaigns/<int:campaign_id>/recompute", "/desk/campaigns/1/recompute",
        DESK | {"reviewer": 403, "county": 303}),
    Row("POST", "/desk/campaigns/<int:campaign_id>/carry-forward",
        "/desk/campaigns/1/carry-forward", DESK | {"reviewer": 403, "county": 303},
        body={"source_campaign_id": "1"}),
]
# fmt: on


def _desk_cases():
    for index, row in enumerate(DESK_MATRIX):
        for role in ROLES:
            expected = row.expect[role]
            scopes = ("inside", "outside") if isinstance(expected, tuple) else ("any",)
            for n, scope in enumerate(scopes):
                want = expected[n] if isinstance(expected, tuple) else expected
                yield pytest.param(
                    index, role, scope, str(want), id=f"{row.method} {row.url} {role} {scope}"
                )


@pytest.mark.parametrize(("index", "role", "scope", "expected"), list(_desk_cases()))
def test_desk_access(app, world, index, role, scope, expected):
    from tests.api.test_desk_session import csrf_of, desk_login

    row = DESK_MATRIX[index]
    client = app.test_client()
    with app.test_request_context():
        target = _target(world[(role, "outside" if scope == "outside" else "inside")])
        db.session.remove()
    form = {}
    if role != "anonymous":
        desk_login(client, USERNAMES[role])
    if role in ("reviewer", "county", "admin"):
        form["csrf_token"] = csrf_of(client)
    with app.app_context():  # after the login, which opens a sign-in of its own
        before = _fingerprint(target)
        db.session.remove()
    url = row.url.format(
        household=target.household_id, village=target.village_id, no=target.household_no
    )
    body = row.body(target) if callable(row.body) else (row.body or {})
    response = client.open(
        url, method=row.method, data=form | body if row.method != "GET" else None
    )
    got = str(response.status_code)
    if row.probe is not None and response.status_code == 200:
        got += " " + row.probe(response, target)
    assert got == expected, response.get_data(as_text=True)[:500]
    if row.method == "POST":
        with app.app_context():
            after = _fingerprint(target)
            db.session.remove()
        # A draft is never approved: whoever posts, the household is as it was.
        assert after["household"] == before["household"]
    if row.method != "GET" and response.status_code >= 400:
        with app.app_context():
            assert _fingerprint(target) == before, "a refused write changed the database"
            db.session.remove()


def test_every_desk_row_names_every_role():
    for row in DESK_MATRIX:
        assert set(row.expect) == set(ROLES), row.url
