"""Email through an SMTP server, with Django's SMTP backend and Django's settings: EMAIL_HOST,
EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS (STARTTLS) or EMAIL_USE_SSL,
EMAIL_TIMEOUT and DEFAULT_FROM_EMAIL, read from the environment of the same names.

The backend class is named here, not taken from EMAIL_BACKEND: the plugin setting
(ONESTOP_EMAIL_BACKEND) chooses SMTP, and a test run's in-memory EMAIL_BACKEND must not
turn a real send into a kept one.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend as DjangoSmtpBackend
from django.utils.translation import gettext_lazy as _

from onestop.core.plugins import PluginConfigError
from onestop.messaging.email import (
    EmailBackend,
    EmailRejected,
    EmailUnavailable,
    email_backends,
    is_email,
    mask_email,
)
from onestop.messaging.error_codes import MessagingErrorCode
from onestop.messaging.providers.common import is_loopback
from onestop.tenancy.models import Tenant

logger = logging.getLogger("onestop.messaging.providers")

UNAVAILABLE = _("Email cannot be sent at the moment. Please try again later.")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str
    password: str
    use_tls: bool
    use_ssl: bool
    timeout: float
    sender: str  # the From header, perhaps with a display name
    sender_domain: str

    def __repr__(self) -> str:  # never the password
        return f"SmtpConfig(host={self.host!r}, port={self.port}, username={self.username!r})"


@email_backends.register("smtp")
class SmtpEmailBackend(EmailBackend):
    verbose_name = _("SMTP server")

    def configuration(self) -> SmtpConfig:
        """The settings, checked; reaches no network."""
        missing = [
            name
            for name in ("EMAIL_HOST", "DEFAULT_FROM_EMAIL")
            if not str(getattr(settings, name, "") or "").strip()
        ]
        if missing:
            raise PluginConfigError(
                f"Email over SMTP needs {', '.join(missing)}.",
                hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_USE_TLS or EMAIL_USE_SSL, "
                "EMAIL_HOST_USER and EMAIL_HOST_PASSWORD as the server asks) and "
                "DEFAULT_FROM_EMAIL, e.g. 'Onestop <noreply@example.gov.cn>'.",
            )
        host = str(settings.EMAIL_HOST).strip()
        sender = str(settings.DEFAULT_FROM_EMAIL).strip()
        address = parseaddr(sender)[1]
        username, password = (
            str(settings.EMAIL_HOST_USER or ""),
            str(settings.EMAIL_HOST_PASSWORD or ""),
        )
        use_tls, use_ssl = bool(settings.EMAIL_USE_TLS), bool(settings.EMAIL_USE_SSL)
        problems = []
        if not is_email(address):
            problems.append("DEFAULT_FROM_EMAIL holds no email address")
        if use_tls and use_ssl:
            problems.append("EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other")
        if not 0 < int(settings.EMAIL_PORT) < 65536:
            problems.append("EMAIL_PORT is no port")
        if bool(username) != bool(password):
            problems.append("EMAIL_HOST_USER and EMAIL_HOST_PASSWORD go together")
        if password and not (use_tls or use_ssl) and not is_loopback(host):
            problems.append(
                "the password would cross the network in clear: set EMAIL_USE_TLS or EMAIL_USE_SSL"
            )
        if not float(settings.EMAIL_TIMEOUT) > 0:
            problems.append("EMAIL_TIMEOUT must be positive")
        if problems:
            raise PluginConfigError(f"Email over SMTP: {'; '.join(problems)}.")
        return SmtpConfig(
            host=host,
            port=int(settings.EMAIL_PORT),
            username=username,
            password=password,
            use_tls=use_tls,
            use_ssl=use_ssl,
            timeout=float(settings.EMAIL_TIMEOUT),
            sender=sender,
            sender_domain=address.rpartition("@")[2],
        )

    def check_config(self) -> None:
        self.configuration()

    def send(self, *, tenant: Tenant, to: str, subject: str, body: str) -> str:
        self.check(to, subject, body)
        masked = mask_email(to)
        try:
            config = self.configuration()
        except PluginConfigError as error:
            logger.error("Email to %s not sent over SMTP: %s", masked, error)
            raise EmailUnavailable(MessagingErrorCode.EMAIL_PROVIDER_MISCONFIGURED, UNAVAILABLE) from None
        connection = DjangoSmtpBackend(
            host=config.host,
            port=config.port,
            username=config.username or None,
            password=config.password or None,
            use_tls=config.use_tls,
            use_ssl=config.use_ssl,
            timeout=config.timeout,
            fail_silently=False,
        )
        message_id = make_msgid(domain=config.sender_domain)  # no lookup of this machine's name
        message = EmailMessage(
            subject=subject,
            body=body,
            from_email=config.sender,
            to=[to],
            headers={"Message-ID": message_id},
            connection=connection,
        )
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused:
            logger.warning("Email to %s refused by %s", masked, config.host)
            raise EmailRejected(
                MessagingErrorCode.EMAIL_REFUSED, _("The mail server refused this address."), field="email"
            ) from None
        except (
            smtplib.SMTPAuthenticationError,
            smtplib.SMTPSenderRefused,
            smtplib.SMTPNotSupportedError,
            ssl.SSLCertVerificationError,
        ) as error:
            # The error's text is the server's; the password is never part of it.
            logger.error(
                "Email to %s not sent: %s refuses the settings (%s %s)",
                masked,
                config.host,
                type(error).__name__,
                getattr(error, "smtp_code", ""),
            )
            raise EmailUnavailable(MessagingErrorCode.EMAIL_PROVIDER_MISCONFIGURED, UNAVAILABLE) from None
        except smtplib.SMTPDataError as error:
            if error.smtp_code < 500:
                raise self._unavailable(masked, config, error) from None
            logger.warning("Email to %s refused by %s (%s)", masked, config.host, error.smtp_code)
            raise EmailRejected(
                MessagingErrorCode.EMAIL_REFUSED, _("The mail server refused this message.")
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            raise self._unavailable(masked, config, error) from None
        logger.info("Email to %s sent over SMTP as %s (tenant %s)", masked, message_id, tenant.code)
        return message_id

    @staticmethod
    def _unavailable(masked: str, config: SmtpConfig, error: Exception) -> EmailUnavailable:
        logger.warning(
            "Email to %s not sent over SMTP, to be sent again: %s:%s %s (%s)",
            masked,
            config.host,
            config.port,
            type(error).__name__,
            getattr(error, "smtp_code", ""),
        )
        return EmailUnavailable(MessagingErrorCode.EMAIL_PROVIDER_UNAVAILABLE, UNAVAILABLE)
