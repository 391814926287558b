"""The sandbox SMS backend fails closed: its outbox answers only the tenant's staff (and
every account of the developer sandbox), never shows a one-time code to anyone but the
phone it went to, and a newcomer still registers because the code is shown to the browser
session that asked for it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.test import Client, override_settings

from onestop.identity.tests.helpers import PASSWORD, last_code, let_a_minute_pass, login
from onestop.messaging.sms import SmsBackend, SmsMessage, SmsReceipt, sms_backends
from onestop.tenancy.models import Tenant
from onestop_dev.demo.accounts import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")
CITIZEN, OFFICER, OPERATOR = "13800138000", "13900139001", "13900139003"


def logged_in(phone: str) -> Client:
    client = Client()
    assert login(client, phone, DEMO_PASSWORD).status_code == 302
    return client


def _ask_for_a_login_code(client: Client, phone: str, tenant: str = "gd") -> str:
    response = client.post(f"/{tenant}/accounts/login/", {"method": "code", "step": "code", "phone": phone})
    assert response.status_code == 200
    return response.content.decode()


def test_the_attack_of_the_probe_no_longer_works() -> None:
    """Ask for the tenant operator's login code, then read the outbox: no code anywhere."""
    attacker = Client()
    with override_settings(ONESTOP_DEMO=False, ONESTOP_SANDBOX_ALLOWED=["sms"]):
        page = _ask_for_a_login_code(attacker, OPERATOR)
    code = last_code(OPERATOR)  # what reached the operator's (sandbox) phone
    assert code not in page  # outside the demo a login code is shown to no browser
    outbox = attacker.get("/gd/dev/sms/")
    assert outbox.status_code == 302 and "/gd/accounts/login/" in outbox["Location"]
    assert code not in outbox.content.decode()
    # Another tenant's outbox does not answer either, nor does the console's.
    assert attacker.get("/xq/dev/sms/").status_code == 302
    assert attacker.get("/console/gd/sms/").status_code == 302
    # And the code does not log the attacker in: it never saw it.
    response = attacker.post("/gd/accounts/login/", {"method": "code", "phone": OPERATOR, "code": "000000"})
    assert response.status_code == 422


def test_staff_see_the_outbox_with_every_code_blotted_out_but_their_own() -> None:
    _ask_for_a_login_code(Client(), OPERATOR)
    operator_code = last_code(OPERATOR)
    officer = logged_in(OFFICER)
    let_a_minute_pass()
    _ask_for_a_login_code(Client(), OFFICER)
    officer_code = last_code(OFFICER)
    page = officer.get("/gd/dev/sms/").content.decode()
    assert "139****9003" in page and "登录验证码 ******" in page
    assert operator_code not in page  # an officer never reads the operator's code
    assert officer_code in page  # the officer's own phone shows its own texts whole
    operator = logged_in(OPERATOR)
    console = operator.get("/console/gd/sms/").content.decode()
    assert operator_code in console and officer_code not in console


def test_citizens_and_other_tenants_staff_find_no_outbox() -> None:
    assert logged_in(CITIZEN).get("/gd/dev/sms/").status_code == 404
    # The officer's account is gd's: on another tenant's pages it is nobody.
    other = logged_in(OFFICER).get("/xq/dev/sms/")
    assert other.status_code == 302 and "/xq/accounts/login/" in other["Location"]


def test_the_outbox_shows_no_other_tenants_messages() -> None:
    client = Client()
    client.post("/xq/accounts/register/", {"step": "code", "phone": "13912345611"})
    assert last_code("13912345611", "xq")
    page = logged_in(OPERATOR).get("/gd/dev/sms/").content.decode()
    assert "139****5611" not in page


def test_every_account_of_the_developer_sandbox_reads_its_outbox() -> None:
    sandbox = Tenant.objects.get(kind="sandbox")
    developer = Client()
    response = developer.post(
        f"/{sandbox.code}/accounts/login/",
        {"method": "password", "phone": "13700137001", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert developer.get(f"/{sandbox.code}/dev/sms/").status_code == 200
    assert Client().get(f"/{sandbox.code}/dev/sms/").status_code == 302


@override_settings(ONESTOP_DEMO=False, ONESTOP_SANDBOX_ALLOWED=["sms", "email", "registry", "face", "data"])
def test_a_newcomer_registers_with_the_code_shown_to_their_own_session_only() -> None:
    newcomer, bystander = Client(), Client()
    page = newcomer.post("/gd/accounts/register/", {"step": "code", "phone": "13912345620"}).content.decode()
    code = last_code("13912345620")
    assert code in page and "注册验证码" in page
    assert code not in bystander.get("/gd/accounts/register/").content.decode()
    response = newcomer.post(
        "/gd/accounts/register/",
        {"phone": "13912345620", "code": code, "password": PASSWORD, "password_again": PASSWORD},
    )
    assert response.status_code == 302
    # The page says that a sandbox is in use, outside the demo.
    assert "sandbox-banner" in newcomer.get("/gd/").content.decode()


def test_the_demo_shows_no_sandbox_banner(client: Client) -> None:
    assert "sandbox-banner" not in client.get("/gd/").content.decode()


class _CarrierForTests(SmsBackend):
    """A backend that is not a sandbox: it delivers somewhere this test can see."""

    sent: list[str] = []

    def send(self, *, tenant: Tenant, phone: str, message: SmsMessage) -> SmsReceipt:
        self.check(phone, message)
        self.sent.append(message.text)
        return SmsReceipt(message_id="carrier-1")


@contextmanager
def _carrier() -> Iterator[_CarrierForTests]:
    sms_backends.register("carrier-for-tests")(_CarrierForTests)
    try:
        with override_settings(ONESTOP_SMS_BACKEND="carrier-for-tests"):
            yield sms_backends.get("carrier-for-tests")  # type: ignore[misc]
    finally:
        del sms_backends._plugins["carrier-for-tests"]


def test_the_outbox_pages_exist_only_with_the_sandbox_backend() -> None:
    operator = logged_in(OPERATOR)
    with _carrier() as carrier:
        assert operator.get("/gd/dev/sms/").status_code == 404
        assert operator.get("/console/gd/sms/").status_code == 404
        assert "/console/gd/sms/" not in operator.get("/console/gd/").content.decode()
        page = (
            Client().post("/gd/accounts/register/", {"step": "code", "phone": "13912345630"}).content.decode()
        )
        shown = re.sub(r'/static/[^"]+', "", page)  # hashed file names may hold six digits
        assert carrier.sent and not CODE.search(shown)  # a real carrier's text is on the phone only


def test_the_outbox_shows_local_times_and_no_empty_notices() -> None:
    """Its list was called ``messages``, which Django's messages framework also reads: 17
    empty notices stood above the table, with UTC times."""
    from datetime import timedelta

    from django.utils import timezone

    from onestop.messaging.models import SandboxSms

    Client().post("/gd/accounts/register/", {"step": "code", "phone": "13912345640"})
    # Eight hours from midnight in UTC: local and UTC dates differ.
    sent = timezone.now().replace(hour=20, minute=30, second=0, microsecond=0) - timedelta(days=1)
    SandboxSms.objects.filter(phone_masked="139****5640").update(sent_at=sent)
    page = logged_in(OFFICER).get("/gd/dev/sms/").content.decode()
    local = timezone.localtime(sent).strftime("%Y-%m-%d %H:%M:%S")
    assert local in page and sent.strftime("%Y-%m-%d %H:%M:%S") not in page
    assert 'class="card message' not in page
