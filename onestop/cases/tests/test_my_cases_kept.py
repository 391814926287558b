"""The "my applications" list is kept per person: read again only after a case of theirs is
written, never shown to anyone else, never kept for nobody."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onestop.cases.tests.helpers import act, apply, rs_person_item
from onestop.identity.tests.factories import client_of, make_citizen
from onestop.tenancy.access import access_tenant_by_code

pytestmark = pytest.mark.django_db


def _row(page: str, number: str) -> str:
    """The list entry of the case ``number``."""
    return next(entry for entry in page.split("<li>") if number in entry)


def test_my_applications_is_kept_until_a_case_of_mine_changes(citizen: Client, officer: Client) -> None:
    number = apply(citizen, rs_person_item().code)
    citizen.get("/gd/me/cases/")  # with the submission's message: rendered for the reader alone
    first = citizen.get("/gd/me/cases/").content.decode()  # kept
    assert "已受理" not in _row(first, number)
    with CaptureQueriesContext(connection) as queries:
        kept = citizen.get("/gd/me/cases/").content.decode()
    read = [q["sql"] for q in queries.captured_queries if "cases_case" in q["sql"]]
    assert len(read) == 1 and "MAX(" in read[0]  # only when their cases were last written
    assert number in kept
    act(officer, number, "accept", "受理")  # a case of theirs is written
    again = citizen.get("/gd/me/cases/").content.decode()
    assert "已受理" in _row(again, number)


def test_a_kept_list_is_never_anyone_elses(citizen: Client) -> None:
    number = apply(citizen, rs_person_item().code)
    assert number in citizen.get("/gd/me/cases/").content.decode()  # kept for this citizen
    stranger = client_of(make_citizen(access_tenant_by_code("gd")))
    assert number not in stranger.get("/gd/me/cases/").content.decode()
    nobody = Client().get("/gd/me/cases/")
    assert nobody.status_code == 302 and number not in nobody.content.decode()
