"""Every write of identity, and the login checks.

Actions take a keyword-only ``actor``, run in one transaction and record themselves in the
audit log. Logins and refusals are recorded too (outcome failed or denied). Nothing
personal goes into the log: masked values and account ids only.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from onestop.core import databases
from onestop.core.actors import Actor, ActorKind
from onestop.core.audit import Event, record_action
from onestop.core.crypto import decrypt, encrypt, keyed_hash, reencrypt
from onestop.core.errors import OnestopError, TooManyRequests, ValidationFailed
from onestop.core.images import ImageProblem, image_problem
from onestop.core.models import AuditOutcome
from onestop.core.trust import TrustLevel
from onestop.identity import devices, events, throttle
from onestop.identity.access import id_number_hash, personal_data
from onestop.identity.audit import IdentityAudit
from onestop.identity.error_codes import IdentityErrorCode
from onestop.identity.idnumber import mask_id_number, mask_name, parse_id_number
from onestop.identity.models import (
    AccountKind,
    CodePurpose,
    FaceCheckSession,
    OneTimeCode,
    Role,
    RoleKind,
    SandboxResident,
    User,
    VerificationRecord,
)
from onestop.identity.permissions import Permission, has_permission
from onestop.identity.providers.face import PHOTO_SIGNATURES, face_provider
from onestop.identity.providers.registry import (
    RegistryAnswer,
    RegistryResult,
    population_registry,
    resident_hashes,
)
from onestop.messaging.phones import is_mobile, mask_phone, normalize_phone, phone_hash
from onestop.messaging.sms import SmsMessage, SmsReceipt, SmsTemplate, sms_backend
from onestop.tenancy.models import Department, Region, Tenant

CODE_LIFETIME = timedelta(minutes=5)
CODE_COOLDOWN = timedelta(seconds=60)
CODE_MAX_ATTEMPTS = 5
FACE_CHECK_LIFETIME = timedelta(minutes=3)


class PermissionDenied(OnestopError):
    status = 403


def _phone(value: str) -> str:
    phone = normalize_phone(value)
    if not is_mobile(phone):
        raise ValidationFailed(
            IdentityErrorCode.PHONE_INVALID, _("Enter an 11-digit mobile number."), field="phone"
        )
    return phone


def login_key(tenant: Tenant | None, phone: str) -> str:
    return f"{tenant.code if tenant else '*'}:{phone_hash(phone)}"


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


def _throttled(seconds: int, method: str) -> TooManyRequests:
    """The same answer for every account, known or not: only the wait differs."""
    return TooManyRequests(
        IdentityErrorCode.LOGIN_THROTTLED, _throttled_message(seconds, method), retry_after=seconds
    )


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            IdentityErrorCode.PASSWORD_INVALID, " ".join(exc.messages), field="password"
        ) from exc


# --- one-time codes ---------------------------------------------------------------------


def do_request_code(*, actor: Actor, tenant: Tenant, phone: str, purpose: CodePurpose) -> SmsReceipt | None:
    """Send a code by SMS. The answer is the same whether or not the number has an account:
    asked to register a known number, the SMS says so instead of carrying a code; asked to
    log in with an unknown number, nothing is sent. Returns the carrier's receipt (None
    when nothing was sent); only the sandbox's receipt carries the text."""
    number = _phone(phone)
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
        raise _throttled(wait, "sms_code")
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


def _use_code(tenant: Tenant, phone: str, purpose: str, code: str) -> bool:
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


# --- registration and login -------------------------------------------------------------


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
    number = _phone(phone)
    account_tenant = tenant if kind == AccountKind.CITIZEN else None
    _check_password(password)
    with databases.action():  # committed on its own: a wrong try must count
        code_ok = _use_code(tenant, number, CodePurpose.REGISTER, code)
    if not code_ok:
        raise ValidationFailed(
            IdentityErrorCode.CODE_INVALID, _("The code is wrong or has expired."), field="code"
        )
    with databases.action():
        try:
            with databases.atomic():
                user = User.objects.create_user(
                    login_key=login_key(account_tenant, number),
                    password=password,
                    tenant=account_tenant,
                    kind=kind,
                    phone_encrypted=encrypt(number),
                    phone_hash=phone_hash(number),
                    phone_masked=mask_phone(number),
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
        raise _throttled(wait, how)
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
            return _use_code(tenant, number, CodePurpose.LOGIN, code) if is_mobile(number) else False

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
    _check_password(new_password, user)
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


# --- real-name verification -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VerificationOutcome:
    level: int
    registry_answer: str


@dataclass(frozen=True, slots=True)
class _CheckedIdentity:
    name: str
    id_number: str
    id_hash: str
    registry: RegistryResult


def _check_identity(tenant: Tenant, user_pk: int | None, name: str, id_number: str) -> _CheckedIdentity:
    """A name and ID number checked as verification needs them: well-formed, the number's
    region known, no other account holding it, the population registry's answer."""
    clean_name = name.strip()
    if not (2 <= len(clean_name) <= 30) or any(ch.isdigit() for ch in clean_name):
        raise ValidationFailed(
            IdentityErrorCode.NAME_INVALID, _("Enter your name as on your ID card."), field="name"
        )
    cities = Region.objects.filter(tenant=tenant, level="city").values_list("code", flat=True)
    parsed = parse_id_number(id_number, known_city_codes=[code[:4] for code in cities])
    id_hash = id_number_hash(parsed.value)
    holders = User.objects.filter(tenant=tenant, id_number_hash=id_hash)
    if user_pk is not None:
        holders = holders.exclude(pk=user_pk)
    if holders.exists():
        raise ValidationFailed(
            IdentityErrorCode.ID_TAKEN,
            _("This ID number is already verified for another account."),
            field="id_number",
        )
    result = population_registry().match(tenant=tenant, name=clean_name, id_number=parsed.value)
    return _CheckedIdentity(clean_name, parsed.value, id_hash, result)


def do_verify_identity(*, actor: Actor, user: User, name: str, id_number: str) -> VerificationOutcome:
    """L2 when the name and number are well-formed; L3 when the population registry
    matches them. The number's region must be known, and one person has one account."""
    tenant = user.tenant
    assert tenant is not None, "citizens belong to a tenant"
    checked = _check_identity(tenant, user.pk, name, id_number)
    with databases.action():
        return _store_identity(actor=actor, user=user, tenant=tenant, checked=checked)


def _store_identity(
    *, actor: Actor, user: User, tenant: Tenant, checked: _CheckedIdentity
) -> VerificationOutcome:
    result = checked.registry
    level = TrustLevel.L3 if result.answer == RegistryAnswer.MATCH else TrustLevel.L2
    user = User.objects.select_for_update().get(pk=user.pk)
    user.real_name_encrypted, user.real_name_masked = encrypt(checked.name), mask_name(checked.name)
    user.id_number_encrypted, user.id_number_hash = encrypt(checked.id_number), checked.id_hash
    user.id_number_masked = mask_id_number(checked.id_number)
    user.trust_level = max(
        level, user.trust_level if user.id_number_hash == checked.id_hash else TrustLevel.L1
    )
    user.verified_at = timezone.now()
    user.save()
    VerificationRecord.objects.create(user=user, level=TrustLevel.L2, method="id_format", outcome="granted")
    VerificationRecord.objects.create(
        user=user,
        level=TrustLevel.L3,
        method="population_registry",
        provider=result.provider,
        outcome=result.answer.value,
    )
    record_action(
        actor=actor,
        action=IdentityAudit.VERIFY,
        tenant_code=tenant.code,
        object_type="user",
        object_id=str(user.pk),
        detail={
            "level": int(user.trust_level),
            "registry": result.answer.value,
            "id_number": user.id_number_masked,
        },
        events=[
            Event(
                events.USER_VERIFIED,
                {"tenant": tenant.code, "user": user.pk, "level": int(user.trust_level)},
            )
        ],
    )
    return VerificationOutcome(level=user.trust_level, registry_answer=result.answer.value)


def do_start_face_check(*, actor: Actor, user: User) -> FaceCheckSession:
    if user.trust_level < TrustLevel.L3:
        raise OnestopError(
            IdentityErrorCode.TRUST_LEVEL_TOO_LOW,
            _("Verify your name and ID number first (level L3)."),
        )
    provider = face_provider()
    with databases.action():
        session = FaceCheckSession.objects.create(
            user=user,
            provider=provider.identifier,
            challenge=provider.new_challenge(),
            expires_at=timezone.now() + FACE_CHECK_LIFETIME,
        )
        record_action(
            actor=actor,
            action=IdentityAudit.FACE_CHECK_STARTED,
            tenant_code=user.tenant.code if user.tenant else "",
            object_type="user",
            object_id=str(user.pk),
        )
    return session


def do_complete_face_check(*, actor: Actor, user: User, session_id: int, answer: str, photo: bytes) -> User:
    if photo.startswith(PHOTO_SIGNATURES) and image_problem(photo) == ImageProblem.TOO_MANY_PIXELS:
        # Refused before any provider decodes it (the session stays open for a new photo).
        raise ValidationFailed(
            IdentityErrorCode.PHOTO_TOO_LARGE,
            _("The photo may have at most 10,000 pixels on a side and 40 million in all."),
            field="photo",
        )
    with databases.action():
        session = (
            FaceCheckSession.objects.select_for_update()
            .filter(pk=session_id, user=user, completed_at__isnull=True)
            .first()
        )
        if session is None or session.expires_at < timezone.now():
            raise OnestopError(
                IdentityErrorCode.FACE_CHECK_EXPIRED, _("The face check has expired. Start again.")
            )
        result = face_provider().check(challenge=session.challenge, answer=answer, photo=photo)
        session.completed_at, session.outcome = timezone.now(), result.reason
        session.save(update_fields=["completed_at", "outcome"])
        VerificationRecord.objects.create(
            user=user,
            level=TrustLevel.L4,
            method="face_check",
            provider=session.provider,
            outcome=result.reason,
        )
        if result.passed and user.trust_level < TrustLevel.L4:
            user.trust_level = TrustLevel.L4
            user.save(update_fields=["trust_level"])
        record_action(
            actor=actor,
            action=IdentityAudit.FACE_CHECK,
            tenant_code=user.tenant.code if user.tenant else "",
            object_type="user",
            object_id=str(user.pk),
            detail={"result": result.reason},
            outcome=AuditOutcome.SUCCESS if result.passed else AuditOutcome.FAILED,
        )
    if not result.passed:
        messages = {
            "photo_invalid": _("The photo must be a JPEG or PNG image of at most 5 MB."),
            "challenge_wrong": _("The digits you read do not match the challenge."),
        }
        raise OnestopError(
            IdentityErrorCode.FACE_CHECK_FAILED,
            messages.get(result.reason, _("The face check failed.")),
        )
    return user


# --- staff and personal data ------------------------------------------------------------


def require(
    actor_user: User,
    permission: Permission,
    *,
    tenant: Tenant,
    actor: Actor,
    department: Department | None = None,
    what: str = "",
) -> None:
    """Refuse (and record the refusal) unless the account holds the permission here."""
    if has_permission(actor_user, permission, tenant=tenant, department=department):
        return
    record_action(
        actor=actor,
        action=IdentityAudit(f"identity.denied.{permission.value}"),
        tenant_code=tenant.code,
        object_type="permission",
        object_id=what,
        outcome=AuditOutcome.DENIED,
    )
    raise PermissionDenied(IdentityErrorCode.PERMISSION_DENIED, _("You do not have permission to do this."))


def do_create_staff(
    *,
    actor: Actor,
    operator: User,
    tenant: Tenant,
    phone: str,
    display_name: str,
    role: str,
    password: str,
    department: Department | None = None,
) -> User:
    require(operator, Permission.MANAGE_STAFF, tenant=tenant, actor=actor, what="create_staff")
    number = _phone(phone)
    department_roles = {RoleKind.OFFICER, RoleKind.DEPARTMENT_HEAD}
    if role not in {RoleKind.OFFICER, RoleKind.DEPARTMENT_HEAD, RoleKind.TENANT_OPERATOR} or (
        (role in department_roles) != (department is not None)
    ):
        raise ValidationFailed(
            IdentityErrorCode.ROLE_INVALID,
            _("Officers and heads need a department; operators need none."),
            field="role",
        )
    if department is not None and department.tenant_id != tenant.id:
        raise ValidationFailed(IdentityErrorCode.ROLE_INVALID, _("Unknown department."), field="department")
    _check_password(password)
    if not display_name.strip():
        raise ValidationFailed(
            IdentityErrorCode.NAME_INVALID,
            _("Enter the staff member's name."),
            field="display_name",
        )
    with databases.action():
        if User.objects.filter(login_key=login_key(tenant, number)).exists():
            raise ValidationFailed(
                IdentityErrorCode.PHONE_TAKEN,
                _("This number already has an account."),
                field="phone",
            )
        user = User.objects.create_user(
            login_key=login_key(tenant, number),
            password=password,
            tenant=tenant,
            kind=AccountKind.STAFF,
            display_name=display_name.strip(),
            phone_encrypted=encrypt(number),
            phone_hash=phone_hash(number),
            phone_masked=mask_phone(number),
        )
        Role.objects.create(user=user, kind=role, tenant=tenant, department=department)
        record_action(
            actor=actor,
            action=IdentityAudit.CREATE_STAFF,
            tenant_code=tenant.code,
            object_type="user",
            object_id=str(user.pk),
            detail={"role": role, "department": department.code if department else ""},
        )
    return user


def do_set_account_active(*, actor: Actor, operator: User, tenant: Tenant, user: User, active: bool) -> User:
    require(operator, Permission.MANAGE_STAFF, tenant=tenant, actor=actor, what="set_active")
    if user.tenant_id != tenant.id:
        raise ValidationFailed(IdentityErrorCode.USER_NOT_FOUND, _("No such account."))
    with databases.action():
        user.is_active = active
        if not active:
            user.session_generation += 1  # disabling ends every session at once
        user.save(update_fields=["is_active", "session_generation"])
        record_action(
            actor=actor,
            action=IdentityAudit.ENABLE if active else IdentityAudit.DISABLE,
            tenant_code=tenant.code,
            object_type="user",
            object_id=str(user.pk),
        )
    return user


REVEALABLE = {
    "id_number": "id_number_encrypted",
    "phone": "phone_encrypted",
    "real_name": "real_name_encrypted",
}


def do_reveal_personal_data(*, actor: Actor, viewer: User, tenant: Tenant, user: User, field: str) -> str:
    """The full value of a protected field, for a viewer allowed to see it; every reveal is
    recorded (who, whose, which field), refused ones too."""
    require(viewer, Permission.REVEAL_PERSONAL_DATA, tenant=tenant, actor=actor, what=f"reveal:{field}")
    if user.tenant_id != tenant.id or field not in REVEALABLE:
        raise ValidationFailed(IdentityErrorCode.USER_NOT_FOUND, _("No such account."))
    stored = getattr(user, REVEALABLE[field])
    with databases.action():
        record_action(
            actor=actor,
            action=IdentityAudit.REVEAL,
            tenant_code=tenant.code,
            object_type="user",
            object_id=str(user.pk),
            detail={"field": field},
        )
    return decrypt(stored) if stored else ""


def do_export_personal_data(*, actor: Actor, user: User, password: str) -> dict[str, Any]:
    """Everything held about the account's owner, with the protected values in full: the
    owner confirms with the password, and the export is recorded."""
    if not user.check_password(password):
        raise ValidationFailed(
            IdentityErrorCode.PASSWORD_WRONG, _("The current password is wrong."), field="password"
        )
    data = personal_data(user)
    data["account"].update(
        phone=decrypt(user.phone_encrypted),
        real_name=decrypt(user.real_name_encrypted) if user.real_name_encrypted else "",
        id_number=decrypt(user.id_number_encrypted) if user.id_number_encrypted else "",
    )
    with databases.action():
        record_action(
            actor=actor,
            action=IdentityAudit.EXPORT,
            tenant_code=user.tenant.code if user.tenant else "",
            object_type="user",
            object_id=str(user.pk),
        )
    return data


# --- provisioning (operators' imports, the demo) ----------------------------------------


@dataclass(frozen=True, slots=True)
class ResidentSpec:
    name: str
    id_number: str
    status: str = "normal"


def do_load_sandbox_residents(*, actor: Actor, tenant: Tenant, residents: list[ResidentSpec]) -> int:
    """Fill the sandbox population registry of a tenant (hashes only, like the real one)."""
    rows = []
    for resident in residents:
        id_hash, name_hash = resident_hashes(resident.name, resident.id_number)
        rows.append(
            SandboxResident(
                tenant=tenant, id_number_hash=id_hash, name_hash=name_hash, status=resident.status
            )
        )
    with databases.action():
        SandboxResident.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        record_action(
            actor=actor,
            action=IdentityAudit.LOAD_SANDBOX_RESIDENTS,
            tenant_code=tenant.code,
            object_type="sandbox_resident",
            detail={"count": len(rows)},
        )
    return len(rows)


@dataclass(frozen=True, slots=True)
class AccountSpec:
    phone: str
    password: str | None  # None: no password login (history's applicants)
    kind: str = AccountKind.CITIZEN
    display_name: str = ""
    roles: tuple[tuple[str, str], ...] = ()  # (role kind, department code or "")
    identity: ResidentSpec | None = None


def do_provision_account(*, actor: Actor, tenant: Tenant | None, spec: AccountSpec) -> User:
    """Create an account without an SMS round trip: for operators' imports and the demo.
    An identity given is checked like a citizen's own verification."""
    if actor.kind != ActorKind.SYSTEM:
        raise PermissionDenied(
            IdentityErrorCode.PERMISSION_DENIED, _("You do not have permission to do this.")
        )
    number = _phone(spec.phone)
    account_tenant = tenant if spec.kind in {AccountKind.CITIZEN, AccountKind.STAFF} else None
    checked = None
    if spec.identity is not None and tenant is not None:
        checked = _check_identity(tenant, None, spec.identity.name, spec.identity.id_number)
    with databases.action():
        user = User.objects.create_user(
            login_key=login_key(account_tenant, number),
            password=spec.password,
            tenant=account_tenant,
            kind=spec.kind,
            display_name=spec.display_name,
            phone_encrypted=encrypt(number),
            phone_hash=phone_hash(number),
            phone_masked=mask_phone(number),
        )
        for role, department_code in spec.roles:
            department = (
                Department.objects.get(tenant=tenant, code=department_code) if department_code else None
            )
            Role.objects.create(
                user=user,
                kind=role,
                department=department,
                tenant=None if role == RoleKind.PLATFORM_OPERATOR else tenant,
            )
        record_action(
            actor=actor,
            action=IdentityAudit.PROVISION_ACCOUNT,
            tenant_code=tenant.code if tenant else "",
            object_type="user",
            object_id=str(user.pk),
            detail={"kind": spec.kind},
        )
        if checked is not None and tenant is not None:
            _store_identity(actor=actor, user=user, tenant=tenant, checked=checked)
            user.refresh_from_db()
    return user


def do_reencrypt_personal_data(*, actor: Actor) -> int:
    """Re-encrypt every protected value with the newest data key (after adding a key)."""
    fields = ["phone_encrypted", "real_name_encrypted", "id_number_encrypted"]
    with databases.action():
        users = list(User.objects.select_for_update().only("id", *fields))
        for user in users:
            for field in fields:
                if value := getattr(user, field):
                    setattr(user, field, reencrypt(value))
        User.objects.bulk_update(users, fields, batch_size=1000)
        record_action(actor=actor, action=IdentityAudit.REENCRYPT, detail={"accounts": len(users)})
    return len(users)


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
