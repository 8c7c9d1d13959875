"""`flask report` writes the same table the engine builds, and refuses bad parameters plainly."""

from io import BytesIO

import openpyxl
import pytest

from server.reports.context import build

from .conftest import LOOKBACK, area
from .test_report_views import cell


@pytest.mark.layout
@pytest.mark.parametrize(
    ("name", "campaign"),
    [
        ("annex5", LOOKBACK),
        ("annex2", LOOKBACK),
        ("annex3", LOOKBACK),
        ("causes", 1),
        ("people", 1),
        ("income_bands", 1),
        ("income_composition", LOOKBACK),
        ("guarantees", 1),
        ("progress", 1),
    ],
)
def test_flask_report_writes_a_workbook_and_a_pdf(app, both_campaigns, tmp_path, name, campaign):
    code = area("county").code
    runner = app.test_cli_runner()
    out = tmp_path / f"{name}.xlsx"
    args = ["report", name, "--campaign", str(campaign), "--area", code]
    result = runner.invoke(args=[*args, "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(BytesIO(out.read_bytes()), read_only=True).active
    last = [r for r in sheet.iter_rows(values_only=True) if r[1] == "合计"][0]
    context = build(name, campaign, code)
    total = context["rows"][-1]["values"]
    assert list(last[3 : 3 + len(total)]) == [
        cell(v, c) for v, c in zip(total, context["columns"], strict=True)
    ]
    pdf = tmp_path / f"{name}.pdf"
    result = runner.invoke(args=[*args, "--out", str(pdf)])
    assert result.exit_code == 0 and pdf.read_bytes().startswith(b"%PDF")


def test_flask_report_names_the_bad_parameter(app, county, tmp_path):
    result = app.test_cli_runner().invoke(
        args=[
            "report",
            "annex5",
            "--campaign",
            "1",
            "--area",
            area("county").code,
            "--out",
            str(tmp_path / "x.pdf"),
        ]
    )
    assert result.exit_code != 0 and "4500" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_flask_report_keeps_the_document_and_reuses_it_while_the_data_stands(app, county, tmp_path):
    from sqlalchemy import select

    from server.extensions import db
    from server.models import ReportDocument

    code = area("county").code
    runner = app.test_cli_runner()
    args = ["report", "monitoring", "--campaign", "1", "--area", code, "--format", "xlsx"]
    first = runner.invoke(args=[*args, "--out", str(tmp_path / "a.xlsx")])
    again = runner.invoke(args=[*args, "--out", str(tmp_path / "b.xlsx")])
    assert first.exit_code == again.exit_code == 0, first.output + again.output
    assert "kept earlier" not in first.output and "kept earlier" in again.output
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    db.session.rollback()
    kept = db.session.scalars(select(ReportDocument)).one()
    assert kept.report == "monitoring" and kept.requested_by is None and kept.status == "done"
