"""What a load balancer and an operator's monitoring ask: ``/healthz`` (the process
answers) and ``/readyz`` (it can serve: each database answers; and how the rest is:
the cache, the background worker's heartbeat, the age of the oldest task waiting).

Only a database that cannot answer makes the instance unready (503): the cache falls
back to computing, and a stopped worker delays mail and webhooks but not pages, so those
make it ``degraded`` (200) and say why."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

STALE_SECONDS = 60


def readiness() -> tuple[str, dict[str, Any]]:
    """("ok" | "degraded" | "unavailable", what was found)."""
    found: dict[str, Any] = {"databases": {}}
    status = "ok"
    for alias in settings.DATABASES:
        started = time.monotonic()
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
            found["databases"][alias] = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
        except DatabaseError as error:
            found["databases"][alias] = {"ok": False, "error": type(error).__name__}
            status = "unavailable"
    found["cache"] = _cache_answers()
    if not found["cache"]:
        status = _worse(status, "degraded")
    if status != "unavailable":
        worker, queue = _worker_and_queue()
        found.update(worker=worker, queue=queue)
        if worker["stale"] or queue["oldest_due_seconds"] > STALE_SECONDS:
            status = _worse(status, "degraded")
    return status, found


def _worse(status: str, other: str) -> str:
    order = ["ok", "degraded", "unavailable"]
    return max(status, other, key=order.index)


def _cache_answers() -> bool:
    key = "onestop:readyz"
    cache.set(key, "yes", 10)
    return bool(cache.get(key) == "yes")


def _worker_and_queue() -> tuple[dict[str, Any], dict[str, Any]]:
    from django_tasks_db.models import DBTaskResult

    from onestop.core import databases
    from onestop.core.models import WorkerHeartbeat

    now = timezone.now()
    with databases.using(databases.PLATFORM):
        beat = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
        ready = DBTaskResult.objects.ready()
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", "run_after").first()
        waiting = ready.count()
    age = None if beat is None else round((now - beat).total_seconds(), 1)
    due = 0.0
    if oldest is not None:
        enqueued, run_after = oldest
        since = max(enqueued, run_after) if run_after and run_after.year < 9999 else enqueued
        due = max(0.0, round((now - since).total_seconds(), 1))
    worker = {"last_beat_seconds_ago": age, "stale": age is None or age > STALE_SECONDS}
    return worker, {"due": waiting, "oldest_due_seconds": due}


def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers (it touches nothing else)."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request: HttpRequest) -> HttpResponse:
    status, found = readiness()
    response = JsonResponse({"status": status, **found}, status=503 if status == "unavailable" else 200)
    response["Cache-Control"] = "no-store"
    if status == "unavailable":
        response["Retry-After"] = "5"
    return response
