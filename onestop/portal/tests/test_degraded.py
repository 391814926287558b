"""Degrade, don't fail: Redis down is a cache miss (partners' rate limits: their own
tests); a database that cannot answer is a 503 to retry, never a 500."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db
NOBODY = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once
DOWN_REDIS = {"default": {"BACKEND": "onestop.core.cache.ResilientRedisCache", "LOCATION": NOBODY}}


def test_with_redis_down_the_portal_and_search_answer_from_the_database(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with override_settings(CACHES=DOWN_REDIS), caplog.at_level(logging.WARNING, logger="onestop.cache"):
        assert cache.get("anything", "missed") == "missed"
        cache.set("anything", 1)  # dropped, no error
        assert cache.get_or_set("generation", 0) == 0 and cache.add("x", 1) is False
        client = Client(headers={"accept-language": "zh-CN"})
        home = client.get("/gd/")
        search = client.get("/gd/services/", {"q": "社保"})
        api = client.get("/api/v1/tenants/gd/services", {"q": "社保"})
    assert (home.status_code, search.status_code, api.status_code) == (200, 200, 200)
    assert api.json()["count"] > 0
    warnings = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(warnings) == 1  # said once, not on every call


def test_a_database_that_cannot_answer_is_a_503_to_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: CursorWrapper, sql: str, params: object = None) -> None:
        raise OperationalError("connection failed: timeout expired")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    client = Client(headers={"accept-language": "zh-CN"}, raise_request_exception=False)
    page = client.get("/gd/services/")
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert "请稍候几秒再试" in page.content.decode()
    api = Client(headers={"accept-language": "en"}, raise_request_exception=False).get("/api/v1/tenants")
    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert api.json()["code"] == "database_unavailable" and "few seconds" in api.json()["message"]
