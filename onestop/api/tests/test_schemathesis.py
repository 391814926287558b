"""Schemathesis over the whole API with a partner app's tokens: whatever it sends, valid
or not, no server error, and every answer is one the OpenAPI document describes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from onestop.cases.tests.helpers import CITIZEN, logged_in

pytestmark = pytest.mark.django_db
DOCUMENT = json.loads((Path(__file__).parents[3] / "docs" / "api" / "openapi.json").read_text())
OPERATIONS = [f"{method.upper()} {path}" for path, methods in DOCUMENT["paths"].items() for method in methods]
# Invalid input can be made only for operations that take more than path segments.
NEGATIVE = [
    f"{method.upper()} {path}"
    for path, methods in DOCUMENT["paths"].items()
    for method, spec in methods.items()
    if "requestBody" in spec or any(p["in"] != "path" for p in spec.get("parameters", []))
]
CITIZEN_PATHS = tuple(f"/api/v1/tenants/{{tenant}}/{name}" for name in ("applications", "uploads", "cases"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@contextmanager
def one_connection() -> Iterator[None]:
    """Requests go straight to the WSGI handler: like Django's test client, keep the test's
    connection (and its transaction) open across them."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema() -> Any:
    with one_connection():
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.mark.parametrize(
    ("mode", "label"),
    [(GenerationMode.POSITIVE, label) for label in OPERATIONS]
    + [(GenerationMode.NEGATIVE, label) for label in NEGATIVE],
)
def test_no_server_error_and_no_schema_violation(api_schema: Any, mode: GenerationMode, label: str) -> None:
    from onestop.partners.tests.helpers import make_partner_app

    operation = api_schema.find_operation_by_label(label)
    partner = make_partner_app(rate_per_minute=1_000_000)
    citizen = "citizen" if operation.path.startswith(CITIZEN_PATHS) else ""
    token = (partner.consent_of(logged_in(CITIZEN)) if citizen else partner.token())["access_token"]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        if "tenant" in (case.path_parameters or {}):
            case.path_parameters["tenant"] = "gd"
        with one_connection():
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    run()
