"""Durability: the real server is killed with SIGKILL 100 times while a citizen submits
applications through the API. Every application the server acknowledged (201) is there
afterwards, exactly once; retrying an unacknowledged one with its Idempotency-Key never
makes a second case."""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from onestop.cases.tests.helpers import PDF
from onestop_dev.demo.accounts import DEMO_PASSWORD
from onestop_dev.testing import free_port

pytestmark = pytest.mark.crash
KILLS = 100
STALE_SECONDS = 2
CITIZEN = "13600136001"  # a verified test citizen of the sandbox tenant


class Session:
    """A citizen's HTTP session against the served instance (cookies and CSRF token)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(
        self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None, timeout: float = 10
    ) -> tuple[int, bytes]:
        request = urllib.request.Request(  # noqa: S310 - the URL was checked to be http(s)
            self.url + path,
            data=data,
            headers={
                "X-CSRFToken": self._csrf(),
                "Referer": self.url + "/",
                **(headers or {}),
            },
        )
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def log_in(self) -> None:
        self.request("/sandbox/accounts/login/")
        form = urllib.parse.urlencode(
            {
                "phone": CITIZEN,
                "password": DEMO_PASSWORD,
                "method": "password",
                "csrfmiddlewaretoken": self._csrf(),
            }
        ).encode()
        status, _body = self.request(
            "/sandbox/accounts/login/", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status in (200, 302), status

    def upload(self, order: int) -> int:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="material_order"\r\n\r\n{order}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="m.pdf"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
            + PDF
            + f"\r\n--{boundary}--\r\n".encode()
        )
        status, answer = self.request(
            "/api/v1/tenants/sandbox/uploads",
            body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert status == 201, (status, answer[:200])
        return int(json.loads(answer)["id"])

    def submit(self, item: str, uploads: dict[str, int], key: str) -> tuple[int, dict[str, str]]:
        payload = {
            "item": item,
            "uploads": uploads,
            "answers": {
                "address": "广东省广州市天河区演示路1号",
                "county": "440106",
                "purpose": "崩溃测试",
                "pledge": True,
            },
        }
        status, answer = self.request(
            "/api/v1/tenants/sandbox/applications",
            json.dumps(payload).encode(),
            {"Content-Type": "application/json", "Idempotency-Key": key},
        )
        return status, (json.loads(answer) if answer[:1] == b"{" else {})


@pytest.fixture(scope="module")
def crash_var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    var = tmp_path_factory.mktemp("crash")
    env = _env(var)
    cli = str(Path(sys.executable).with_name("onestop"))
    subprocess.run([cli, "migrate", "--no-input", "-v", "0"], env=env, check=True)
    subprocess.run(
        [cli, "shell", "-c", "from onestop_dev.demo.loader import load_sandbox; load_sandbox()"],
        env=env,
        check=True,
    )
    return var


def _env(var: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "ONESTOP_VAR_DIR": str(var),
        "ONESTOP_ANALYTICS_BACKGROUND": "0",
        "ONESTOP_IDEMPOTENCY_STALE_SECONDS": str(STALE_SECONDS),
        "ONESTOP_DEMO": "1",
    }
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    return env


def _start(var: Path, port: int) -> subprocess.Popen[bytes]:
    # What `onestop serve --no-worker` runs, without the second to set Django up first.
    granian = str(Path(sys.executable).with_name("granian"))
    server = subprocess.Popen(
        [
            granian,
            "--interface",
            "wsgi",
            "--port",
            str(port),
            "--workers",
            "1",
            "--blocking-threads",
            "4",
            "--no-ws",
            "onestop.wsgi:application",
        ],
        env=_env(var),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            return server
        except OSError:
            if time.monotonic() > deadline:
                _kill(server)
                raise
            time.sleep(0.05)


def _kill(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGKILL)  # granian and its workers, mid-request
    server.wait()


def _item() -> tuple[str, list[int]]:
    """A zero-trip item of the sandbox the test citizen may apply for, and the orders of
    the materials to upload."""
    from onestop_dev.demo.generator import build_province

    items = build_province().items[:60]
    item = next(
        i for i in items if i.visits_required == 0 and i.min_trust_level <= 3 and i.audience == "person"
    )
    orders = [n for n, m in enumerate(item.materials) if m.required and not m.filled_online]
    return item.code, orders


def _submit_until_killed(
    session: Session,
    item: str,
    orders: list[int],
    stop: threading.Event,
    acknowledged: dict[str, str],
    unanswered: list[tuple[str, dict[str, int]]],
    refused: list[tuple[str, int, dict[str, str]]],
) -> None:
    """Apply again and again; an application whose answer never came is remembered, and
    so is one the server refused (a refusal must have written nothing)."""
    try:
        session.log_in()
        while not stop.is_set():
            uploads = {str(o): session.upload(o) for o in orders}
            key = uuid.uuid4().hex
            try:
                status, answer = session.submit(item, uploads, key)
            except (OSError, http.client.HTTPException, ValueError):
                # No answer, or half of one (the kill came while it was being sent): the
                # application may or may not be there; its retry will tell.
                unanswered.append((key, uploads))
                return
            if status != 201:
                refused.append((key, status, answer))
                return
            acknowledged[key] = answer["number"]
    except (OSError, AssertionError):
        return  # the server went away between requests


def _crash_cases(database: sqlite3.Connection) -> list[str]:
    query = "select number from cases_case where json_extract(data, '$.purpose') = ?"
    return [number for (number,) in database.execute(query, ("崩溃测试",))]


def test_no_acknowledged_application_is_lost_or_duplicated(crash_var: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    item, orders = _item()
    acknowledged: dict[str, str] = {}  # Idempotency-Key -> case number
    unanswered: list[tuple[str, dict[str, int]]] = []
    refused: list[tuple[str, int, dict[str, str]]] = []
    rng = random.Random(7)
    for _kill_number in range(KILLS):
        server = _start(crash_var, port)
        stop = threading.Event()
        client = threading.Thread(
            target=_submit_until_killed,
            args=(Session(url), item, orders, stop, acknowledged, unanswered, refused),
        )
        client.start()
        time.sleep(rng.uniform(0.3, 0.9))
        _kill(server)
        stop.set()
        client.join(timeout=30)

    assert len(acknowledged) >= KILLS  # the submissions really ran between the kills
    assert not refused, refused[:3]  # a kill is never answered with a refusal
    database = sqlite3.connect(crash_var / "onestop.sqlite3")
    numbers = _crash_cases(database)
    assert len(numbers) == len(set(numbers))  # no case twice
    assert set(acknowledged.values()) <= set(numbers)  # nothing acknowledged was lost

    # Retried with their keys, the unanswered ones are answered, once: the retry returns
    # the case made before the kill, or makes it now; never both.
    time.sleep(STALE_SECONDS + 0.5)
    server = _start(crash_var, port)
    try:
        session = Session(url)
        session.log_in()
        for key, uploads in unanswered:
            status, first = session.submit(item, uploads, key)
            assert status == 201, first
            assert session.submit(item, uploads, key) == (status, first)
    finally:
        _kill(server)
    after = _crash_cases(database)
    assert len(after) == len(set(after)) == len(acknowledged) + len(unanswered)
