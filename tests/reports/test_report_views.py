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

from .by_loop import loop_figures
from .conftest import LOOKBACK, area

TOTAL = re.compile(r"\s*合计\s+\d")
OUT = Path(__file__).resolve().parents[2] / "test-output" / "reports"
# (table, campaign): one of each kind of county table
COUNTY_TABLES = [
    ("annex6", LOOKBACK),
    ("annex2", LOOKBACK),
    ("annex3", LOOKBACK),
    ("monitoring", 1),
    ("causes", 1),
    ("people", 1),
    ("income_bands", 1),
    ("income_composition", 1),
    ("guarantees", 1),
    ("progress", 1),
]


def pdf_lines(data: bytes, name: str) -> list[str]:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(OUT / name)], check=True)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.splitlines()


def is_sum(line: str) -> bool:
    """A 小计 or 合计 row's line, not a header's (a header may name 合计 above its bands, in 元)."""
    return ("小计" in line or bool(TOTAL.match(line))) and "元" not in line


def numbers(line: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d{2})?", line)


def shown(values: list, columns: list[dict]) -> list[str]:
    """The numbers a row prints, as pdftotext reads them: no empty share, no status word."""
    return [
        str(v) for v, c in zip(values, columns, strict=True) if c["format"] != "text" and v != ""
    ]


@pytest.mark.layout
@pytest.mark.parametrize(("name", "campaign"), COUNTY_TABLES)
def test_the_pdf_prints_every_subtotal_and_the_total(both_campaigns, name, campaign):
    context = build(name, campaign, area("county").code)
    lines = pdf_lines(render.pdf(context), f"{name}_county")
    text = "\n".join(lines)
    footers = re.findall(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页", text)
    pages = len(footers)
    assert pages >= 1 and footers == [(str(n), str(pages)) for n in range(1, pages + 1)]
    assert text.count("序号") == pages  # the header rows repeat on every page
    for word in ("填报单位（盖章）", "统计时间", "单位负责人", "审核人", "填表人", "联系电话"):
        assert word in text
    assert "报出日期" in text and context["title"] in text.replace(" ", "")
    assert context["parameters"]["states_label"] in text
    printed = [numbers(line) for line in lines if is_sum(line)]
    columns = context["columns"]
    expected = [
        shown(r["values"], columns) for r in context["rows"] if r["kind"] in ("subtotal", "total")
    ]
    assert printed == expected


@pytest.mark.parametrize(("name", "campaign"), COUNTY_TABLES)
def test_the_workbook_holds_the_same_cells(both_campaigns, name, campaign):
    context = build(name, campaign, area("county").code)
    book = openpyxl.load_workbook(BytesIO(render.xlsx(context)), read_only=True)
    sheet = book.active
    rows = [r for r in sheet.iter_rows(min_row=6, values_only=True) if r[1] or r[2]]
    width = 3 + len(context["columns"])
    assert len(rows) >= len(context["rows"])
    for row, expected in zip(rows, context["rows"], strict=False):
        cells = [cell(v, c) for v, c in zip(expected["values"], context["columns"], strict=True)]
        assert list(row[:width]) == [*expected["lead"], *cells]
    assert sheet.cell(1, 1).value == context["title"]


def cell(value, column: dict):
    """What the workbook holds for a printed value: numbers as numbers, an empty share empty."""
    if column["format"] in ("money", "percent"):
        return None if value == "" else float(value)
    return value


@pytest.mark.layout
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


@pytest.mark.layout
def test_the_monitoring_summary_names_its_types(both_campaigns):
    context = build("monitoring", 1, area("county").code)
    text = "\n".join(pdf_lines(render.pdf(context), "monitoring_county"))
    for kind in ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户", "风险消除"):
        assert kind in text


@pytest.mark.layout
def test_the_progress_table_heads_each_stage_with_its_due_date(both_campaigns):
    context = build("progress", LOOKBACK, area("township").code)
    text = "".join(pdf_lines(render.pdf(context), "progress_township_lookback")).replace(" ", "")
    for stage in ("村级入户统计", "办事处汇总", "部门比对", "区级审定"):
        assert stage in text
    assert text.count("日前）") == 4  # each stage's due date (a head may wrap)
    assert "（2019年4" in text and "区级审定按县级已确认计" in text


@pytest.mark.layout
def test_the_signatures_never_stand_alone_on_the_last_page(both_campaigns):
    """However many rows fill the last page, the notes and the signatures come after the table's
    last rows (its 合计 at least) on the same page, never on a page of their own. The rows are
    cut so that the table ends at every height around a page's foot."""
    context = build("annex6", LOOKBACK, area("county").code)
    body, total = context["rows"][:-1], context["rows"][-1]
    assert total["kind"] == "total" and len(body) > 30
    for kept in range(20, 30):
        data = render.pdf(context | {"rows": [*body[:kept], total]})
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=data, check=True, capture_output=True
        ).stdout.decode()
        signed = next(page for page in text.split("\f") if "单位负责人" in page)
        assert any(TOTAL.match(line) for line in signed.splitlines()), kept
