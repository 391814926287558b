"""Rate limits and quotas per app and tenant: 429 with Retry-After for the app over its
limit, nothing for the others; counted in Redis or in the database."""

from __future__ import annotations

import logging

import fakeredis
import pytest
import redis

from onestop.partners import actions, ratelimit
from onestop.partners.models import RateWindow
from onestop.partners.tests.helpers import SYSTEM, make_partner_app, operator

pytestmark = pytest.mark.django_db


def _calls(partner, token: str, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    return [partner.call("get", "/tenants/gd/themes", token).status_code for _ in range(n)]


def test_an_app_over_its_rate_gets_429_and_the_others_do_not() -> None:
    busy, calm = make_partner_app(0, rate_per_minute=3), make_partner_app(1)
    busy_token, calm_token = busy.token()["access_token"], calm.token()["access_token"]
    statuses = _calls(busy, busy_token, 5)
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429], statuses
    refused = busy.call("get", "/tenants/gd/themes", busy_token)
    assert refused.json()["code"] == "rate_limited" and 1 <= int(refused["Retry-After"]) <= 61
    assert _calls(calm, calm_token, 5) == [200] * 5
    # Anonymous visitors of the open catalogue are not counted against anyone.
    assert busy.http.get("/api/v1/tenants/gd/themes").status_code == 200


def test_the_daily_quota_is_answered_with_its_own_code() -> None:
    partner = make_partner_app()
    grant = partner.app.grants.get(tenant__code="gd")
    actions.do_set_limits(
        actor=SYSTEM, operator=operator(), grant=grant, rate_per_minute=100, quota_per_day=2
    )
    token = partner.token()["access_token"]
    assert _calls(partner, token, 2) == [200, 200]
    refused = partner.call("get", "/tenants/gd/themes", token)
    assert refused.status_code == 429 and refused.json()["code"] == "quota_exceeded"


def test_counting_in_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    counter = ratelimit.RedisCounter(client=fakeredis.FakeRedis())
    monkeypatch.setattr(ratelimit, "counter", lambda: counter)
    verdicts = [ratelimit.check(1, 1, per_minute=2, per_day=10, now=120.0).allowed for _ in range(3)]
    assert verdicts == [True, True, False]
    assert ratelimit.check(1, 1, per_minute=2, per_day=10, now=180.0).allowed  # the next minute
    assert ratelimit.check(2, 1, per_minute=2, per_day=10, now=120.0).allowed  # another app
    partner = make_partner_app(rate_per_minute=1)
    token = partner.token()["access_token"]
    assert _calls(partner, token, 2) == [200, 429]
    assert not RateWindow.objects.exists()  # nothing counted in the database


def test_windows_that_are_over_are_forgotten() -> None:
    now = 10 * ratelimit.DAY
    assert ratelimit.check(7, 7, per_minute=5, per_day=5, now=now).allowed
    assert RateWindow.objects.count() == 2
    assert ratelimit.forget_old_windows(now=now + 3 * ratelimit.MINUTE) == 1  # the minute
    assert ratelimit.forget_old_windows(now=now + 3 * ratelimit.DAY) == 1  # the day


def test_with_redis_down_partners_rate_limits_are_counted_in_the_database(
    caplog: pytest.LogCaptureFixture,
) -> None:
    counter = ratelimit.RedisCounter(
        "redis", client=redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    )
    with caplog.at_level(logging.WARNING, logger="onestop.partners.ratelimit"):
        assert [counter.hit("m:test-app", 42, 2, 60) for _ in range(3)] == [True, True, False]
    assert RateWindow.objects.get(key="m:test-app", window=42).count == 2
    assert any("counting in the database" in r.getMessage() for r in caplog.records)
