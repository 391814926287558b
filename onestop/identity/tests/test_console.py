"""The console: which role sees which page, staff management, refusals recorded."""

from __future__ import annotations

import pytest
from django.test import Client

from onestop.core.models import AuditEntry
from onestop.identity.models import User
from onestop.identity.tests.helpers import login, register
from onestop_dev.demo.accounts import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

CITIZEN, OFFICER, HEAD, OPERATOR, PLATFORM = (
    "13800138000",
    "13900139001",
    "13900139002",
    "13900139003",
    "13900139009",
)
PAGES = [
    "/console/gd/",
    "/console/gd/staff/",
    "/console/gd/users/",
    "/console/gd/sms/",
    "/console/gd/audit/",
]
# Who may open which page (200), and who is refused (403).
ALLOWED = {
    CITIZEN: set(),
    OFFICER: {"/console/gd/"},
    HEAD: {"/console/gd/"},
    OPERATOR: set(PAGES),
    PLATFORM: set(PAGES),
}


def _as(phone: str) -> Client:
    client = Client()
    assert login(client, phone, DEMO_PASSWORD).status_code == 302
    return client


@pytest.mark.parametrize("phone", list(ALLOWED))
def test_every_role_sees_only_its_pages(phone: str) -> None:
    client = _as(phone)
    for page in PAGES:
        expected = 200 if page in ALLOWED[phone] else 403
        assert client.get(page).status_code == expected, (phone, page)


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    response = Client().get("/console/gd/staff/")
    assert response.status_code == 302 and response["Location"].startswith("/gd/accounts/login/?next=")


def test_a_tenant_operator_of_gd_has_no_power_in_another_tenant() -> None:
    operator = _as(OPERATOR)
    assert operator.get("/console/xq/staff/").status_code == 302  # a stranger there: log in
    assert not User.objects.filter(tenant__code="xq").exists()


def test_refusals_are_recorded() -> None:
    before = AuditEntry.objects.filter(outcome="denied").count()
    _as(OFFICER).get("/console/gd/staff/")
    entry = AuditEntry.objects.filter(outcome="denied").latest("sequence")
    assert AuditEntry.objects.filter(outcome="denied").count() == before + 1
    assert (entry.action, entry.object_id, entry.actor_label) == (
        "identity.denied.staff.manage",
        "/console/gd/staff/",
        "陈科员",
    )


def test_an_operator_creates_an_officer_who_can_log_in() -> None:
    operator = _as(OPERATOR)
    response = operator.post(
        "/console/gd/staff/",
        {
            "display_name": "周科员",
            "phone": "13900139101",
            "role": "officer",
            "department": "gd-crj",
            "password": "Officer-Pass-2026",
        },
    )
    assert response.status_code == 302
    officer = _as_with("13900139101", "Officer-Pass-2026")
    assert officer.get("/console/gd/").status_code == 200
    assert "出入境" in officer.get("/console/gd/").content.decode()


def _as_with(phone: str, password: str) -> Client:
    client = Client()
    assert login(client, phone, password).status_code == 302
    return client


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"role": "officer", "department": ""}, "Officers and heads need a department"),
        (
            {"role": "tenant_operator", "department": "gd-rs"},
            "Officers and heads need a department",
        ),
        ({"role": "officer", "department": "nope"}, "No such department"),
        ({"phone": OFFICER}, "already has an account"),
    ],
)
def test_bad_staff_accounts_are_refused(data: dict[str, str], error: str) -> None:
    operator = Client(headers={"accept-language": "en"})
    login(operator, OPERATOR, DEMO_PASSWORD)
    before = User.objects.count()
    form = {
        "display_name": "某人",
        "phone": "13900139102",
        "role": "officer",
        "department": "gd-rs",
        "password": "Officer-Pass-2026",
        **data,
    }
    response = operator.post("/console/gd/staff/", form)
    assert response.status_code in {404, 422} and error in response.content.decode()
    assert User.objects.count() == before


def test_an_officer_cannot_create_staff() -> None:
    before = User.objects.count()
    response = _as(OFFICER).post(
        "/console/gd/staff/",
        {
            "display_name": "x",
            "phone": "13900139103",
            "role": "officer",
            "department": "gd-rs",
            "password": "Pass-Word-2026",
        },
    )
    assert response.status_code == 403 and User.objects.count() == before


def test_disabling_an_account_ends_its_sessions_and_logins() -> None:
    officer = _as(OFFICER)
    assert officer.get("/console/gd/").status_code == 200
    target = User.objects.get(phone_masked="139****9001")
    _as(OPERATOR).post(f"/console/gd/staff/{target.pk}/active/", {"active": "0"})
    assert officer.get("/console/gd/").status_code == 302
    assert "login_failed" in login(Client(), OFFICER, DEMO_PASSWORD).content.decode()


def test_the_console_shows_the_sms_outbox_and_verifies_the_audit_log() -> None:
    register(Client(), "13912345600")
    operator = _as(OPERATOR)
    sms = operator.get("/console/gd/sms/").content.decode()
    assert "139****5600" in sms and "13912345600" not in sms
    audit = operator.get("/console/gd/audit/", {"verify": "1"}).content.decode()
    assert "identity.register" in audit
    assert "日志完整" in audit or "The log is intact" in audit


def test_the_developer_sms_page_shows_the_sandbox_messages_to_staff() -> None:
    register(Client(), "13912345601")
    page = _as(OFFICER).get("/gd/dev/sms/").content.decode()
    assert "139****5601" in page and "注册验证码 ******" in page
    # One table of messages, none of them taken for a notice above it.
    assert page.count('class="card message') == 0


def test_the_audit_log_shows_times_in_utc() -> None:
    from datetime import UTC

    operator = _as(OPERATOR)
    page = operator.get("/console/gd/audit/").content.decode()
    latest = AuditEntry.objects.filter(tenant_code="gd").latest("sequence")
    assert latest.occurred_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") in page


def test_a_tampered_log_is_named_in_words_on_the_console() -> None:
    """The refusal box was empty (the page read a variable no view set)."""
    entry = AuditEntry.objects.filter(tenant_code="gd").latest("sequence")
    AuditEntry.objects.filter(pk=entry.pk).update(detail={"forged": True})
    page = _as(OPERATOR).get("/console/gd/audit/", {"verify": "1"}).content.decode()
    box = page.split('class="card error-box" role="alert">', 1)[1].split("</p>", 1)[0]
    assert str(entry.sequence) in box and ("篡改" in box or "tampered" in box)
