"""What every page sends besides its content, over HTTP: the Content-Security-Policy,
caching and compression, the scripts it loads, its description and favicon, and the
error summary and live region that assistive technologies rely on."""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from onestop.cases.tests.helpers import CITIZEN, OPERATOR, logged_in, rs_person_item
from onestop_dev.demo.generator import build_province

pytestmark = pytest.mark.django_db
PROVINCE = build_province()
VISIT_ITEM = next(i for i in PROVINCE.items if i.visits_required)
CJK = re.compile(r"[\u4e00-\u9fff]")


class _Page(HTMLParser):
    """The tags of a page, in order, each with its attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def all(self, tag: str, **wanted: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in wanted.items())]


def _public_pages() -> list[str]:
    theme = next(t for t in PROVINCE.themes)
    return [
        "/gd/",
        "/gd/services/?q=社保",
        f"/gd/services/?theme={theme.code}",
        f"/gd/services/{VISIT_ITEM.code}/",
        "/gd/departments/",
        "/gd/life-events/birth/",
        "/verify/",
    ]


def _directives(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    parts = (part.strip().partition(" ") for part in response["Content-Security-Policy"].split(";"))
    return {name: value for name, _, value in parts}


def test_every_response_carries_a_content_security_policy_without_inline_script(
    client: Client,
) -> None:
    operator = logged_in(OPERATOR)
    for response in (
        client.get("/gd/"),
        client.get("/api/v1/tenants"),
        client.get("/static/onestop/onestop.css"),
        client.get("/gd/nowhere/"),
        operator.get("/console/gd/"),
    ):
        directives = _directives(response)
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'self'"
        assert directives["frame-ancestors"] == "'none'" and directives["img-src"] == "'self' data:"
        # The OAuth consent form's answer redirects to the partner: no form-action.
        assert "form-action" not in directives and "style-src-attr" not in directives
    # Only the dashboards' charts (ECharts) set style attributes.
    dashboard = operator.get("/console/gd/dashboard/")
    assert _directives(dashboard)["style-src-attr"] == "'unsafe-inline'"
    assert _directives(dashboard)["script-src"] == "'self'"


@pytest.mark.parametrize(
    "url", [*_public_pages(), "/gd/accounts/login/", "/gd/me/", "/console/gd/dashboard/"]
)
def test_pages_hold_no_inline_script_or_style(url: str) -> None:
    client = logged_in(OPERATOR) if url.startswith("/console/") else logged_in(CITIZEN)
    response = client.get(url)
    assert response.status_code == 200
    page = _Page(response.content.decode())
    for attributes in page.all("script"):
        assert attributes.get("src") or attributes.get("type") == "application/json", attributes
    assert not page.all("style") and not any("style" in a for _tag, a in page.tags)


def test_htmx_is_loaded_by_the_search_page_only(client: Client) -> None:
    home = client.get("/gd/").content.decode()
    assert "htmx" not in home
    search = _Page(client.get("/gd/services/").content.decode())
    assert any("vendor/htmx/htmx.min" in a["src"] and "defer" in a for a in search.all("script"))
    # No <style> element of its own (the policy would refuse it), no eval.
    (config,) = search.all("meta", name="htmx-config")
    assert '"includeIndicatorStyles": false' in config["content"]


def test_live_search_keeps_its_status_region_outside_what_it_swaps(client: Client) -> None:
    html = client.get("/gd/services/?q=gjj").content.decode()
    status = re.search(r'<p id="search-status" class="muted" role="status">(.*?)</p>', html, re.S)
    assert status and "找到" in status.group(1)
    results = html.index('<div id="results">')
    assert status.start() < results and "aria-live" not in html[results:]
    # htmx swaps #results whole; the count goes into the status line, which stays.
    live = client.get("/gd/services/?q=gjj", headers={"HX-Request": "true"}).content.decode()
    swapped = re.search(r'<p id="search-status" hx-swap-oob="innerHTML">(.*?)</p>', live, re.S)
    assert swapped and swapped.group(1).strip() == status.group(1).strip()
    assert '<div id="results">' in live and 'role="status"' not in live


def test_the_language_buttons_name_starts_with_what_they_show(client_zh: Client, client_en: Client) -> None:
    for client, shown in ((client_zh, "EN"), (client_en, "中文")):
        html = client.get("/gd/").content.decode()
        button = re.search(
            r'<button type="submit" name="language"[^>]*aria-label="([^"]*)"[^>]*>([^<]*)</button>',
            html,
        )
        assert button and button.group(2) == shown
        assert button.group(1).startswith(shown + " ")  # WCAG 2.5.3: the label is in the name


def test_a_form_with_errors_starts_with_a_summary_linking_each_field() -> None:
    refused = Client().post("/gd/accounts/login/", {"method": "password", "phone": "", "password": ""})
    assert refused.status_code == 422
    html = refused.content.decode()
    summary = html.index("data-error-summary")
    assert summary < html.index('<input type="text" name="phone"')
    links = re.findall(r'<li><a href="#(id_[a-z_]+)">', html[summary:])
    assert links == ["id_phone", "id_password"]
    # Each field names its error for screen readers; forms.js moves focus to the summary.
    assert re.search(r'<input[^>]*name="phone"[^>]*aria-describedby="id_phone_error"', html)
    assert 'id="id_phone_error"' in html and "onestop/forms" in html

    citizen = logged_in(CITIZEN)
    base = citizen.post(f"/gd/services/{rs_person_item().code}/apply/")["Location"].rsplit("/", 2)[0]
    step = citizen.post(f"{base}/1/", {"address": "短", "county": "999999"})
    assert step.status_code == 422
    html = step.content.decode()
    assert set(re.findall(r'<li><a href="#(id_[a-z_]+)">', html)) == {"id_address", "id_county"}


def test_the_application_steps_have_no_tab_bar_over_their_buttons() -> None:
    citizen = logged_in(CITIZEN)
    assert 'class="tabbar"' in citizen.get(f"/gd/services/{rs_person_item().code}/").content.decode()
    base = citizen.post(f"/gd/services/{rs_person_item().code}/apply/")["Location"].rsplit("/", 2)[0]
    for position in (1, 2, 3, 4):  # the form's two steps, materials, review
        page = citizen.get(f"{base}/{position}/")
        assert page.status_code == 200 and 'class="tabbar"' not in page.content.decode()


def test_public_pages_are_compressed_and_personal_ones_are_not(client: Client) -> None:
    public = client.get("/gd/services/?q=社保", headers={"Accept-Encoding": "gzip, br"})
    assert public["Content-Encoding"] == "gzip" and "Accept-Encoding" in public["Vary"]
    assert "社会保障卡申领" in gzip.decompress(public.content).decode()
    citizen = logged_in(CITIZEN)
    for response in (
        citizen.get("/gd/", headers={"Accept-Encoding": "gzip"}),  # logged in
        citizen.get("/gd/me/", headers={"Accept-Encoding": "gzip"}),
        client.post("/gd/accounts/login/", {"method": "password"}, headers={"Accept-Encoding": "gzip"}),
    ):
        assert not response.has_header("Content-Encoding"), response.request["PATH_INFO"]


def test_personal_and_console_pages_are_never_stored() -> None:
    citizen = logged_in(CITIZEN)
    wallet = citizen.get("/gd/me/wallet/")
    assert wallet.status_code == 200 and "IC-" in wallet.content.decode()
    citizen.post("/gd/accounts/logout/")
    # What a browser kept of the wallet while logged in says: keep nothing.
    assert wallet["Cache-Control"] == "private, no-store"
    assert citizen.get("/gd/me/wallet/").status_code == 302
    for response in (
        logged_in(CITIZEN).get("/gd/"),
        logged_in(OPERATOR).get("/console/gd/"),
        Client().get("/console/gd/"),
        Client().get("/platform/"),
    ):
        assert response["Cache-Control"] == "private, no-store", response.request["PATH_INFO"]
    assert not Client().get("/gd/").has_header("Cache-Control")  # public: caches may keep it
    # A view's own answer stands: the public key of the audit log is public to anyone.
    assert logged_in(CITIZEN).get("/audit/key")["Cache-Control"].startswith("public")


@pytest.mark.parametrize("url", [*_public_pages(), "/gd/accounts/login/", "/gd/accounts/register/"])
def test_public_pages_describe_themselves_in_their_language(
    client_zh: Client, client_en: Client, url: str
) -> None:
    for client, language in ((client_zh, "zh"), (client_en, "en")):
        page = _Page(client.get(url).content.decode())
        (description,) = page.all("meta", name="description")
        text = description["content"]
        assert len(text) > 20, (url, language, text)
        foreign = re.search(r"[A-Za-z]{4,}", text) if language == "zh" else CJK.search(text)
        assert not foreign, (url, language, text)
        (icon,) = page.all("link", rel="icon")
        assert re.fullmatch(r"/static/onestop/favicon(\.[0-9a-f]{12})?\.svg", icon["href"])
        assert icon["type"] == "image/svg+xml"


def test_the_favicon_is_the_projects_own_svg() -> None:
    path = finders.find("onestop/favicon.svg")
    assert path
    with open(str(path), encoding="utf-8") as svg:
        content = svg.read()
    assert content.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "href" not in content
