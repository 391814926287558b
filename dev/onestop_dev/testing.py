"""What the test suites share beside their fixtures (those are in the top conftest.py):
the second tenant used to prove isolation, and the browser tests' chromium, screenshots
and login."""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path

from django.conf import settings

from onestop.catalogue.specs import ServiceItemSpec
from onestop_dev.demo.accounts import DEMO_PASSWORD
from onestop_dev.demo.generator import build_province

OTHER_TENANT = "xq"
OTHER_MARKER = "隔离标记XQ"
OTHER_ONLY_PREFIX = "XQ"


def other_province_items() -> list[ServiceItemSpec]:
    """The second tenant's catalogue: the first 40 demo items, renamed with a marker; the
    first 20 keep gd's codes (same code, different tenant), the next 20 get codes of their
    own."""
    province = build_province()
    items = []
    for index, spec in enumerate(province.items[:40]):
        code = spec.code if index < 20 else OTHER_ONLY_PREFIX + spec.code[2:]
        items.append(replace(spec, code=code, name=f"{OTHER_MARKER}{spec.name}", keywords=()))
    return items


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-results"  # screenshots, gitignored


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def browser_log_in(page, server_url: str, phone: str, next_path: str) -> None:  # type: ignore[no-untyped-def]
    """Log a demo account in through the login page of the demo province."""
    page.goto(f"{server_url}/gd/accounts/login/?next={next_path}")
    page.get_by_label("手机号码").fill(phone)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
