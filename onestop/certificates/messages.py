"""What a holder is told when a department revokes their certificate: the words are the
certificates', the channels the notifications'. Registered as a consumer of
``certificates.certificate.revoked`` when the app is ready."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from onestop.certificates.access import revocation_reason_label
from onestop.certificates.events import CERTIFICATE_REVOKED
from onestop.core.events import consumer
from onestop.core.models import OutboxEvent
from onestop.identity.access import account_of
from onestop.messaging.sms import SmsMessage, SmsTemplate
from onestop.notifications.channels import Message, Words, notify
from onestop.tenancy.access import tenant_of_event


def certificate_revoked_message(payload: dict[str, object], language: str) -> Words:
    """The title and text telling a holder their certificate was revoked, in their
    language: the day and the reason in words (the department's note is in the wallet)."""
    with translation.override(language):
        english = language.startswith("en")
        name = str((payload.get("type_name_en") if english else None) or payload.get("type_name", ""))
        number, revoked = str(payload.get("number", "")), payload.get("revoked_at")
        day = timezone.localdate(datetime.fromisoformat(str(revoked))).isoformat() if revoked else ""
        body = _(
            "Your %(certificate)s %(number)s was revoked on %(day)s: %(reason)s. It can no longer be used; see your wallet."
        ) % {
            "certificate": name,
            "number": number,
            "day": day,
            "reason": revocation_reason_label(str(payload.get("reason", ""))),
        }
        return Words(_("Certificate %(number)s revoked") % {"number": number}, body)


@consumer(CERTIFICATE_REVOKED, name="certificates.tell_the_holder")
def tell_the_holder(event: OutboxEvent) -> bool:
    """The holder is told where they are told of their cases."""
    payload = dict(event.payload)
    tenant = tenant_of_event(event.tenant_code)
    user = account_of(tenant, payload.get("holder")) if tenant else None
    if user is None or tenant is None:
        return True
    title, body = certificate_revoked_message(payload, user.language)
    number = str(payload.get("number", ""))
    sms = SmsMessage(
        SmsTemplate.CERTIFICATE_REVOKED, f"【{tenant.name}】{body}", {"certificate": number, "summary": body}
    )
    return notify(event, user, tenant, Message(title, body, sms, certificate_number=number))
