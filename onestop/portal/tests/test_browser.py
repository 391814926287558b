"""Browser tests of the portal: Debian's chromium, headless, driven by Playwright against
the real server (fixtures in the top conftest.py)."""

from __future__ import annotations

import re

import pytest

from onestop_dev.testing import ARTIFACTS

pytestmark = pytest.mark.browser


def test_citizen_searches_shebao_and_reads_a_guide(server_url: str, phone) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page = phone
    page.goto(f"{server_url}/gd/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    # Collected static files have cache-busting names, and the stylesheet applies.
    stylesheet = page.locator("link[rel=stylesheet]").get_attribute("href") or ""
    assert re.fullmatch(r"/static/onestop/onestop\.[0-9a-f]{12}\.css", stylesheet), stylesheet
    expect(page.locator(".topbar")).to_have_css("position", "sticky")
    page.get_by_role("searchbox", name="搜索服务").fill("社保")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/gd/services/?q=*")
    results = page.locator("#results .item-name")
    expect(results.first).to_be_visible()
    assert results.count() >= 10
    assert "社会保障卡申领" in results.all_inner_texts()

    page.get_by_role("link", name="社会保障卡申领").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("社会保障卡申领")
    for section in ("受理条件", "申请材料", "办理流程", "设定依据"):
        expect(page.get_by_role("heading", name=section)).to_be_visible()
    expect(page.get_by_text("零跑动：全程网上办理")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "guide-shebao.png"), full_page=True)
    assert (ARTIFACTS / "guide-shebao.png").stat().st_size > 10_000


def test_live_search_updates_results_as_the_citizen_types(server_url: str, phone) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page = phone
    page.goto(f"{server_url}/gd/services/")
    page.get_by_role("searchbox").press_sequentially("gjj", delay=50)
    # htmx swaps the results in place and keeps the address shareable.
    expect(page.locator("#results")).to_contain_text("住房公积金")
    expect(page).to_have_url(f"{server_url}/gd/services/?q=gjj&department=&theme=&zero_trip=")
    page.get_by_label("零跑动").select_option("0")
    expect(page.locator("#results")).to_contain_text("住房公积金贷款申请")


def test_keyboard_and_language_switch(server_url: str, phone) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page = phone
    page.goto(f"{server_url}/gd/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="跳到正文")).to_be_focused()
    page.get_by_role("button", name="Switch to English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Popular services")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "home-en.png"))
