"""Both views print the context's numbers: the PDF's text and the workbook's cells.

Each kind of page is also turned into PNG under test-output/reports/ for a person to look at.
"""

import re
import subprocess
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest

from server.extensions import db
from server.models import Area
from server.reports import render
from server.reports.context import build

from .conftest import LOOKBACK, area, loop_figures

TOTAL = re.compile(r"\s*合计\s+\d")
OUT = Path(__file__).resolve().parents[2] / "test-output" / "reports"


def pdf_lines(data: bytes, name: str) -> list[str]:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(OUT / name)], check=True)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.splitlines()


def numbers(line: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d{2})?", line)


@pytest.fixture()
def county_annex6(both_campaigns):
    return build("annex6", LOOKBACK, area("county").code)


def test_the_pdf_prints_every_row_of_the_summary(county_annex6):
    lines = pdf_lines(render.pdf(county_annex6), "annex6_county")
    text = "\n".join(lines)
    footers = re.findall(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页", text)
    pages = len(footers)
    assert pages > 1 and footers == [(str(n), str(pages)) for n in range(1, pages + 1)]
    assert text.count("序号") == pages  # the header rows repeat on every page
    for word in ("填报单位（盖章）", "统计时间", "单位负责人", "报出日期", "县级已确认"):
        assert word in text
    printed = [numbers(line) for line in lines if "小计" in line or TOTAL.match(line)]
    expected = [
        [str(v) for v in r["values"]]
        for r in county_annex6["rows"]
        if r["kind"] in ("subtotal", "total")
    ]
    assert printed == expected


def test_the_workbook_holds_the_same_cells(county_annex6):
    book = openpyxl.load_workbook(BytesIO(render.xlsx(county_annex6)), read_only=True)
    sheet = book.active
    rows = [r for r in sheet.iter_rows(min_row=6, values_only=True) if r[1] or r[2]]
    width = 3 + len(county_annex6["columns"])
    for row, expected in zip(rows, county_annex6["rows"], strict=False):
        assert list(row[:width]) == [*expected["lead"], *expected["values"]]
    assert sheet.cell(1, 1).value == county_annex6["title"]


def test_the_household_list_prints_money_with_two_places(both_campaigns):
    figures = loop_figures("annex6", LOOKBACK, "below_5000")
    village = db.session.get(Area, max(figures, key=lambda v: figures[v][0]))
    context = build("annex6_list", LOOKBACK, village.code)
    lines = pdf_lines(render.pdf(context), "annex6_village_list")
    incomes = [r["values"][1] for r in context["rows"] if r["kind"] == "household"]
    assert incomes
    text = "\n".join(lines)
    assert all(income in text for income in incomes)
    assert "**********" in text
    book = openpyxl.load_workbook(BytesIO(render.xlsx(context)), read_only=True)
    cells = list(book.active.iter_rows(min_row=5, max_row=4 + len(incomes), values_only=True))
    assert [f"{r[7]:.2f}" for r in cells] == incomes


def test_the_monitoring_summary_prints(both_campaigns):
    context = build("monitoring", 1, area("county").code)
    text = "\n".join(pdf_lines(render.pdf(context), "monitoring_county"))
    for kind in ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户", "风险消除"):
        assert kind in text
    total = [line for line in text.splitlines() if TOTAL.match(line)]
    assert numbers(total[0]) == [str(v) for v in context["rows"][-1]["values"]]
