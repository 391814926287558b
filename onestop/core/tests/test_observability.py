"""What an operator watches: every request's id on its answer and its log lines, JSON
log lines for a collector, and Prometheus metrics for this machine's scraper only."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from pythonjsonlogger.json import JsonFormatter

from onestop.core.logging import MaskPersonalData, RequestIdFilter, RequestIdMiddleware

pytestmark = [pytest.mark.django_db, pytest.mark.own_data]


def test_every_answer_carries_its_request_id_and_a_proxys_is_kept() -> None:
    client = Client()
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32 and made != client.get("/healthz")["X-Request-ID"]
    assert client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c2e"})["X-Request-ID"] == "lb-7f3a9c2e"
    forged = client.get("/healthz", headers={"X-Request-ID": "<script>"})["X-Request-ID"]
    assert forged != "<script>" and len(forged) == 32


def test_log_lines_are_json_with_the_request_id_and_no_personal_data() -> None:
    settings_format = JsonFormatter(
        fmt=["asctime", "levelname", "name", "message", "request_id"],
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
    )
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(settings_format)
    handler.addFilter(MaskPersonalData())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("onestop.test.requests")
    logger.addHandler(handler)
    try:

        def view(request: HttpRequest) -> HttpResponse:
            logger.warning("refused a login for %s", "13800138000")
            return HttpResponse()

        RequestIdMiddleware(view)(RequestFactory().get("/", headers={"X-Request-ID": "abcdef123456"}))
        logger.warning("between requests")
    finally:
        logger.removeHandler(handler)
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert inside["request_id"] == "abcdef123456" and inside["level"] == "WARNING"
    assert (
        inside["message"] == "refused a login for 138****8000" and inside["logger"] == "onestop.test.requests"
    )
    assert outside["request_id"] == "-"


def test_metrics_for_this_machine_or_the_scrapers_token_only() -> None:
    client = Client()
    client.get("/healthz")
    body = client.get("/metrics").content.decode()
    assert 'onestop_http_requests_total{method="GET",route="healthz",status="200"}' in body
    assert 'onestop_http_request_duration_seconds_bucket{le="0.005",route="healthz"}' in body
    for family in ("onestop_queue_due_tasks", "onestop_outbox_backlog", "onestop_webhook_backlog"):
        assert f"# TYPE {family} gauge" in body, family
    outsider = Client(REMOTE_ADDR="203.0.113.9")
    assert outsider.get("/metrics").status_code == 404
    with override_settings(ONESTOP_METRICS_TOKEN="scrape-secret-2026"):
        assert outsider.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
        scraped = outsider.get("/metrics", headers={"Authorization": "Bearer scrape-secret-2026"})
    assert scraped.status_code == 200 and "onestop_http_requests_total" in scraped.content.decode()
