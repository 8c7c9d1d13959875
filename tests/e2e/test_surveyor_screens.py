"""What a new surveyor trips over on a phone, each screen photographed at 390x844 and 360x740:
one message for one mistake, verdicts in plain words, the list's row and filters, locked records."""

import re

from server.domain import idcard

from .conftest import shot
from .helpers import (
    login_and_download,
    open_household,
    open_section,
    visited_households,
    wait_synced,
)

SIZES = ((390, 844), (360, 740))


def shots(page, name):
    """The screen at both phone sizes, back at 390x844 after."""
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(100)
        shot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 390, "height": 844})


def test_a_sex_contradicting_the_id_number_gives_one_message_and_one_count(
    server, new_context, api
):
    page = new_context().new_page()
    login_and_download(page, server)
    wait_synced(page)
    open_household(page, server, visited_households(api)[0])
    page.eval_on_selector("details.sec[data-sec=members]", "d => { d.open = true; }")
    page.click("[data-add=members]")
    row = page.eval_on_selector_all(
        "details.item[data-sec=members]", "ds => ds[ds.length - 1].dataset.row"
    )
    page.fill(f"input[name='members.{row}.name']", "杨小梅")
    page.fill(f"input[name='members.{row}.id_number']", idcard.make("610526", "2004-09-21", 15))
    page.dispatch_event(f"input[name='members.{row}.id_number']", "change")
    page.click(f"label:has(input[name='members.{row}.sex'][value='女'])")
    page.select_option(f"select[name='members.{row}.relation']", "之女")
    page.dispatch_event(f"select[name='members.{row}.relation']", "change")
    page.click("#submit")
    page.wait_for_selector("#banner:not([hidden])")

    sex_msg = page.inner_text(f".field[data-p='members.{row}.sex'] .msg")
    relation_msg = page.inner_text(f".field[data-p='members.{row}.relation'] .msg")
    assert "性别与身份证号不符" in sex_msg
    assert relation_msg == "", relation_msg
    toast = int(re.search(r"还有 (\d+) 处", page.inner_text("#banner")).group(1))
    badges = page.eval_on_selector_all("details.sec .cnt", "cs => cs.map((c) => c.textContent)")
    counted = sum(int(m.group(1)) for b in badges if (m := re.search(r"(\d+) 处", b)))
    assert counted == toast, (badges, toast)
    page.eval_on_selector(f".field[data-p='members.{row}.sex']", "e => e.scrollIntoView()")
    shots(page, "20-one-message-for-sex-and-id")


def test_the_verdict_is_said_in_words_and_a_bad_amount_does_not_count(server, new_context, api):
    page = new_context().new_page()
    login_and_download(page, server)
    wait_synced(page)
    open_household(page, server, visited_households(api)[0])
    open_section(page, "income")
    says = page.eval_on_selector_all("#verdict .say", "ps => ps.map((p) => p.textContent)")
    assert len(says) == 2, says
    exit_words = r"(超过|未超过)退出标准 4000 元"
    assert re.fullmatch(rf"人均纯收入 [\d,]+\.\d\d 元，{exit_words}", says[0]), says
    assert re.fullmatch(
        r"人均纯收入 [\d,]+\.\d\d 元，(在监测标准 5000 元以下|超过监测标准 5000 元)", says[1]
    )
    assert "（以下" not in page.inner_text("main") and "（超过" not in page.inner_text("main")
    page.eval_on_selector("#verdict", "e => e.scrollIntoView({block: 'end'})")
    shots(page, "21-verdict-in-words")

    before = page.inner_text("#sumbar [data-pci]")
    empty = page.eval_on_selector_all(
        "input[name^='income.']", "is => is.filter((i) => !i.value).map((i) => i.name)"
    )[0]
    page.fill(f"input[name='{empty}']", "12.345")
    page.dispatch_event(f"input[name='{empty}']", "change")
    page.wait_for_selector("#sumbar [data-uncounted]")
    assert page.inner_text("#sumbar [data-pci]") == before
    assert "两位小数" in page.inner_text(f".field[data-p='{empty}'] .msg")
    page.fill(f"input[name='{empty}']", "12.34")
    page.dispatch_event(f"input[name='{empty}']", "change")
    page.wait_for_function(
        "b => document.querySelector('#sumbar [data-pci]').textContent !== b", arg=before
    )
