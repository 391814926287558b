"""A person's own pages ("my applications" and each case's page) are kept per person:
rendered again only after an action on a case of theirs, never shown to anyone else,
never kept for nobody."""

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
    assert not [q for q in queries.captured_queries if "cases_case" in q["sql"]]  # nothing of the list
    assert [q["sql"] for q in queries.captured_queries if "core_personstamp" in q["sql"]]  # their stamp
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


def test_a_case_page_is_kept_until_an_action_on_it(citizen: Client, officer: Client) -> None:
    number = apply(citizen, rs_person_item().code)
    page = f"/gd/me/cases/{number}/"
    citizen.get(page)  # the submission's message: rendered for the reader alone
    first = citizen.get(page).content.decode()  # kept
    with CaptureQueriesContext(connection) as queries:
        kept = citizen.get(page).content.decode()
    assert not [q for q in queries.captured_queries if "cases_case" in q["sql"]]
    # The same page, each answer with the reader's own CSRF token in its forms.
    assert kept.replace(_token(kept), "") == first.replace(_token(first), "")
    assert "材料齐全" not in kept
    act(officer, number, "accept", "材料齐全")  # the officer's step is on the citizen's page at once
    assert "材料齐全" in citizen.get(page).content.decode()
    for step, comment in (("start_review", "开始审查"), ("decide", "符合条件"), ("conclude", "办结")):
        act(officer, number, step, comment, decision="approved")
    concluded = citizen.get(page).content.decode()
    assert "已出证" in concluded and 'name="score"' in concluded  # it may be rated now
    rated = citizen.post(f"{page}rate/", {"score": "5"})
    assert rated.status_code == 302
    citizen.get(page)  # the thanks (a message): for the reader alone
    assert 'name="score"' not in citizen.get(page).content.decode()  # rated: no second form


def test_a_kept_case_page_is_never_anyone_elses(citizen: Client) -> None:
    number = apply(citizen, rs_person_item().code)
    page = f"/gd/me/cases/{number}/"
    citizen.get(page)
    assert number in citizen.get(page).content.decode()  # kept for its applicant
    stranger = client_of(make_citizen(access_tenant_by_code("gd")))
    answer = stranger.get(page)
    missing = stranger.get("/gd/me/cases/GD2000010100001/")
    assert answer.status_code == missing.status_code == 404
    assert answer.content.decode().replace(number, "GD2000010100001") == missing.content.decode()
    nobody = Client().get(page)
    assert nobody.status_code == 302 and nobody["Location"].startswith("/gd/accounts/login/")


def _token(page: str) -> str:
    return page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
