"""Notifying applicants of their cases: in-app, SMS and email, at least once, duplicates
dropped by the receivers, failed channels retried with backoff."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from functools import partial
from io import StringIO

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from onestop.cases.tests.helpers import CITIZEN, act, apply, rs_person_item
from onestop.core import relay
from onestop.core.models import OutboxEvent
from onestop.core.relay import relay_pending
from onestop.messaging.access import sandbox_messages
from onestop.notifications.models import Delivery, Notification
from onestop.tenancy.access import access_tenant_by_code

pytestmark = pytest.mark.django_db


def relay_all() -> None:
    """Relay, letting the carrier's one-a-second limit and the retry backoff pass."""
    from onestop.messaging.models import SandboxSms

    for _ in range(6):
        relay_pending()
        SandboxSms.objects.update(sent_at=timezone.now() - timedelta(minutes=1))
        Delivery.objects.update(retry_at=None)
        OutboxEvent.objects.update(retry_at=None)


def test_state_changes_notify_at_least_once_and_duplicates_are_dropped(
    citizen: Client, officer: Client
) -> None:
    number = apply(citizen, rs_person_item().code)
    act(officer, number, "accept", "受理")
    relay_all()
    notes = Notification.objects.filter(case_number=number)
    assert notes.count() == 2 and any("已受理" in n.body for n in notes)
    tenant = access_tenant_by_code("gd")
    texts = [m.text for m in sandbox_messages(tenant, phone=CITIZEN)[:5]]
    assert any(number in t for t in texts)
    # Relaying the same events again (a crash before they were marked) changes nothing.
    OutboxEvent.objects.filter(payload__case=number).update(relayed_at=None)
    relay_all()
    assert Notification.objects.filter(case_number=number).count() == 2
    assert (
        Delivery.objects.filter(channel="sms", status="sent").count()
        == Delivery.objects.filter(channel="sms").count()
    )
    assert number in citizen.get("/gd/me/messages/").content.decode()


def test_messages_follow_the_applicants_language(citizen: Client) -> None:
    from onestop.cases.messages import case_message
    from onestop.identity.models import User

    payload = {
        "case": "GD1",
        "item": "社会保障卡申领",
        "item_en": "Social security card",
        "action": "accept",
        "due_on": "2025-02-07",
    }
    assert (
        "accepted" in case_message(payload, "en").body
        and "Social security card" in case_message(payload, "en").body
    )
    assert "已受理" in case_message(payload, "zh-hans").body
    assert User.objects.get(phone_masked="138****8000").language == "zh-hans"


def test_a_failed_delivery_keeps_its_event_pending_and_is_retried(citizen: Client, officer: Client) -> None:
    from onestop.messaging.models import SandboxSms

    number = apply(citizen, rs_person_item().code)
    act(officer, number, "accept", "受理")
    relay_pending()  # two messages to one number within a second: the carrier refuses one
    events = OutboxEvent.objects.filter(payload__case=number)
    failed = Delivery.objects.filter(event_id__in=events.values("event_id"), channel="sms", status="failed")
    assert failed.count() == 1 and failed.get().retry_at is not None
    assert events.filter(relayed_at__isnull=True).count() == 1
    relay_pending()  # still backing off: nothing changes
    assert failed.count() == 1
    SandboxSms.objects.update(sent_at=timezone.now() - timedelta(minutes=1))
    Delivery.objects.update(retry_at=timezone.now() - timedelta(seconds=1))
    events.update(retry_at=timezone.now() - timedelta(seconds=1))  # the relay's own retry is due
    relay_pending()
    assert not events.filter(relayed_at__isnull=True).exists()
    assert Notification.objects.filter(case_number=number).count() == 2


def test_an_email_address_on_the_profile_gets_the_messages_too(citizen: Client, officer: Client) -> None:
    from onestop.messaging.models import SandboxEmail

    response = citizen.post("/gd/me/", {"email": "citizen@example.org", "language": "en"})
    assert response.status_code == 302
    refused = citizen.post("/gd/me/", {"email": "not-an-address", "language": "en"})
    assert refused.status_code == 422 and "email_invalid" in refused.content.decode()
    number = apply(citizen, rs_person_item().code)
    relay_all()
    email = SandboxEmail.objects.get(subject=f"Case {number}")
    assert email.to_masked == "c***@example.org" and "citizen@example.org" not in email.to_encrypted
    assert "was received as case" in email.body  # in the language the citizen chose


def test_a_real_sms_provider_out_of_reach_is_tried_again_until_it_answers(
    citizen: Client, officer: Client, settings: Settings
) -> None:
    """With Tencent Cloud SMS enabled and its endpoint down, the texts fail as
    sms_provider_unavailable and their events stay pending; once it answers, the retry
    delivers them through the provider's API (its stand-in on 127.0.0.1 checks each
    request's signature)."""
    from onestop.messaging.tests.sms_servers import Provider, closed_port_url, serve
    from onestop.messaging.tests.test_sms_providers import (
        APP_ID,
        SECRET_ID,
        SECRET_KEY,
        configure_tencent,
    )

    configure_tencent(settings, closed_port_url())
    number = apply(citizen, rs_person_item().code)
    act(officer, number, "accept", "受理")
    relay_pending()
    events = OutboxEvent.objects.filter(payload__case=number)
    sms = Delivery.objects.filter(event_id__in=events.values("event_id"), channel="sms")
    assert {(d.status, d.last_error) for d in sms} == {("failed", "sms_provider_unavailable")}
    assert sms.count() == 2 and all(d.retry_at is not None for d in sms)
    assert events.filter(relayed_at__isnull=True).count() == 2
    stand_in = Provider(SECRET_ID, SECRET_KEY, {"100004"}, app_id=APP_ID)
    with serve(stand_in, "tencent") as provider:
        settings.ONESTOP_SMS_TENCENT_ENDPOINT = provider.url
        Delivery.objects.update(retry_at=timezone.now() - timedelta(seconds=1))
        events.update(retry_at=timezone.now() - timedelta(seconds=1))
        relay_pending()
    assert {d.status for d in sms.all()} == {"sent"}  # read again: the first read is cached
    assert not events.filter(relayed_at__isnull=True).exists()
    assert [sent["PhoneNumberSet"] for sent in provider.received] == [["+86" + CITIZEN]] * 2
    assert all(number in sent["TemplateParamSet"] for sent in provider.received)


def test_a_revoked_certificates_holder_is_told_in_the_message_centre_and_by_sms(
    citizen: Client,
) -> None:
    from django.core.management import call_command

    from onestop.certificates.access import wallet_of
    from onestop.certificates.messages import certificate_revoked_message
    from onestop.identity.models import User

    holder = User.objects.get(phone_masked="138****8000")
    card = wallet_of(access_tenant_by_code("gd"), holder).get(certificate_type__code="id_card")
    call_command(
        "certificates",
        "revoke",
        card.number,
        "--tenant",
        "gd",
        "--reason",
        "fraud",
        "--note",
        "冒名申领",
        stdout=StringIO(),
    )
    relay_all()
    note = Notification.objects.get(user=holder, certificate_number=card.number)
    day = timezone.localdate().isoformat()
    # In the holder's language (Chinese): the day and the reason in words.
    assert card.number in note.body and day in note.body and "以欺骗等不正当手段取得" in note.body
    texts = list(sandbox_messages(access_tenant_by_code("gd"), phone=CITIZEN)[:5])
    sms = next(m for m in texts if card.number in m.text)
    assert sms.template == "certificate_revoked" and "以欺骗等不正当手段取得" in sms.text
    centre = citizen.get("/gd/me/messages/").content.decode()
    assert f'href="/gd/me/wallet/{card.number}/"' in centre
    # Relayed again (a crash before it was marked): still one message, one SMS.
    OutboxEvent.objects.filter(topic="certificates.certificate.revoked").update(relayed_at=None)
    relay_all()
    assert Notification.objects.filter(certificate_number=card.number).count() == 1
    assert Delivery.objects.filter(event_id=note.event_id, channel="sms", status="sent").count() == 1
    english = certificate_revoked_message(OutboxEvent.objects.get(event_id=note.event_id).payload, "en")
    assert "was revoked on" in english.body and "Obtained by fraud" in english.body
    assert "Resident identity card" in english.body


def test_a_commit_wakes_nobody_and_the_watcher_relays_what_is_due(citizen: Client) -> None:
    """A submission's events are relayed by the worker's outbox watcher: the request writes
    no task row and asks nothing after its commit; the watcher's next look relays them,
    and a look with nothing due relays nothing."""
    from django_tasks_db.models import DBTaskResult

    from onestop.core.relay import relay_if_due

    tasks_before = DBTaskResult.objects.count()
    number = apply(citizen, rs_person_item().code)
    assert DBTaskResult.objects.count() == tasks_before
    assert OutboxEvent.objects.filter(relayed_at__isnull=True).exists()
    run = relay_if_due(timedelta(seconds=5))
    assert run is not None and run.completed >= 1
    assert Notification.objects.filter(case_number=number).exists()
    assert relay_if_due(timedelta(seconds=5)) is None


def test_the_watcher_looks_at_every_database_until_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each pass looks at every database; a failing look is logged, not fatal; the watcher
    ends when told."""
    import threading

    from django.db import OperationalError

    from onestop.core.databases import current

    looked: list[str] = []
    stop = threading.Event()

    def look(budget: timedelta) -> None:
        looked.append(current())
        if len(looked) == 1:
            raise OperationalError("database is locked")
        if len(looked) >= 4:
            stop.set()

    monkeypatch.setattr(relay, "relay_if_due", look)
    relay.watch_outbox(stop, interval=0.001)
    assert set(looked) >= {"default", "cell1"}


def test_an_event_backing_off_does_not_hold_up_the_ones_behind_it(
    citizen: Client, officer: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = apply(citizen, rs_person_item().code)
    act(officer, number, "accept", "受理")
    relay_pending()  # two texts to one number within a second: one event waits for a retry
    waiting = OutboxEvent.objects.get(relayed_at__isnull=True)
    assert waiting.retry_at is not None and waiting.retry_at > timezone.now()
    later = apply(citizen, rs_person_item().code)
    tried: list[int] = []
    consumers_of = relay.consumers_of

    def handled(handle: Callable[[OutboxEvent], bool], event: OutboxEvent) -> bool:
        tried.append(event.pk)
        return handle(event)

    monkeypatch.setattr(
        relay,
        "consumers_of",
        lambda topic: [replace(c, handle=partial(handled, c.handle)) for c in consumers_of(topic)],
    )
    run = relay_pending(limit=1)
    behind = set(OutboxEvent.objects.filter(payload__case=later).values_list("pk", flat=True))
    assert behind and behind <= set(tried)  # the events behind it were tried ...
    assert waiting.pk not in tried  # ... and it was passed over until its time
    assert run.come_back  # the relay comes back for it


def test_an_event_failing_for_long_is_tried_less_often() -> None:
    from onestop.core.relay import MAX_RETRY_DELAY, _retry_delay
    from onestop.core.tasks import RETRY_DELAY

    assert _retry_delay(OutboxEvent(created_at=timezone.now())) == RETRY_DELAY
    ten_minutes = _retry_delay(OutboxEvent(created_at=timezone.now() - timedelta(minutes=10)))
    assert timedelta(minutes=4) < ten_minutes < timedelta(minutes=6)  # half its age
    assert _retry_delay(OutboxEvent(created_at=timezone.now() - timedelta(hours=5))) == MAX_RETRY_DELAY


def test_a_kept_message_centre_shows_a_new_message_at_once(citizen: Client, officer: Client) -> None:
    number = apply(citizen, rs_person_item().code)
    citizen.get("/gd/me/cases/")  # the submission's flash message, shown once
    relay_all()
    assert "badge-warn" in citizen.get("/gd/me/messages/").content.decode()  # new, and now read
    kept = citizen.get("/gd/me/messages/").content.decode()
    assert number in kept and "已受理" not in kept and "badge-warn" not in kept
    assert citizen.get("/gd/me/messages/").content.decode() == kept  # nothing new: the same page
    act(officer, number, "accept", "受理")
    assert "已受理" not in citizen.get("/gd/me/messages/").content.decode()  # kept again, before...
    relay_all()  # ... the message arrives
    assert "已受理" in citizen.get("/gd/me/messages/").content.decode()
