"""Public catalogue pages come from the shared cache: rendered once for everyone, with
each reader's own CSRF token in them, never with another reader's messages, and changed
at once when the catalogue changes."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from onestop.cases.tests.helpers import CITIZEN, rs_person_item
from onestop.catalogue.actions import do_withdraw_service_item
from onestop.core.actors import Actor
from onestop.core.pagecache import placeholder
from onestop.identity.models import User
from onestop.messaging.phones import phone_hash
from onestop.tenancy.access import access_tenant_by_code

pytestmark = pytest.mark.django_db


def _token(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_a_kept_page_carries_each_readers_own_token() -> None:
    code = rs_person_item().code
    anonymous = Client()
    first = anonymous.get(f"/gd/services/{code}/").content.decode()
    citizen = Client(enforce_csrf_checks=True)
    citizen.force_login(User.objects.get(tenant__code="gd", phone_hash=phone_hash(CITIZEN)))
    with CaptureQueriesContext(connection) as queries:
        kept = citizen.get(f"/gd/services/{code}/").content.decode()
    assert not [
        q for q in queries.captured_queries if "catalogue_serviceitem" in q["sql"]
    ]  # not rendered again
    assert placeholder() not in first and placeholder() not in kept
    # The token in the kept page is the citizen's own: applying with it is let through.
    applied = citizen.post(f"/gd/services/{code}/apply/", {"csrfmiddlewaretoken": _token(kept)})
    assert applied.status_code == 302
    # The same page in English is kept apart.
    assert '<html lang="zh-Hans">' in first
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/gd/services/{code}/").content.decode()
    assert '<html lang="en">' in english


def test_messages_waiting_for_a_reader_are_never_kept_for_others(rf: RequestFactory) -> None:
    reader = Client()
    reader.get("/gd/departments/")  # kept
    waiting = CookieStorage(rf.get("/"))
    waiting.add(constants.SUCCESS, "只给这位读者的消息")
    carrier = HttpResponse()
    waiting.update(carrier)
    reader.cookies["messages"] = carrier.cookies["messages"].value
    assert "只给这位读者的消息" in reader.get("/gd/departments/").content.decode()
    assert "只给这位读者的消息" not in Client().get("/gd/departments/").content.decode()


def test_a_change_to_the_catalogue_shows_at_once() -> None:
    code = rs_person_item().code
    visitor = Client()
    assert visitor.get(f"/gd/services/{code}/").status_code == 200
    do_withdraw_service_item(
        actor=Actor.system("test"), tenant=access_tenant_by_code("gd"), code=code, reason="停办"
    )
    assert visitor.get(f"/gd/services/{code}/").status_code == 404


def test_what_no_page_takes_or_an_error_is_never_kept_and_carries_a_real_token() -> None:
    code = rs_person_item().code
    # A made-up parameter: rendered for this reader, not kept under its own address.
    for _ in range(2):
        rendered = Client().get(f"/gd/services/{code}/", {"utm": "x"})
        assert "catalogue/guide.html" in [t.name for t in rendered.templates]  # type: ignore[attr-defined]
    # The plain address is kept: its second reader is answered without rendering.
    Client().get(f"/gd/services/{code}/")
    assert Client().get(f"/gd/services/{code}/").templates == []  # type: ignore[attr-defined]
    # A search for the placeholder itself gets nobody's token copied into the page.
    searched = Client().get("/gd/services/", {"q": placeholder()}).content.decode()
    assert searched.count(placeholder()) >= 1 and _token(searched) != placeholder()
    # An error answered from a kept view (a guide that is not there) has a working token.
    missing = Client().get("/gd/services/NO-SUCH-ITEM/")
    assert missing.status_code == 404 and placeholder() not in missing.content.decode()
    assert _token(missing.content.decode())
