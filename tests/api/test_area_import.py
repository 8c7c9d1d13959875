"""An administrator loads the county's own list of areas: through the API, a file at the desk,
and `flask import-areas`. Each faulty row is reported by its line and the others applied."""

import io
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.identity.areafile import FILE_MAX, UNPACKED_MAX, FileRefused, read_rows
from server.models import Area, AuditEvent
from tests.api.test_desk_session import csrf_of, desk_login

NEW_TOWNSHIP = "610526006"


def _area(code: str) -> Area | None:
    found = db.session.scalar(select(Area).where(Area.code == code))
    db.session.rollback()
    return found


def _count() -> int:
    n = db.session.scalar(select(func.count()).select_from(Area))
    db.session.rollback()
    return n


def test_new_areas_join_their_parents_and_faulty_rows_are_reported(client, auth):
    rows = [
        {"code": f"{NEW_TOWNSHIP}00101", "name": "一组"},  # a group before its village
        {"code": f"{NEW_TOWNSHIP}001", "name": "新华村"},
        {"code": NEW_TOWNSHIP, "name": "新华镇"},  # and the village before its township
        {"code": "610526001001", "name": "东坪新村"},  # renamed
        {"code": "610526001002", "name": _area("610526001002").name},  # unchanged
        {"code": "61052600100", "name": "短了一位"},
        {"code": "610526009001", "name": "没有乡镇的村"},
        {"code": f"{NEW_TOWNSHIP}001", "name": "重复"},
        {"code": "610526001003", "name": " "},
    ]
    r = client.post(
        "/api/admin/areas/import", json={"rows": rows}, headers=auth.headers("demo-admin")
    )
    assert r.status_code == 200
    body = r.get_json()
    assert (body["added"], body["renamed"], body["unchanged"]) == (3, 1, 1)
    assert [(e["line"], e["field"]) for e in body["errors"]] == [
        (6, "code"),
        (7, "code"),
        (8, "code"),
        (9, "name"),
    ]
    assert "610526009" in body["errors"][1]["message"] and "重复" in body["errors"][2]["message"]
    township, village, group = (
        _area(c) for c in (NEW_TOWNSHIP, f"{NEW_TOWNSHIP}001", f"{NEW_TOWNSHIP}00101")
    )
    county = _area("610526")
    assert (township.level, village.level, group.level) == ("township", "village", "group")
    assert township.parent_id == county.id and township.path == f"{county.path}{township.id}/"
    assert village.parent_id == township.id and village.path == f"{township.path}{village.id}/"
    assert group.path == f"{village.path}{group.id}/"
    assert _area("610526001001").name == "东坪新村"
    assert _area("61052600100") is None and _area("610526009001") is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "areas_import"))
    assert event.detail == "新增3个，改名1个"
    db.session.rollback()
    # The new village can be given to a surveyor like any other.
    listed = client.get("/api/admin/areas", headers=auth.headers("demo-admin")).get_json()
    townships = {t["code"]: t for t in listed[0]["children"]}
    assert [v["name"] for v in townships[NEW_TOWNSHIP]["children"]] == ["新华村"]


def test_a_list_of_faults_only_writes_nothing(client, auth):
    before = _count()
    rows = [{"code": "abc", "name": "x"}, {"code": "610526999999", "name": "无上级"}]
    r = client.post(
        "/api/admin/areas/import", json={"rows": rows}, headers=auth.headers("demo-admin")
    )
    assert r.status_code == 200 and r.get_json()["added"] == 0 and len(r.get_json()["errors"]) == 2
    assert _count() == before
    imports = select(func.count()).where(AuditEvent.kind == "areas_import")
    assert db.session.scalar(imports) == 0
    db.session.rollback()


def test_a_malformed_body_is_refused_per_field_and_only_an_administrator_imports(client, auth):
    before = _count()
    admin = auth.headers("demo-admin")
    for body in ({"rows": "610526"}, {"rows": []}, {"rows": [{"code": 610526006, "name": "x"}]}):
        r = client.post("/api/admin/areas/import", json=body, headers=admin)
        fields = r.get_json()["error"]["fields"]
        assert r.status_code == 422 and any(f.startswith("rows") for f in fields), (body, fields)
    for user in ("demo-county", "demo-reviewer", "demo-surveyor"):
        rows = [{"code": NEW_TOWNSHIP, "name": "新华镇"}]
        r = client.post("/api/admin/areas/import", json={"rows": rows}, headers=auth.headers(user))
        assert r.status_code == 403
    assert _count() == before


def _xlsx(rows: list[tuple]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_desk_reads_a_workbook_with_codes_excel_made_numbers(client):
    desk_login(client, "demo-admin")
    data = _xlsx(
        [
            ("序号", "统计用区划代码", "名称"),
            (1, int(NEW_TOWNSHIP), "新华镇"),
            (2, float(f"{NEW_TOWNSHIP}001"), "<b>新华村</b>"),
            (3, f"{NEW_TOWNSHIP}9", "代码多一位"),
        ]
    )
    r = client.post(
        "/desk/areas/import",
        data={"csrf_token": csrf_of(client), "file": (io.BytesIO(data), "区划.xlsx")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "新增 2 个" in page and "1 行有误" in page
    assert "&lt;b&gt;新华村&lt;/b&gt;" in page and "<b>新华村</b>" not in page
    assert '<td class="num">4</td>' in page  # the faulty row by its line in the workbook
    assert _area(f"{NEW_TOWNSHIP}001").name == "<b>新华村</b>"


def test_the_desk_refuses_a_file_it_cannot_read_and_writes_nothing(client):
    desk_login(client, "demo-admin")
    before = _count()
    for name, data, words in (
        ("areas.txt", b"610526006,x", "请上传"),
        ("areas.xlsx", b"not a zip", "无法读取"),
    ):
        r = client.post(
            "/desk/areas/import",
            data={"csrf_token": csrf_of(client), "file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )
        assert r.status_code == 422 and words in r.get_data(as_text=True), name
    # A control character is the row's fault, not the file's: the row is reported.
    r = client.post(
        "/desk/areas/import",
        data={"csrf_token": csrf_of(client), "file": (io.BytesIO(b"610526006,\x00x"), "a.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200 and "控制字符" in r.get_data(as_text=True)
    assert _count() == before


def test_a_file_over_two_megabytes_is_refused_unread():
    # Read directly: the test client spools so large a body to a file it never closes.
    with pytest.raises(FileRefused, match="2 MB"):
        read_rows(b"x" * (FILE_MAX + 1), "areas.csv")


def test_a_workbook_that_unpacks_to_too_much_is_refused_unread():
    """A workbook is a zip: two megabytes may unpack to gigabytes of cells."""
    packed = io.BytesIO(_xlsx([("代码", "名称"), (NEW_TOWNSHIP, "新华镇")]))
    with zipfile.ZipFile(packed, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/padding.bin", bytes(UNPACKED_MAX))
    assert len(packed.getvalue()) < FILE_MAX
    with pytest.raises(FileRefused, match="解压后过大"):
        read_rows(packed.getvalue(), "areas.xlsx")


def test_the_areas_page_is_the_administrators(client):
    desk_login(client, "demo-county")
    assert client.get("/desk/areas").status_code == 403
    desk_login(client, "demo-admin")
    page = client.get("/desk/areas").get_data(as_text=True)
    assert "导入本县区划" in page and "东坪村" in page and "城关镇" in page


def test_flask_import_areas_reads_a_gbk_csv(app, county, tmp_path):
    path = tmp_path / "区划.csv"
    text = f"代码,名称\n{NEW_TOWNSHIP},新华镇\n,\n{NEW_TOWNSHIP}001,新华村\n61052600,错\n"
    path.write_bytes(text.encode("gbk"))
    result = app.test_cli_runner().invoke(args=["import-areas", str(path)])
    assert result.exit_code == 1
    # The empty third line is passed over; the faulty fifth is named by its line.
    assert (
        "新增 2 个" in result.output and "第 5 行" in result.output and "有误 1 行" in result.output
    )
    assert _area(f"{NEW_TOWNSHIP}001").name == "新华村"
