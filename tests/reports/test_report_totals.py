"""The tables' numbers: the SQL aggregates against a loop over the documents, cell by cell."""

import io
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from sqlalchemy import select, update

from server.core.errors import ApiError
from server.extensions import db
from server.models import Area, Household
from server.reports.context import build

from .by_loop import expected, loop_figures
from .conftest import LOOKBACK, area

EXIT = 1
TABLES = [
    ("annex2", LOOKBACK),
    ("annex3", LOOKBACK),
    ("annex3", EXIT),
    ("annex4", EXIT),
    ("annex4", LOOKBACK),
    ("annex5", LOOKBACK),
    ("annex6", LOOKBACK),
    ("monitoring", EXIT),
    ("monitoring", LOOKBACK),
    ("causes", EXIT),
    ("people", EXIT),
    ("people", LOOKBACK),
    ("income_bands", EXIT),
    ("income_bands", LOOKBACK),
    ("income_composition", EXIT),
    ("income_composition", LOOKBACK),
    ("guarantees", EXIT),
    ("progress", EXIT),
    ("progress", LOOKBACK),
]


def village_rows(context) -> dict[str, list]:
    return {r["lead"][2]: r["values"] for r in context["rows"] if r["kind"] == "village"}


def village_ids_by_name(scope) -> dict[str, int]:
    from server.reports.queries import villages_in

    return {v.name: v.id for _, v in villages_in(scope)}


@pytest.mark.parametrize(("name", "campaign"), TABLES)
def test_every_cell_matches_a_loop_over_the_documents(both_campaigns, name, campaign):
    county = area("county")
    context = build(name, campaign, county.code)
    by_loop = expected(name, campaign, context["parameters"]["line_key"])
    ids = village_ids_by_name(county)
    rows = village_rows(context)
    assert len(rows) == len(ids) == len(by_loop)
    text = [i for i, c in enumerate(context["columns"]) if c["format"] == "text"]
    for village, values in rows.items():
        values = [v for i, v in enumerate(values) if i not in text]
        assert values == by_loop[ids[village]], village
    assert context["rows"][-1]["values"][0] > 0  # the county counts someone


def _sum(cells: list, fmt: str):
    if fmt == "money":
        return f"{sum(Decimal(c) for c in cells):.2f}"
    return sum(cells)


def _derived(kind: str, part, whole) -> str:
    part, whole = Decimal(str(part)), Decimal(str(whole))
    if not whole:
        return ""
    value = part * 100 / whole if kind == "percent" else part / whole
    return str(value.quantize(Decimal("0.01"), ROUND_HALF_UP))


@pytest.mark.parametrize(("name", "campaign"), TABLES)
def test_subtotals_and_the_total_are_the_sums_of_their_rows(both_campaigns, name, campaign):
    """A count or an amount adds up; a share or a per-capita figure is its row's own quotient."""
    context = build(name, campaign, area("county").code)
    columns = context["columns"]
    villages, subtotals = [], []
    for row in context["rows"]:
        for i, column in enumerate(columns):
            if "derived" in column:
                kind, part, whole = column["derived"]
                assert row["values"][i] == _derived(kind, row["values"][part], row["values"][whole])
        if row["kind"] == "village":
            villages.append(row["values"])
            continue
        below = villages if row["kind"] == "subtotal" else subtotals
        for i, column in enumerate(columns):
            if "derived" not in column and column["format"] != "text":
                assert row["values"][i] == _sum([r[i] for r in below], column["format"]), i
        if row["kind"] == "subtotal":
            subtotals.append(row["values"])
            villages = []
    assert context["rows"][-1]["kind"] == "total"


@pytest.mark.parametrize(("name", "campaign"), [t for t in TABLES if t[0] != "progress"])
def test_a_returned_village_drops_out_of_every_table(both_campaigns, name, campaign):
    """Only approved and accepted records count: the township sends a whole village's records
    back, and its row empties while the others stay as the loop over the documents says."""
    county = area("county")
    before = build(name, campaign, county.code)
    village = max(
        (r for r in before["rows"] if r["kind"] == "village"), key=lambda r: r["values"][0]
    )
    assert village["values"][0] > 0
    village_id = village_ids_by_name(county)[village["lead"][2]]
    db.session.execute(
        update(Household)
        .where(Household.village_id == village_id, Household.campaign_id == campaign)
        .values(review_state="returned")
    )
    db.session.commit()
    after = build(name, campaign, county.code)
    assert village_rows(after)[village["lead"][2]][0] == 0
    assert after["rows"][-1]["values"][0] == before["rows"][-1]["values"][0] - village["values"][0]
    by_loop = expected(name, campaign, after["parameters"]["line_key"])
    ids = village_ids_by_name(county)
    assert all(by_loop[ids[v]] == values for v, values in village_rows(after).items())


def test_the_progress_table_counts_every_state_and_says_who_is_late(both_campaigns):
    """Every record counts whatever its state; past its stages' due dates, a village with a
    household not yet accepted is 滞后, a village all accepted 已完成."""
    county = area("county")
    context = build("progress", EXIT, county.code)
    assert context["parameters"]["states"] == [
        "draft",
        "submitted",
        "held",
        "returned",
        "approved",
        "accepted",
    ]
    total = db.session.scalar(
        select(db.func.count()).select_from(Household).where(Household.campaign_id == EXIT)
    )
    assert context["rows"][-1]["values"][0] == total
    for row in context["rows"]:
        total, accepted, status = row["values"][0], row["values"][6], row["values"][-1]
        if accepted == total:
            assert status == "已完成"
        else:  # the demo's stages are long past: something is late, and it is named
            late = status.removeprefix("滞后：")
            assert late in {"入户调查", "乡镇审核", "县级验收"}, status
    visited = [name for name, v in village_rows(context).items() if v[1] == v[0] > 0]
    village = village_ids_by_name(county)[visited[0]]  # all visited: all accepted finishes it
    db.session.execute(
        update(Household)
        .where(Household.village_id == village, Household.campaign_id == EXIT)
        .values(review_state="accepted")
    )
    db.session.commit()
    after = village_rows(build("progress", EXIT, county.code))
    assert [v for v in after.values() if v[-1] == "已完成"]


@pytest.mark.parametrize(
    ("campaign", "amounts", "bands"),
    [(EXIT, ("4000.00", "6000.00"), (0, 1)), (LOOKBACK, ("5000.00", "7500.00"), (1, 2))],
)
def test_a_household_exactly_at_a_band_boundary_falls_as_the_lines_word_says(
    both_campaigns, campaign, amounts, bands
):
    """The exit line says 超过4000元: 4000 itself is below it, 6000 itself in the middle band;
    the look-back's 低于5000元: 5000 itself is not below it, 7500 itself beyond the middle band.
    Every cell still matches the loop over the documents, which reads the domain's bands."""
    from server.domain.summary import summarize
    from tests.api.conftest import fresh_document, make_household

    county, village = area("county"), area("village")
    before = village_rows(build("income_bands", campaign, county.code))[village.name]
    for amount in amounts:
        document = fresh_document()
        document["income"] = {"wage_local": f"{3 * Decimal(amount):.2f}"}
        assert summarize(document, [])["per_capita_net_income"] == amount
        make_household(village.id, document, state="accepted", campaign_id=campaign)
    after = village_rows(build("income_bands", campaign, county.code))[village.name]
    grown = [a - b for a, b in zip(after, before, strict=True)]
    assert grown[:2] == [2, 6]  # two households of three
    for band in range(3):
        assert grown[2 + 2 * band : 4 + 2 * band] == ([1, 3] if band in bands else [0, 0])
    assert after == expected("income_bands", campaign)[village.id]


def test_annex_5_never_exceeds_annex_6(both_campaigns):
    code = area("county").code
    five = build("annex5", LOOKBACK, code)["rows"]
    six = build("annex6", LOOKBACK, code)["rows"]
    assert any(a["values"] != b["values"] for a, b in zip(five, six, strict=True))
    for a, b in zip(five, six, strict=True):
        assert all(x <= y for x, y in zip(a["values"], b["values"], strict=True))


def test_a_returned_record_drops_out_and_other_states_count_only_when_asked(both_campaigns):
    code = area("county").code
    before = build("annex6", LOOKBACK, code)
    counted = db.session.scalars(
        select(Household).where(
            Household.campaign_id == LOOKBACK,
            Household.review_state == "accepted",
            Household.line_flags["below_5000"].as_boolean().is_(True),
        )
    ).first()
    db.session.execute(
        update(Household).where(Household.id == counted.id).values(review_state="returned")
    )
    db.session.commit()
    after = build("annex6", LOOKBACK, code)
    assert after["rows"][-1]["values"][0] == before["rows"][-1]["values"][0] - 1
    assert after["parameters"]["data_version"] == before["parameters"]["data_version"]
    wider = build("annex6", LOOKBACK, code, states=["returned", "approved", "accepted"])
    assert wider["rows"][-1]["values"][0] > after["rows"][-1]["values"][0]
    assert "县级已确认" in after["parameters"]["states_label"]


def test_a_township_table_holds_only_its_villages_and_total_first_is_an_option(both_campaigns):
    township = area("township")
    for name in ("annex6", "income_composition", "progress"):
        context = build(name, LOOKBACK, township.code, total_first=True)
        assert context["rows"][0]["kind"] == "total"
        assert {r["lead"][1] for r in context["rows"][1:]} == {township.name}


@pytest.mark.parametrize(
    ("name", "table", "line_key"),
    [("annex6_list", "annex6", "below_5000"), ("annex2_list", "annex2", None)],
)
def test_the_household_list_of_a_village_masks_id_numbers(both_campaigns, name, table, line_key):
    figures = loop_figures(table, LOOKBACK, line_key)
    village = max(figures, key=lambda v: figures[v][0])
    context = build(name, LOOKBACK, db.session.get(Area, village).code)
    households = [r for r in context["rows"] if r["kind"] == "household"]
    assert len(households) == figures[village][0] > 0
    assert context["rows"][-1]["values"][0] == figures[village][1]
    for row in households:
        masked = row["lead"][5]
        assert len(masked) == 18 and masked[4:14] == "*" * 10
        assert row["values"][1].count(".") == 1 and len(row["values"][1].split(".")[1]) == 2


def test_the_county_list_is_every_village_list_in_turn(both_campaigns):
    county, township = area("county"), area("township")
    whole = build("annex6_list", LOOKBACK, county.code)
    listed = [r for r in whole["rows"] if r["kind"] == "household"]
    villages = db.session.scalars(
        select(Area).where(Area.level == "village").order_by(Area.code)
    ).all()
    one_by_one = []
    for village in villages:
        rows = build("annex6_list", LOOKBACK, village.code)["rows"]
        one_by_one += [r for r in rows if r["kind"] == "household"]
    assert len(listed) == len(one_by_one) > 40
    assert [r["lead"][1:] + r["values"] for r in listed] == [
        r["lead"][1:] + r["values"] for r in one_by_one
    ]
    assert [r["lead"][0] for r in listed] == [str(n) for n in range(1, len(listed) + 1)]
    total = whole["rows"][-1]
    assert total["lead"][2] == f"{len(listed)}户"
    assert total["values"][0] == sum(r["values"][0] for r in listed)
    names = {r["lead"][1] for r in build("annex6_list", LOOKBACK, township.code)["rows"][:-1]}
    assert names == {township.name}


def test_the_county_list_is_a_workbook_not_paper(county):
    from server.models import User
    from server.reports import jobs

    office = db.session.scalar(select(User).where(User.username == "demo-county"))
    with pytest.raises(ApiError) as refused:
        jobs.request_document(office, "annex6_list", LOOKBACK, area("county").code, None, "pdf", {})
    assert refused.value.fields == {"format": ["全县明细表行数过多，请导出Excel"]}
    book, _ = jobs.request_document(
        office, "annex6_list", LOOKBACK, area("county").code, None, "xlsx", {}
    )
    township, _ = jobs.request_document(
        office, "annex6_list", LOOKBACK, area("township").code, None, "pdf", {}
    )
    assert book.status == township.status == "done"

    # The job streams the county's rows into the workbook: the same cells as the list in full.
    from server.reports import store

    streamed = build("annex6_list", LOOKBACK, area("county").code, stream=True)["rows"]
    assert not isinstance(streamed, list) and len(streamed) == len(list(streamed))
    rows = build("annex6_list", LOOKBACK, area("county").code)["rows"]
    sheet = openpyxl.load_workbook(io.BytesIO(store.file_bytes(book.id)), read_only=True).active
    written = sheet.iter_rows(min_row=5, max_row=4 + len(rows), values_only=True)
    cells = [[c for c in r if c not in (None, "")] for r in written]
    expected = []
    for row in rows:
        values = [float(v) if i == 1 and v else v for i, v in enumerate(row["values"])]
        expected.append([c for c in row["lead"] + values if c != ""])
    assert cells == expected


@pytest.mark.parametrize(
    ("name", "campaign", "code", "field"),
    [
        ("annex5", 1, "county", "campaign"),  # the exit campaign has no 4500 line
        ("annex6", 99, "county", "campaign"),
        ("annex6", LOOKBACK, "000000", "area"),
        ("annex5_list", 1, "county", "campaign"),  # nor its list
        ("people", LOOKBACK, "village", "area"),  # a county table is printed for a township up
    ],
)
def test_bad_parameters_are_refused_with_a_field_message(county, name, campaign, code, field):
    code = area(code).code if code in ("county", "village") else code
    with pytest.raises(ApiError) as refused:
        build(name, campaign, code)
    assert refused.value.status == 422 and field in refused.value.fields
