"""A citizen applies online for a zero-trip item; an officer accepts and approves it; the
citizen sees it concluded, gets the messages, and rates it. Real server, real browser."""

from __future__ import annotations

import pytest

from onestop.cases.tests.helpers import CITIZEN, OFFICER, PDF, PROVINCE, rs_person_item
from onestop_dev.testing import ARTIFACTS, browser_log_in

pytestmark = pytest.mark.browser


def test_apply_accept_approve_conclude_and_rate(server_url: str, browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    item = rs_person_item()
    assert item.visits_required == 0
    material = tmp_path / "material.pdf"
    material.write_bytes(PDF)
    citizen = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True
    ).new_page()
    officer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()

    # The citizen finds the guide and applies.
    browser_log_in(citizen, server_url, CITIZEN, f"/gd/services/{item.code}/")
    expect(citizen.get_by_text("零跑动：全程网上办理")).to_be_visible()
    citizen.get_by_role("button", name="在线申请").click()
    expect(citizen.get_by_text("第 1 步")).to_be_visible()
    expect(citizen.get_by_text("申请人（来自实名认证信息）")).to_be_visible()
    citizen.get_by_label("办理地区").select_option("440106")
    citizen.get_by_label("送达地址").fill("广东省广州市天河区演示路1号")
    citizen.get_by_role("button", name="保存并继续").click()
    citizen.get_by_label("申请说明").fill("申请办理")
    citizen.get_by_label("本人承诺所填信息真实、准确").check()
    citizen.get_by_role("button", name="保存并继续").click()
    for file_input in citizen.locator("input[type=file]").all():
        file_input.set_input_files(str(material))
    citizen.get_by_role("button", name="下一步").click()
    citizen.get_by_role("button", name="提交申请").click()
    expect(citizen.locator(".case-state")).to_contain_text("已收件")
    number = citizen.locator("main p.muted").first.inner_text().split(" ")[0]
    assert number.startswith("GD")

    # The officer of the department finds it in the queue, accepts and approves.
    browser_log_in(officer, server_url, OFFICER, "/console/gd/cases/")
    officer.get_by_role("link", name=number).click()
    for action, comment, decision in (
        ("accept", "材料齐全，予以受理", None),
        ("decide", "符合条件，准予", "approved"),
        ("conclude", "办结", None),
    ):
        form = officer.locator("form", has=officer.locator(f"button[data-action={action}]"))
        if decision:
            form.get_by_label("决定").select_option(decision)
        form.get_by_label("意见").fill(comment)
        form.locator(f"button[data-action={action}]").click()
        expect(officer.get_by_text("已完成。")).to_be_visible()
    officer.screenshot(path=str(ARTIFACTS / "console-case.png"), full_page=True)

    # The citizen sees it concluded, finds the message and rates it.
    citizen.goto(f"{server_url}/gd/me/cases/{number}/")
    expect(citizen.locator(".case-state")).to_contain_text("已出证")  # the card is in the wallet
    expect(citizen.get_by_text("准予", exact=True)).to_be_visible()
    citizen.get_by_label("5 · 非常满意").check()
    citizen.get_by_role("button", name="提交评价").click()
    expect(citizen.get_by_text("感谢您的评价。")).to_be_visible()
    # The card is in the wallet; its QR code leads verifiers to a page that confirms it.
    citizen.goto(f"{server_url}/gd/me/wallet/")
    citizen.get_by_role("link", name="社会保障卡").first.click()
    expect(citizen.locator(".qr svg")).to_be_visible()
    citizen.screenshot(path=str(ARTIFACTS / "wallet-certificate.png"), full_page=True)
    link = citizen.locator("a.verify-link").get_attribute("href") or ""
    verifier = browser.new_context(locale="zh-CN").new_page()
    assert link.startswith(f"{server_url}/verify/"), link  # the address being served, whatever its port
    verifier.goto(link)
    expect(verifier.get_by_role("status")).to_contain_text("证照有效")
    verifier.close()

    # A second application takes the ID card and the new card from the wallet: no upload.
    second = next(i for i in PROVINCE.items if i.name == "失业保险金申领")
    citizen.goto(f"{server_url}/gd/services/{second.code}/")
    citizen.get_by_role("button", name="在线申请").click()
    citizen.get_by_label("办理地区").select_option("440106")
    citizen.get_by_label("送达地址").fill("广东省广州市天河区演示路1号")
    citizen.get_by_role("button", name="保存并继续").click()
    citizen.get_by_label("本人承诺所填信息真实、准确").check()
    citizen.get_by_role("button", name="保存并继续").click()
    for radio in citizen.locator("input[type=radio][name^=wallet-]").all():
        radio.check()
    citizen.get_by_role("button", name="下一步").click()
    expect(citizen.get_by_text("来自卡包").first).to_be_visible()
    citizen.get_by_role("button", name="提交申请").click()
    expect(citizen.locator(".case-state")).to_contain_text("已收件")

    citizen.goto(f"{server_url}/gd/me/messages/")
    expect(citizen.get_by_text(f"办件 {number}").first).to_be_visible(timeout=15000)
    ARTIFACTS.mkdir(exist_ok=True)
    citizen.screenshot(path=str(ARTIFACTS / "messages.png"), full_page=True)
