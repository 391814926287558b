"""Relaying outbox events to people, at least once.

Events are read in order and marked relayed only once every channel has delivered (or
given up); a crash in between means the event is read again, and the receivers drop what
they already have (one message per event and person, one delivery per event, person and
channel). A channel that fails is retried later with exponential backoff, up to
``MAX_ATTEMPTS`` times; its event stays pending until then.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from onestop.certificates.access import revocation_reason_label
from onestop.core import databases
from onestop.core.crypto import decrypt
from onestop.core.errors import OnestopError
from onestop.core.models import OutboxEvent
from onestop.identity.models import User
from onestop.messaging.email import email_backend
from onestop.messaging.sms import SmsMessage, SmsTemplate, sms_backend
from onestop.notifications.models import Delivery, Notification
from onestop.partners.webhooks import fan_out
from onestop.tenancy.models import Tenant

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BATCH = 200


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    body: str


def case_message(payload: dict[str, object], language: str) -> Message:
    """The text of a case's change of state, in the person's language."""
    with translation.override(language):
        english = language.startswith("en")
        item = str((payload.get("item_en") if english else None) or payload.get("item", ""))
        number, action = str(payload.get("case", "")), str(payload.get("action", ""))
        due = payload.get("due_on")
        due_text = date.fromisoformat(str(due)).strftime("%Y-%m-%d") if due else ""
        texts = {
            "submit": _(
                "Your application for %(item)s was received as case %(number)s. The department answers by %(due)s."
            ),
            "accept": _("Case %(number)s (%(item)s) was accepted. A decision is due by %(due)s."),
            "deem_accepted": _(
                "Case %(number)s (%(item)s) counts as accepted. A decision is due by %(due)s."
            ),
            "not_accept": _(
                "Case %(number)s (%(item)s) was not accepted. See the reason and where to go instead."
            ),
            "request_correction": _(
                "Case %(number)s (%(item)s) needs corrections: see everything that is missing and answer online."
            ),
            "resubmit": _("Your corrections to case %(number)s were received."),
            "start_review": _("Case %(number)s (%(item)s) is under review."),
            "suspend": _("Case %(number)s (%(item)s) is in a special procedure; its deadline waits."),
            "resume": _("Case %(number)s (%(item)s) is under review again. A decision is due by %(due)s."),
            "extend": _("The deadline of case %(number)s (%(item)s) was extended to %(due)s."),
            "decide": _("A decision was made on case %(number)s (%(item)s)."),
            "conclude": _("Case %(number)s (%(item)s) is concluded. Please rate the service."),
            "issue_certificate": _(
                "The certificate of case %(number)s (%(item)s) was issued to your wallet."
            ),
            "withdraw": _("Case %(number)s (%(item)s) was withdrawn."),
        }
        if payload.get("paper_licence"):
            texts["issue_certificate"] = _(
                "The licence of case %(number)s (%(item)s) was issued on paper: collect it or "
                "look out for it by post, as you chose."
            )
        body = texts.get(action, _("Case %(number)s (%(item)s) changed.")) % {
            "item": item,
            "number": number,
            "due": due_text,
        }
        return Message(title=_("Case %(number)s") % {"number": number}, body=body)


def _deliver(event: OutboxEvent, user: User, channel: str, send: Callable[[], object]) -> bool:
    """Try one channel; False while a retry is still to come."""
    delivery, _created = Delivery.objects.get_or_create(event_id=event.event_id, user=user, channel=channel)
    if delivery.status in ("sent", "skipped") or delivery.attempts >= MAX_ATTEMPTS:
        return True  # delivered before (a duplicate run), or given up
    if delivery.retry_at is not None and delivery.retry_at > timezone.now():
        return False  # backing off
    delivery.attempts += 1
    try:
        skipped = send() is False
        delivery.status = "skipped" if skipped else "sent"
        delivery.delivered_at, delivery.last_error, delivery.retry_at = timezone.now(), "", None
    except OnestopError as error:
        delivery.status, delivery.last_error = "failed", str(error.code)
        delivery.retry_at = timezone.now() + timedelta(seconds=5 * 2**delivery.attempts)
    delivery.save()
    return delivery.status != "failed" or delivery.attempts >= MAX_ATTEMPTS


def _notify_applicant(event: OutboxEvent) -> bool:
    """The applicant of a case; True once every channel is done."""
    payload = event.payload
    user = User.objects.filter(pk=payload.get("applicant")).select_related("tenant").first()
    tenant = Tenant.objects.filter(code=event.tenant_code).first()
    if user is None or tenant is None:
        return True
    message = case_message(payload, user.language)
    number = str(payload.get("case", ""))
    sms = SmsMessage(
        SmsTemplate.CASE_UPDATE, f"【{tenant.name}】{message.body}", {"case": number, "summary": message.body}
    )
    return _notify(event, user, tenant, message, sms, case_number=number)


def _notify(
    event: OutboxEvent,
    user: User,
    tenant: Tenant,
    message: Message,
    sms: SmsMessage,
    *,
    case_number: str = "",
    certificate_number: str = "",
) -> bool:
    """In-app message, SMS and (where the person gave an address) email; True once every
    channel is done."""
    try:
        with databases.atomic():
            Notification.objects.create(
                tenant=tenant,
                user=user,
                event_id=event.event_id,
                case_number=case_number,
                certificate_number=certificate_number,
                title=message.title,
                body=message.body,
            )
    except IntegrityError:
        pass  # delivered before: the message centre keeps one

    def send_sms() -> object:
        return sms_backend().send(tenant=tenant, phone=decrypt(user.phone_encrypted), message=sms)

    def send_email() -> bool:
        if not user.email_encrypted:
            return False
        email_backend().send(
            tenant=tenant,
            to=decrypt(user.email_encrypted),
            subject=message.title,
            body=message.body,
        )
        return True

    sms_done = _deliver(event, user, "sms", send_sms)
    email_done = _deliver(event, user, "email", send_email)
    return sms_done and email_done


def _case_changed(event: OutboxEvent) -> bool:
    """The applicant is told; the partner apps that may know of the case get webhooks."""
    notified = _notify_applicant(event)
    fanned_out = fan_out(event)
    return notified and fanned_out


def certificate_revoked_message(payload: dict[str, object], language: str) -> Message:
    """The text telling a holder their certificate was revoked, in their language: the
    day and the reason in words (the department's note is in the wallet)."""
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
        return Message(title=_("Certificate %(number)s revoked") % {"number": number}, body=body)


def _certificate_revoked(event: OutboxEvent) -> bool:
    """The holder is told where they are told of their cases."""
    payload = event.payload
    user = User.objects.filter(pk=payload.get("holder")).first()
    tenant = Tenant.objects.filter(code=event.tenant_code).first()
    if user is None or tenant is None:
        return True
    message = certificate_revoked_message(payload, user.language)
    number = str(payload.get("number", ""))
    sms = SmsMessage(
        SmsTemplate.CERTIFICATE_REVOKED,
        f"【{tenant.name}】{message.body}",
        {"certificate": number, "summary": message.body},
    )
    return _notify(event, user, tenant, message, sms, certificate_number=number)


HANDLERS: dict[str, Callable[[OutboxEvent], bool]] = {
    "cases.case.state_changed": _case_changed,
    "certificates.certificate.revoked": _certificate_revoked,
}


def relay_pending(limit: int = BATCH) -> int:
    """Relay pending events, ``limit`` at a time from the oldest; returns how many were
    completed. Events waiting for a retry are passed over and stay pending."""
    completed, after = 0, 0
    while True:
        pending = list(
            OutboxEvent.objects.filter(relayed_at__isnull=True, id__gt=after).order_by("id")[:limit]
        )
        if not pending:
            return completed
        for event in pending:
            after = event.pk
            handler = HANDLERS.get(event.topic)
            try:
                done = handler(event) if handler is not None else True
            except Exception:
                logger.exception(
                    "relaying event %s (%s) failed; it stays pending", event.event_id, event.topic
                )
                continue
            if done:
                OutboxEvent.objects.filter(pk=event.pk).update(relayed_at=timezone.now())
                completed += 1


def waiting_for_retry() -> bool:
    return Delivery.objects.filter(status="failed", attempts__lt=MAX_ATTEMPTS).exists()
