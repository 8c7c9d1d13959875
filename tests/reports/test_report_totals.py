"""The tables' numbers: the SQL aggregates against a loop over the documents, cell by cell."""

import pytest
from sqlalchemy import select, update

from server.core.errors import ApiError
from server.extensions import db
from server.models import Household
from server.reports.context import build

from .conftest import LOOKBACK, area, loop_figures

SUMMARIES = [
    ("annex4", 1, "monitoring"),
    ("annex4", LOOKBACK, "below_5000"),
    ("annex5", LOOKBACK, "below_4500"),
    ("annex6", LOOKBACK, "below_5000"),
    ("monitoring", 1, None),
    ("monitoring", LOOKBACK, None),
]


def village_rows(context) -> dict[str, list[int]]:
    return {r["lead"][2]: r["values"] for r in context["rows"] if r["kind"] == "village"}


def village_ids_by_name(scope) -> dict[str, int]:
    from server.reports.queries import villages_in

    return {v.name: v.id for _, v in villages_in(scope)}


@pytest.mark.parametrize(("name", "campaign", "line_key"), SUMMARIES)
def test_every_cell_matches_a_loop_over_the_documents(both_campaigns, name, campaign, line_key):
    county = area("county")
    context = build(name, campaign, county.code)
    expected = loop_figures(name, campaign, line_key)
    ids = village_ids_by_name(county)
    width = len(context["columns"])
    rows = village_rows(context)
    assert len(rows) == len(ids)
    for village, values in rows.items():
        assert values == expected[ids[village]][:width], village
    assert context["rows"][-1]["values"][0] > 0  # the county counts someone


@pytest.mark.parametrize(("name", "campaign", "line_key"), SUMMARIES)
def test_subtotals_and_the_total_are_the_sums_of_their_rows(
    both_campaigns, name, campaign, line_key
):
    context = build(name, campaign, area("county").code)
    villages, subtotals = [], []
    for row in context["rows"]:
        if row["kind"] == "village":
            villages.append(row["values"])
        elif row["kind"] == "subtotal":
            assert row["values"] == [sum(column) for column in zip(*villages, strict=True)]
            subtotals.append(row["values"])
            villages = []
    total = context["rows"][-1]
    assert total["kind"] == "total"
    assert total["values"] == [sum(column) for column in zip(*subtotals, strict=True)]


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
    context = build("annex6", LOOKBACK, township.code, total_first=True)
    assert context["rows"][0]["kind"] == "total"
    assert {r["lead"][1] for r in context["rows"][1:]} == {township.name}


def test_the_household_list_of_a_village_masks_id_numbers(both_campaigns):
    village = area("village")
    context = build("annex6_list", LOOKBACK, village.code)
    households = [r for r in context["rows"] if r["kind"] == "household"]
    expected = loop_figures("annex6", LOOKBACK, "below_5000")[village.id]
    assert len(households) == expected[0]
    assert context["rows"][-1]["values"][0] == expected[1]
    for row in households:
        masked = row["lead"][5]
        assert len(masked) == 18 and masked[4:14] == "*" * 10
        assert row["values"][1].count(".") == 1 and len(row["values"][1].split(".")[1]) == 2


@pytest.mark.parametrize(
    ("name", "campaign", "code", "field"),
    [
        ("annex5", 1, "county", "campaign"),  # the exit campaign has no 4500 line
        ("annex6", 99, "county", "campaign"),
        ("annex6", LOOKBACK, "000000", "area"),
        ("annex6_list", LOOKBACK, "county", "area"),  # a list is printed for a village
    ],
)
def test_bad_parameters_are_refused_with_a_field_message(county, name, campaign, code, field):
    code = area(code).code if code == "county" else code
    with pytest.raises(ApiError) as refused:
        build(name, campaign, code)
    assert refused.value.status == 422 and field in refused.value.fields
