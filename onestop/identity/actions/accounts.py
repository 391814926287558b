"""Accounts and their sessions: registration, login by password or code, logout, the
password and the contact details."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import Event, record_action
from onestop.core.crypto import encrypt
from onestop.core.errors import OnestopError, ValidationFailed
from onestop.core.models import AuditOutcome
from onestop.core.trust import TrustLevel
from onestop.identity import devices, events, throttle
from onestop.identity.actions.codes import login_key, throttled, use_code, valid_phone
from onestop.identity.audit import IdentityAudit
from onestop.identity.error_codes import IdentityErrorCode
from onestop.identity.models import (
    AccountKind,
    CodePurpose,
    User,
    VerificationRecord,
)
from onestop.messaging.phones import is_mobile, mask_phone, normalize_phone
from onestop.tenancy.models import Tenant


def check_new_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            IdentityErrorCode.PASSWORD_INVALID, " ".join(exc.messages), field="password"
        ) from exc


def do_register_citizen(
    *, actor: Actor, tenant: Tenant, phone: str, code: str, password: str, language: str = "zh-hans"
) -> User:
    return _register(actor, tenant, phone, code, password, language, AccountKind.CITIZEN)


def do_register_partner_developer(
    *, actor: Actor, tenant: Tenant, phone: str, code: str, password: str, language: str = "zh-hans"
) -> User:
    """A partner developer's account: the platform's, not the tenant's (the tenant only
    sent the code). It logs in on any tenant's login page."""
    return _register(actor, tenant, phone, code, password, language, AccountKind.PARTNER_DEVELOPER)


def _register(
    actor: Actor, tenant: Tenant, phone: str, code: str, password: str, language: str, kind: AccountKind
) -> User:
    number = valid_phone(phone)
    account_tenant = tenant if kind == AccountKind.CITIZEN else None
    check_new_password(password)
    with databases.action():  # committed on its own: a wrong try must count
        code_ok = use_code(tenant, number, CodePurpose.REGISTER, code)
    if not code_ok:
        raise ValidationFailed(
            IdentityErrorCode.CODE_INVALID, _("The code is wrong or has expired."), field="code"
        )
    with databases.action():
        try:
            with databases.atomic():
                user = User.objects.create_user(
                    phone=number,
                    password=password,
                    tenant=account_tenant,
                    kind=kind,
                    language=language if language in {"zh-hans", "en"} else "zh-hans",
                )
        except IntegrityError:
            raise ValidationFailed(
                IdentityErrorCode.CODE_INVALID, _("The code is wrong or has expired."), field="code"
            ) from None
        VerificationRecord.objects.create(
            user=user, level=TrustLevel.L1, method="sms_code", outcome="granted"
        )
        record_action(
            actor=actor,
            action=IdentityAudit.REGISTER,
            tenant_code=tenant.code,
            object_type="user",
            object_id=str(user.pk),
            events=[Event(events.USER_REGISTERED, {"tenant": tenant.code, "user": user.pk})],
        )
    return user


def _login_refused(actor: Actor, tenant: Tenant, masked: str, how: str) -> OnestopError:
    record_action(
        actor=actor,
        action=IdentityAudit.LOGIN,
        tenant_code=tenant.code,
        object_type="phone",
        object_id=masked,
        detail={"method": how},
        outcome=AuditOutcome.FAILED,
    )
    # The same answer whether the account exists, is disabled or the secret is wrong.
    return OnestopError(
        IdentityErrorCode.LOGIN_FAILED, _("The phone number or the password or code is wrong.")
    )


def _login(actor: Actor, tenant: Tenant, phone: str, how: str, secret_ok: Any, device_token: str) -> User:
    number = normalize_phone(phone)
    masked = mask_phone(number) if is_mobile(number) else "invalid"
    device = devices.device_id(device_token, tenant, number)
    counters = throttle.login_counters(
        tenant=tenant, number=number, address=actor.address, method=how, device=device
    )
    # Counted as a failure before anything is evaluated; a refused turn evaluates nothing.
    wait = throttle.take_turn(counters)
    if wait:
        record_action(
            actor=actor,
            action=IdentityAudit.LOGIN,
            tenant_code=tenant.code,
            object_type="phone",
            object_id=masked,
            detail={"method": how, "throttled": True},
            outcome=AuditOutcome.DENIED,
        )
        raise throttled(wait, how)
    user = None
    if is_mobile(number):
        # The tenant's own account first; platform accounts (operators, partner developers)
        # log in through any tenant's portal.
        user = (
            User.objects.filter(login_key=login_key(tenant, number)).first()
            or User.objects.using(databases.PLATFORM).filter(login_key=login_key(None, number)).first()
        )
    if not secret_ok(user, number) or user is None or not user.is_active:
        raise _login_refused(actor, tenant, masked, how)
    with databases.action():
        throttle.login_succeeded(counters, tenant=tenant, number=number, address=actor.address)
        record_action(
            actor=actor,
            action=IdentityAudit.LOGIN,
            tenant_code=tenant.code,
            object_type="user",
            object_id=str(user.pk),
            detail={"method": how, "known_device": device is not None},
        )
    return user


def do_log_in_with_password(
    *, actor: Actor, tenant: Tenant, phone: str, password: str, device_token: str = ""
) -> User:
    """``device_token``: the account's device cookie, if the browser sent one
    (``identity.devices``)."""

    def password_ok(user: User | None, number: str) -> bool:
        if user is None:
            # Hash anyway, with the configured hasher: an unknown account takes as long to
            # refuse as a known one.
            User().set_password(password)
            return False
        return user.check_password(password)

    return _login(actor, tenant, phone, "password", password_ok, device_token)


def do_log_in_with_code(
    *, actor: Actor, tenant: Tenant, phone: str, code: str, device_token: str = ""
) -> User:
    """Codes are held back by code failures only, never by password guesses."""

    def code_ok(user: User | None, number: str) -> bool:
        with databases.atomic():
            return use_code(tenant, number, CodePurpose.LOGIN, code) if is_mobile(number) else False

    return _login(actor, tenant, phone, "sms_code", code_ok, device_token)


def _end_sessions(user: User) -> None:
    User.objects.filter(pk=user.pk).update(session_generation=user.session_generation + 1)
    user.session_generation += 1


def do_logout(*, actor: Actor, user: User) -> None:
    """End every session of the account, on every device."""
    with databases.action():
        _end_sessions(user)
        record_action(
            actor=actor,
            action=IdentityAudit.LOGOUT,
            tenant_code=user.tenant.code if user.tenant else "",
            object_type="user",
            object_id=str(user.pk),
        )


def do_change_password(*, actor: Actor, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise ValidationFailed(
            IdentityErrorCode.PASSWORD_WRONG,
            _("The current password is wrong."),
            field="old_password",
        )
    check_new_password(new_password, user)
    with databases.action():
        user.set_password(new_password)
        user.session_generation += 1
        user.save(update_fields=["password", "session_generation"])
        record_action(
            actor=actor,
            action=IdentityAudit.CHANGE_PASSWORD,
            tenant_code=user.tenant.code if user.tenant else "",
            object_type="user",
            object_id=str(user.pk),
        )


def do_set_contact(*, actor: Actor, user: User, email: str, language: str) -> User:
    """The account's email address (optional, for messages) and message language."""
    from onestop.messaging.email import email_hash, is_email, mask_email

    address = email.strip()
    if address and not is_email(address):
        raise ValidationFailed(
            IdentityErrorCode.EMAIL_INVALID, _("Enter a valid email address."), field="email"
        )
    with databases.action():
        user.email_encrypted = encrypt(address) if address else ""
        user.email_masked = mask_email(address) if address else ""
        user.language = language if language in {"zh-hans", "en"} else user.language
        user.save(update_fields=["email_encrypted", "email_masked", "language"])
        record_action(
            actor=actor,
            action=IdentityAudit.SET_CONTACT,
            tenant_code=user.tenant.code if user.tenant else "",
            object_type="user",
            object_id=str(user.pk),
            detail={
                "email": user.email_masked,
                "language": user.language,
                "hash": email_hash(address)[:8] if address else "",
            },
        )
    return user
