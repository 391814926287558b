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

from onestop.core.workers import LEASE_SECONDS, due_tasks, last_beat_seconds_ago

STALE_SECONDS = LEASE_SECONDS  # a worker silent this long has lost its tasks too


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
    age = last_beat_seconds_ago()
    queues = due_tasks().values()
    worker = {
        "last_beat_seconds_ago": None if age is None else round(age, 1),
        "stale": age is None or age > STALE_SECONDS,
    }
    oldest = max((seconds for _count, seconds in queues), default=0.0)
    return worker, {"due": sum(count for count, _seconds in queues), "oldest_due_seconds": round(oldest, 1)}


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
