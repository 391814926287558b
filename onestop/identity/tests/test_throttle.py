"""Guessing slowed down by growing delays, never a lock, through the login pages: one
address guessing one account, the owner elsewhere, on a known device or with an SMS code,
unknown numbers answered like known ones, and a wait that is said in words and in
Retry-After every time.

Time is the test's: the clock stands still and moves only when a test moves it."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from django.test import Client

from onestop.core.models import AuditEntry
from onestop.identity.tests.helpers import (
    PASSWORD,
    Clock,
    CountingHasher,
    last_code,
    register,
    retry_after,
)

pytestmark = pytest.mark.django_db

OWNER = "13512346001"
OWNER_MASKED = "135****6001"
ATTACKER, HOME, OFFICE = "10.66.0.1", "10.20.0.2", "10.30.0.3"
LOGIN = "/gd/accounts/login/"
WRONG = "Wrong-Pass-1"


def attempt(
    phone: str, password: str = WRONG, address: str = ATTACKER, client: Client | None = None, **headers: Any
) -> Any:
    return (client or Client()).post(
        LOGIN,
        {"method": "password", "phone": phone, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def attack(clock: Clock, phone: str, attempts: int, every: float = 3.6) -> list[Any]:
    """One address guessing one account's password, an attempt every ``every`` seconds
    whatever the answer (1,000 in an hour by default)."""
    answers = []
    for _ in range(attempts):
        clock.advance(every)
        answers.append(attempt(phone))
    return answers


def login_entries(outcome: str, phone_masked: str = OWNER_MASKED) -> int:
    return AuditEntry.objects.filter(action="identity.login", object_id=phone_masked, outcome=outcome).count()


def assert_throttled(response: Any) -> int:
    assert response.status_code == 429 and "login_throttled" in response.content.decode()
    return retry_after(response)


def test_one_address_gets_at_most_100_evaluations_of_1000_guesses_in_an_hour(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    register(Client(), OWNER)
    settings.PASSWORD_HASHERS = ["onestop.identity.tests.helpers.CountingHasher"]
    CountingHasher.checked = 0
    answers = attack(Clock(monkeypatch), OWNER, attempts=1000)

    evaluated, denied = login_entries("failed"), login_entries("denied")
    assert 5 <= evaluated <= 100 and evaluated + denied == 1000
    # A refused attempt was not evaluated at all: the password was checked only for the
    # evaluated ones.
    assert CountingHasher.checked == evaluated
    refused = [answer for answer in answers if answer.status_code != 422]
    assert len(refused) == denied
    assert all(assert_throttled(answer) >= 1 for answer in refused)
    # The wait in words: minutes once it is that long.
    long_wait = next(answer for answer in refused if int(answer["Retry-After"]) >= 60)
    minutes = math.ceil(int(long_wait["Retry-After"]) / 60)
    assert f"请{minutes}分钟后再试，或用短信验证码登录。" in long_wait.content.decode()


def test_the_owner_logs_in_with_the_password_from_elsewhere_during_an_attack(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    register(Client(), OWNER)
    clock = Clock(monkeypatch)
    answers = attack(clock, OWNER, attempts=150)

    assert attempt(OWNER, PASSWORD, address=HOME).status_code == 302
    answers += attack(clock, OWNER, attempts=150)
    assert attempt(OWNER, PASSWORD, address=OFFICE).status_code == 302
    assert answers[-1].status_code == 429  # while the attacker was being held back


def test_a_known_device_logs_in_even_from_the_attackers_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    register(Client(), OWNER)
    phone = Client()
    assert attempt(OWNER, PASSWORD, address=HOME, client=phone).status_code == 302
    device_cookies = [name for name in phone.cookies if name.startswith("onestop_device_")]
    assert len(device_cookies) == 1
    clock = Clock(monkeypatch)
    attack(clock, OWNER, attempts=150)

    # Without its device cookie, the owner's phone at that address waits like anyone.
    cookie = phone.cookies.pop(device_cookies[0])
    assert_throttled(attempt(OWNER, PASSWORD, client=phone))
    phone.cookies[device_cookies[0]] = cookie
    assert attempt(OWNER, PASSWORD, client=phone).status_code == 302
    # Its own mistakes still count against it, with a wait said as usual.
    for _ in range(10):
        assert attempt(OWNER, WRONG, client=phone).status_code == 422
    assert_throttled(attempt(OWNER, PASSWORD, client=phone))


def test_a_known_device_and_an_sms_code_log_in_while_many_addresses_guess(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    register(Client(), OWNER)
    phone = Client()
    assert attempt(OWNER, PASSWORD, address=HOME, client=phone).status_code == 302
    clock = Clock(monkeypatch)
    for n in range(100):  # a hundred addresses, one guess each
        clock.advance(3.6)
        attempt(OWNER, address=f"10.77.0.{n}")

    assert_throttled(attempt(OWNER, PASSWORD, address=OFFICE))  # the account's password waits
    assert attempt(OWNER, PASSWORD, address=HOME, client=phone).status_code == 302
    owner = Client(REMOTE_ADDR=OFFICE)
    owner.post(LOGIN, {"method": "code", "step": "code", "phone": OWNER})
    response = owner.post(
        LOGIN, {"method": "code", "step": "login", "phone": OWNER, "code": last_code(OWNER)}
    )
    assert response.status_code == 302


def test_another_accounts_or_a_forged_device_cookie_changes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    register(Client(), OWNER)
    owners_phone, attackers_browser = Client(), Client()
    attempt(OWNER, PASSWORD, address=HOME, client=owners_phone)
    (owners_cookie,) = [name for name in owners_phone.cookies if name.startswith("onestop_device_")]
    register(Client(), "13512346002")  # the attacker's own account, with its own cookie
    attempt("13512346002", PASSWORD, client=attackers_browser)
    (own_cookie,) = [n for n in attackers_browser.cookies if n.startswith("onestop_device_")]
    assert own_cookie != owners_cookie
    attack(Clock(monkeypatch), OWNER, attempts=150)

    value = owners_phone.cookies[owners_cookie].value
    for forged in (attackers_browser.cookies[own_cookie].value, value[:-2] + "xx", "x"):
        attackers_browser.cookies[owners_cookie] = forged
        assert_throttled(attempt(OWNER, client=attackers_browser))


def test_an_sms_code_logs_in_during_an_attack(monkeypatch: pytest.MonkeyPatch) -> None:
    register(Client(), OWNER)
    attack(Clock(monkeypatch), OWNER, attempts=150)

    # Even from the attacker's address: password guesses never hold a code back.
    owner = Client(REMOTE_ADDR=ATTACKER)
    owner.post(LOGIN, {"method": "code", "step": "code", "phone": OWNER})
    response = owner.post(
        LOGIN, {"method": "code", "step": "login", "phone": OWNER, "code": last_code(OWNER)}
    )
    assert response.status_code == 302 and owner.get("/gd/me/").status_code == 200


def test_known_and_unknown_numbers_get_the_same_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    known, unknown = OWNER, "13512346999"
    register(Client(), known)
    clock = Clock(monkeypatch)

    def answer(phone: str, address: str) -> tuple[int, str | None, str]:
        response = attempt(phone, address=address)
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return response.status_code, response.get("Retry-After"), body.replace(phone, "N")

    answers = []
    for _ in range(40):
        clock.advance(3.6)
        answers.append(answer(known, "10.66.0.1"))
        assert answers[-1] == answer(unknown, "10.66.0.2")
    throttled = [(status, wait) for status, wait, _ in answers if status != 422]
    assert throttled and all(status == 429 and wait and int(wait) >= 1 for status, wait in throttled)
    assert login_entries("denied") == login_entries("denied", "135****6999") > 0
    assert login_entries("failed") == login_entries("failed", "135****6999")


def test_every_throttled_answer_says_when_to_come_back(monkeypatch: pytest.MonkeyPatch) -> None:
    register(Client(), OWNER)
    clock = Clock(monkeypatch)
    attack(clock, OWNER, attempts=12, every=5)

    chinese = attempt(OWNER, PASSWORD)
    wait = assert_throttled(chinese)
    assert 1 < wait < 60 and f"请{wait}秒后再试，或用短信验证码登录。" in chinese.content.decode()
    english = attempt(OWNER, PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert f"Try again in {wait} seconds, or log in with an SMS code." in english.content.decode()
    # A wait, not a lock: once it is over, the right password is evaluated (and logs in).
    clock.advance(wait)
    assert attempt(OWNER, PASSWORD).status_code == 302

    # Codes: wrong codes from one address, then a wait.
    owner = Client(REMOTE_ADDR=HOME)
    owner.post(LOGIN, {"method": "code", "step": "code", "phone": OWNER})
    for _ in range(5):
        wrong = owner.post(LOGIN, {"method": "code", "step": "login", "phone": OWNER, "code": "000000"})
        assert wrong.status_code == 422
    refused = owner.post(LOGIN, {"method": "code", "step": "login", "phone": OWNER, "code": "000000"})
    assert f"请{assert_throttled(refused)}秒后再试。" in refused.content.decode()


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (LOGIN, {"method": "code", "step": "code"}),
        ("/gd/accounts/register/", {"step": "code"}),
        ("/developers/signup/", {"step": "code"}),
    ],
)
def test_code_requests_from_one_address_wait_with_retry_after(
    monkeypatch: pytest.MonkeyPatch, url: str, data: dict[str, str]
) -> None:
    Clock(monkeypatch)
    sender = Client(REMOTE_ADDR=OFFICE)
    for n in range(30):  # each one an SMS, to numbers with or without an account
        assert sender.post(url, {**data, "phone": f"1351000{n:04d}"}).status_code == 200
    response = sender.post(url, {**data, "phone": "13510009999"}, HTTP_ACCEPT_LANGUAGE="en")
    assert f"Try again in {assert_throttled(response)} second." in response.content.decode()


def test_an_address_trying_many_accounts_waits_but_its_regulars_log_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    register(Client(), OWNER)
    register(Client(), "13512346003")  # has never logged in from the office
    assert attempt(OWNER, PASSWORD, address=OFFICE).status_code == 302
    Clock(monkeypatch)
    for n in range(100):
        assert attempt(f"1351000{n:04d}", address=OFFICE).status_code == 422

    assert attempt(OWNER, PASSWORD, address=OFFICE).status_code == 302  # a new browser, too
    assert_throttled(attempt("13512346003", PASSWORD, address=OFFICE))
    assert attempt("13512346003", PASSWORD, address=HOME).status_code == 302
