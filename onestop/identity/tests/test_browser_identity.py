"""A person registers on the portal, verifies to L3 with a demo resident and sees the
masked profile; then nothing the served instance shows, answers, logs or stores holds the
ID number in full."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from onestop_dev.demo.accounts import sample_residents
from onestop_dev.testing import ARTIFACTS

pytestmark = pytest.mark.browser
PHONE = "13612300001"


def _code_shown_by_the_sandbox(page) -> str:  # type: ignore[no-untyped-def]
    """The sandbox shows the text to the browser that asked for it (and to nobody else)."""
    text = page.locator(".message", has_text="注册验证码").first.inner_text()
    found = re.search(r"(\d{6})", text)
    assert found, text
    return found.group(1)


def test_register_verify_and_find_no_plaintext_id_anywhere(server_url: str, server_var: Path, phone) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    name, number = sample_residents()[0]
    page = phone
    page.goto(f"{server_url}/gd/")
    page.get_by_role("link", name="我的").click()
    page.get_by_role("link", name="注册").click()
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_label("短信验证码")).to_be_visible()
    page.get_by_label("短信验证码").fill(_code_shown_by_the_sandbox(page))
    page.get_by_label("密码", exact=True).fill("Citizen-Pass-2026")
    page.get_by_label("再次输入密码").fill("Citizen-Pass-2026")
    page.get_by_role("button", name="注册").click()

    expect(page.get_by_role("heading", name="实名认证")).to_be_visible()
    # A typo in the number is refused with the part named.
    page.get_by_label("身份证上的姓名").fill(name)
    page.get_by_label("身份证号码").fill(number[:-1] + ("0" if number[-1] != "0" else "1"))
    page.get_by_role("button", name="认证").click()
    expect(page.get_by_role("alert").first).to_contain_text("校验码")
    page.get_by_label("身份证号码").fill(number)
    page.get_by_role("button", name="认证").click()

    expect(page.locator(".trust-level")).to_contain_text("L3")
    masked = number[:4] + "*" * 10 + number[-4:]
    expect(page.locator(".id-number")).to_have_text(masked)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "profile-verified.png"), full_page=True)

    # Pages and API answers the citizen can reach.
    seen = [page.content()]
    for path in ("/gd/me/", "/gd/me/data/", "/api/v1/tenants/gd/me", "/api/v1/tenants/gd/kpis"):
        seen.append(page.context.request.get(f"{server_url}{path}").text())
    for text in seen:
        assert number not in text
    assert any(masked in text for text in seen)

    # The server's log and every database file, byte for byte.
    with sqlite3.connect(server_var / "onestop.sqlite3") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    files = [server_var / "server.log", *server_var.glob("onestop.sqlite3*")]
    scanned = set()
    for path in files:
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            # SQLite removes its -shm and -wal files when they are no longer needed.
            assert path.name.endswith(("-shm", "-wal")), path.name
            continue
        scanned.add(path.name)
        assert number.encode() not in content, path.name
        assert PHONE.encode() not in content, path.name
        assert name.encode() not in content, path.name
    assert {"server.log", "onestop.sqlite3"} <= scanned
