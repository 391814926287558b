"""Registration, one-time codes, login, throttling and sessions, through the portal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from onestop.core.models import AuditEntry
from onestop.identity.models import OneTimeCode, ThrottleCounter, User
from onestop.identity.tests.helpers import (
    PASSWORD,
    Clock,
    last_code,
    last_sms,
    let_a_minute_pass,
    login,
    register,
)

pytestmark = pytest.mark.django_db


def _body(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_a_citizen_registers_with_an_sms_code_and_is_logged_in(client: Client) -> None:
    response = register(client, "13512345678")
    assert response.status_code == 302 and response["Location"] == "/gd/me/verify/"
    user = User.objects.get(phone_masked="135****5678")
    assert (user.kind, user.trust_level, user.tenant.code) == ("citizen", 1, "gd")  # type: ignore[union-attr]
    me = client.get("/gd/me/")
    assert me.status_code == 200 and "135****5678" in me.content.decode()
    assert AuditEntry.objects.filter(action="identity.register", object_id=str(user.pk)).exists()


def test_a_code_is_single_use(client: Client) -> None:
    phone = "13512345679"
    client.post("/gd/accounts/register/", {"step": "code", "phone": phone})
    code = last_code(phone)
    data = {"phone": phone, "code": code, "password": PASSWORD, "password_again": PASSWORD}
    assert client.post("/gd/accounts/register/", data).status_code == 302
    other = Client()
    response = other.post("/gd/accounts/register/", data)
    assert response.status_code == 422 and "code_invalid" in response.content.decode()


def test_an_expired_code_is_refused(client: Client) -> None:
    phone = "13512345680"
    client.post("/gd/accounts/register/", {"step": "code", "phone": phone})
    code = last_code(phone)
    OneTimeCode.objects.filter(purpose="register").update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(
        "/gd/accounts/register/",
        {"phone": phone, "code": code, "password": PASSWORD, "password_again": PASSWORD},
    )
    assert response.status_code == 422 and not User.objects.filter(phone_masked="135****5680").exists()


def test_codes_expire_within_five_minutes(client: Client) -> None:
    client.post("/gd/accounts/register/", {"step": "code", "phone": "13512345681"})
    code = OneTimeCode.objects.latest("created_at")
    assert timedelta(0) < code.expires_at - code.created_at <= timedelta(minutes=5)
    assert code.code_hash != last_code("13512345681")  # stored as a keyed hash only


def test_five_wrong_tries_burn_the_code(client: Client) -> None:
    phone = "13512345682"
    client.post("/gd/accounts/register/", {"step": "code", "phone": phone})
    code = last_code(phone)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        client.post(
            "/gd/accounts/register/",
            {"phone": phone, "code": wrong, "password": PASSWORD, "password_again": PASSWORD},
        )
    response = client.post(
        "/gd/accounts/register/",
        {"phone": phone, "code": code, "password": PASSWORD, "password_again": PASSWORD},
    )
    assert response.status_code == 422


def test_a_second_code_within_a_minute_is_refused(client: Client) -> None:
    client.post("/gd/accounts/register/", {"step": "code", "phone": "13512345683"})
    response = client.post("/gd/accounts/register/", {"step": "code", "phone": "13512345683"})
    assert response.status_code == 422 and "code_too_soon" in response.content.decode()


def test_registering_a_known_number_answers_the_same_and_sends_no_code(client: Client) -> None:
    register(Client(), "13512345684")
    let_a_minute_pass()
    response = client.post("/gd/accounts/register/", {"step": "code", "phone": "13512345684"})
    fresh = Client().post("/gd/accounts/register/", {"step": "code", "phone": "13512345685"})
    assert response.status_code == fresh.status_code == 200
    # The sandbox shows its "phone" (the text sent) to the browser that asked; the page's
    # own answer around it is the same.
    phone_screen = re.compile(r'<p class="card message message-sandbox-sms[^"]*">.*?</p>', re.S)
    assert phone_screen.search(_body(fresh))
    assert phone_screen.sub("", _body(response)).replace("13512345684", "N") == phone_screen.sub(
        "", _body(fresh)
    ).replace("13512345685", "N")
    assert "已注册" in last_sms("13512345684") and not re.search(r"\d{6}", last_sms("13512345684"))


def test_bad_phone_numbers_are_refused_with_the_field_named(client: Client) -> None:
    response = client.post("/gd/accounts/register/", {"step": "code", "phone": "12345"})
    assert response.status_code == 422 and "phone_invalid" in response.content.decode()


def test_weak_passwords_are_refused(client: Client) -> None:
    phone = "13512345686"
    client.post("/gd/accounts/register/", {"step": "code", "phone": phone})
    response = client.post(
        "/gd/accounts/register/",
        {"phone": phone, "code": last_code(phone), "password": "12345678", "password_again": "12345678"},
    )
    assert response.status_code == 422 and "password_invalid" in response.content.decode()


def test_login_makes_a_new_session(client: Client) -> None:
    register(Client(), "13512345687")
    client.get("/gd/accounts/login/")
    client.session.save()
    before = client.session.session_key
    assert login(client, "13512345687").status_code == 302
    assert client.session.session_key != before


def test_unknown_and_known_accounts_get_the_same_refusal(client: Client) -> None:
    register(Client(), "13512345688")
    known = login(Client(), "13512345688", "Wrong-Pass-1")
    unknown = login(Client(), "13512340000", "Wrong-Pass-1")
    assert known.status_code == unknown.status_code == 422
    assert _body(known).replace("13512345688", "N") == _body(unknown).replace("13512340000", "N")
    assert AuditEntry.objects.filter(action="identity.login", outcome="failed").count() >= 2


def test_login_with_an_sms_code(client: Client) -> None:
    register(Client(), "13512345689")
    let_a_minute_pass()
    client.post("/gd/accounts/login/", {"method": "code", "step": "code", "phone": "13512345689"})
    code = last_code("13512345689")
    response = client.post(
        "/gd/accounts/login/",
        {"method": "code", "step": "login", "phone": "13512345689", "code": code},
    )
    assert response.status_code == 302 and client.get("/gd/me/").status_code == 200
    # A second code request within a second is refused by the carrier (sandbox): a clear
    # answer on the form, not an error page.
    let_a_minute_pass()
    client.post("/gd/accounts/login/", {"method": "code", "step": "code", "phone": "13512345689"})
    refused = client.post("/gd/accounts/login/", {"method": "code", "step": "code", "phone": "13512345689"})
    assert refused.status_code == 422 and "code_too_soon" in refused.content.decode()
    # Unknown numbers get the same answer and no message.
    answer = Client().post("/gd/accounts/login/", {"method": "code", "step": "code", "phone": "13512340001"})
    assert answer.status_code == 200


def test_failed_logins_are_throttled_per_account(monkeypatch: pytest.MonkeyPatch) -> None:
    register(Client(), "13512345690")
    Clock(monkeypatch)  # the guesses all at once
    for n in range(100):
        login(Client(REMOTE_ADDR=f"10.0.{n // 250}.{n % 250}"), "13512345690", "Wrong-Pass-1")
    refused = login(Client(REMOTE_ADDR="10.9.9.9"), "13512345690")  # right password, too soon
    assert refused.status_code == 429 and "login_throttled" in refused.content.decode()
    assert int(refused["Retry-After"]) >= 1
    unknown = login(Client(REMOTE_ADDR="10.9.9.9"), "13512345691")
    assert "login_throttled" not in unknown.content.decode()


def test_failed_logins_are_throttled_per_address(monkeypatch: pytest.MonkeyPatch) -> None:
    register(Client(), "13512345692")
    Clock(monkeypatch)
    for n in range(100):
        login(Client(REMOTE_ADDR="10.1.1.1"), f"1351000{n:04d}", "Wrong-Pass-1")
    refused = login(Client(REMOTE_ADDR="10.1.1.1"), "13512345692")
    assert "login_throttled" in refused.content.decode()
    assert login(Client(REMOTE_ADDR="10.1.1.2"), "13512345692").status_code == 302
    assert ThrottleCounter.objects.filter(count__gte=100).exists()


def test_logout_ends_every_session_of_the_account() -> None:
    register(Client(), "13512345693")
    phone_a, phone_b = Client(), Client()
    login(phone_a, "13512345693")
    login(phone_b, "13512345693")
    assert phone_b.get("/gd/me/").status_code == 200
    phone_a.post("/gd/accounts/logout/")
    assert phone_a.get("/gd/me/").status_code == 302
    assert phone_b.get("/gd/me/").status_code == 302


def test_changing_the_password_ends_every_session() -> None:
    register(Client(), "13512345694")
    first, second = Client(), Client()
    login(first, "13512345694")
    login(second, "13512345694")
    response = first.post("/gd/me/password/", {"old_password": PASSWORD, "new_password": "Another-Pass-2026"})
    assert response.status_code == 302
    assert second.get("/gd/me/").status_code == 302
    assert login(Client(), "13512345694", "Another-Pass-2026").status_code == 302


def test_forms_are_protected_against_csrf() -> None:
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        "/gd/accounts/login/", {"method": "password", "phone": "13512345695", "password": "x"}
    )
    assert response.status_code == 403 and "csrf_failed" in response.content.decode()


def test_session_cookie_is_http_only_and_same_site(client: Client) -> None:
    register(Client(), "13512345696")
    login(client, "13512345696")
    cookie = client.cookies["onestop_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_an_account_of_one_tenant_is_a_stranger_in_another(client: Client) -> None:
    register(client, "13512345697")
    assert client.get("/gd/me/").status_code == 200
    assert client.get("/xq/me/").status_code == 302


def test_a_refusal_by_the_sms_carrier_is_a_clear_answer(client: Client) -> None:
    register(Client(), "13512345698")
    # The sandbox carrier takes at most one message a second to a number: a login code
    # asked for right after the registration code is refused, and the page says so.
    response = client.post("/gd/accounts/login/", {"method": "code", "step": "code", "phone": "13512345698"})
    assert response.status_code == 422 and "sms_rate_limited" in response.content.decode()


def test_each_account_lands_where_its_work_is_after_logging_in() -> None:
    from onestop_dev.demo.accounts import DEMO_PASSWORD

    for phone, landing in (
        ("13800138000", "/gd/me/"),
        ("13900139001", "/console/gd/"),
        ("13900139003", "/console/gd/"),
        ("13700137001", "/developers/"),
    ):
        response = login(Client(), phone, DEMO_PASSWORD)
        assert response.status_code == 302 and response["Location"] == landing, phone
    # A page that asked for the login still wins.
    asked = Client().post(
        "/gd/accounts/login/?next=/gd/me/cases/",
        {"method": "password", "phone": "13900139001", "password": DEMO_PASSWORD},
    )
    assert asked["Location"] == "/gd/me/cases/"
