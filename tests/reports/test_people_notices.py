"""The public-notice list of a village and the county's announcement: who is on them, what they
say, and that no full ID number is ever printed on anything posted."""

import datetime as dt
import re
from io import BytesIO

import openpyxl
import pytest
from sqlalchemy import select, update

from server.core.errors import ApiError
from server.extensions import db
from server.models import Area, Household
from server.reports import people, people_render

from .people_helpers import (
    FULL_ID,
    crowded_village,
    expected_notice,
    joined_text,
    member_ids,
    pdf_pages,
)

START = dt.date(2020, 11, 2)


@pytest.fixture()
def village(county):
    return crowded_village()


def printed(context) -> list[tuple]:
    return [
        (r["group"], r["head"], r["id_number"], r["size"], r["attribute"], r["status"], r["reason"])
        for r in context["rows"]
        if r.get("kind", "household") == "household"
    ]


@pytest.mark.parametrize("subject", ["exit", "monitoring", "identification"])
def test_the_rows_are_a_loop_over_the_approved_and_accepted_documents(village, subject):
    context = people.build("notice", 1, village.code, start=START, subject=subject)
    expected = expected_notice(village, 1, subject)
    assert printed(context) == expected
    assert context["households"] == len(expected)
    assert context["people"] == sum(row[3] for row in expected)
    if subject != "monitoring":
        assert expected, "the crowded village has households of this subject"


def test_other_review_states_are_counted_only_when_asked(village):
    states = ("submitted", "approved", "accepted")
    context = people.build("notice", 1, village.code, states, start=START, subject="exit")
    assert printed(context) == expected_notice(village, 1, "exit", states)
    assert "已提交" in context["parameters"]["states_label"]


def test_a_returned_household_drops_out_of_the_notice(village):
    before = people.build("notice", 1, village.code, start=START, subject="exit")
    first = before["rows"][0]
    hh = db.session.scalar(
        select(Household).where(
            Household.village_id == village.id,
            Household.campaign_id == 1,
            Household.household_no == first["household_no"],
        )
    )
    db.session.execute(
        update(Household).where(Household.id == hh.id).values(review_state="returned")
    )
    db.session.commit()
    after = people.build("notice", 1, village.code, start=START, subject="exit")
    assert after["households"] == before["households"] - 1
    assert first["household_no"] not in [r["household_no"] for r in after["rows"]]


@pytest.mark.layout
def test_the_pdf_carries_masked_numbers_and_never_a_full_one(village):
    context = people.build("notice", 1, village.code, start=START, days=5, subject="exit")
    pages = pdf_pages(people_render.pdf(context), "notice_village")
    text = "\n".join(pages)
    assert context["rows"]
    for row in context["rows"]:
        assert re.fullmatch(r"\d{4}\*{10}[\dX]{4}", row["id_number"])
        assert row["id_number"] in text and row["head"] in text
    assert not FULL_ID.search(text)
    assert not any(number in text for number in member_ids(village))
    for words in (
        "公示时间为5天（2020年11月2日至11月6日）",
        "12317",
        "0913-6123456",
        f"共{context['households']}户{context['people']}人",
        "村民委员会（盖章）",
        "2020年11月2日",
        "拟退出贫困户",
    ):
        assert words in re.sub(r"\s+", "", text), words
    footers = re.findall(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页", text)
    assert footers == [(str(n), str(len(pages))) for n in range(1, len(pages) + 1)]


def test_the_workbook_holds_the_same_rows_masked(village):
    context = people.build("notice", 1, village.code, start=START, subject="exit")
    sheet = openpyxl.load_workbook(BytesIO(people_render.xlsx(context)), read_only=True).active
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(cells) if r[0] == "序号")
    rows = cells[header + 1 : header + 1 + len(context["rows"])]
    assert [tuple(r[1:8]) for r in rows] == [
        (g, h, i, s, a, st, reason) for g, h, i, s, a, st, reason in printed(context)
    ]
    flat = " ".join(str(c) for r in cells for c in r if c is not None)
    assert not FULL_ID.search(flat)
    assert "12317" in flat and context["period_sentence"] in flat


@pytest.mark.layout
def test_the_county_announcement_lists_every_village_by_township(village):
    county = db.session.scalar(select(Area).where(Area.level == "county"))
    context = people.build("announcement", 1, county.code, start=START, subject="exit")
    households = [r for r in context["rows"] if r["kind"] == "household"]
    expected = []
    villages = db.session.scalars(
        select(Area).where(Area.level == "village").order_by(Area.code)
    ).all()
    for one in villages:
        expected += expected_notice(one, 1, "exit")
    assert printed(context) == expected
    subtotals = [r for r in context["rows"] if r["kind"] == "subtotal"]
    assert sum(r["households"] for r in subtotals) == len(households) == context["households"]
    assert sum(r["size"] for r in subtotals) == context["people"]
    text = "\n".join(pdf_pages(people_render.pdf(context), "announcement_county"))
    assert not FULL_ID.search(text)
    assert "青山县扶贫开发领导小组办公室" in text and "公告期为7天" in re.sub(r"\s+", "", text)
    assert all(r["id_number"] in text for r in households)
    sheet = openpyxl.load_workbook(BytesIO(people_render.xlsx(context)), read_only=True).active
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    listed = [r for r in cells if isinstance(r[0], int)]
    assert [(r[1], r[2], r[4], r[5]) for r in listed] == [
        (r["township"], r["village"], r["head"], r["id_number"]) for r in households
    ]
    assert [r[6] for r in cells if r[2] == "小计"] == [r["size"] for r in subtotals]
    assert not FULL_ID.search(" ".join(str(c) for r in cells for c in r if c is not None))


@pytest.mark.layout
def test_a_hostile_name_is_printed_as_text(village):
    hostile = '<script>alert("x")</script>'
    context = people.build("notice", 1, village.code, start=START, subject="exit")
    hh = db.session.scalar(
        select(Household).where(
            Household.village_id == village.id,
            Household.campaign_id == 1,
            Household.household_no == context["rows"][0]["household_no"],
        )
    )
    db.session.execute(update(Household).where(Household.id == hh.id).values(head_name=hostile))
    db.session.commit()
    context = people.build("notice", 1, village.code, start=START, subject="exit")
    page = people_render.html(context)
    assert "<script>" not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    pdf_pages(people_render.pdf(context), "notice_hostile", pngs=0)
    assert hostile in joined_text("notice_hostile")


@pytest.mark.parametrize(
    ("name", "level", "options", "field", "message"),
    [
        ("notice", "village", {"days": 4}, "days", "公示期应为5至7天"),
        ("notice", "village", {"days": 8}, "days", "公示期应为5至7天"),
        ("notice", "county", {}, "area", "按村打印"),
        ("announcement", "village", {}, "area", "按县打印"),
        ("notice", "village", {"subject": "reward"}, "subject", "公示事由"),
    ],
)
def test_bad_parameters_are_refused_in_chinese(county, name, level, options, field, message):
    area = db.session.scalar(select(Area).where(Area.level == level).order_by(Area.code))
    with pytest.raises(ApiError) as refused:
        people.build(name, 1, area.code, **options)
    assert refused.value.status == 422
    assert message in refused.value.fields[field][0]
