"""Prometheus metrics (prometheus-client) at ``/metrics``: requests by route, method and
status with their latency, and at each scrape the queue (depth and oldest due task's age
per queue), the outbox relay's backlog, the connection pools' use, and whatever gauges
the apps register (``gauge``: the webhooks' backlog, throttled logins ...).

Served processes are many (granian's workers, the background worker): with
``PROMETHEUS_MULTIPROC_DIR`` set (``onestop serve`` sets it) each writes its counters
there and a scrape adds them up. ``/metrics`` answers requests from this machine, or with
``Authorization: Bearer $ONESTOP_METRICS_TOKEN``; anyone else finds nothing there.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REQUESTS = Counter(
    "onestop_http_requests_total",
    "HTTP requests answered, by route, method and status",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "onestop_http_request_duration_seconds",
    "Time to answer a request, by route",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
_gauges: dict[str, tuple[str, Callable[[], float]]] = {}


def gauge(name: str, documentation: str, compute: Callable[[], float]) -> None:
    """Register a gauge computed at each scrape (an app's backlog, say) from its ``ready()``."""
    _gauges[name] = (documentation, compute)


def counter(name: str, documentation: str, labels: list[str] | None = None) -> Counter:
    """A counter of the app's (a throttled login, say), added up across processes."""
    return Counter(name, documentation, labels or [])


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        # The route's pattern, never the path: a label per case number would never end.
        route = (match.route or match.view_name) if match is not None else "unmatched"
        LATENCY.labels(route).observe(time.perf_counter() - started)
        REQUESTS.labels(route, request.method or "", str(response.status_code)).inc()
        return response


class PlatformCollector:
    """What is measured at each scrape, from the databases."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from self._queue()
        yield from self._pools()
        for name, (documentation, compute) in sorted(_gauges.items()):
            family = GaugeMetricFamily(name, documentation)
            try:
                family.add_metric([], float(compute()))
            except DatabaseError:
                continue
            yield family

    def _queue(self) -> Iterator[GaugeMetricFamily]:
        from onestop.core.workers import due_tasks

        depth = GaugeMetricFamily(
            "onestop_queue_due_tasks", "Tasks that may start now, by queue", labels=["queue"]
        )
        age = GaugeMetricFamily(
            "onestop_queue_oldest_due_seconds",
            "How long the oldest task that may start has waited",
            labels=["queue"],
        )
        try:
            waiting = due_tasks()
        except DatabaseError:
            return
        for queue, (count, oldest) in sorted(waiting.items()) or [("default", (0, 0.0))]:
            depth.add_metric([queue], count)
            age.add_metric([queue], oldest)
        yield depth
        yield age

    def _pools(self) -> Iterator[GaugeMetricFamily]:
        used = GaugeMetricFamily(
            "onestop_db_pool_connections",
            "Connections of this process's pool, by database and state",
            labels=["database", "state"],
        )
        for alias in settings.DATABASES:
            pool: Any = (
                getattr(connections[alias], "pool", None)
                if connections[alias].vendor == "postgresql"
                else None
            )
            if pool is None:
                continue
            stats = pool.get_stats()
            used.add_metric([alias, "open"], stats.get("pool_size", 0))
            used.add_metric([alias, "idle"], stats.get("pool_available", 0))
            used.add_metric([alias, "waiting"], stats.get("requests_waiting", 0))
        yield used


def _allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "ONESTOP_METRICS_TOKEN", "")
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    return request.META.get("REMOTE_ADDR") in ("127.0.0.1", "::1")


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        raise Http404
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY  # this process's own counters (development, tests)
    body = generate_latest(registry) + generate_latest(_platform_registry())
    response = HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


def _platform_registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(PlatformCollector())
    return registry
