"""An administrator's list of areas read from a file: an Excel workbook (.xlsx) or text (.csv,
UTF-8 or GBK, as Excel saves it). Two columns, the code and the name; a first row that names
them (代码, 名称) may say which columns they are. Everything read is text: numbers Excel made of
the codes are written back as digits."""

import csv
import io
import zipfile

from server.identity.areas import ROWS_MAX

FILE_MAX = 2 * 1024 * 1024
UNPACKED_MAX = 64 * 1024 * 1024  # a workbook is a zip: what it may hold once unpacked
CODE_HEADS = {"代码", "区划代码", "统计用区划代码", "code"}
NAME_HEADS = {"名称", "区划名称", "地区名称", "name"}
COLUMNS_READ = 10  # a list's first columns: enough to find the two it names


class FileRefused(ValueError):
    """A file that cannot be read as a list of areas; its message is for the administrator."""


def read_rows(data: bytes, filename: str) -> tuple[list[tuple], int]:
    """((code, name) rows, the line number of the first)."""
    if len(data) > FILE_MAX:
        raise FileRefused("文件不能超过 2 MB")
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "xlsx":
        table = _xlsx(data)
    elif suffix == "csv":
        table = _csv(data)
    else:
        raise FileRefused("请上传 Excel 工作簿（.xlsx）或 CSV 文件")
    if not table:
        raise FileRefused("文件中没有内容")
    head = [_text(v).lower() for v in table[0]]
    code_at = next((i for i, v in enumerate(head) if v in CODE_HEADS), None)
    name_at = next((i for i, v in enumerate(head) if v in NAME_HEADS), None)
    first = 2 if code_at is not None and name_at is not None else 1
    if first == 1:
        code_at, name_at = 0, 1
    rows = [(_cell(r, code_at), _cell(r, name_at)) for r in table[first - 1 :]]
    while rows and rows[-1] == ("", ""):
        rows.pop()
    if len(rows) > ROWS_MAX:
        raise FileRefused(f"一次最多导入 {ROWS_MAX} 行")
    return rows, first


def _cell(row: tuple, at: int) -> str:
    return _text(row[at]) if at < len(row) else ""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx(data: bytes) -> list[tuple]:
    import openpyxl

    unreadable = FileRefused("无法读取该 Excel 文件：请另存为 .xlsx 后再上传")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as packed:
            unpacked = sum(member.file_size for member in packed.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise unreadable from None
    if unpacked > UNPACKED_MAX:  # a small file that unpacks to gigabytes is refused unread
        raise FileRefused("该 Excel 文件解压后过大，不像区划清单：请只保留代码和名称两列")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise unreadable from None
    try:
        sheet = book.worksheets[0]
        table = []
        for row in sheet.iter_rows(max_col=COLUMNS_READ, values_only=True):
            table.append(row)
            if len(table) > ROWS_MAX + 1:
                raise FileRefused(f"一次最多导入 {ROWS_MAX} 行")
        return table
    finally:
        book.close()


def _csv(data: bytes) -> list[tuple]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes nearly anything; kept for the rule's sake
        raise FileRefused("无法识别文件的文字编码：请存为 UTF-8 或 GBK")
    table = []
    try:
        for row in csv.reader(io.StringIO(text)):
            table.append(tuple(row[:COLUMNS_READ]))
            if len(table) > ROWS_MAX + 1:
                raise FileRefused(f"一次最多导入 {ROWS_MAX} 行")
    except csv.Error:  # a NUL character, a field longer than the module takes
        raise FileRefused("无法读取该 CSV 文件：请检查其中是否有异常字符") from None
    return table
