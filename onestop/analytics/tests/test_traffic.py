"""Page views: counted off the request path, written in batches, rolled up per minute,
hour and day with distinct visitors, and shown in the kpis."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.utils import timezone

from onestop.analytics.kpis import figures
from onestop.analytics.models import PageView, RollupMark, TrafficRollup
from onestop.analytics.recorder import Recorder, View, recorder
from onestop.analytics.rollup import roll_up
from onestop.cases.tests.helpers import OPERATOR, logged_in
from onestop.tenancy.models import Tenant
from onestop_dev.demo.generator import build_province

pytestmark = pytest.mark.django_db
ITEM = build_province().items[0]


@pytest.fixture(autouse=True)
def empty_buffer() -> None:
    recorder.discard()


def test_portal_pages_are_counted_and_nothing_else() -> None:
    visitor = Client()
    visitor.get("/gd/")
    visitor.get(f"/gd/services/{ITEM.code}/")
    assert recorder.pending() == 2 and not PageView.objects.filter(
        at__gte=timezone.now() - timedelta(minutes=1)
    )
    cookie = visitor.cookies["onestop_vid"].value
    visitor.get("/gd/services/?q=社保")
    assert visitor.cookies["onestop_vid"].value == cookie  # the same visitor
    for url in (
        "/api/v1/tenants/gd/themes",
        "/gd/services/NO-SUCH-ITEM/",
        "/health",
        "/static/onestop/onestop.css",
    ):
        visitor.get(url)
    logged_in(OPERATOR).get("/console/gd/")
    assert recorder.pending() == 3
    assert recorder.flush() == 3
    views = PageView.objects.order_by("id").reverse()[:3]
    assert {v.page for v in views} == {"catalogue:home", "catalogue:guide", "catalogue:search"}
    guide = next(v for v in views if v.page == "catalogue:guide")
    assert (guide.item, guide.department) == (ITEM.code, ITEM.department_code)
    assert len({v.visitor for v in views}) == 1 and cookie not in {v.visitor for v in views}  # keyed hash


def test_roll_up_counts_views_and_distinct_visitors_per_minute_hour_and_day() -> None:
    gd = Tenant.objects.get(code="gd")
    RollupMark.objects.all().delete()
    base = timezone.localtime().replace(hour=10, minute=5, second=0, microsecond=0) - timedelta(days=1)
    for minute, visitor, item in (
        (0, "a", ITEM.code),
        (0, "a", ""),
        (0, "b", ITEM.code),
        (1, "a", ""),
        (70, "c", ""),
    ):
        recorder.record(
            View(
                tenant_id=gd.pk,
                at=base + timedelta(minutes=minute, seconds=7),
                page="catalogue:guide" if item else "catalogue:home",
                item=item,
                department="",
                visitor=visitor,
            )
        )
    recorder.flush()
    roll_up(now=base + timedelta(hours=3))
    rows = TrafficRollup.objects.filter(tenant=gd, dimension="all", start__gte=base - timedelta(days=1))

    def one(period: str, start):  # type: ignore[no-untyped-def]
        found = rows.get(period=period, start=start)
        return found.views, found.visitors

    assert one("minute", base) == (3, 2) and one("minute", base + timedelta(minutes=1)) == (1, 1)
    assert one("hour", base.replace(minute=0)) == (4, 2)
    assert one("hour", base.replace(minute=0) + timedelta(hours=1)) == (1, 1)
    assert one("day", base.replace(hour=0, minute=0)) == (5, 3)
    item_day = TrafficRollup.objects.get(
        tenant=gd, period="day", dimension="item", key=ITEM.code, start=base.replace(hour=0, minute=0)
    )
    assert (item_day.views, item_day.visitors) == (2, 2)
    assert roll_up(now=base + timedelta(hours=3)) == 0  # nothing new
    assert RollupMark.objects.get().until == base + timedelta(hours=3)


def test_the_counting_is_read_before_the_write_and_a_run_beside_it_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The day's counting ran inside the write transaction: tens of seconds on a busy day
    during which every other writer on SQLite waited. It is read first now; when another
    run moved the mark meanwhile, this one writes nothing."""
    from django.db import connection

    from onestop.analytics import rollup

    gd = Tenant.objects.get(code="gd")
    RollupMark.objects.all().delete()
    base = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=1)
    PageView.objects.create(tenant=gd, at=base, page="catalogue:home", visitor="a")
    read = rollup._rows
    seen: list[bool] = []
    outside = len(connection.atomic_blocks)  # the test's own

    def counted_then_overtaken(period: str, start, end):  # type: ignore[no-untyped-def]
        seen.append(len(connection.atomic_blocks) > outside)
        rows = read(period, start, end)
        RollupMark.objects.update_or_create(pk=1, defaults={"until": base + timedelta(hours=1)})
        return rows

    monkeypatch.setattr(rollup, "_rows", counted_then_overtaken)
    before = TrafficRollup.objects.count()
    assert roll_up(now=base + timedelta(hours=2)) == 0
    assert TrafficRollup.objects.count() == before
    assert seen == [False, False, False]  # never inside a transaction of its own


def test_todays_figures_come_from_the_day_roll_up() -> None:
    gd = Tenant.objects.get(code="gd")
    RollupMark.objects.all().delete()
    now = timezone.localtime()
    for n in range(4):
        recorder.record(
            View(
                tenant_id=gd.pk,
                at=now - timedelta(seconds=90 + n),
                page="catalogue:home",
                item="",
                department="",
                visitor=f"v{n % 2}",
            )
        )
    recorder.flush()
    roll_up(now=now)
    assert figures(gd)["page_views_today"] == 4 and figures(gd)["unique_visitors_today"] == 2
    assert figures(gd)["page_views_peak_day"] >= 4


@override_settings(ONESTOP_ANALYTICS_BACKGROUND=True)
def test_the_request_only_appends_and_a_thread_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    written = threading.Event()
    own = Recorder(batch=2, interval=30)
    monkeypatch.setattr(own, "flush", lambda: written.set() or 0)
    monkeypatch.setattr("onestop.analytics.recorder.close_old_connections", lambda: None)  # no database here
    own.record(
        View(tenant_id=1, at=timezone.now(), page="catalogue:home", item="", department="", visitor="x")
    )
    assert not written.is_set() and own.pending() == 1  # the request did not write
    own.record(
        View(tenant_id=1, at=timezone.now(), page="catalogue:home", item="", department="", visitor="y")
    )
    assert written.wait(5)  # a full batch wakes the writer at once
    own.stop()
    assert own._thread is not None and not own._thread.is_alive()


def test_a_failed_write_keeps_the_views_up_to_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    own = Recorder(bound=3)
    for n in range(5):
        own.record(View(tenant_id=1, at=timezone.now(), page="p", item="", department="", visitor=str(n)))

    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(PageView.objects, "bulk_create", refuse)
    with pytest.raises(OperationalError):
        own.flush()
    assert own.pending() == 3 and own.dropped == 2
    monkeypatch.undo()
