"""The officer's case page on a phone, in English: nothing wider than the screen, with
materials met from the wallet and by a data service, the look-up form, the answer and the
credential."""

from __future__ import annotations

import pytest

from onestop.cases.tests.helpers import CITIZEN, OFFICER, PROVINCE
from onestop_dev.testing import ARTIFACTS, browser_log_in

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390
WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40))"""


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, (width, page.evaluate(WIDER_THAN_THE_SCREEN))


def test_the_english_case_page_fits_a_phone(server_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    item = next(i for i in PROVINCE.items if i.name == "失业保险金申领")
    citizen = browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": 844}, locale="zh-CN", is_mobile=True
    ).new_page()
    browser_log_in(citizen, server_url, CITIZEN, f"/gd/services/{item.code}/")
    citizen.get_by_role("button", name="在线申请").click()
    citizen.get_by_label("办理地区").select_option("440106")
    citizen.get_by_label("送达地址").fill("广东省广州市天河区演示路1号")
    citizen.get_by_role("button", name="保存并继续").click()
    citizen.get_by_label("本人承诺所填信息真实、准确").check()
    citizen.get_by_role("button", name="保存并继续").click()
    citizen.locator("input[type=radio][name^=wallet-]").first.check()  # the ID card
    citizen.locator("input[type=checkbox][name^=fetch-]").last.check()  # the social security card
    citizen.get_by_role("button", name="下一步").click()
    citizen.get_by_role("button", name="提交申请").click()
    expect(citizen.locator(".case-state")).to_contain_text("已收件")
    number = citizen.locator("main p.muted").first.inner_text().split(" ")[0]

    context = browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": 844},
        locale="zh-CN",
        device_scale_factor=2,
        has_touch=True,
        is_mobile=True,
    )
    officer = context.new_page()
    browser_log_in(officer, server_url, OFFICER, f"/console/gd/cases/{number}/")
    officer.get_by_role("button", name="Switch to English").click()
    expect(officer.get_by_role("heading", name="Materials")).to_be_visible()
    _fits(officer)  # with the data-lookup form stacked

    # The fetched material: looked up through the button, its answer fits too.
    officer.get_by_role("button", name="Look it up now").click()
    expect(officer.get_by_text("contributing")).to_be_visible()
    _fits(officer)
    officer.get_by_role("link", name="Back to the case").click()
    expect(officer.get_by_role("link", name="the answer as logged")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    officer.screenshot(path=str(ARTIFACTS / "console-case-phone.png"), full_page=True)
    _fits(officer)

    # The wallet certificate: its credential (a long id) verified now.
    officer.get_by_role("link", name="The credential and its verification").click()
    expect(officer.get_by_role("status")).to_contain_text("The certificate is valid.")
    officer.screenshot(path=str(ARTIFACTS / "console-credential-phone.png"), full_page=True)
    _fits(officer)
    context.close()
