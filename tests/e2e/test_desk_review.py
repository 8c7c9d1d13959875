"""The reviewer at the desk (1366x768): a resubmitted household with its income worked out and
what changed since the return; returned again with a comment on one field; the diff between any
two versions; spot checks. Screenshots of each page go to test-output/screenshots/desk/.

The server is shared by the whole session: each story takes one of the surveyor's submitted
households and leaves it approved, so the other tests' picks among the surveyor's editable
households never meet a record these stories moved, and nobody's households are added."""

import uuid

from server.domain import explain
from tests.e2e.conftest import SHOTS
from tests.e2e.helpers import desk_page, office_session


def shot(page, name):
    (SHOTS / "desk").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "desk" / f"{name}.png"), full_page=True)


def _push(api, record, changes, submit=False):
    r = api.post(
        f"{api.base}/api/sync/push",
        json={
            "device_id": "e2e-phone-review",
            "ops": [
                {
                    "op_id": str(uuid.uuid4()),
                    "household_id": record["id"],
                    "base_version": record["version"],
                    "changes": changes,
                    "submit": submit,
                }
            ],
        },
        timeout=10,
    )
    [result] = r.json()["results"]
    assert result["status"] == "applied", result
    return result["version"]


def _record(api, household_id):
    return api.get(f"{api.base}/api/households/{household_id}", timeout=10).json()


def _signature(api) -> str:
    """A signature drawn on the phone, uploaded before the record names it."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 120), "white")
    ImageDraw.Draw(image).line([(20, 90), (90, 30), (160, 80), (230, 35), (330, 70)], "navy", 4)
    data = io.BytesIO()
    image.save(data, "PNG")
    attachment_id = str(uuid.uuid4())
    r = api.put(f"{api.base}/api/attachments/{attachment_id}", data=data.getvalue(), timeout=10)
    assert r.status_code == 201, r.text
    return attachment_id


def _submitted(api) -> dict:
    """One of the surveyor's households waiting for review (the first by id; see the module's
    docstring: each story leaves its household approved, so the next story gets another)."""
    r = api.get(f"{api.base}/api/sync/pull?limit=500", timeout=10)
    waiting = sorted(rec["id"] for rec in r.json()["records"] if rec["review_state"] == "submitted")
    assert waiting, "the demo county has submitted households in the surveyor's villages"
    return _record(api, waiting[0])


def _approved(server, api, household_id):
    """Leave the story's household approved: out of the surveyor's editable households."""
    if _record(api, household_id)["review_state"] == "returned":
        r = api.post(
            f"{api.base}/api/households/{household_id}/review",
            json={"action": "submit"},
            timeout=10,
        )
        assert r.status_code == 200, r.text
    r = office_session(server, "demo-reviewer").post(
        f"{server}/api/households/{household_id}/review", json={"action": "approve"}, timeout=10
    )
    assert r.status_code == 200, r.text


def _resubmitted(server, api):
    """A household the surveyor submitted, the reviewer returned, and the surveyor fixed and sent
    again from the phone: its income changed and a member renamed since the return."""
    record = _submitted(api)
    household_id = record["id"]
    reviewer = office_session(server, "demo-reviewer")
    r = reviewer.post(
        f"{server}/api/households/{household_id}/review",
        json={"action": "return", "note": "请核实外出务工收入"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    record = _record(api, household_id)
    member = record["document"]["members"][-1]
    changes = {
        "income.wage_migrant": "18123.00",
        f"members.{member['id']}.name": "王新名",
        "signoff.signature": _signature(api),
        "signoff.gps": {"lat": 34.6712, "lng": 109.2438, "accuracy": 12},
    }
    _push(api, record, changes, submit=True)
    return _record(api, household_id)


def test_reviewer_reads_the_arithmetic_and_the_diff_then_returns_with_a_comment(
    server, new_context, api
):
    record = _resubmitted(server, api)
    household_id = record["id"]
    page = desk_page(new_context, server, "demo-reviewer")
    page.goto(f"{server}/desk/households/{household_id}")
    page.wait_for_selector("#income .steps li")
    assert page.locator("#review-state").inner_text() == "已提交"
    steps = page.locator("#income .steps li").all_inner_texts()
    summary = record["summary"]
    assert steps[0].startswith("年收入 = 外出务工收入 18,123.00")
    assert steps[0].endswith(f"= {explain.yuan(summary['annual_income'])} 元")
    assert steps[2].endswith(f"= {explain.yuan(summary['per_capita_net_income'])} 元")
    exit_line = page.locator("#income .verdicts li[data-line=exit]").inner_text()
    assert exit_line.startswith(f"人均纯收入 {explain.yuan(summary['per_capita_net_income'])} 元，")
    assert "退出标准 4000 元" in exit_line
    # What changed since the return: the income and the renamed member, by the phone.
    assert "上次审核决定" in page.locator("#diff-why").inner_text()
    income = page.locator("#diff tr[data-path='income.wage_migrant']")
    assert "18,123.00 元" in income.locator("td.new").inner_text()
    assert "e2e-phone-review" in income.locator("td.by").inner_text()
    assert page.locator("#diff tr", has_text="王新名").count() >= 1
    assert page.locator("#diff tr[data-path='household.phone']").count() == 0
    # The signature, from the attachment API under the page's policy, and the position.
    page.wait_for_function(
        "() => { const i = document.querySelector('img[alt=户主签字]');"
        " return i && i.complete && i.naturalWidth === 360; }"
    )
    assert page.locator("#gps").inner_text() == "北纬 34.6712，东经 109.2438（精度约 12 米）"
    shot(page, "household")

    # Return again, with a comment on the phone number, picked beside the field.
    field = "#sec-household .field[data-path='household.phone']"
    page.hover(field)  # the field's "批注" shows where the pointer is
    page.click(f"{field} .comment-pick")
    assert page.locator("#return-box").get_attribute("open") is not None
    slot = page.locator("#return-form .slot").first
    assert slot.locator("select").input_value() == "household.phone"
    slot.locator("input").fill("号码仍然打不通，请当面核实")
    page.fill("#return-note", "联系电话有误")
    page.screenshot(path=str(SHOTS / "desk" / "household-return-form.png"))  # the viewport
    page.click("#return")
    page.wait_for_selector(".flash-success")
    assert page.locator("#review-state").inner_text() == "已退回"
    assert "号码仍然打不通，请当面核实" in page.locator(".review-comments").inner_text()
    shot(page, "household-returned")
    after = _record(api, household_id)
    assert after["review_state"] == "returned"
    assert after["review_note"] == "联系电话有误"
    assert after["review_comments"] == {"household.phone": "号码仍然打不通，请当面核实"}

    # Any two versions side by side.
    page.goto(f"{server}/desk/households/{household_id}/diff?from=1&to={after['version']}")
    page.wait_for_selector("#diff")
    assert page.locator("#diff tr[data-path='signoff.signature']").count() == 1
    shot(page, "household-diff")
    _approved(server, api, household_id)


def test_a_reviewer_corrects_a_value_and_the_income_follows(server, new_context, api):
    record = _submitted(api)
    household_id = record["id"]
    page = desk_page(new_context, server, "demo-reviewer")
    page.goto(f"{server}/desk/households/{household_id}")
    page.click("#correct summary")
    page.select_option("#correct-path", "income.wage_migrant")
    assert page.locator("#correct-value").input_value() == (
        record["document"]["income"].get("wage_migrant") or ""
    )
    page.fill("#correct-value", "12.345")
    page.click("#correct-submit")
    page.wait_for_selector("#form-error")
    assert "外出务工收入最多保留两位小数" in page.locator("#form-error").inner_text()
    page.fill("#correct-value", "100")
    page.click("#correct-submit")
    page.wait_for_selector(".flash-success")
    assert (
        page.locator("#income .steps li")
        .first.inner_text()
        .startswith("年收入 = 外出务工收入 100.00")
    )
    assert (
        page.locator(".timeline li").first.locator(".tl-what").inner_text().startswith("审核员更正")
    )
    _approved(server, api, household_id)


def test_spot_checks_of_a_village(server, new_context):
    page = desk_page(new_context, server, "demo-reviewer")
    page.click("nav.menu >> text=抽查")
    page.wait_for_selector("#overview")
    shot(page, "spotchecks-overview")
    village = page.locator("#village option").nth(1)
    page.select_option("#village", village.get_attribute("value"))
    page.wait_for_selector("#status")
    if page.locator("#draw").count():
        page.click("#draw")
        page.wait_for_selector("#checks")
    rows = page.locator("#checks tbody tr")
    assert rows.count() >= 1
    first = rows.first
    first.locator("input[value='符合']").check()
    first.locator("input[name=note]").fill("入户核实一致")
    first.locator("button[type=submit]").click()
    page.wait_for_selector(".flash-success")
    assert int(page.locator("#done").inner_text()) >= 1
    shot(page, "spotchecks")


def test_line_phrases_are_the_same_in_the_browser(server, new_context):
    """income.js's linePhrase and lineName say what server/domain/explain.py says."""
    page = new_context().new_page()
    page.goto(server + "/static/phone/js/income.js")
    lines = [
        {"key": word, "label": label, "amount": amount, "comparison": word}
        for word in explain.SAYING
        for label, amount in (
            ("退出标准4000元", "4000.00"),
            ("低于4500元", "4500.50"),
            ("监测线", "5000"),
        )
    ] + [{"key": "odd", "label": "某线", "amount": "1", "comparison": "约"}]
    cases = [(line, side) for line in lines for side in (True, False)]
    got = page.evaluate(
        """async (cases) => {
          const m = await import('/static/phone/js/income.js');
          return cases.map(([line, side]) => [m.linePhrase(line, side), m.yuan(line.amount)]);
        }""",
        cases,
    )
    want = [[explain.line_phrase(line, side), explain.yuan(line["amount"])] for line, side in cases]
    assert got == want
