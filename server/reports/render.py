"""The two views of a context: a PDF (WeasyPrint) and an .xlsx workbook (XlsxWriter).

Both print the context's strings and integers as they are: no number is computed here.
"""

import hashlib
import io
import logging
import threading
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates" / "reports"
PROGRESS_ROWS = 2000  # a workbook's rows between two reports of progress
FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape())


@cache
def template_hash() -> str:
    """Changes whenever the template, the stylesheet or this module changes: part of a cache key."""
    digest = hashlib.sha256()
    for path in sorted(TEMPLATES.iterdir()) + [Path(__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def column_groups(columns: list[dict]) -> list[dict]:
    """Columns of one group share a header cell; a column without a group spans both rows."""
    heads: list[dict] = []
    for column in columns:
        if column["group"] is not None and heads and heads[-1]["group"] == column["group"]:
            heads[-1]["span"] += 1
        else:
            heads.append({"group": column["group"], "span": 1, "label": column["label"]})
    return heads


def html(context: dict) -> str:
    stylesheet = (TEMPLATES / "print.css").read_text(encoding="utf-8")
    return (
        _environment()
        .get_template("table.html")
        .render(**context, column_groups=column_groups(context["columns"]), stylesheet=stylesheet)
    )


def pdf(context: dict, progress=None) -> bytes:
    """`progress(done, total, unit)` hears of each page as it is laid out (total None: not
    known yet), then of all of them."""
    from weasyprint import HTML  # heavy: imported only by the process that prints

    with _pages_laid_out(progress):
        document = HTML(string=html(context), base_url=str(TEMPLATES)).render()
    if progress is not None:
        progress(len(document.pages), len(document.pages), "页")
    return document.write_pdf()


class _PageSteps(logging.Handler):
    """WeasyPrint says "Step 5 - Creating layout - Page N" on its progress logger: heard in the
    thread that renders (a worker may render in several threads at once)."""

    def __init__(self, progress):
        super().__init__(logging.INFO)
        self.progress, self.thread = progress, threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread and record.msg.endswith("Page %d") and record.args:
            self.progress(int(record.args[0]), None, "页")


@contextmanager
def _pages_laid_out(progress):
    if progress is None:
        yield
        return
    logger = logging.getLogger("weasyprint.progress")
    logger.setLevel(logging.INFO)  # its steps go to our handler only, never to the log
    logger.propagate = False
    handler = _PageSteps(progress)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


def xlsx(context: dict, progress=None) -> bytes:
    """The same rows in one sheet.

    A household list has a one-row header and is written in constant_memory mode (row by row, so
    100,000 households stay small); a summary's two header rows merge cells across rows, which
    that mode cannot take back, and its few hundred rows need no such care. `progress(done,
    total, unit)` hears of every few thousand rows written.
    """
    import xlsxwriter

    out = io.BytesIO()
    flat = all(column["group"] is None for column in context["columns"])
    book = xlsxwriter.Workbook(out, {"constant_memory": flat, "in_memory": not flat})
    sheet = book.add_worksheet("报表")
    bold = book.add_format(
        {"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True}
    )
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    text = book.add_format({"border": 1})
    count = book.add_format({"border": 1, "num_format": "0"})
    money = book.add_format({"border": 1, "num_format": "0.00"})
    formats = {"count": count, "money": money, "percent": money, "text": text}
    lead, columns = context["lead"], context["columns"]
    width = len(lead) + len(columns)
    p = context["parameters"]
    sheet.merge_range(0, 0, 0, width - 1, context["title"], title)
    sheet.write_string(
        1, 0, f"填报单位（盖章）：{p['area']}　统计时间：{p['taken_at']}　单位：{context['unit']}"
    )
    sheet.write_string(
        2,
        0,
        f"调查批次：{p['campaign']}；计入审核状态：{p['states_label']}"
        + (f"；标准：{p['line']}" if p["line"] else "")
        + f"；数据版本：{p['data_version']}",
    )
    if flat:
        for c, label in enumerate([*lead, *(column["label"] for column in columns)]):
            sheet.write_string(3, c, label, bold)
    else:
        _two_row_header(sheet, lead, columns, bold)
    header_end = 3 if flat else 4
    r = header_end + 1
    rows = context["rows"]
    for n, row in enumerate(rows):
        if progress is not None and n % PROGRESS_ROWS == 0:
            progress(n, len(rows), "行")
        for c, cell in enumerate(row["lead"]):
            sheet.write_string(r, c, cell, text)
        for c, (cell, column) in enumerate(zip(row["values"], columns, strict=True), len(lead)):
            fmt = formats[column["format"]]
            if column["format"] == "count":
                sheet.write_number(r, c, cell, fmt)
            elif column["format"] in ("money", "percent") and cell != "":
                sheet.write_number(r, c, float(cell), fmt)  # two places survive: ≤ 15 digits
            else:
                sheet.write_string(r, c, str(cell), fmt)
        r += 1
    for note in context["notes"]:
        sheet.write_string(r, 0, f"注：{note}")
        r += 1
    sheet.write_string(
        r + 1,
        0,
        "单位负责人：　　　审核人：　　　填表人：　　　联系电话：　　　报出日期：　　年　月　日",
    )
    sheet.repeat_rows(3, header_end)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_footer("&C第 &P 页 共 &N 页")
    book.close()
    return out.getvalue()


def _two_row_header(sheet, lead: list[str], columns: list[dict], bold) -> None:
    for c, label in enumerate(lead):
        sheet.merge_range(3, c, 4, c, label, bold)
    c = len(lead)
    for head in column_groups(columns):
        if head["group"] is None:
            sheet.merge_range(3, c, 4, c, head["label"], bold)
        elif head["span"] == 1:
            sheet.write_string(3, c, head["group"], bold)
        else:
            sheet.merge_range(3, c, 3, c + head["span"] - 1, head["group"], bold)
        c += head["span"]
    for c, column in enumerate(columns, start=len(lead)):
        if column["group"] is not None:
            sheet.write_string(4, c, column["label"], bold)


def render(context: dict, fmt: str, progress=None) -> bytes:
    return pdf(context, progress) if fmt == "pdf" else xlsx(context, progress)
