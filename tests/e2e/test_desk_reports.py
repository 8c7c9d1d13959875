"""Printing at the desk in a real browser: the county asks for a table, watches its job, gets it."""

from tests.e2e.helpers import desk_page
from tests.e2e.test_desk_shell import shot


def test_the_county_prints_annex_6_and_downloads_it(server, new_context):
    page = desk_page(new_context, server, "demo-county")
    page.click("nav.menu >> text=打印报表")
    page.wait_for_selector("form.report-form")
    page.select_option("select[name=report]", "annex6")
    page.select_option("select[name=format]", "pdf")
    shot(page, "reports")
    page.click("form.report-form button[type=submit]")
    page.wait_for_selector("#download", timeout=90000)  # the job worker beside gunicorn makes it
    shot(page, "report-job-done")
    with page.expect_download() as waiting:
        page.click("#download")
    download = waiting.value
    assert download.suggested_filename.endswith(".pdf")
    assert "5000元以下统计表" in download.suggested_filename
