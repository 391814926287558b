"""The operations dashboards in a real browser: charts drawn with data, a screenshot."""

from __future__ import annotations

import pytest

from onestop_dev.testing import ARTIFACTS, browser_log_in

pytestmark = pytest.mark.browser


def test_the_operator_sees_the_dashboard_with_charts(server_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    browser_log_in(page, server_url, "13900139003", "/console/gd/dashboard/?days=90")
    expect(page.get_by_role("heading", level=1)).to_have_text("运营看板")
    expect(page.locator("html")).to_have_attribute("data-charts-drawn", "4")
    for chart in ("#chart-traffic", "#chart-cases", "#chart-states", "#chart-board"):
        assert page.locator(f"{chart} svg path").count() > 5, chart  # drawn with data, not empty axes
    assert page.locator("#fig-peak").inner_text() == "27,000,000"
    page.get_by_label("时间范围").select_option("7")
    page.get_by_role("button", name="显示").click()
    page.wait_for_url("**/dashboard/?days=7")
    with page.expect_download() as download:
        page.get_by_role("link", name="每日数据（CSV）").click()
    rows = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("date,page_views") and len(rows) == 8
    page.goto(f"{server_url}/console/gd/dashboard/?days=90")
    expect(page.locator("html")).to_have_attribute("data-charts-drawn", "4")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 50_000
    context.close()


def test_the_platform_operator_sees_every_tenant(server_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    browser_log_in(page, server_url, "13900139009", "/platform/")
    expect(page.get_by_role("heading", level=1)).to_have_text("平台总览")
    expect(page.locator("html")).to_have_attribute("data-charts-drawn", "1")
    rows = page.locator("tbody tr")
    assert rows.count() >= 4  # gd, nl, dh and the sandbox
    assert page.locator("#chart-tenants svg path").count() > 5
    page.screenshot(path=str(ARTIFACTS / "platform.png"), full_page=True)
    context.close()
