"""Every desk page × every role, as one table: who opens it, who is refused, who is sent to log in.

A desk session is minted here as the login makes it (a sign-in, its access token in the cookie),
for every role, the surveyor included: the login never gives a surveyor one, but a page must
refuse it all the same. POSTs carry the session's CSRF token; the refusals change nothing. The
last test checks that this table and the pages-of-records table of test_access_matrix.py together
cover every /desk rule of the app.
"""

from dataclasses import dataclass

import pytest
from flask_jwt_extended import decode_token
from sqlalchemy import select

from server.desk.pages import access_token
from server.extensions import db
from server.identity.tokens import issue_tokens
from server.models import User

ROLES = ("surveyor", "reviewer", "county", "admin", "anonymous")
USERNAMES = {r: f"demo-{r}" for r in ROLES if r != "anonymous"}
LOGIN = 303  # no session: sent to the login page


@dataclass
class Row:
    method: str
    rule: str
    url: str  # with {user} (the demo surveyor's id)
    expect: dict
    data: dict | None = None


ANY_DESK = {"surveyor": 403, "reviewer": 200, "county": 200, "admin": 200, "anonymous": LOGIN}
OFFICE_PAGE = {"surveyor": 403, "reviewer": 200, "county": 200, "admin": 403, "anonymous": LOGIN}
ADMIN_PAGE = {"surveyor": 403, "reviewer": 403, "county": 403, "admin": 200, "anonymous": LOGIN}

# fmt: off
MATRIX = [
    Row("GET", "/desk/login", "/desk/login", dict.fromkeys(ROLES, 200)),
    Row("POST", "/desk/login", "/desk/login", dict.fromkeys(ROLES, 422), data={}),
    Row("POST", "/desk/logout", "/desk/logout", ANY_DESK | dict.fromkeys(
        ("reviewer", "county", "admin"), 303)),
    # The township and the county start at their dashboard.
    Row("GET", "/desk/", "/desk/", ANY_DESK | {"reviewer": 303, "county": 303}),
    Row("GET", "/desk/conflicts", "/desk/conflicts", OFFICE_PAGE),
    Row("POST", "/desk/conflicts/<household_id>",
        "/desk/conflicts/00000000-0000-4000-8000-000000000000",
        # No decision named: refused before any household is looked up, nothing written.
        OFFICE_PAGE | {"reviewer": 422, "county": 422}, data={}),
    Row("GET", "/desk/reports", "/desk/reports", OFFICE_PAGE),
    Row("POST", "/desk/reports", "/desk/reports", OFFICE_PAGE | {"reviewer": 422, "county": 422},
        data={}),
    Row("GET", "/desk/reports/<job_id>", "/desk/reports/no-such-job",
        OFFICE_PAGE | {"reviewer": 404, "county": 404}),
    Row("GET", "/desk/accounts", "/desk/accounts", ADMIN_PAGE),
    Row("GET", "/desk/accounts/new", "/desk/accounts/new", ADMIN_PAGE),
    Row("POST", "/desk/accounts/new", "/desk/accounts/new", ADMIN_PAGE | {"admin": 422},
        data={"username": "", "name": ""}),
    Row("GET", "/desk/accounts/<int:user_id>", "/desk/accounts/{user}", ADMIN_PAGE),
    Row("POST", "/desk/accounts/<int:user_id>", "/desk/accounts/{user}",
        ADMIN_PAGE | {"admin": 422}, data={"name": ""}),
    Row("POST", "/desk/accounts/<int:user_id>/active", "/desk/accounts/{user}/active",
        ADMIN_PAGE | {"admin": 303}, data={"active": "1"}),
    Row("POST", "/desk/accounts/<int:user_id>/password", "/desk/accounts/{user}/password",
        ADMIN_PAGE | {"admin": 303}, data={"password": "x"}),
    Row("POST", "/desk/sign-ins/<sign_in_id>/revoke", "/desk/sign-ins/no-such-sign-in/revoke",
        ADMIN_PAGE | {"admin": 404}, data={}),
    Row("GET", "/desk/audit", "/desk/audit", ADMIN_PAGE),
    Row("GET", "/desk/areas", "/desk/areas", ADMIN_PAGE),
    # No file chosen: refused before anything is read.
    Row("POST", "/desk/areas/import", "/desk/areas/import", ADMIN_PAGE | {"admin": 422}, data={}),
]
# fmt: on


def _session(client, role: str) -> str:
    """Put `role`'s desk session in the client's cookies; its CSRF token."""
    if role == "anonymous":
        return ""
    user = db.session.scalar(select(User).where(User.username == USERNAMES[role]))
    sid = decode_token(issue_tokens(user, device_id=f"desk-{role}")["access_token"])["sid"]
    token = access_token(user.id, sid)
    client.set_cookie("access_token_cookie", token, domain="localhost")
    return decode_token(token)["csrf"]


@pytest.mark.parametrize(
    "index,role",
    [(i, r) for i, row in enumerate(MATRIX) for r in ROLES],
    ids=[f"{row.method} {row.url} {r}" for row in MATRIX for r in ROLES],
)
def test_desk_access(app, client, index, role):
    row = MATRIX[index]
    with app.test_request_context():
        csrf = _session(client, role)
        surveyor = db.session.scalar(select(User.id).where(User.username == "demo-surveyor"))
    url = row.url.format(user=surveyor)
    if row.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data=(row.data or {}) | {"csrf_token": csrf})
    assert response.status_code == row.expect[role], response.get_data(as_text=True)[-400:]
    if response.status_code == LOGIN and row.expect[role] == LOGIN and role == "anonymous":
        assert "/desk/login" in response.headers["Location"]


def test_the_desk_matrix_covers_every_desk_rule(app):
    rules = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/desk/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    from tests.api.test_access_matrix import DESK_MATRIX  # the pages of records, by area

    covered = {(row.method, row.rule) for row in [*MATRIX, *DESK_MATRIX]}
    assert covered == rules


def test_every_row_names_every_role():
    for row in MATRIX:
        assert set(row.expect) == set(ROLES), row.url
