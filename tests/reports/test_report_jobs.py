"""Kept documents and their cache: a job keeps every file with its parameters, and the same
request is served from it until a household that feeds it is written.

The jobs run in the request (huey's immediate mode, tests/conftest.py); the real consumer is
tests/reports/test_report_worker.py.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from server.core.database import write_transaction
from server.extensions import db
from server.households import queries as household_queries
from server.households import writer
from server.models import Area, Campaign, Household, ReportDocument, User
from server.reports import jobs, render, store
from server.reports.context import check

STATES = ("approved", "accepted")
UNCOUNTED = ("draft", "submitted", "returned", "held")


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def ask(name="annex6", code=None, fmt="pdf", username="demo-county", states=None, **options):
    """A document as the API asks for one; the county's Annex 6 summary unless told."""
    if code is None:
        code = db.session.scalar(select(Area.code).where(Area.level == "county"))
    options = {"total_first": False} | options
    document, started = jobs.request_document(user(username), name, 1, code, states, fmt, options)
    return document, started


def documents() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(ReportDocument))


def counted_village(index: int = 0) -> Area:
    """A village with approved households (the scope of a village's list), by rank."""
    ids = db.session.scalars(
        select(Household.village_id)
        .where(Household.review_state.in_(STATES), Household.campaign_id == 1)
        .group_by(Household.village_id)
        .order_by(func.count().desc(), Household.village_id)
    ).all()
    return db.session.get(Area, ids[index])


def mixed_village() -> Area:
    """A village with households both counted and not counted by the documents."""
    counted = select(Household.village_id).where(
        Household.campaign_id == 1, Household.review_state.in_(STATES)
    )
    village_id = db.session.scalar(
        select(Household.village_id)
        .where(
            Household.campaign_id == 1,
            Household.review_state.in_(UNCOUNTED),
            Household.deleted.is_(False),
            Household.village_id.in_(counted),
        )
        .order_by(Household.village_id)
    )
    assert village_id is not None, "the demo has no village half reviewed"
    return db.session.get(Area, village_id)


def rewrite(village: Area, states: tuple[str, ...] = STATES, **values) -> str:
    """Write one campaign-1 household of `village` in one of `states` through the household
    writer: a note in its document, or the record columns given (review_state, deleted)."""
    household_id = db.session.scalar(
        select(Household.id)
        .where(
            Household.village_id == village.id,
            Household.campaign_id == 1,
            Household.review_state.in_(states),
            Household.deleted.is_(False),
        )
        .order_by(Household.id)
    )
    assert household_id is not None, f"no {states} household in {village.name}"
    lines = db.session.get(Campaign, 1).lines
    with write_transaction():
        row = household_queries.household_row(household_id, lock=True)
        document = dict(row.document)
        document["household"] = dict(document["household"]) | {"phone": "13912345678"}
        version = writer.new_version(
            row,
            document,
            lines=lines,
            author_id=None,
            kind="edit",
            changes={"household.phone": "13912345678"},
            base_version=row.version,
            state=values or None,
        )
        writer.write_checked([version])
    return household_id


def test_a_job_keeps_the_document_with_its_parameters(county):
    before = documents()
    document, started = ask()
    assert started and documents() == before + 1
    assert document.status == "done" and document.progress == 100 and not document.error
    data = store.file_bytes(document.id)
    assert data.startswith(b"%PDF") and document.size == len(data)
    county_code = db.session.scalar(select(Area.code).where(Area.level == "county"))
    assert document.params == {
        "report": "annex6",
        "campaign_id": 1,
        "area": county_code,
        "states": list(STATES),
        "format": "pdf",
        "options": {"total_first": False},
    }
    assert document.params_hash == store.params_hash(document.params)
    assert document.code_version == store.code_version()
    assert document.requested_by == user("demo-county").id
    assert document.title in document.file_name and document.file_name.endswith(".pdf")
    assert document.started_at and document.finished_at and document.progress_note == "已完成"


def test_the_same_request_is_served_from_the_kept_file(county, monkeypatch):
    first, _ = ask()

    def no_rendering(*_args, **_kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(render, "render", no_rendering)
    again, started = ask()
    assert not started and again.id == first.id
    other, started = ask(states=["submitted", "approved", "accepted"])
    assert started and other.id != first.id and other.status == "failed"  # it did render


def test_another_format_or_option_is_another_document(county):
    pdf, _ = ask()
    xlsx, started = ask(fmt="xlsx")
    assert started and xlsx.id != pdf.id and store.file_bytes(xlsx.id)[:2] == b"PK"
    total_first, started = ask(total_first=True)
    assert started and total_first.params_hash != pdf.params_hash


def test_a_household_written_in_the_village_makes_the_document_new(county):
    village = counted_village()
    first, _ = ask("annex6_list", village.code, "xlsx")
    rewrite(village)
    second, started = ask("annex6_list", village.code, "xlsx")
    assert started and second.id != first.id
    assert second.data_version != first.data_version
    # The first is kept as it was: the file a county signed is still there.
    assert store.file_bytes(first.id) and store.get(first.id).data_version == first.data_version


def test_a_household_written_in_another_village_keeps_the_document(county):
    village, elsewhere = mixed_village(), counted_village(0)
    assert village.id != elsewhere.id
    first, _ = ask("annex6_list", village.code, "xlsx")
    rewrite(elsewhere)
    rewrite(village, UNCOUNTED)  # a state the document does not count
    again, started = ask("annex6_list", village.code, "xlsx")
    assert not started and again.id == first.id


@pytest.mark.parametrize(
    "change",
    [{"review_state": "returned"}, {"deleted": True}],
    ids=["leaves the states", "deleted"],
)
def test_a_household_that_leaves_the_scope_makes_the_document_new(county, change):
    village = counted_village()
    first, _ = ask("annex6_list", village.code, "xlsx")
    rewrite(village, **change)
    second, started = ask("annex6_list", village.code, "xlsx")
    assert started and second.id != first.id


def test_a_township_document_moves_with_its_villages_only(county):
    village = counted_village()
    township = db.session.get(Area, village.parent_id)
    other = db.session.scalar(
        select(Area).where(Area.level == "township", Area.id != township.id).order_by(Area.code)
    )
    other_village = db.session.scalar(select(Area).where(Area.parent_id == other.id))
    first, _ = ask("annex6", township.code)
    rewrite(other_village) if _has_approved(other_village) else None
    assert ask("annex6", township.code)[0].id == first.id
    rewrite(village)
    assert ask("annex6", township.code)[1]


def _has_approved(village: Area) -> bool:
    return (
        db.session.scalar(
            select(func.count()).where(
                Household.village_id == village.id,
                Household.campaign_id == 1,
                Household.review_state == "approved",
            )
        )
        > 0
    )


def test_the_kept_file_names_the_data_it_was_built_from(county):
    """Data written between the request and the job: the row names what the file holds."""
    village = counted_village()
    request = check("annex6_list", 1, village.code, STATES)
    params = store.parameters(request, "xlsx", {"total_first": False})
    asked = store.data_version(request)
    key = (store.params_hash(params), store.code_version(), asked)
    document_id = store.create(request, params, key, None)
    rewrite(village)
    jobs.run(document_id)
    db.session.rollback()
    document = store.get(document_id)
    assert document.status == "done"
    assert document.data_version == store.data_version(check("annex6_list", 1, village.code))
    assert document.data_version != asked


def test_a_failed_job_says_why_in_chinese_and_is_not_served_again(county, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(render, "render", broken)
    failed, _ = ask()
    assert failed.status == "failed" and "生成报表时出错" in failed.error
    assert "disk" not in failed.error
    monkeypatch.undo()
    again, started = ask()
    assert started and again.id != failed.id and again.status == "done"


def test_a_job_given_up_is_started_again(county):
    first, _ = ask()
    db.session.execute(
        update(ReportDocument)
        .where(ReportDocument.id == first.id)
        .values(status="running", touched_at=datetime.now(UTC) - timedelta(hours=1))
    )
    db.session.commit()
    again, started = ask()
    assert started and again.id != first.id


def test_a_job_in_flight_is_joined_not_repeated(county):
    village = counted_village()
    request = check("annex6_list", 1, village.code, STATES)
    params = store.parameters(request, "xlsx", {"total_first": False})
    key = (store.params_hash(params), store.code_version(), store.data_version(request))
    queued = store.create(request, params, key, None)
    joined, started = ask("annex6_list", village.code, "xlsx")
    assert not started and joined.id == queued and joined.status == "queued"


def test_progress_is_written_as_rows_are(county, monkeypatch):
    seen = []
    real = store.progressed
    monkeypatch.setattr(render, "PROGRESS_ROWS", 1)
    monkeypatch.setattr(jobs, "PROGRESS_SECONDS", 0)
    monkeypatch.setattr(
        store, "progressed", lambda i, p, note: seen.append((p, note)) or real(i, p, note)
    )
    village = counted_village()
    document, _ = ask("annex6_list", village.code, "xlsx")
    assert document.status == "done"
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and len(percents) >= 3
    assert any("行" in note for _, note in seen)
    seen.clear()
    pdf, _ = ask("annex6", None, "pdf")
    pages = [(p, note) for p, note in seen if "页" in note]
    assert pdf.status == "done" and len(pages) >= 3, seen  # page by page as laid out
    assert [p for p, _ in pages] == sorted(p for p, _ in pages)
    assert pages[0][1] == "已排版 1 页"


def test_a_document_printed_lately_is_made_ahead_once_its_data_is_still(county, monkeypatch):
    monkeypatch.setattr(jobs, "_seen", {})
    village = counted_village()
    township = db.session.get(Area, village.parent_id)
    asked, _ = ask("annex6", township.code)
    assert jobs.prerender() == 0  # first look: nothing moved since it was printed
    assert jobs.prerender() == 0  # and nothing to make: the kept file is current
    rewrite(village)
    assert jobs.prerender() == 0  # moving: wait until it stays still for one interval
    assert jobs.prerender() == 1
    db.session.rollback()
    ahead = db.session.scalars(select(ReportDocument).where(ReportDocument.ahead)).one()
    assert ahead.requested_by is None
    assert ahead.status == "done" and ahead.params_hash == asked.params_hash
    again, started = ask("annex6", township.code)
    assert not started and again.id == ahead.id  # no wait: it was made ahead
    db.session.rollback()
    claimed = store.get(ahead.id)
    assert claimed.requested_by == user("demo-county").id and not claimed.ahead  # now kept
    assert jobs.prerender() == 0


def test_a_table_made_ahead_that_nobody_asked_for_is_replaced_by_the_next(county, monkeypatch):
    monkeypatch.setattr(jobs, "_seen", {})
    village = counted_village()
    asked, _ = ask("annex6_list", village.code, "xlsx")
    rewrite(village)
    scripted, _ = jobs.request_document(
        None, "annex6_list", 1, village.code, None, "xlsx", {"total_first": False}, inline=True
    )
    made = []
    for _ in range(2):
        rewrite(village)
        jobs.prerender()
        jobs.prerender()
        db.session.rollback()
        made.append(db.session.scalars(select(ReportDocument.id).where(ReportDocument.ahead)).all())
    assert len(made[0]) == len(made[1]) == 1 and made[0] != made[1]
    assert store.get(asked.id) is not None  # what a person asked for is always kept
    assert store.get(scripted.id) is not None  # and what a county's script printed


def test_a_notice_asked_without_a_first_day_starts_today_each_day(county, monkeypatch):
    """A notice list's period starts on the day it is printed unless told: the next day's is a
    new document, not yesterday's dates served from the cache."""
    from server.core import clock

    village = counted_village()
    monkeypatch.setattr(clock, "today", lambda: date(2020, 11, 2))
    first, started = jobs.request_document(
        user("demo-county"), "notice", 1, village.code, None, "pdf", {}
    )
    assert started and first.params["options"]["start"] == "2020-11-02"
    again, started = jobs.request_document(
        user("demo-county"), "notice", 1, village.code, None, "pdf", {}
    )
    assert not started and again.id == first.id
    monkeypatch.setattr(clock, "today", lambda: date(2020, 11, 3))
    next_day, started = jobs.request_document(
        user("demo-county"), "notice", 1, village.code, None, "pdf", {}
    )
    assert started and next_day.id != first.id
    assert next_day.params["options"]["start"] == "2020-11-03"
