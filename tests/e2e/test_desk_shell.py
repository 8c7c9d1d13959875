"""The desk in a real browser: the login form, the session cookie, and the page under its CSP."""

from tests.e2e.conftest import SHOTS
from tests.e2e.helpers import DESK_VIEWPORT, desk_page


def shot(page, name):
    (SHOTS / "desk").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "desk" / f"{name}.png"), full_page=True)


def test_login_page_and_home(server, new_context):
    ctx = new_context(service_workers="block")
    page = ctx.new_page()
    page.set_viewport_size(DESK_VIEWPORT)
    page.goto(server + "/desk/")
    assert "/desk/login" in page.url
    shot(page, "login")
    page.fill("input[name=username]", "demo-reviewer")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert page.locator(".flash-error").inner_text() == "用户名或密码错误"
    page = desk_page(new_context, server, "demo-reviewer")
    assert "乡镇审核员" in page.locator(".who").inner_text()
    assert page.evaluate("() => document.cookie").find("access_token_cookie") == -1  # HttpOnly
    shot(page, "home-reviewer")
    page.click("text=退出登录")
    page.wait_for_url("**/desk/login")
    page.goto(server + "/desk/")
    assert "/desk/login" in page.url
