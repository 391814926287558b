"""Public catalogue pages come from the shared cache: rendered once for everyone (signed
out without any token, and kept compressed; signed in with each reader's own CSRF token),
never with another reader's messages, and changed at once when the catalogue changes."""

from __future__ import annotations

import gzip
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


def _code(page: str) -> str:
    found = re.search(r'class="error-code">[^:]*: (\w+)', page)
    assert found is not None
    return found.group(1)


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
    assert searched.count(placeholder()) >= 1 and "csrfmiddlewaretoken" not in searched
    # An error answered from a kept view (a guide that is not there) holds no placeholder.
    missing = Client().get("/gd/services/NO-SUCH-ITEM/")
    assert missing.status_code == 404 and placeholder() not in missing.content.decode()


def test_signed_out_readers_share_one_page_without_a_token_kept_compressed() -> None:
    code = rs_person_item().code
    for path in ("/gd/", "/gd/services/", f"/gd/services/{code}/", "/gd/departments/"):
        plain = Client().get(path)
        zipped = Client(headers={"accept-encoding": "gzip, deflate, br"}).get(path)
        again = Client(headers={"accept-encoding": "gzip"}).get(path)
        assert plain.status_code == zipped.status_code == 200, path
        assert "csrfmiddlewaretoken" not in plain.content.decode(), path
        assert "csrftoken" not in plain.cookies and "csrftoken" not in zipped.cookies, path
        assert zipped["Content-Encoding"] == again["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in zipped["Vary"] and "Accept-Encoding" in plain["Vary"], path
        assert zipped.content == again.content, path  # compressed once, when kept
        assert gzip.decompress(zipped.content) == plain.content, path
    # Signed out, the guide leads to the login and back; signed in it has the form.
    guide = Client().get(f"/gd/services/{code}/").content.decode()
    assert f'href="/gd/accounts/login/?next=/gd/services/{code}/"' in guide
    assert f'action="/gd/services/{code}/apply/"' not in guide
    citizen = Client(headers={"accept-encoding": "gzip"})
    citizen.force_login(User.objects.get(tenant__code="gd", phone_hash=phone_hash(CITIZEN)))
    theirs = citizen.get(f"/gd/services/{code}/")
    assert not theirs.has_header("Content-Encoding")  # a page with a token is never compressed
    assert f'action="/gd/services/{code}/apply/"' in theirs.content.decode() and _token(
        theirs.content.decode()
    )


def test_the_language_switch_needs_no_token_and_refuses_other_sites() -> None:
    reader = Client(enforce_csrf_checks=True)
    switched = reader.post("/i18n/setlang/", {"language": "en", "next": "/gd/"})
    assert switched.status_code == 302 and switched["Location"] == "/gd/"
    assert "Popular services" in reader.get("/gd/").content.decode()
    same = reader.post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "/gd/"}, headers={"origin": "http://testserver"}
    )
    assert same.status_code == 302 and "热门服务" in reader.get("/gd/").content.decode()
    for headers in ({"origin": "https://evil.example"}, {"sec-fetch-site": "cross-site"}, {"origin": "null"}):
        refused = reader.post("/i18n/setlang/", {"language": "en", "next": "/gd/"}, headers=headers)
        assert refused.status_code == 403, headers
        assert "django_language" not in refused.cookies, headers
        assert "热门服务" in reader.get("/gd/").content.decode()  # unchanged
    assert reader.get("/i18n/setlang/", {"next": "/gd/"}).status_code == 302  # a GET only leads back


def test_the_language_switch_refuses_what_it_does_not_offer_and_touches_nobody_else() -> None:
    reader = Client(headers={"accept-language": "en"})
    for asked in ({"language": "fr", "next": "/gd/"}, {"next": "/gd/"}, {"language": "", "next": "/gd/"}):
        refused = reader.post("/i18n/setlang/", asked)
        assert refused.status_code == 422, asked
        assert _code(refused.content.decode()) == "language_unknown", asked
        assert "This language is not offered" in refused.content.decode(), asked
        assert "django_language" not in refused.cookies, asked
    chinese = Client(headers={"accept-language": "zh-CN"}).post("/i18n/setlang/", {"language": "fr"})
    assert chinese.status_code == 422 and "不支持这种语言" in chinese.content.decode()
    bad = reader.post(
        "/i18n/setlang/", "language=en%00&next=/gd/", content_type="application/x-www-form-urlencoded"
    )
    assert bad.status_code == 422 and _code(bad.content.decode()) == "invalid_characters"
    # Another site's address in `next` leads home, never away.
    away = reader.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert away.status_code == 302 and away["Location"] == "/"
    # Another tenant's page is only an address to go back to: the choice is the browser's.
    other = reader.post("/i18n/setlang/", {"language": "zh-hans", "next": "/xq/"})
    assert other.status_code == 302 and other["Location"] == "/xq/"
    # One person's choice is not another's.
    someone_else = Client(headers={"accept-language": "en"})
    assert "Popular services" in someone_else.get("/gd/").content.decode()
    assert "热门服务" in reader.get("/gd/").content.decode()
