"""The people of the sync stories: surveyors' phones and a township reviewer, talking HTTP.

A `Phone` keeps what a phone keeps (the households it downloaded, at the version it downloaded)
and sends what it changed as sync operations, the way `web/static/phone/js/outbox.js` does.
"""

import os
import uuid

import pytest

from server.core.database import write_transaction
from server.domain.sample import sample_document
from server.households import queries, writer
from server.sync.paths import diff
from tests.live import LiveServer


def new_id() -> str:
    return str(uuid.uuid4())


def villages_of(client, phone) -> list[int]:
    me = client.get("/api/me", headers=phone.headers)
    return [a["id"] for a in me.json["areas"]]


def create_op(village: int, document: dict, extra: dict | None = None) -> dict:
    """An outbox entry that registers a household in the field (base version 0), with its
    whole document as changes, and `extra` changes after them."""
    return {
        "op_id": new_id(),
        "household_id": new_id(),
        "base_version": 0,
        "village_id": village,
        "campaign_id": 1,
        "changes": diff({}, document) | (extra or {}),
    }


def fresh_household(village_id: int) -> dict:
    """A household registered on a phone: every row id new, nothing pointing at an upload."""
    document = sample_document()
    document["signoff"] = {"surveyor": "赵敏", "visit_date": "2020-10-12"}
    renamed = {}
    for section in ("members", "helpers", "measures"):
        for row in document[section]:
            renamed[row["id"]] = row["id"] = new_id()
    for measure in document["measures"]:
        if measure.get("member_id"):
            measure["member_id"] = renamed[measure["member_id"]]
    return document


def new_household_op(village_id: int) -> dict:
    """An outbox entry that registers a household found on the way, with a fresh document."""
    return create_op(village_id, fresh_household(village_id))


def delete_household(household_id: str) -> None:
    """Delete a household at the county, through the writer (a new version marked deleted), in
    the app context the test requests share."""
    with write_transaction():
        row = queries.household_row(household_id, lock=True)
        deletion = writer.new_version(
            row,
            row.document,
            lines=[],
            author_id=None,
            kind="delete",
            changes={},
            base_version=row.version,
            state={"deleted": True},
        )
        writer.write_checked([deletion])


def serve_live(workdir, **options):
    """A real gunicorn over a freshly migrated and seeded database of its own (a schema in the
    PostgreSQL database RUHU_TEST_DATABASE_URL names, if any), stopped when the test is done."""
    postgres_url = os.environ.get("RUHU_TEST_DATABASE_URL")
    with LiveServer(workdir, postgres_url=postgres_url, **options) as server:
        yield server.prepare().start()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """One live server with four workers for all the tests of a module."""
    yield from serve_live(tmp_path_factory.mktemp("live"), workers=4)


class Phone:
    """One person's device: a bearer token, a device id, and the HTTP calls a phone makes."""

    def __init__(self, client, headers: dict, device_id: str):
        self.client, self.headers, self.device_id = client, headers, device_id

    def download(self, household_id: str) -> dict:
        """The household as the phone stores it before going offline (document and version)."""
        response = self.client.get(f"/api/households/{household_id}", headers=self.headers)
        assert response.status_code == 200, response.json
        return response.json

    def op(self, household: dict, changes: dict, **extra) -> dict:
        """An outbox entry: what changed since the version the phone holds."""
        return {
            "op_id": new_id(),
            "household_id": household["id"],
            "base_version": household["version"],
            "changes": changes,
        } | extra

    def push_raw(self, ops: list[dict]):
        return self.client.post(
            "/api/sync/push", json={"device_id": self.device_id, "ops": ops}, headers=self.headers
        )

    def push(self, *ops: dict) -> list[dict]:
        response = self.push_raw(list(ops))
        assert response.status_code == 200, response.json
        results = response.json["results"]
        assert [r["op_id"] for r in results] == [o["op_id"] for o in ops]
        return results

    def pull(self, since: str | None = None, limit: int = 200) -> dict:
        query = {"limit": limit} | ({"since": since} if since else {})
        response = self.client.get("/api/sync/pull", query_string=query, headers=self.headers)
        assert response.status_code == 200, response.json
        return response.json

    def pull_all(self, since: str | None = None, limit: int = 200) -> tuple[list[dict], str]:
        """Every page until `has_more` is false: (pages, the cursor to keep)."""
        pages = []
        while True:
            page = self.pull(since, limit)
            pages.append(page)
            since = page["next_cursor"]
            if not page["has_more"]:
                return pages, since

    def revisions(self, household_id: str) -> list[dict]:
        response = self.client.get(
            f"/api/households/{household_id}/revisions", headers=self.headers
        )
        assert response.status_code == 200, response.json
        return response.json


@pytest.fixture()
def surveyor(client, auth):
    """赵敏, the demo surveyor, on her phone."""
    return Phone(client, auth.headers("demo-surveyor"), "phone-zhao")


@pytest.fixture()
def second_surveyor(client, auth, surveyor):
    """A colleague assigned the same two villages (created by the administrator over HTTP)."""
    me = client.get("/api/me", headers=surveyor.headers)
    assert me.status_code == 200, me.json
    villages = [a["id"] for a in me.json["areas"]]
    response = client.post(
        "/api/admin/users",
        json={
            "username": "surveyor-qian",
            "name": "钱芳",
            "role": "surveyor",
            "password": "demo12345",
            "area_ids": villages,
        },
        headers=auth.headers("demo-admin"),
    )
    assert response.status_code == 201, response.json
    return Phone(client, auth.headers("surveyor-qian"), "phone-qian")


@pytest.fixture()
def reviewer(client, auth):
    """钱进, the township 1 reviewer, at the township office (online)."""
    return Phone(client, auth.headers("demo-reviewer"), "office-qian")


@pytest.fixture()
def draft_household(client, surveyor):
    """A household of the surveyor's villages that is still a draft (so nobody has locked it)."""
    response = client.get(
        "/api/households", query_string={"state": "draft", "per_page": 50}, headers=surveyor.headers
    )
    assert response.status_code == 200, response.json
    assert response.json["items"], "the demo county has a draft in the surveyor's villages"
    return response.json["items"][0]["id"]
