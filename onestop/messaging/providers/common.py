"""What the SMS providers share: the template mapping, the endpoint, one POST that answers
JSON, and the failures every provider has, mapped to the platform's stable codes.

Secrets never reach a log line or an error: errors carry the platform's code and words
only; log lines carry the provider's code, its request id and its own words with the
credentials and the number blotted out; numbers are logged masked.
"""

from __future__ import annotations

import abc
import functools
import http.client
import ipaddress
import json
import logging
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from onestop.core.logging import mask_personal_data
from onestop.core.plugins import PluginConfigError
from onestop.messaging.error_codes import MessagingErrorCode
from onestop.messaging.phones import mask_phone
from onestop.messaging.sms import (
    TEMPLATE_PARAMS,
    SmsBackend,
    SmsMessage,
    SmsReceipt,
    SmsRejected,
    SmsTemplate,
    SmsUnavailable,
)
from onestop.tenancy.models import Tenant

logger = logging.getLogger("onestop.messaging.providers")

TEMPLATES_SETTING = "ONESTOP_SMS_TEMPLATES"
MAX_ANSWER = 64 * 1024  # a SendSms answer for one number is a few hundred bytes
HIDDEN = "******"


class Failure(Enum):
    """What a provider's refusal means for the platform."""

    NUMBER_INVALID = "number_invalid"
    RATE_LIMITED = "rate_limited"  # the carrier's limit for this number
    REFUSED = "refused"  # this text to this number: unsubscribed, blocked, content refused
    MISCONFIGURED = "misconfigured"  # credentials, sign, templates, balance: the operator's
    UNAVAILABLE = "unavailable"  # network, timeouts, the provider's own errors and limits


def failure_error(failure: Failure) -> SmsRejected:
    """The error a caller sees: the platform's code and words, nothing of the provider's."""
    if failure is Failure.NUMBER_INVALID:
        return SmsRejected(
            MessagingErrorCode.SMS_NUMBER_INVALID,
            _("The carrier does not accept this mobile number."),
            field="phone",
        )
    if failure is Failure.RATE_LIMITED:
        return SmsRejected(
            MessagingErrorCode.SMS_RATE_LIMITED, _("Too many messages to this number; try later.")
        )
    if failure is Failure.REFUSED:
        return SmsRejected(MessagingErrorCode.SMS_REFUSED, _("The carrier refused to deliver this message."))
    code = (
        MessagingErrorCode.SMS_PROVIDER_MISCONFIGURED
        if failure is Failure.MISCONFIGURED
        else MessagingErrorCode.SMS_PROVIDER_UNAVAILABLE
    )
    return SmsUnavailable(code, _("Text messages cannot be sent at the moment. Please try again later."))


def classify(code: str, rules: Sequence[tuple[str, Failure]]) -> Failure | None:
    """The first rule whose prefix the provider's code starts with; None for a code no rule
    knows (sent again later, and logged as an error for the operator to look at)."""
    for prefix, failure in rules:
        if code.startswith(prefix):
            return failure
    return None


# --- settings -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Endpoint:
    scheme: str
    hostname: str
    port: int

    @property
    def host(self) -> str:
        """The Host header, exactly as it is signed and sent."""
        name = f"[{self.hostname}]" if ":" in self.hostname else self.hostname
        return name if self.port == (443 if self.scheme == "https" else 80) else f"{name}:{self.port}"


def is_loopback(hostname: str) -> bool:
    if hostname.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def parse_endpoint(setting: str) -> Endpoint:
    """The provider's address from ``setting``: https, or plain http to this machine (a test
    server); a bare origin, since the signed path is "/"."""
    url = str(getattr(settings, setting, "") or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise PluginConfigError(f"{setting} is not a URL.") from None
    if (
        parts.scheme not in ("https", "http")
        or not parts.hostname
        or "@" in parts.netloc
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise PluginConfigError(f"{setting} must be a bare https URL (scheme and host, no path).")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise PluginConfigError(f"{setting} must use https; plain http may reach this machine only.")
    return Endpoint(parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80))


def missing_settings(*names: str) -> list[str]:
    return [name for name in names if not str(getattr(settings, name, "") or "").strip()]


def timeout_setting() -> float:
    timeout = float(settings.ONESTOP_SMS_TIMEOUT_SECONDS)
    if not 0 < timeout <= 60:
        raise PluginConfigError("ONESTOP_SMS_TIMEOUT_SECONDS must be between 0 and 60 seconds.")
    return timeout


@dataclass(frozen=True, slots=True)
class ProviderTemplate:
    """One of the platform's templates as the provider knows it."""

    template_id: str
    # (the platform's parameter, the template's name for it), in the order the provider
    # takes them: Tencent's parameters are positional, Alibaba's named.
    params: tuple[tuple[str, str], ...]

    def values(self, message: SmsMessage) -> list[tuple[str, str]]:
        return [(theirs, str(message.params.get(ours, ""))) for ours, theirs in self.params]


TEMPLATES_HINT = (
    "Set ONESTOP_SMS_TEMPLATES to a JSON object that maps every template ({names}) to the "
    'provider\'s template id, e.g. {{"login_code": "1234567"}}, or to {{"id": "1234567", '
    '"params": ...}} where params is {form}.'
)


def parse_templates(*, positional: bool) -> dict[SmsTemplate, ProviderTemplate]:
    """ONESTOP_SMS_TEMPLATES, every template mapped. ``positional``: params, when given, is
    the list of the template's parameters in the provider's order (Tencent); otherwise an
    object from the platform's parameter names to the template's variable names (Alibaba).
    Without params a template takes the platform's names in ``TEMPLATE_PARAMS`` order."""
    form = (
        "the list of its parameters in the template's order"
        if positional
        else "an object from the platform's parameter names to the template's variables"
    )
    hint = TEMPLATES_HINT.format(names=", ".join(SmsTemplate), form=form)
    raw = str(settings.ONESTOP_SMS_TEMPLATES or "").strip()
    if not raw:
        raise PluginConfigError(f"{TEMPLATES_SETTING} is not set.", hint=hint)
    try:
        entries = json.loads(raw)
    except ValueError:
        raise PluginConfigError(f"{TEMPLATES_SETTING} is not valid JSON.", hint=hint) from None
    if not isinstance(entries, dict):
        raise PluginConfigError(f"{TEMPLATES_SETTING} must be a JSON object.", hint=hint)
    problems = []
    if unknown := sorted(set(entries) - set(SmsTemplate)):
        problems.append(f"unknown templates {', '.join(unknown)}")
    if missing := [str(t) for t in SmsTemplate if t not in entries]:
        problems.append(f"no provider template for {', '.join(missing)}")
    mapped: dict[SmsTemplate, ProviderTemplate] = {}
    for template in SmsTemplate:
        if template in entries:
            try:
                mapped[template] = _template(template, entries[template], positional=positional)
            except ValueError as error:
                problems.append(f"{template}: {error}")
    if problems:
        raise PluginConfigError(f"{TEMPLATES_SETTING}: {'; '.join(problems)}.", hint=hint)
    return mapped


def _template(template: SmsTemplate, entry: object, *, positional: bool) -> ProviderTemplate:
    ours = TEMPLATE_PARAMS[template]
    params: object = None
    if isinstance(entry, dict):
        if set(entry) - {"id", "params"}:
            raise ValueError("takes only id and params")
        template_id, params = entry.get("id"), entry.get("params")
    else:
        template_id = entry
    if not isinstance(template_id, str | int) or not str(template_id).strip():
        raise ValueError("no template id")
    expected = f"its parameters are {', '.join(ours) or 'none'}"
    if params is None:
        pairs = tuple((name, name) for name in ours)
    elif positional:
        if not isinstance(params, list) or sorted(map(str, params)) != sorted(ours):
            raise ValueError(f"params must list each parameter once ({expected})")
        pairs = tuple((str(name), str(name)) for name in params)
    else:
        if (
            not isinstance(params, dict)
            or set(params) != set(ours)
            or not all(isinstance(v, str) and v.strip() for v in params.values())
        ):
            raise ValueError(f"params must name the template's variable for each parameter ({expected})")
        pairs = tuple((name, params[name].strip()) for name in ours)
    return ProviderTemplate(str(template_id).strip(), pairs)


# --- sending ------------------------------------------------------------------------------


class ProviderUnreachable(Exception):
    """No answer that can be read: the network failed, or the answer was not JSON."""


@functools.cache
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()  # certificates and host names checked


def post_json(
    endpoint: Endpoint, target: str, headers: Mapping[str, str], body: bytes, *, timeout: float
) -> tuple[int, Any]:
    """POST to the provider and read its JSON answer, whatever the HTTP status (providers
    answer refusals in JSON too). http.client follows no redirect: a signed request goes
    to the configured endpoint only."""
    connection = (
        http.client.HTTPSConnection(endpoint.hostname, endpoint.port, timeout=timeout, context=_tls())
        if endpoint.scheme == "https"
        else http.client.HTTPConnection(endpoint.hostname, endpoint.port, timeout=timeout)
    )
    try:
        connection.request("POST", target, body=body, headers={**headers, "Host": endpoint.host})
        response = connection.getresponse()
        status, raw = response.status, response.read(MAX_ANSWER + 1)
    except (OSError, http.client.HTTPException) as error:
        raise ProviderUnreachable(f"{type(error).__name__}: {error}") from None
    finally:
        connection.close()
    try:
        if len(raw) > MAX_ANSWER:
            raise ValueError("too long")
        return status, json.loads(raw)
    except ValueError:
        raise ProviderUnreachable(f"HTTP {status} with an answer that is not JSON") from None


@dataclass(frozen=True, slots=True)
class Answer:
    """What the provider said about one text."""

    code: str  # the provider's code; empty when the text was accepted
    message_id: str = ""
    request_id: str = ""
    detail: str = ""  # the provider's own words: for the log, scrubbed first


@dataclass(frozen=True)
class ProviderConfig:
    endpoint: Endpoint
    templates: Mapping[SmsTemplate, ProviderTemplate]
    timeout: float
    # Values no log line may hold, blotted out of the provider's words before logging.
    hidden: tuple[str, ...] = field(default=(), repr=False)


def scrub(text: str, *, phone: str, hidden: Sequence[str]) -> str:
    """The provider's words fit for a log line: credentials and the number blotted out
    (before any cut, so that no part of a secret survives), at most 300 characters."""
    for value in hidden:
        if value:
            text = text.replace(value, HIDDEN)
    text = mask_personal_data(text.replace(phone, mask_phone(phone)))
    return " ".join(text.split())[:300]


C = TypeVar("C", bound=ProviderConfig)


class ProviderSmsBackend(SmsBackend, Generic[C]):
    """A provider reached over HTTPS: reads and checks its settings at each send as the
    start-up check does (a send never goes out half-configured), sends, and maps the
    provider's codes (``failures``, prefixes in order) to the platform's."""

    failures: Sequence[tuple[str, Failure]] = ()

    @abc.abstractmethod
    def configuration(self) -> C:
        """The settings, checked; raises ``PluginConfigError`` naming what is missing or
        wrong. Reaches no network."""

    @abc.abstractmethod
    def submit(self, config: C, phone: str, template: ProviderTemplate, message: SmsMessage) -> Answer:
        """Send one text; raises ``ProviderUnreachable`` when no answer could be read."""

    def check_config(self) -> None:
        self.configuration()

    def send(self, *, tenant: Tenant, phone: str, message: SmsMessage) -> SmsReceipt:
        self.check(phone, message)
        masked = mask_phone(phone)
        try:
            config = self.configuration()
        except PluginConfigError as error:  # the check at start-up says the same
            logger.error(
                "SMS %s to %s not sent through %s: %s", message.template, masked, self.identifier, error
            )
            raise failure_error(Failure.MISCONFIGURED) from None
        try:
            answer = self.submit(config, phone, config.templates[message.template], message)
        except ProviderUnreachable as error:
            logger.warning(
                "SMS %s to %s not sent through %s, to be sent again: %s",
                message.template,
                masked,
                self.identifier,
                error,
            )
            raise failure_error(Failure.UNAVAILABLE) from None
        if not answer.code:
            logger.info(
                "SMS %s to %s sent through %s as %s (tenant %s)",
                message.template,
                masked,
                self.identifier,
                answer.message_id,
                tenant.code,
            )
            return SmsReceipt(message_id=answer.message_id)
        failure = classify(answer.code, self.failures)
        operator_must_act = failure in (None, Failure.MISCONFIGURED)
        (logger.error if operator_must_act else logger.warning)(
            "SMS %s to %s refused by %s: %s %s (request %s)",
            message.template,
            masked,
            self.identifier,
            answer.code,
            scrub(answer.detail, phone=phone, hidden=config.hidden),
            answer.request_id,
        )
        raise failure_error(failure or Failure.UNAVAILABLE)
