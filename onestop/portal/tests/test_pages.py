"""The citizen portal over HTTP: pages, languages, errors and accessibility basics."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from onestop_dev.demo.generator import build_province

pytestmark = pytest.mark.django_db
PROVINCE = build_province()
VISIT_ITEM = next(i for i in PROVINCE.items if i.visits_required)


class _Form(HTMLParser):
    """Collects form controls and labels, to check that every control is labelled."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in {"input", "select", "textarea"} and attributes.get("type") not in {
            "hidden",
            "submit",
        }:
            self.controls.append(attributes)
        if tag == "label" and attributes.get("for"):
            self.labelled.add(attributes["for"] or "")


def _pages() -> list[str]:
    return [
        "/gd/",
        "/gd/services/",
        "/gd/services/?q=社保",
        f"/gd/services/{VISIT_ITEM.code}/",
        "/gd/departments/",
        "/gd/life-events/birth/",
    ]


@pytest.mark.parametrize("url", _pages())
def test_pages_render_in_chinese_by_default_and_label_every_control(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert 'name="viewport"' in html
    parser = _Form()
    parser.feed(html)
    for control in parser.controls:
        assert control.get("id") in parser.labelled or control.get("aria-label"), control


@pytest.mark.parametrize("url", _pages())
def test_pages_are_complete_in_english(client_en: Client, url: str) -> None:
    html = client_en.get(url).content.decode()
    assert '<html lang="en">' in html
    # Everything the platform itself says is English; only catalogue content (names of
    # items, materials, laws) stays Chinese, marked lang="zh-Hans" where shown as text.
    chrome = re.sub(r'<[^>]+lang="zh-Hans"[^>]*>.*?</[a-z0-9]+>', "", html, flags=re.S)
    chrome = re.sub(r"<option[^>]*>.*?</option>", "", chrome, flags=re.S)
    for label in ("Home", "Services", "Departments"):
        assert label in chrome
    for chinese_ui in ("首页", "搜索", "部门", "零跑动", "工作日"):
        assert chinese_ui not in chrome, chinese_ui


def test_home_shows_search_hot_items_themes_departments_and_life_events(client: Client) -> None:
    html = client.get("/gd/").content.decode()
    for text in (
        "热门服务",
        "个人办事",
        "法人办事",
        "部门",
        "一件事一次办",
        "出生一件事",
        "社会保障",
    ):
        assert text in html, text
    assert html.count('class="item-name"') == 8


def test_guide_shows_what_a_citizen_must_know(client: Client) -> None:
    html = client.get(f"/gd/services/{VISIT_ITEM.code}/").content.decode()
    for text in (
        "受理条件",
        "申请材料",
        "办理流程",
        "承诺时限",
        "法定时限",
        "设定依据",
        "咨询电话",
        "投诉电话",
        "办理地点和时间",
        "实名要求",
        VISIT_ITEM.name,
        VISIT_ITEM.code,
        VISIT_ITEM.materials[0].name,
        VISIT_ITEM.steps[1].name,
    ):
        assert text in html, text
    assert "需到办事大厅" in html


def test_search_page_finds_by_pinyin(client: Client) -> None:
    html = client.get("/gd/services/", {"q": "shebao"}).content.decode()
    assert "社会保障卡申领" in html
    assert re.search(r"找到 \d+ 项服务", html)


def test_htmx_requests_get_only_the_results_fragment(client: Client) -> None:
    response = client.get("/gd/services/", {"q": "sb"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html and "社会保障卡申领" in html


def test_language_switch_sets_the_language(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/gd/"})
    assert response.status_code == 302 and response["Location"] == "/gd/"
    assert "Popular services" in client.get("/gd/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/gd/"})
    assert "热门服务" in client.get("/gd/").content.decode()


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/nope/", 404, "tenant_not_found"),
        ("/gd/services/NOSUCH/", 404, "service_item_not_found"),
        ("/gd/life-events/nope/", 404, "life_event_not_found"),
        ("/gd/no/such/page/", 404, "page_not_found"),
        ("/gd/services/?page=x", 422, "invalid_parameter"),
        ("/gd/services/?department=nope", 422, "department_unknown"),
    ],
)
def test_bad_requests_get_a_translated_page_with_a_code(
    client: Client, client_en: Client, url: str, status: int, code: str
) -> None:
    chinese, english = client.get(url), client_en.get(url)
    assert chinese.status_code == english.status_code == status
    assert code in chinese.content.decode() and code in english.content.decode()
    assert chinese.content != english.content
    assert "Traceback" not in chinese.content.decode()


def test_single_public_tenant_or_default_redirects_from_root(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ONESTOP_DEFAULT_TENANT = "gd"
    assert client.get("/")["Location"] == "/gd/"
    settings.ONESTOP_DEFAULT_TENANT = ""
    html = client.get("/").content.decode()
    assert "/gd/" in html and "/xq/" in html


def test_pages_send_security_headers(client: Client) -> None:
    response = client.get("/gd/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_home_page_queries_do_not_grow_with_the_catalogue(
    client: Client, django_assert_max_num_queries: pytest.FixtureRequest
) -> None:
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        client.get("/gd/")
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        client.get("/gd/services/", {"q": "证"})


DEVELOPER_PAGES = ["/developers/", "/developers/docs/", "/developers/signup/"]


@pytest.mark.parametrize("url", DEVELOPER_PAGES)
def test_developer_pages_are_labelled_and_complete_in_both_languages(
    client: Client, client_en: Client, url: str
) -> None:
    zh = client.get(url).content.decode()
    assert '<html lang="zh-Hans">' in zh and "开发者门户" in zh
    parser = _Form()
    parser.feed(zh)
    for control in parser.controls:
        assert control.get("id") in parser.labelled or control.get("aria-label"), control
    en = client_en.get(url).content.decode()
    assert '<html lang="en">' in en and "Developer portal" in en
    for chinese_ui in ("开发者", "注册", "令牌", "接口"):
        assert chinese_ui not in en, chinese_ui


def test_the_app_page_of_a_developer_is_labelled_in_both_languages() -> None:
    from onestop.partners.tests.helpers import make_partner_app

    partner = make_partner_app()
    for language, marker in (("zh-hans", "凭据"), ("en", "Credentials")):
        developer = Client(headers={"accept-language": language})
        developer.force_login(partner.developer)
        html = developer.get(f"/developers/apps/{partner.app.client_id}/").content.decode()
        assert marker in html and partner.app.client_id in html
        parser = _Form()
        parser.feed(html)
        for control in parser.controls:
            assert control.get("id") in parser.labelled or control.get("aria-label"), control


def test_nul_characters_are_refused_with_a_clear_error(client_en: Client) -> None:
    page = client_en.get("/gd/services/?q=a%00b")
    assert page.status_code == 422 and "invalid_characters" in page.content.decode()
    api = client_en.get("/api/v1/tenants/gd/services?q=%00")
    assert api.status_code == 422 and api.json()["code"] == "invalid_characters"
    body = client_en.post("/api/v1/certificates/verify", '{"a": "\\u0000"}', content_type="application/json")
    assert (
        body.status_code == 422
        and body.json()["message"] == "The request contains characters that are not allowed."
    )
    form = client_en.post(
        "/gd/accounts/login/", "phone=1%00", content_type="application/x-www-form-urlencoded"
    )
    assert form.status_code == 422


def test_text_that_is_not_valid_unicode_is_refused_at_the_edge(citizen: Client) -> None:
    """A lone surrogate reached the database and the audit entry and answered 500; every
    way in now answers 422 with one code, and nothing is written."""
    from onestop.cases.models import Application

    before = Application.objects.count()
    lone = citizen.post(
        "/api/v1/tenants/gd/applications", '{"item": "\\ud800"}', content_type="application/json"
    )
    assert lone.status_code == 422 and lone.json()["code"] == "invalid_characters"
    nested = citizen.post(
        "/api/v1/tenants/gd/applications",
        '{"item": "x", "answers": {"\\udfff": 1}}',
        content_type="application/json",
    )
    assert nested.status_code == 422 and nested.json()["code"] == "invalid_characters"
    assert Application.objects.count() == before
    bad_bytes = citizen.post(
        "/api/v1/tenants/gd/applications", b'{"item": "\xed\xa0\x80"}', content_type="application/json"
    )
    assert bad_bytes.status_code == 422
    for query in ("q=%ED%A0%80", "q=%FF", "q=a&b=%C0%AF"):
        page = citizen.get(f"/gd/services/?{query}")
        assert page.status_code == 422 and "invalid_characters" in page.content.decode(), query
    form = citizen.post(
        "/gd/accounts/login/", "phone=%ED%A0%80", content_type="application/x-www-form-urlencoded"
    )
    assert form.status_code == 422 and "invalid_characters" in form.content.decode()
    key = citizen.post(
        "/api/v1/tenants/gd/applications",
        '{"item": "x"}',
        content_type="application/json",
        headers={"Idempotency-Key": "key-\u00e9"},
    )
    assert key.status_code == 422 and key.json()["code"] == "invalid_characters"
    # Real text in every script passes, surrogate pairs in JSON escapes included.
    assert citizen.get("/gd/services/?q=%E7%A4%BE%E4%BF%9D").status_code == 200
    emoji = citizen.post(
        "/api/v1/tenants/gd/applications", '{"item": "\\ud83d\\ude00"}', content_type="application/json"
    )
    assert emoji.status_code != 422 or emoji.json()["code"] != "invalid_characters"
