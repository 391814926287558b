"""The portal on a phone, in a real browser against the real server: no page wider than
the screen in either language, no script or style the Content-Security-Policy refuses,
focus never hidden under the bars, error summaries that take the focus, nothing personal
shown again after logout; and static files sent compressed."""

from __future__ import annotations

import gzip
import re
import urllib.request

import pytest

from onestop.cases.tests.helpers import CITIZEN, OPERATOR, PDF, rs_person_item
from onestop_dev.testing import ARTIFACTS, browser_log_in

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "locale": "zh-CN",
    "is_mobile": True,
    "has_touch": True,
}
# Every violation of the policy a page meets, kept for the test to read.
WATCH_POLICY = (
    "window.__violations = [];"
    "document.addEventListener('securitypolicyviolation', e => window.__violations.push("
    "e.violatedDirective + ' ' + (e.blockedURI || e.sample)));"
)
WIDTH = "document.documentElement.scrollWidth"
# The focused element against the sticky top bar and the fixed tab bar (if any).
FOCUS_BOX = """() => {
  const focused = document.activeElement.getBoundingClientRect();
  const tabbar = document.querySelector('.tabbar');
  return {name: document.activeElement.id || document.activeElement.textContent.trim().slice(0, 40),
          top: focused.top, bottom: focused.bottom,
          under: document.querySelector('.topbar').getBoundingClientRect().bottom,
          above: tabbar ? tabbar.getBoundingClientRect().top : window.innerHeight};
}"""


def _phone(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(**PHONE)
    context.add_init_script(WATCH_POLICY)
    return context, context.new_page()


def _language(page, server_url: str, language: str) -> None:  # type: ignore[no-untyped-def]
    page.context.add_cookies([{"name": "onestop_language", "value": language, "url": server_url}])


def test_no_portal_page_is_wider_than_a_phone_in_either_language(server_url: str, browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    context, page = _phone(browser)
    problems: list[str] = []

    def sweep(*paths: str) -> None:
        for language in ("zh-hans", "en"):
            _language(page, server_url, language)
            for path in paths:
                page.goto(path if path.startswith("http") else server_url + path)
                width = page.evaluate(WIDTH)
                if width > PHONE["viewport"]["width"]:  # type: ignore[index]
                    problems.append(f"{language} {path}: {width} px wide")
                    page.screenshot(path=str(ARTIFACTS / f"too-wide-{language}-{len(problems)}.png"))
                if violations := page.evaluate("window.__violations"):
                    problems.append(f"{language} {path}: {violations}")
        _language(page, server_url, "zh-hans")

    ARTIFACTS.mkdir(exist_ok=True)
    item = rs_person_item()
    page.goto(f"{server_url}/gd/")
    theme = page.locator("a[href*='?theme=']").first.get_attribute("href") or ""
    event = page.locator("a[href*='/life-events/']").first.get_attribute("href") or ""
    sweep(
        "/gd/",
        "/gd/services/?q=社保",
        f"/gd/services/{item.code}/",
        "/gd/departments/",
        theme,
        event,
        "/gd/accounts/login/",
        "/gd/accounts/register/",
        "/verify/",
    )

    browser_log_in(page, server_url, CITIZEN, "/gd/me/")
    page.wait_for_url("**/gd/me/")
    # An application, step by step; a step sent back with errors hands the focus to its summary.
    page.goto(f"{server_url}/gd/services/{item.code}/")
    page.get_by_role("button", name="在线申请").click()
    first_step = page.url
    page.get_by_role("button", name="保存并继续").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("alert")).to_contain_text("出现了问题")
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_county")).to_be_focused()
    sweep(first_step)
    page.goto(first_step)
    expect(page.locator(".tabbar")).to_have_count(0)  # nothing covers the steps' buttons
    page.get_by_label("办理地区").select_option("440106")
    page.get_by_label("送达地址").fill("广东省广州市天河区演示路1号")
    page.get_by_role("button", name="保存并继续").click()
    page.get_by_label("申请说明").fill("申请办理")
    page.get_by_label("本人承诺所填信息真实、准确").check()
    page.get_by_role("button", name="保存并继续").click()
    materials = page.url
    sweep(materials)
    page.goto(materials)
    material = tmp_path / "material.pdf"
    material.write_bytes(PDF)
    for file_input in page.locator("input[type=file]").all():
        file_input.set_input_files(str(material))
    page.get_by_role("button", name="下一步").click()
    review = page.url
    sweep(review)
    page.goto(review)
    page.get_by_role("link", name="修改信息").focus()
    submit = page.get_by_role("button", name="提交申请")
    while not page.evaluate("document.activeElement.type === 'submit'"):
        page.keyboard.press("Tab")
    expect(submit).to_be_focused()
    expect(submit).to_be_in_viewport(ratio=1)
    submit.click()
    expect(page.locator(".case-state")).to_contain_text("已收件")
    case = page.url

    page.goto(f"{server_url}/gd/me/wallet/")
    certificate = page.locator(".item-list a").first.get_attribute("href") or ""
    held = page.locator(".item-meta span").first.inner_text()
    page.goto(server_url + certificate)
    verifier = page.locator("a.verify-link").get_attribute("href") or ""
    sweep(
        "/gd/me/",
        "/gd/me/cases/",
        case,
        "/gd/me/wallet/",
        certificate,
        "/gd/me/who-looked/",
        "/gd/me/messages/",
        verifier,
    )
    assert not problems, "\n".join(problems)

    # Log out on a shared phone; Back shows the login page, never the wallet again: the
    # browser was told to keep no copy of it.
    wallet = page.goto(f"{server_url}/gd/me/wallet/")
    assert wallet and wallet.headers["cache-control"] == "private, no-store"
    expect(page.get_by_text(held)).to_be_visible()
    page.goto(f"{server_url}/gd/me/")
    page.get_by_role("button", name="在所有设备上退出").click()
    page.wait_for_url(f"{server_url}/gd/")
    page.go_back()
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    assert held not in page.content()
    context.close()


def test_pages_keep_to_the_content_security_policy(server_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_init_script(WATCH_POLICY)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))

    page.goto(f"{server_url}/gd/")
    assert page.evaluate("window.__violations") == []
    # Live search: htmx swaps the results; the status line stays the same element (a
    # screen reader keeps listening to it) and announces the new count.
    page.goto(f"{server_url}/gd/services/")
    page.evaluate("document.getElementById('search-status').dataset.kept = 'yes'")
    page.get_by_role("searchbox").press_sequentially("gjj", delay=50)
    expect(page.locator("#results")).to_contain_text("住房公积金")
    expect(page.get_by_role("status")).to_have_text(re.compile(r"找到 \d+ 项服务"))
    assert page.evaluate("document.getElementById('search-status').dataset.kept") == "yes"
    assert page.evaluate("window.__violations") == []

    browser_log_in(page, server_url, OPERATOR, "/console/gd/dashboard/?days=90")
    expect(page.locator("html")).to_have_attribute("data-charts-drawn", "4")
    # A tooltip: ECharts writes it, and draws, with style attributes (allowed on dashboards).
    page.locator("#chart-traffic").hover(position={"x": 600, "y": 160})
    page.locator("#chart-traffic").hover(position={"x": 620, "y": 170})
    expect(page.locator("#chart-traffic > div").nth(1)).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d"))
    page.locator("#chart-states").hover()
    assert page.evaluate("window.__violations") == []

    page.goto(f"{server_url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("onestop API")
    page.locator(".opblock-summary").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tr.response .response-col_status")).to_have_text("200")
    assert page.evaluate("window.__violations") == []
    assert not errors, errors
    context.close()


def test_focus_is_never_hidden_under_the_bars(server_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    context, page = _phone(browser)
    page.goto(f"{server_url}/gd/services/?q=")
    hidden = []
    page.locator("#id_zero_trip").focus()
    # Down through the results to "Next" at the foot of the page, and back up to the filters.
    for key, last in (("Tab", "下一页"), ("Shift+Tab", "id_zero_trip")):
        for _ in range(40):
            page.keyboard.press(key)
            box = page.evaluate(FOCUS_BOX)
            if box["top"] < box["under"] - 0.5 or box["bottom"] > box["above"] + 0.5:
                hidden.append(box)
            if box["name"] == last:
                break
        assert box["name"] == last, box
    assert not hidden, hidden
    context.close()


def test_pages_and_static_files_are_sent_compressed(server_url: str) -> None:
    def get(path: str, encoding: str):  # type: ignore[no-untyped-def]
        url = f"{server_url}{path}"  # the served instance, on 127.0.0.1
        request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})  # noqa: S310
        return urllib.request.urlopen(request, timeout=10)  # noqa: S310

    with get("/gd/", "gzip") as home:
        assert home.headers["Content-Encoding"] == "gzip"
        html = gzip.decompress(home.read()).decode()
    stylesheet = re.search(r'href="(/static/onestop/onestop\.[0-9a-f]{12}\.css)"', html)
    assert stylesheet
    for path in (stylesheet.group(1), "/static/vendor/echarts/echarts.dashboard.min.js"):
        with get(path, "gzip, br") as static:
            assert static.headers["Content-Encoding"] == "br", path
