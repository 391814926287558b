"""Telling a person: the message centre, SMS and (where they gave an address) email.

Apps that react to their events (``core.events.consumer``) write the words and hand them
here; this app delivers, at least once per event, person and channel. A message is kept
once per event and person; each channel's delivery is recorded and, when it fails,
retried with exponential backoff up to ``MAX_ATTEMPTS`` times.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, NamedTuple

from django.db import IntegrityError
from django.utils import timezone

from onestop.core import databases, stamps
from onestop.core.crypto import decrypt
from onestop.core.errors import OnestopError
from onestop.messaging.email import email_backend
from onestop.messaging.sms import sms_backend
from onestop.notifications.models import Delivery, Notification

if TYPE_CHECKING:
    from onestop.core.models import OutboxEvent
    from onestop.identity.models import User
    from onestop.messaging.sms import SmsMessage
    from onestop.tenancy.models import Tenant

MAX_ATTEMPTS = 5


class Words(NamedTuple):
    """A title and a text, in one language."""

    title: str
    body: str


@dataclass(frozen=True, slots=True)
class Message:
    """What a person is told, in their language: the message centre's title and body, the
    SMS from its approved template, and what it is about (a link from the message)."""

    title: str
    body: str
    sms: SmsMessage
    case_number: str = ""
    certificate_number: str = ""


def notify(event: OutboxEvent, user: User, tenant: Tenant, message: Message) -> bool:
    """In-app message, SMS and email for an event; True once every channel is done (False
    while one waits to be tried again)."""
    try:
        with databases.atomic():
            Notification.objects.create(
                tenant=tenant,
                user=user,
                event_id=event.event_id,
                case_number=message.case_number,
                certificate_number=message.certificate_number,
                title=message.title,
                body=message.body,
            )
            stamps.touch(user.pk)  # their message centre shows it
    except IntegrityError:
        pass  # delivered before: the message centre keeps one

    def send_sms() -> object:
        return sms_backend().send(tenant=tenant, phone=decrypt(user.phone_encrypted), message=message.sms)

    def send_email() -> None:
        email_backend().send(
            tenant=tenant, to=decrypt(user.email_encrypted), subject=message.title, body=message.body
        )

    sms_done = _deliver(event, user, "sms", send_sms)
    # Most people give no address: nothing to try or to record for them.
    email_done = _deliver(event, user, "email", send_email) if user.email_encrypted else True
    return sms_done and email_done


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
