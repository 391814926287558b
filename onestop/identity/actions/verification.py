"""Real-name verification: the name and ID number checked against the population registry
(L3), then the face check (L4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import Event, record_action
from onestop.core.errors import OnestopError, ValidationFailed
from onestop.core.images import ImageProblem, image_problem
from onestop.core.models import AuditOutcome
from onestop.core.trust import TrustLevel
from onestop.identity import events
from onestop.identity.access import id_number_hash
from onestop.identity.audit import IdentityAudit
from onestop.identity.error_codes import IdentityErrorCode
from onestop.identity.idnumber import parse_id_number
from onestop.identity.models import (
    FaceCheckSession,
    User,
    VerificationRecord,
)
from onestop.identity.providers.face import PHOTO_SIGNATURES, face_provider
from onestop.identity.providers.registry import (
    RegistryAnswer,
    RegistryResult,
    population_registry,
)
from onestop.tenancy.models import Region, Tenant

FACE_CHECK_LIFETIME = timedelta(minutes=3)


@dataclass(frozen=True, slots=True)
class VerificationOutcome:
    level: int
    registry_answer: str


@dataclass(frozen=True, slots=True)
class CheckedIdentity:
    name: str
    id_number: str
    id_hash: str
    registry: RegistryResult


def check_identity(tenant: Tenant, user_pk: int | None, name: str, id_number: str) -> CheckedIdentity:
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
    return CheckedIdentity(clean_name, parsed.value, id_hash, result)


def do_verify_identity(*, actor: Actor, user: User, name: str, id_number: str) -> VerificationOutcome:
    """L2 when the name and number are well-formed; L3 when the population registry
    matches them. The number's region must be known, and one person has one account."""
    tenant = user.tenant
    assert tenant is not None, "citizens belong to a tenant"
    checked = check_identity(tenant, user.pk, name, id_number)
    with databases.action():
        return store_identity(actor=actor, user=user, tenant=tenant, checked=checked)


def store_identity(
    *, actor: Actor, user: User, tenant: Tenant, checked: CheckedIdentity
) -> VerificationOutcome:
    result = checked.registry
    level = TrustLevel.L3 if result.answer == RegistryAnswer.MATCH else TrustLevel.L2
    user = User.objects.select_for_update().get(pk=user.pk)
    user.take_identity(checked.name, checked.id_number)
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
