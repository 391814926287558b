"""/healthz and /readyz: what a load balancer and monitoring ask."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from onestop.core.models import WorkerHeartbeat
from onestop.core.tasks import relay_outbox
from onestop.core.workers import beat

pytestmark = [pytest.mark.django_db, pytest.mark.own_data]
DOWN_REDIS = {
    "default": {"BACKEND": "onestop.core.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}


def test_healthz_answers_while_the_process_lives() -> None:
    response = Client().get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


def test_readyz_says_what_is_wrong_and_is_unready_only_without_a_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = Client()
    WorkerHeartbeat.objects.all().delete()
    DBTaskResult.objects.all().delete()
    stale = client.get("/readyz").json()
    assert stale["status"] == "degraded" and stale["worker"]["stale"] is True
    assert all(found["ok"] for found in stale["databases"].values()) and stale["cache"] is True

    beat("a-worker")  # a worker says it is alive
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ok"
    assert ready.json()["worker"]["last_beat_seconds_ago"] < 5 and ready["Cache-Control"] == "no-store"

    # A task due for two minutes and not taken: the queue is behind.
    relay_outbox.enqueue()
    DBTaskResult.objects.filter(task_path=relay_outbox.module_path).update(
        enqueued_at=timezone.now() - timedelta(minutes=2)
    )
    behind = client.get("/readyz").json()
    assert behind["status"] == "degraded" and behind["queue"]["oldest_due_seconds"] >= 120
    DBTaskResult.objects.filter(task_path=relay_outbox.module_path).delete()

    with override_settings(CACHES=DOWN_REDIS):
        no_cache = client.get("/readyz")
    assert no_cache.status_code == 200 and no_cache.json()["cache"] is False
    assert no_cache.json()["status"] == "degraded"

    def refuse(self: CursorWrapper, sql: str, params: object = None) -> None:
        raise OperationalError("the connection is closed")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    down = client.get("/readyz")
    assert down.status_code == 503 and down["Retry-After"] == "5"
    assert down.json()["status"] == "unavailable"
    assert {found["ok"] for found in down.json()["databases"].values()} == {False}
