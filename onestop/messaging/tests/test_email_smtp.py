"""Email over SMTP: sent end to end to an SMTP server on 127.0.0.1 (aiosmtpd, in a thread)
that asks for the login, the server's refusals mapped to the platform's codes, the
settings checked, and production starting with it."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from pytest_django.fixtures import Settings

from onestop.core.checks import check_integrations
from onestop.core.plugins import PluginConfigError
from onestop.messaging.email import EmailRejected, EmailUnavailable, email_backend, email_backends
from onestop.tenancy.models import Tenant

TENANT = Tenant(code="gd", name="广东省")  # never saved: sending reads its code only
USER, PASSWORD = "onestop", "smtp-password-for-the-test"
REFUSED_ADDRESS = "gone@example.cn"


@dataclass
class Mailbox:
    """What the test server received, and how to reach it."""

    port: int = 0
    messages: list[tuple[Envelope, EmailMessage]] = field(default_factory=list)


class Handler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_RCPT(
        self, server: SMTPServer, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address == REFUSED_ADDRESS:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.mailbox.messages.append((envelope, message_from_bytes(content, policy=policy.default)))
        return "250 Message accepted for delivery"


def authenticate(
    server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # not handled: the server answers 535


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def mailbox(settings: Settings) -> Iterator[Mailbox]:
    """An SMTP server on 127.0.0.1 that wants a login (plain text, as on loopback only), and
    the smtp plugin configured for it."""
    box = Mailbox(port=_free_port())
    controller = Controller(
        Handler(box), hostname="127.0.0.1", port=box.port, authenticator=authenticate, auth_require_tls=False
    )
    controller.start()
    configure(settings, box.port)
    try:
        yield box
    finally:
        controller.stop()


def configure(settings: Settings, port: int, *, password: str = PASSWORD) -> None:
    settings.ONESTOP_EMAIL_BACKEND = "smtp"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = USER, password
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "广东省政务服务网 <noreply@gd.example.gov.cn>"


def test_an_email_arrives_with_its_subject_body_and_recipient(mailbox: Mailbox) -> None:
    message_id = email_backend().send(
        tenant=TENANT,
        to="zhang.san@example.cn",
        subject="办件 GD2025000001",
        body="您的申请已受理，决定将于 2025-02-07 前作出。",
    )
    [(envelope, message)] = mailbox.messages
    assert envelope.rcpt_tos == ["zhang.san@example.cn"] and envelope.mail_from == "noreply@gd.example.gov.cn"
    assert message["Subject"] == "办件 GD2025000001" and message["To"] == "zhang.san@example.cn"
    assert message["From"] == "广东省政务服务网 <noreply@gd.example.gov.cn>"
    assert message["Message-ID"] == message_id and message_id.endswith("@gd.example.gov.cn>")
    assert message.get_content().strip() == "您的申请已受理，决定将于 2025-02-07 前作出。"


def test_a_refused_recipient_is_told_as_such(mailbox: Mailbox) -> None:
    with pytest.raises(EmailRejected) as raised:
        email_backend().send(tenant=TENANT, to=REFUSED_ADDRESS, subject="办件", body="正文")
    assert raised.value.code == "email_refused" and mailbox.messages == []


def test_a_wrong_password_is_the_operators_to_fix_and_is_never_told(
    mailbox: Mailbox, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    configure(settings, mailbox.port, password="the-wrong-smtp-password")
    with (
        caplog.at_level(logging.INFO, logger="onestop.messaging"),
        pytest.raises(EmailUnavailable) as raised,
    ):
        email_backend().send(tenant=TENANT, to="zhang.san@example.cn", subject="办件", body="正文")
    assert raised.value.code == "email_provider_misconfigured" and raised.value.status == 503
    assert "SMTPAuthenticationError" in caplog.text and "z***@example.cn" in caplog.text
    told = caplog.text + str(raised.value) + str(raised.value.message)
    assert "the-wrong-smtp-password" not in told and "zhang.san@" not in told
    assert mailbox.messages == []


def test_a_server_out_of_reach_is_a_retryable_failure(settings: Settings) -> None:
    configure(settings, _free_port())  # nothing listens there
    with pytest.raises(EmailUnavailable) as raised:
        email_backend().send(tenant=TENANT, to="zhang.san@example.cn", subject="办件", body="正文")
    assert raised.value.code == "email_provider_unavailable"


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        (
            {"EMAIL_HOST": "", "DEFAULT_FROM_EMAIL": ""},
            "Email over SMTP needs EMAIL_HOST, DEFAULT_FROM_EMAIL.",
        ),
        ({"DEFAULT_FROM_EMAIL": "广东省政务服务网"}, "DEFAULT_FROM_EMAIL holds no email address"),
        (
            {"EMAIL_USE_TLS": True, "EMAIL_USE_SSL": True},
            "EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other",
        ),
        ({"EMAIL_HOST_PASSWORD": ""}, "EMAIL_HOST_USER and EMAIL_HOST_PASSWORD go together"),
        ({"EMAIL_HOST": "smtp.example.cn"}, "the password would cross the network in clear"),
        ({"EMAIL_PORT": 0}, "EMAIL_PORT is no port"),
    ],
)
def test_check_config_names_what_is_wrong(settings: Settings, changes: dict[str, Any], said: str) -> None:
    configure(settings, 25)
    for name, value in changes.items():
        setattr(settings, name, value)
    with pytest.raises(PluginConfigError) as raised:
        email_backends.get("smtp").check_config()
    assert said in str(raised.value)


def test_check_config_passes_for_a_server_over_tls(settings: Settings) -> None:
    configure(settings, 587)
    settings.EMAIL_HOST, settings.EMAIL_USE_TLS = "smtp.example.cn", True
    email_backends.get("smtp").check_config()
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""  # a relay that trusts the network
    settings.EMAIL_USE_TLS = False
    email_backends.get("smtp").check_config()


def test_outside_the_demo_a_configured_smtp_server_is_no_longer_refused(
    settings: Settings,
) -> None:
    settings.ONESTOP_DEMO, settings.ONESTOP_SANDBOX_ALLOWED = False, []
    configure(settings, 465)
    settings.EMAIL_HOST, settings.EMAIL_USE_SSL = "smtp.example.cn", True
    problems = [(m.id, m.msg) for m in check_integrations(None)]
    assert not [msg for check_id, msg in problems if check_id == "onestop.E002"]
    refused = [msg for check_id, msg in problems if check_id == "onestop.E001"]
    assert len(refused) == 5 and not any(msg.startswith("Email ") for msg in refused)  # the other five
