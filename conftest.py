"""Shared test fixtures.

The full demo province (tenant ``gd``) and a second, smaller tenant (``xq``) whose item
names carry a marker are loaded once per session; every test runs in a transaction that
is rolled back, so tests see the same data whatever their order.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from onestop.core.models import OutboxEvent
from onestop_dev.demo.generator import build_province
from onestop_dev.demo.loader import load_province, load_sandbox
from onestop_dev.testing import (
    CHROMIUM,
    CHROMIUM_ARGS,
    OTHER_MARKER,
    OTHER_TENANT,
    free_port,
    other_province_items,
)

NEEDS_PROVINCE = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test that uses the database may use all of them: the worker's tasks and the
    platform's commands go through every database in turn, tenants or not. The demo
    province is loaded when a test that uses the database does not build its own data
    (``own_data``: the apps' test factories)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and "databases" not in marker.kwargs:
            item.add_marker(
                pytest.mark.django_db(*marker.args, **marker.kwargs, databases="__all__"),
                append=False,
            )
    config.stash[NEEDS_PROVINCE] = any(
        _uses_database(item) and item.get_closest_marker("own_data") is None for item in items
    )


def _uses_database(item: pytest.Item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(fixtures & {"db", "transactional_db"})


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing() -> None:
    """PBKDF2 at Django's production cost takes most of a second per hash; tests check
    behaviour, not the hasher's cost."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Page views stay in the buffer until a test writes them (no thread behind its back).
    settings.ONESTOP_ANALYTICS_BACKGROUND = False


@pytest.fixture(scope="session", autouse=True)
def no_name_lookups_leave_the_machine() -> Iterator[None]:
    """Tests talk to 127.0.0.1 only: a name other than localhost is not found here (a test
    that needs one answers it itself, as the webhook tests' resolver does)."""
    real = socket.getaddrinfo

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in ("localhost", "None") and not _is_address(name):
            raise socket.gaierror(socket.EAI_NONAME, f"test guard: no lookup of {name}")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", getaddrinfo)
        yield


def _is_address(name: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(name.strip("[]").split("%")[0])
    except ValueError:
        return False
    return True


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with an empty cache: what a rolled-back test cached is gone (the
    tenants' placements too: a rolled-back move leaves every tenant where it was)."""
    from django.core.cache import cache

    from onestop.tenancy.routing import forget_placements

    cache.clear()
    forget_placements()


@pytest.fixture(autouse=True)
def no_published_heads() -> Iterator[None]:
    """The audit heads a test published go with its rolled-back database: the heads file
    is outside the database, and a later test's log would not reach them."""
    yield
    Path(settings.ONESTOP_AUDIT_HEADS_FILE).unlink(missing_ok=True)


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest, request: pytest.FixtureRequest
) -> None:
    if not request.config.stash.get(NEEDS_PROVINCE, True) or os.environ.get("ONESTOP_TEST_NO_PROVINCE"):
        return
    province = build_province()
    other = replace(province, items=other_province_items(), life_events=[])
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        load_sandbox()
        load_province(province, history_cases=300)
        load_province(other, code=OTHER_TENANT, name=f"{OTHER_MARKER}省", with_people=False)
        # What loading wrote to the outbox (the demo citizen hears of every step of her
        # cases) is for a served demo's worker: a test relays only the events it writes.
        OutboxEvent.objects.filter(relayed_at__isnull=True).update(relayed_at=timezone.now())


@pytest.fixture
def client_en(db: None) -> Client:
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def client_zh(db: None) -> Client:
    return Client(headers={"accept-language": "zh-CN,zh;q=0.9"})


@pytest.fixture
def citizen(db: None) -> Client:
    """The demo citizen (verified L3), logged in."""
    from onestop.cases.tests.helpers import CITIZEN, logged_in

    return logged_in(CITIZEN)


@pytest.fixture
def officer(db: None) -> Client:
    """The demo officer of the Guangzhou human resources and social security bureau."""
    from onestop.cases.tests.helpers import OFFICER, logged_in

    return logged_in(OFFICER)


# --- browser tests: the real server (granian) and Debian's chromium ----------------------


@pytest.fixture(scope="session")
def server_var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The served instance's own folder: its database files, keys and log."""
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="session")
def server_url(server_var: Path) -> Iterator[str]:
    """The operator's path, as `make demo` takes it: migrate, collect static files, load the
    demo, serve with granian. Its output goes to server.log in its folder."""
    cli = str(Path(sys.executable).with_name("onestop"))
    env = {**os.environ, "ONESTOP_VAR_DIR": str(server_var), "ONESTOP_DEMO": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    with _database_of_its_own(env):
        yield from _serve(cli, env, server_var)


@contextmanager
def _database_of_its_own(env: dict[str, str]) -> Iterator[None]:
    """On PostgreSQL the served instance gets a database made for the session and dropped
    after it, as on SQLite it gets files of its own (not the cluster's shared one, which
    other runs may have filled under other keys)."""
    url = env.get("DATABASE_URL", "")
    if not url:
        yield
        return
    import psycopg

    base, name = url.rsplit("/", 1)[0], f"onestop_served_{os.getpid()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    env["DATABASE_URL"] = f"{base}/{name}"
    try:
        yield
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _serve(cli: str, env: dict[str, str], server_var: Path) -> Iterator[str]:
    for command in (
        ["migrate", "--no-input", "-v", "0"],
        ["collectstatic", "--no-input", "-v", "0"],
        ["demo", "-v", "0"],
    ):
        subprocess.run([cli, *command], env=env, check=True)
    port = free_port()
    # The payment channel's sandbox server, which `serve` starts beside it, on a port of its own.
    env = {**env, "ONESTOP_WECHATPAY_SANDBOX_URL": f"http://127.0.0.1:{free_port()}"}
    log = (server_var / "server.log").open("wb")
    server = subprocess.Popen(
        [cli, "serve", "--port", str(port), "--threads", "4"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/health", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        device_scale_factor=2,
        has_touch=True,
        is_mobile=True,
    )
    page = context.new_page()
    yield page
    context.close()
