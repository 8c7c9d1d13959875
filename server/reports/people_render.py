"""The views of a document for people: a PDF (WeasyPrint) of each, a workbook of the two lists.

Like render.py, nothing is computed here: the templates print the context's strings, escaped by
Jinja's autoescape (a name is text, whatever characters it holds).
"""

import io
from functools import cache

from jinja2 import Environment, FileSystemLoader, select_autoescape

from server.reports.render import FORMATS, TEMPLATES

__all__ = ["FORMATS", "html", "pdf", "render", "xlsx"]
PAGES = {
    "notice": ("public_list.html", "people.css"),
    "announcement": ("public_list.html", "people.css"),
    "registration": ("registration.html", "cards.css"),
    "handbook": ("handbook.html", "cards.css"),
}


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default_for_string=True, default=True),
    )


def html(context: dict) -> str:
    template, stylesheet = PAGES[context["kind"]]
    css = (TEMPLATES / stylesheet).read_text(encoding="utf-8")
    return _environment().get_template(template).render(**context, stylesheet=css)


def pdf(context: dict) -> bytes:
    from weasyprint import HTML  # heavy: imported only by the process that prints

    return HTML(string=html(context), base_url=str(TEMPLATES)).write_pdf()


def xlsx(context: dict) -> bytes:
    """A notice list or an announcement in one sheet: its text above the list, as posted.

    Written row by row (constant_memory), so a county's long announcement stays small.
    """
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet("公示名单" if context["kind"] == "notice" else "公告")
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = book.add_format({"bold": True, "align": "center", "border": 1, "text_wrap": True})
    text = book.add_format({"border": 1})
    count = book.add_format({"border": 1, "num_format": "0"})
    bold = book.add_format({"border": 1, "bold": True})
    columns = context["columns"]
    width = len(columns)
    where = context["complaint"]
    sheet.merge_range(0, 0, 0, width - 1, context["title"], title)
    r = 1
    for line in (
        context["preamble"],
        context["period_sentence"],
        f"监督举报电话：{where['hotline']}（全国扶贫监督举报电话）"
        + (f"；{where['office']}：{where['phone']}" if where["phone"] else ""),
        f"来信来访地址：{where['address']}" if where["address"] else "",
    ):
        if line:
            sheet.write_string(r, 0, line)
            r += 1
    header = r
    for c, label in enumerate(columns):
        sheet.write_string(r, c, label, head)
    r += 1
    for row in context["rows"]:
        if row.get("kind") == "subtotal":
            cells = ["", row["township"], "小计", "", f"{row['households']}户", "", row["size"]]
            cells += [""] * (width - len(cells))
            for c, cell in enumerate(cells):
                _cell(sheet, r, c, cell, bold, bold)
        else:
            for c, cell in enumerate(_cells(context["kind"], row)):
                _cell(sheet, r, c, cell, text, count)
        r += 1
    total = [f"合计：{context['households']}户{context['people']}人"] + [""] * (width - 1)
    for c, cell in enumerate(total):
        _cell(sheet, r, c, cell, bold, bold)
    sheet.write_string(r + 2, 0, f"{context['issuer']}　{context['issued']}")
    p = context["parameters"]
    sheet.write_string(
        r + 3,
        0,
        f"调查批次：{p['campaign']}；计入审核状态：{p['states_label']}；"
        f"数据截至：{p['taken_at']}（版本 {p['data_version']}）；身份证号已隐去中间十位",
    )
    sheet.repeat_rows(header)
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_footer("&C第 &P 页 共 &N 页")
    book.close()
    return out.getvalue()


def _cells(kind: str, row: dict) -> list:
    lead = [row["number"]]
    if kind == "announcement":
        lead += [row["township"], row["village"]]
    cells = [
        *lead,
        row["group"],
        row["head"],
        row["id_number"],
        row["size"],
        row["attribute"],
    ]
    if kind == "notice":
        cells.append(row["status"])
    cells.append(row["reason"])
    return cells + ([""] if kind == "notice" else [])


def _cell(sheet, r: int, c: int, cell, text_format, number_format) -> None:
    if isinstance(cell, int):
        sheet.write_number(r, c, cell, number_format)
    else:
        sheet.write_string(r, c, str(cell), text_format)


def render(context: dict, fmt: str) -> bytes:
    return pdf(context) if fmt == "pdf" else xlsx(context)
