"""The county's areas: an administrator's page to see them and to load the county's own list
(统计用区划代码 and names) as a workbook or a CSV file, through `server/identity/areas.py` as
the JSON API's import goes."""

from flask import g, request

from server.core.errors import ApiError
from server.desk import bp
from server.desk.pages import add_menu, page, render
from server.domain.areacodes import LEVEL_WORDS, NAME_MAX
from server.domain.roles import ADMIN
from server.identity import areas
from server.identity.access import whole_tree
from server.identity.areafile import FILE_MAX, FileRefused, read_rows

add_menu("区划", "desk.areas_page", (ADMIN,), 85)


def _page(result=None, refused=None, status=200):
    return (
        render(
            "desk/areas.html",
            tree=whole_tree(),
            result=result,
            refused=refused,
            levels=LEVEL_WORDS,
            name_max=NAME_MAX,
        ),
        status,
    )


@bp.get("/areas")
@page(ADMIN)
def areas_page():
    return _page()


@bp.post("/areas/import")
@page(ADMIN)
def areas_import():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(refused="请选择要导入的文件", status=422)
    try:
        data = upload.stream.read(FILE_MAX + 1)
    finally:
        upload.close()  # a large upload is spooled to a temporary file
    try:
        rows, first = read_rows(data, upload.filename)
        result = areas.import_areas(rows, g.user.id, first_line=first)
    except FileRefused as e:
        return _page(refused=str(e), status=422)
    except ApiError as e:
        return _page(refused=e.message, status=e.status)
    return _page(result=result.as_dict())
