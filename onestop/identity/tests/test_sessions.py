"""The session store reads a session with one fixed statement; what it answers is Django's:
an expired, unknown or ended session signs nobody in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from onestop.identity.sessions import SessionStore
from onestop.identity.tests.factories import client_of, make_citizen
from onestop.tenancy.access import access_tenant_by_code

pytestmark = pytest.mark.django_db

PAGE = "/gd/me/cases/"


def _signed_in(client: Client) -> bool:
    answer = client.get(PAGE)
    return answer.status_code == 200


def test_a_session_signs_its_person_in_until_it_expires() -> None:
    citizen = make_citizen(access_tenant_by_code("gd"))
    client = client_of(citizen)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert _signed_in(client)
    assert SessionStore(key).load()["_auth_user_id"] == str(citizen.pk)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert not _signed_in(client)
    assert client.get(PAGE)["Location"].startswith("/gd/accounts/login/")
    store = SessionStore(key)
    assert store.load() == {} and store.session_key is None  # a new key, were it written


def test_an_unknown_or_malformed_session_key_signs_nobody_in() -> None:
    someone = client_of(make_citizen(access_tenant_by_code("gd")))
    for key in ("x" * 32, "no such key", "'; DROP TABLE django_session; --" + "a" * 8):
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        assert not _signed_in(client), key
        assert SessionStore(key).load() == {}
    assert _signed_in(someone)  # the key was a value, never SQL: sessions are all there


def test_a_session_ended_by_logging_out_signs_nobody_in() -> None:
    citizen = make_citizen(access_tenant_by_code("gd"))
    client = client_of(citizen)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/gd/accounts/logout/")
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = key  # the old cookie kept by someone
    assert not _signed_in(stale)
