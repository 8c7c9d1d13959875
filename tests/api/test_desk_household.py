"""The desk's household page, its diff and its decisions, through the browser session's forms."""

import re
import uuid
from html import unescape

from server.domain import explain
from server.extensions import db
from server.models import Attachment

from .conftest import JPEG, PNG, fresh_document, household, make_household, user_id
from .test_desk_session import csrf_of, desk_login
from .test_review_decisions import _state


def _text(response) -> str:
    """The page as text, tags gone: what a reader sees."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def _submitted(areas, document=None, village=None):
    return make_household(village or areas.surveyor_village, document, state="submitted")


def _post(client, url, **form):
    return client.post(url, data={"csrf_token": csrf_of(client), **form})


def test_the_page_reads_the_questionnaire_in_its_order_and_words(client, areas):
    document = fresh_document()
    document["income"]["wage_migrant"] = "100.00"  # below the plausible minimum: a warning
    document["signoff"]["gps"] = {"lat": 34.25, "lng": 109.5}
    household_id = _submitted(areas, document)
    desk_login(client, "demo-reviewer")
    r = client.get(f"/desk/households/{household_id}")
    assert r.status_code == 200
    text = _text(r)
    titles = [
        "A. 户基本情况",
        "B. 家庭成员",
        "C. 收入情况",
        "D. 两不愁三保障及饮水安全",
        "E. 致贫原因与风险",
        "F. 帮扶责任人",
        "F. 帮扶措施",
        "G. 签字确认",
    ]
    places = [text.index(t) for t in titles]
    assert places == sorted(places)
    for member in document["members"]:
        assert member["name"] in text
    assert "外出务工收入 100.00" in text
    assert "外出务工收入不足300元，请核实是否为全年金额" in text  # the warning, beside its field
    hh = household(household_id)
    figures = hh.summary
    assert "年收入 = 外出务工收入 100.00 + " in text
    assert f"= {explain.yuan(figures['annual_income'])} 元" in text
    assert (
        f"人均纯收入 = 纯收入 ÷ 家庭人口 = {explain.yuan(figures['net_income'])} ÷ "
        f"{figures['household_size']} 人 = {explain.yuan(figures['per_capita_net_income'])} 元"
    ) in text
    pci = explain.yuan(figures["per_capita_net_income"])
    assert re.search(rf"人均纯收入 {re.escape(pci)} 元，(未超过|超过)退出标准 4000 元", text)
    assert "北纬 34.25，东经 109.5" in text
    assert "https://www.openstreetmap.org/?mlat=34.25&amp;mlon=109.5" in r.get_data(as_text=True)
    assert "历史记录" in text and "建档" in text
    assert 'id="return-form"' in r.get_data(as_text=True)


def _uploaded(data: bytes, kind: str) -> str:
    """An image uploaded from the phone before the record that names it."""
    attachment_id = str(uuid.uuid4())
    db.session.add(
        Attachment(
            id=attachment_id,
            content_type=kind,
            size=len(data),
            sha256=uuid.uuid4().hex,
            data=data,
            uploaded_by=user_id("demo-surveyor"),
        )
    )
    db.session.commit()
    return attachment_id


def test_signature_and_photo_are_served_with_access_checks(client, areas):
    signature, photo = _uploaded(PNG, "image/png"), _uploaded(JPEG, "image/jpeg")
    document = fresh_document()
    document["signoff"].update(signature=signature, photo=photo)
    household_id = _submitted(areas, document)
    desk_login(client, "demo-reviewer")
    html = client.get(f"/desk/households/{household_id}").get_data(as_text=True)
    sources = re.findall(r'<img class="attachment" src="([^"]+)" alt="([^"]+)"', html)
    assert sources == [
        (f"/api/attachments/{signature}", "户主签字"),
        (f"/api/attachments/{photo}", "入户照片"),
    ]
    image = client.get(sources[0][0])  # the desk's cookie session reaches the attachment API
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data == PNG
    client.post("/desk/logout", data={"csrf_token": csrf_of(client)})
    assert client.get(sources[0][0]).status_code == 401
    # A reviewer of another township is not shown it.
    other = make_household(areas.township2_village, state="submitted")
    desk_login(client, "demo-reviewer")
    assert "<img" not in client.get(f"/desk/households/{_submitted(areas)}").get_data(as_text=True)
    assert client.get(f"/desk/households/{other}").status_code == 404


def test_outside_the_area_is_404_and_other_roles_are_refused(client, areas):
    outside = _submitted(areas, village=areas.township2_village)
    desk_login(client, "demo-reviewer")
    assert client.get(f"/desk/households/{outside}").status_code == 404
    assert client.get(f"/desk/households/{outside}/diff").status_code == 404
    assert client.get(f"/desk/households/{uuid.uuid4()}").status_code == 404
    client.post("/desk/logout", data={"csrf_token": csrf_of(client)})
    desk_login(client, "demo-admin")
    assert client.get(f"/desk/households/{outside}").status_code == 403
    client.post("/desk/logout", data={"csrf_token": csrf_of(client)})
    desk_login(client, "demo-county")
    assert client.get(f"/desk/households/{outside}").status_code == 200


def test_return_with_a_comment_on_one_field(client, areas):
    document = fresh_document()
    household_id = _submitted(areas, document)
    member = document["members"][0]
    desk_login(client, "demo-reviewer")
    r = _post(
        client,
        f"/desk/households/{household_id}/decide",
        action="return",
        note="身份证号有误",
        version="1",
        comment_path=[f"members.{member['id']}.id_number", ""],
        comment_text=["与户口本不一致", ""],
    )
    assert r.status_code == 303
    hh = household(household_id)
    assert hh.review_state == "returned" and hh.review_note == "身份证号有误"
    assert hh.review_comments == {f"members.{member['id']}.id_number": "与户口本不一致"}
    text = _text(client.get(r.headers["Location"]))
    assert "已退回修改" in text
    assert f"B. 家庭成员 › {member['name']} › 身份证号 ：与户口本不一致" in text
    assert "审核批注：与户口本不一致" in text


def test_a_refused_return_comes_back_with_what_was_typed(client, areas):
    household_id = _submitted(areas)
    desk_login(client, "demo-reviewer")
    before = _state(household_id)
    r = _post(
        client,
        f"/desk/households/{household_id}/decide",
        action="return",
        note="",
        comment_path=["household.phone"],
        comment_text=["号码打不通"],
    )
    assert r.status_code == 422
    text = _text(r)
    assert "退回时请填写原因" in text
    assert 'value="号码打不通"' in r.get_data(as_text=True)
    assert '<option value="household.phone" selected>' in r.get_data(as_text=True)
    r = _post(
        client,
        f"/desk/households/{household_id}/decide",
        action="return",
        note="原因",
        comment_path=["household.nothing"],
        comment_text=["x"],
    )
    assert r.status_code == 422 and "问卷中没有这个字段" in _text(r)
    r = _post(
        client,
        f"/desk/households/{household_id}/decide",
        action="return",
        note="原因",
        comment_path=[""],
        comment_text=["没有选字段的批注"],
    )
    assert r.status_code == 422 and "请为每条批注选择字段" in _text(r)
    assert _state(household_id) == before


def test_decisions_need_the_forms_csrf_token(client, areas):
    household_id = _submitted(areas)
    desk_login(client, "demo-reviewer")
    before = _state(household_id)
    r = client.post(f"/desk/households/{household_id}/decide", data={"action": "approve"})
    assert r.status_code == 400
    r = client.post(
        f"/desk/households/{household_id}/decide", data={"action": "approve", "csrf_token": "x"}
    )
    assert r.status_code == 400
    assert _state(household_id) == before


def test_hold_approve_and_undo_from_the_page(client, areas):
    household_id = _submitted(areas)
    desk_login(client, "demo-reviewer")
    url = f"/desk/households/{household_id}/decide"
    assert _post(client, url, action="hold", note="电话核实").status_code == 303
    assert household(household_id).review_state == "held"
    assert _post(client, url, action="approve").status_code == 303
    assert household(household_id).review_state == "approved"
    page = client.get(f"/desk/households/{household_id}").get_data(as_text=True)
    assert "撤销“审核通过”" in page
    assert _post(client, url, action="undo").status_code == 303
    assert household(household_id).review_state == "held"
    text = _text(client.get(f"/desk/households/{household_id}"))
    assert "撤销决定" in text and "撤销“审核通过”" in text  # the history says so
    r = _post(client, url, action="undo", version="1")  # a version the page no longer shows
    assert r.status_code == 409 and "当前为第" in _text(r)


def test_a_correction_from_the_page(client, areas):
    household_id = _submitted(areas)
    desk_login(client, "demo-reviewer")
    url = f"/desk/households/{household_id}/correct"
    before = _state(household_id)
    r = _post(client, url, path="income.wage_migrant", value="12.345", note="")
    assert r.status_code == 422
    assert "外出务工收入最多保留两位小数" in _text(r)
    assert 'value="12.345"' in r.get_data(as_text=True)
    r = _post(client, url, path="", value="1")
    assert r.status_code == 422 and "请选择要更正的字段" in _text(r)
    assert _state(household_id) == before
    old = household(household_id).per_capita_net_income
    r = _post(client, url, path="income.wage_migrant", value="1,000", note="月收入误填")
    assert r.status_code == 303
    hh = household(household_id)
    assert hh.document["income"]["wage_migrant"] == "1000.00"
    assert hh.per_capita_net_income < old
    text = _text(client.get(f"/desk/households/{household_id}"))
    assert "审核员更正" in text and "月收入误填" in text
    assert "C. 收入情况 › 外出务工收入" in text  # in what changed since the last decision


def test_the_diff_page_between_any_two_versions(client, areas):
    household_id = _submitted(areas)
    desk_login(client, "demo-reviewer")
    assert (
        _post(
            client,
            f"/desk/households/{household_id}/correct",
            path="household.phone",
            value="13900000008",
        ).status_code
        == 303
    )
    r = client.get(f"/desk/households/{household_id}/diff?from=1&to=2")
    assert r.status_code == 200
    text = _text(r)
    assert "A. 户基本情况 › 联系电话" in text and "13900000008" in text and "钱进" in text
    assert client.get(f"/desk/households/{household_id}/diff?from=x").status_code == 422
    assert client.get(f"/desk/households/{household_id}/diff?from=9").status_code == 422


def test_previous_and_next_keep_the_queue(client, areas):
    household_id = _submitted(areas)
    desk_login(client, "demo-reviewer")
    queue = f"village={areas.surveyor_village}&state=submitted&sort=household_no"
    html = client.get(f"/desk/households/{household_id}?from={queue.replace('&', '%26')}").get_data(
        as_text=True
    )
    links = re.findall(r'id="(previous|next)" href="([^"]+)"', html)
    assert links, "a household in the middle of the township has neighbours"
    for _, href in links:
        kept = unescape(href).split("from=", 1)[1]
        assert f"village%3D{areas.surveyor_village}" in kept and "state%3Dsubmitted" in kept
        assert client.get(unescape(href)).status_code == 200


def test_spot_checks_page(client, areas):
    desk_login(client, "demo-reviewer")
    r = client.get("/desk/spotchecks")
    assert r.status_code == 200 and "乡镇抽查" in _text(r)
    assert '<a href="/desk/spotchecks"' in r.get_data(as_text=True)  # in the menu
    village = areas.surveyor_village
    r = client.get(f"/desk/spotchecks?campaign=1&village={village}")
    assert "抽取样本" in _text(r)
    r = _post(client, "/desk/spotchecks/draw", campaign="1", village=str(village))
    assert r.status_code == 303
    page = client.get(r.headers["Location"])
    ids = re.findall(r'name="household_id" value="([^"]+)"', page.get_data(as_text=True))
    assert ids
    r = _post(
        client,
        "/desk/spotchecks/result",
        campaign="1",
        village=str(village),
        household_id=ids[0],
        result="不符合",
        note="",
    )
    assert r.status_code == 422 and "不符合时请说明情况" in _text(r)
    r = _post(
        client,
        "/desk/spotchecks/result",
        campaign="1",
        village=str(village),
        household_id=ids[0],
        result="符合",
        note="",
    )
    assert r.status_code == 303
    text = _text(client.get(r.headers["Location"]))
    assert "已完成 1 户" in text
