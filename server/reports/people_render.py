"""The views of a document for people: a PDF (WeasyPrint) of each, a workbook of the two lists.

Like render.py, nothing is computed here: the templates print the context's strings, escaped by
Jinja's autoescape (a name is text, whatever characters it holds).
"""

import gc
import io
from functools import cache

from jinja2 import Environment, FileSystemLoader, select_autoescape

from server.reports.render import FORMATS, TEMPLATES

__all__ = ["FORMATS", "html", "pdf", "render", "xlsx"]
# Households laid out and written together. WeasyPrint keeps every page's boxes until it writes
# the file, some 6 MB a page of these forms: a village of 300 in one go took 2.4 GB. Twenty at a
# time keep the printing near 400 MB; the parts are joined page for page (pypdf), each with its
# own subset of the font (a few hundred KB more in all).
CHUNK = 20
# Column widths of the workbooks (characters), by heading; the reason column is wider.
WIDTHS = {"序号": 6, "乡镇": 10, "村": 10, "组": 8, "户主姓名": 10, "身份证号": 21, "家庭人口": 9}
WIDTHS |= {"属性": 13, "户类别": 12, "备注": 10}
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


def cards(context: dict) -> list[dict]:
    """Every household card to print, copy by copy: the copy's mark, the household's place in
    the village ("第 3 户 共 300 户") and the household."""
    households = context.get("households") or []
    return [
        {"mark": copy, "order": f"第 {n} 户 共 {len(households)} 户", "card": card}
        for copy in context.get("copies") or [""]
        for n, card in enumerate(households, 1)
    ]


def html(context: dict, entries: list[dict] | None = None) -> str:
    """The page of a context; for the household documents, of the given cards (default all)."""
    template, stylesheet = PAGES[context["kind"]]
    css = (TEMPLATES / stylesheet).read_text(encoding="utf-8")
    if context["kind"] in ("registration", "handbook"):
        entries = cards(context) if entries is None else entries
    return _environment().get_template(template).render(**context, entries=entries, stylesheet=css)


def pdf(context: dict) -> bytes:
    from weasyprint import HTML  # heavy: imported only by the process that prints

    if context["kind"] in ("registration", "handbook") and context.get("households"):
        return _cards_pdf(context)
    return HTML(string=html(context), base_url=str(TEMPLATES)).write_pdf()


def _cards_pdf(context: dict) -> bytes:
    """Each household laid out on its own (its handbook numbers its own pages), CHUNK of them
    written into one part, the parts joined."""
    from pypdf import PdfWriter
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    entries = cards(context)
    parts = []
    for start in range(0, len(entries), CHUNK):
        documents = [
            HTML(string=html(context, [entry]), base_url=str(TEMPLATES)).render(font_config=fonts)
            for entry in entries[start : start + CHUNK]
        ]
        pages = [page for document in documents for page in document.pages]
        parts.append(documents[0].copy(pages).write_pdf())
        del documents, pages
        gc.collect()  # the boxes point at each other: free them before the next part is laid out
    if len(parts) == 1:
        return parts[0]
    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    writer.add_metadata({"/Title": context["title"]})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


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
    for c, label in enumerate(columns):
        sheet.set_column(c, c, 40 if label == context["reason_label"] else WIDTHS.get(label, 12))
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
