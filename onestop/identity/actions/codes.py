"""One-time SMS codes: asked for, sent through the tenant's SMS templates, used once; the
throttle's key for a phone number."""

from __future__ import annotations

import math
import secrets
from datetime import timedelta

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import record_action
from onestop.core.crypto import keyed_hash
from onestop.core.errors import OnestopError, TooManyRequests, ValidationFailed
from onestop.core.metrics import counter
from onestop.identity import throttle
from onestop.identity.audit import IdentityAudit
from onestop.identity.error_codes import IdentityErrorCode
from onestop.identity.models import (
    CodePurpose,
    OneTimeCode,
    User,
)
from onestop.identity.models import login_key as account_login_key
from onestop.messaging.phones import is_mobile, mask_phone, normalize_phone, phone_hash
from onestop.messaging.sms import SmsMessage, SmsReceipt, SmsTemplate, sms_backend
from onestop.tenancy.models import Tenant

CODE_LIFETIME = timedelta(minutes=5)


CODE_COOLDOWN = timedelta(seconds=60)


CODE_MAX_ATTEMPTS = 5


def valid_phone(value: str) -> str:
    phone = normalize_phone(value)
    if not is_mobile(phone):
        raise ValidationFailed(
            IdentityErrorCode.PHONE_INVALID, _("Enter an 11-digit mobile number."), field="phone"
        )
    return phone


def login_key(tenant: Tenant | None, phone: str) -> str:
    return account_login_key(tenant.code if tenant else None, phone)


def _code_hash(tenant: Tenant, phone: str, purpose: str, code: str) -> str:
    return keyed_hash("one-time-code", f"{tenant.code}:{phone}:{purpose}:{code}")


def _wait_in_words(seconds: int) -> str:
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def _throttled_text(seconds: int, method: str) -> str:
    if method == "password":
        text = gettext("Too many attempts. Try again in %(wait)s, or log in with an SMS code.")
    else:
        text = gettext("Too many attempts. Try again in %(wait)s.")
    return text % {"wait": _wait_in_words(seconds)}


# Put into words in the language of whoever reads it (the page's, the API's).
_throttled_message = lazy(_throttled_text, str)


THROTTLED = counter("onestop_login_throttled_total", "Login attempts answered with a wait", ["method"])


def throttled(seconds: int, method: str) -> TooManyRequests:
    """The same answer for every account, known or not: only the wait differs."""
    THROTTLED.labels(method).inc()
    return TooManyRequests(
        IdentityErrorCode.LOGIN_THROTTLED, _throttled_message(seconds, method), retry_after=seconds
    )


def do_request_code(*, actor: Actor, tenant: Tenant, phone: str, purpose: CodePurpose) -> SmsReceipt | None:
    """Send a code by SMS. The answer is the same whether or not the number has an account:
    asked to register a known number, the SMS says so instead of carrying a code; asked to
    log in with an unknown number, nothing is sent. Returns the carrier's receipt (None
    when nothing was sent); only the sandbox's receipt carries the text."""
    number = valid_phone(phone)
    hashed = phone_hash(number)
    last = (
        OneTimeCode.objects.filter(tenant=tenant, phone_hash=hashed, purpose=purpose)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last and timezone.now() - last < CODE_COOLDOWN:
        raise OnestopError(
            IdentityErrorCode.CODE_TOO_SOON,
            _("A code was sent less than a minute ago. Please wait."),
        )
    # Every request counts against its address (each is an SMS), delayed, never locked.
    wait = throttle.take_turn(throttle.code_request_counters(tenant, actor.address))
    if wait:
        raise throttled(wait, "sms_code")
    exists = User.objects.filter(login_key=login_key(tenant, number)).exists()
    code = f"{secrets.randbelow(1_000_000):06d}"
    # The carrier is asked first, outside any transaction: a call of seconds must not hold
    # the database's write lock, and a refused text leaves no code behind.
    message = _code_message(tenant, purpose, code, exists=exists)
    receipt = sms_backend().send(tenant=tenant, phone=number, message=message) if message else None
    with databases.action():
        OneTimeCode.objects.create(
            tenant=tenant,
            phone_hash=hashed,
            purpose=purpose,
            code_hash=_code_hash(tenant, number, purpose, code),
            expires_at=timezone.now() + CODE_LIFETIME,
        )
        record_action(
            actor=actor,
            action=IdentityAudit.REQUEST_CODE,
            tenant_code=tenant.code,
            object_type="phone",
            object_id=mask_phone(number),
            detail={"purpose": str(purpose)},
        )
    return receipt


def _code_message(tenant: Tenant, purpose: str, code: str, *, exists: bool) -> SmsMessage | None:
    """The text a code request sends, if any (SMS texts are the tenant's, in Chinese)."""
    if purpose == CodePurpose.REGISTER and exists:
        return SmsMessage(
            SmsTemplate.ALREADY_REGISTERED,
            f"【{tenant.name}】该手机号已注册，请直接登录。如非本人操作请忽略。",
        )
    if purpose == CodePurpose.REGISTER:
        return SmsMessage(
            SmsTemplate.REGISTER_CODE,
            f"【{tenant.name}】注册验证码 {code}，5分钟内有效。请勿告诉他人。",
            {"code": code},
        )
    if exists:
        return SmsMessage(
            SmsTemplate.LOGIN_CODE,
            f"【{tenant.name}】登录验证码 {code}，5分钟内有效。请勿告诉他人。",
            {"code": code},
        )
    return None


def use_code(tenant: Tenant, phone: str, purpose: str, code: str) -> bool:
    """Consume a matching, unexpired code; every try counts against the newest code."""
    candidate = (
        OneTimeCode.objects.select_for_update()
        .filter(tenant=tenant, phone_hash=phone_hash(phone), purpose=purpose, used_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if candidate is None or candidate.expires_at < timezone.now():
        return False
    candidate.attempts += 1
    matches = secrets.compare_digest(candidate.code_hash, _code_hash(tenant, phone, purpose, code.strip()))
    if matches or candidate.attempts >= CODE_MAX_ATTEMPTS:
        candidate.used_at = timezone.now()  # single use; five wrong tries burn it too
    candidate.save(update_fields=["attempts", "used_at"])
    return matches
