"""The API contract: the committed OpenAPI document, error shapes and languages, figures,
and no server error whatever the input."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.api.openapi import OPENAPI_PATH, render_openapi
from onestop.catalogue.models import ServiceItem
from onestop.identity.models import User
from onestop.tenancy.access import access_tenant_by_code
from onestop.tenancy.models import Department, Region

pytestmark = pytest.mark.django_db


def test_committed_openapi_document_matches_the_code() -> None:
    assert OPENAPI_PATH.read_text() == render_openapi(), (
        "docs/api/openapi.json is out of date: run `make openapi` and commit it"
    )


def test_openapi_is_served_and_documents_errors(client_zh: Client) -> None:
    served = client_zh.get("/api/v1/openapi.json").json()
    assert served["openapi"].startswith("3.")
    paths = served["paths"]
    for path in (
        "/api/v1/tenants",
        "/api/v1/tenants/{tenant}/services",
        "/api/v1/tenants/{tenant}/services/{code}",
        "/api/v1/tenants/{tenant}/kpis",
    ):
        assert path in paths, path
    responses = paths["/api/v1/tenants/{tenant}/services"]["get"]["responses"]
    assert {"200", "404", "422"} <= set(responses)


def test_interactive_docs_load_assets_from_this_server(client_zh: Client) -> None:
    page = client_zh.get("/api/v1/docs").content.decode()
    # The file name carries a content hash once `collectstatic` has run (as `make demo` does).
    assert re.search(r'src="/static/ninja/swagger-ui-bundle(\.[0-9a-f]{12})?\.js"', page)
    assert "cdn" not in page.lower()


@pytest.mark.parametrize(
    ("url", "status", "code", "field"),
    [
        ("/api/v1/tenants/nope/services", 404, "tenant_not_found", None),
        ("/api/v1/tenants/gd/services/NOSUCH", 404, "service_item_not_found", None),
        ("/api/v1/tenants/nope/kpis", 404, "tenant_not_found", None),
        ("/api/v1/tenants/gd/services?page=abc", 422, "invalid_parameter", "page"),
        ("/api/v1/tenants/gd/services?page=0", 422, "invalid_parameter", "page"),
        ("/api/v1/tenants/gd/services?page_size=1000", 422, "invalid_parameter", "page_size"),
        ("/api/v1/tenants/gd/services?zero_trip=maybe", 422, "invalid_parameter", "zero_trip"),
        ("/api/v1/tenants/gd/services?q=" + "社" * 101, 422, "invalid_parameter", "q"),
        ("/api/v1/tenants/gd/services?department=nope", 422, "department_unknown", "department"),
        ("/api/v1/tenants/gd/services?theme=nope", 422, "theme_unknown", "theme"),
        ("/api/v1/tenants/gd/services?audience=robots", 422, "item_field_invalid", "audience"),
        ("/api/v1/no/such/endpoint", 404, "not_found", None),
    ],
)
def test_errors_have_a_code_a_field_and_a_translated_message(
    client_en: Client, client_zh: Client, url: str, status: int, code: str, field: str | None
) -> None:
    english, chinese = client_en.get(url), client_zh.get(url)
    assert english.status_code == chinese.status_code == status
    en, zh = english.json(), chinese.json()
    assert en["code"] == zh["code"] == code
    assert en.get("field") == zh.get("field") == field
    assert en["message"] and zh["message"]
    assert en["message"] != zh["message"], "the message follows Accept-Language"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh["message"])
    assert "Traceback" not in english.content.decode()


def test_chinese_is_answered_as_utf8_not_escapes(client_zh: Client) -> None:
    body = client_zh.get("/api/v1/tenants").content.decode()
    assert "广东省" in body and "\\u" not in body


def test_kpis_match_the_database(client_zh: Client) -> None:
    from onestop.partners.tests.helpers import make_partner_app

    tenant = access_tenant_by_code("gd")
    make_partner_app(0)
    make_partner_app(1)
    _some_traffic(tenant)
    kpis = client_zh.get("/api/v1/tenants/gd/kpis").json()
    items = ServiceItem.objects.filter(tenant=tenant, status="published")
    citizens = User.objects.filter(tenant=tenant, kind="citizen")
    assert kpis == {
        "services_total": items.count(),
        "services_zero_trip": items.filter(visits_required=0).count(),
        "departments_total": Department.objects.filter(tenant=tenant).count(),
        "regions_total": Region.objects.filter(tenant=tenant).count(),
        "users_total": citizens.count(),
        "real_name_users": citizens.filter(trust_level__gte=3).count(),
        "users_by_level": {f"L{n}": citizens.filter(trust_level=n).count() for n in range(1, 6)},
        **_case_figures(tenant),
        **_partner_figures(tenant),
        **_traffic_figures(tenant),
    }
    assert kpis["services_total"] >= 700 and kpis["services_zero_trip"] >= 617
    assert (kpis["partners_total"], kpis["partner_apps_total"]) == (2, 2)
    assert (
        kpis["page_views_today"],
        kpis["unique_visitors_today"],
        kpis["page_views_peak_day"],
    ) == (5, 3, 31_000_000)


def _partner_figures(tenant) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.utils import timezone

    from onestop.partners.models import Admission, AppGrant, WebhookDelivery

    approved = Admission.objects.filter(tenant=tenant, state="approved").values("partner")
    since = timezone.now() - timedelta(hours=24)
    return {
        "partners_total": approved.count(),
        "partner_apps_total": AppGrant.objects.filter(tenant=tenant, app__partner__in=approved).count(),
        "webhook_deliveries_24h": WebhookDelivery.objects.filter(
            tenant=tenant, created_at__gte=since
        ).count(),
    }


def _case_figures(tenant) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The case figures, counted here from the rows themselves."""
    from django.utils import timezone

    from onestop.cases.models import Case, Rating, RectificationTicket
    from onestop.certificates.models import Certificate, CertificateType
    from onestop.exchange.models import DataQuery
    from onestop.workdays.calendar import WorkCalendar

    cases = Case.objects.filter(tenant=tenant)
    decided = [c for c in cases if c.decided_on is not None]
    calendar = WorkCalendar()
    days = [calendar.working_days_between(c.accepted_on, c.decided_on) - c.paused_days for c in decided]
    ratings = list(Rating.objects.filter(tenant=tenant).values_list("score", flat=True))
    states = [
        "received",
        "correction_requested",
        "not_accepted",
        "accepted",
        "under_review",
        "special_procedure",
        "decided",
        "concluded",
        "certificate_issued",
        "withdrawn",
    ]
    today = timezone.localdate()

    def as_the_law_has_it(case: Case) -> str:
        # Unanswered for 5 working days after receipt: accepted, recorded or not.
        late = today > calendar.add_working_days(case.received_on, 5).day
        return "accepted" if case.state == "received" and late else case.state

    by_state = [as_the_law_has_it(c) for c in cases]
    return {
        "cases_total": cases.count(),
        "cases_by_state": {s: by_state.count(s) for s in states},
        "on_time_rate": round(sum(bool(c.decided_on_time) for c in decided) / len(decided), 4),
        "avg_processing_days": round(sum(max(0, d) for d in days) / len(days), 2),
        "ratings_total": len(ratings),
        "satisfaction": round(sum(score >= 4 for score in ratings) / len(ratings), 4),
        "rectification_open": RectificationTicket.objects.filter(
            tenant=tenant, answered_at__isnull=True
        ).count(),
        "certificates_issued": Certificate.objects.filter(tenant=tenant).count(),
        "certificate_types": CertificateType.objects.filter(tenant=tenant).count(),
        "data_exchange_queries": DataQuery.objects.filter(tenant=tenant).count(),
    }


def test_service_guide_has_every_national_field(client_zh: Client) -> None:
    code = client_zh.get("/api/v1/tenants/gd/services?q=护照&zero_trip=false").json()["results"][0]["code"]
    guide = client_zh.get(f"/api/v1/tenants/gd/services/{code}").json()
    for field in (
        "code",
        "name",
        "item_type",
        "department",
        "legal_basis",
        "exercise_level",
        "acceptance_conditions",
        "materials",
        "steps",
        "statutory_limit_days",
        "committed_limit_days",
        "fee_amount",
        "places",
        "consultation_phone",
        "complaint_phone",
        "visits_required",
        "min_trust_level",
        "themes",
    ):
        assert guide[field] not in ("", None, []), field
    assert guide["visits_required"] >= 1 and not guide["zero_trip"]
    assert any(step["requires_visit"] for step in guide["steps"])
    assert guide["url"] == f"/gd/services/{code}/"


query_values = st.one_of(
    st.text(max_size=120),
    st.sampled_from(["", "0", "-1", "1", "true", "false", "社保", "gd-rs", "p-exit", "9" * 30]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    tenant=st.sampled_from(["gd", "xq", "nope", "GD", "%00", "a" * 40]),
    params=st.dictionaries(
        st.sampled_from(["q", "page", "page_size", "zero_trip", "department", "theme", "audience"]),
        query_values,
        max_size=4,
    ),
)
def test_any_query_gets_a_clear_answer_never_a_server_error(
    client_zh: Client, tenant: str, params: dict[str, str]
) -> None:
    clean = {k: v.replace("\x00", "") for k, v in params.items()}
    response = client_zh.get(f"/api/v1/tenants/{tenant}/services", clean)
    assert response.status_code in {200, 404, 422}, (response.status_code, clean)
    body = json.loads(response.content)
    if response.status_code != 200:
        assert body["code"] and body["message"]


def test_kpis_take_a_fixed_number_of_queries(
    client_zh: Client, django_assert_max_num_queries: pytest.FixtureRequest
) -> None:
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        assert client_zh.get("/api/v1/tenants/gd/kpis").status_code == 200


def _some_traffic(tenant) -> None:  # type: ignore[no-untyped-def]
    """Page views today (counted, written, rolled up) and a busy day in the past."""
    from datetime import timedelta

    from django.utils import timezone

    from onestop.analytics.actions import DayTraffic, do_import_traffic_history
    from onestop.analytics.recorder import View, recorder
    from onestop.analytics.rollup import roll_up
    from onestop.core.actors import Actor

    recorder.discard()
    now = timezone.localtime().replace(
        hour=12, minute=0, second=0, microsecond=0
    )  # mid-day, whenever it runs
    for n in range(5):
        recorder.record(
            View(
                tenant_id=tenant.pk,
                at=now - timedelta(seconds=61 + n),
                page="catalogue:home",
                item="",
                department="",
                visitor=f"t{n % 3}",
            )
        )
    recorder.flush()
    roll_up(now=now)
    do_import_traffic_history(
        actor=Actor.system("test"),
        tenant=tenant,
        days=[
            DayTraffic(day=timezone.localdate() - timedelta(days=400), views=31_000_000, visitors=4_000_000)
        ],
    )


def _traffic_figures(tenant) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Today's page views and visitors counted from the raw views themselves."""
    from django.db.models import Max
    from django.utils import timezone

    from onestop.analytics.models import PageView, TrafficRollup

    today = PageView.objects.filter(tenant=tenant, at__date=timezone.localdate())
    days = TrafficRollup.objects.filter(tenant=tenant, period="day", dimension="all")
    return {
        "page_views_today": today.count(),
        "unique_visitors_today": today.values("visitor").distinct().count(),
        "page_views_peak_day": days.aggregate(top=Max("views"))["top"],
    }


def test_the_document_declares_exactly_the_ways_in_and_the_answers_every_operation_gives() -> None:
    """Each operation lists one security requirement per way in: no scope-less token
    beside the scoped one (which would read as "any token will do"), no duplicates; and
    every operation documents 404 and 422, with the text rules in the description."""
    document = Client().get("/api/v1/openapi.json").json()
    assert "invalid_characters" in document["info"]["description"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            security = operation.get("security") or []
            assert len(security) == len({json.dumps(s, sort_keys=True) for s in security}), (
                method,
                path,
            )
            scoped = [s for s in security if s.get("PartnerOAuth")]
            assert not (scoped and {"PartnerOAuth": []} in security), (method, path, security)
            assert {"404", "422"} <= set(operation["responses"]), (method, path)
