"""Catalogue search: Chinese words, pinyin, initials, English, filters and paging."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from onestop.catalogue import search
from onestop.catalogue.access import ServiceQuery, search_service_items
from onestop.tenancy.access import access_tenant_by_code

pytestmark = pytest.mark.django_db

SOCIAL_SECURITY_DEPARTMENT = "gd-rs"


def test_item_terms_include_words_pinyin_and_initials() -> None:
    terms = search.item_terms(code="X1", name="社会保障卡申领", keywords=["社保卡"])
    for term in ("社会", "保障", "shehui", "baozhang", "sh", "社保", "shebao", "sb", "sbk", "卡"):
        assert term in terms, term
    # Initials carry one low weight whatever their source, so popularity breaks ties.
    assert terms["sb"] == search.WEIGHT_INITIALS
    assert terms["x1"] == search.WEIGHT_CODE


def test_analyse_query_drops_stopwords_and_normalizes_width() -> None:
    words = search.analyse_query("我要办理 ＳＢ 社保")
    texts = [w.text for w in words]
    assert "sb" in texts and "社保" in texts
    assert "我" not in texts and "要" not in texts
    assert search.analyse_query("   ") == []


def test_the_index_ranks_the_name_first_then_popularity_and_falls_back_to_any_word() -> None:
    from onestop.catalogue.models import ServiceItem
    from onestop.catalogue.tests.factories import make_item
    from onestop.tenancy.tests.factories import make_tenant

    tenant = make_tenant()
    in_name = make_item(tenant, name="驾驶证补办", keywords=())
    in_sub_item = make_item(tenant, name="证件办理", sub_item="补办", keywords=())
    rare = make_item(tenant, name="驾驶证补办", keywords=())
    popular_keyword = make_item(tenant, name="其他事项", keywords=("补办",))
    for item, used in ((in_name, 10), (in_sub_item, 1000), (rare, 1), (popular_keyword, 500)):
        ServiceItem.objects.filter(pk=item.pk).update(popularity=used)

    def found(q: str) -> list[str]:
        return [item.code for item in search_service_items(tenant, ServiceQuery(q=q)).items]

    # The name (and the keywords, the citizens' own words for it) before sub-items,
    # however much more the sub-item is used; within a tier, the most used first.
    assert found("补办") == [popular_keyword.code, in_name.code, rare.code, in_sub_item.code]
    # In pinyin, the name's pinyin ranks with the name; the keywords' with the sub-items.
    assert found("buban") == [in_name.code, rare.code, in_sub_item.code, popular_keyword.code]
    # No item holds both words: those holding either, ranked the same way.
    assert found("驾驶证 不存在的词") == [in_name.code, rare.code]


def _names(client: Client, q: str, **params: str) -> tuple[int, list[str], list[dict]]:  # type: ignore[type-arg]
    response = client.get("/api/v1/tenants/gd/services", {"q": q, "page_size": "10", **params})
    assert response.status_code == 200, response.content
    body = response.json()
    return body["count"], [r["name"] for r in body["results"]], body["results"]


@pytest.mark.parametrize("query", ["社保", "shebao", "sb", "SheBao", "ｓｂ"])
def test_social_security_is_found_by_chinese_pinyin_and_initials(client_zh: Client, query: str) -> None:
    count, names, results = _names(client_zh, query)
    assert count >= 10
    top = results[:5]
    # The top results are social-security items of the human resources and social security line.
    assert all(r["department"]["code"] in {SOCIAL_SECURITY_DEPARTMENT, "gd-sw"} for r in top), names
    assert "社会保障卡申领" in names


def test_chinese_pinyin_and_initials_agree_on_housing_fund(client_zh: Client) -> None:
    results = {q: set(_names(client_zh, q)[1]) for q in ("公积金", "gongjijin", "gjj")}
    assert results["公积金"] == results["gongjijin"] == results["gjj"]
    assert all("公积金" in name for name in results["公积金"])


def test_pinyin_prefix_while_typing(client_zh: Client) -> None:
    count, names, _ = _names(client_zh, "huzh")
    assert count >= 3
    assert names[0].startswith("普通护照")


def test_multi_word_query_needs_every_word(client_zh: Client) -> None:
    _, names, _ = _names(client_zh, "护照 补发")
    assert names == ["普通护照补发"]


def test_english_words_search_english_names(client_en: Client) -> None:
    _, names, results = _names(client_en, "passport")
    assert names and all("护照" in n for n in names)
    assert all("passport" in r["name_en"].lower() for r in results)


def test_no_match_is_an_empty_page(client_zh: Client) -> None:
    count, names, _ = _names(client_zh, "qqqqxxxx")
    assert (count, names) == (0, [])


def test_filters_by_department_theme_and_zero_trip(client_zh: Client) -> None:
    _, _, results = _names(client_zh, "", department="gd-crj", zero_trip="false", page_size="100")
    assert results and all(r["department"]["code"] == "gd-crj" and not r["zero_trip"] for r in results)
    count_all = _names(client_zh, "", theme="p-exit")[0]
    count_zero = _names(client_zh, "", theme="p-exit", zero_trip="true")[0]
    count_visit = _names(client_zh, "", theme="p-exit", zero_trip="false")[0]
    assert count_all == count_zero + count_visit and count_visit > 0
    # Filters combine with the search words.
    _, names, _ = _names(client_zh, "护照", zero_trip="true")
    assert names == ["普通护照换发"]


def test_paging_covers_every_result_once(client_zh: Client) -> None:
    seen: list[str] = []
    count = None
    for page in range(1, 10):
        response = client_zh.get("/api/v1/tenants/gd/services", {"q": "社保", "page": page, "page_size": 5})
        body = response.json()
        count = body["count"]
        seen += [r["code"] for r in body["results"]]
        if not body["results"]:
            break
    assert count is not None and len(seen) == count == len(set(seen))


def test_empty_query_lists_by_popularity() -> None:
    tenant = access_tenant_by_code("gd")
    page = search_service_items(tenant, ServiceQuery(page_size=10))
    popularity = [item.popularity for item in page.items]
    assert popularity == sorted(popularity, reverse=True)
    assert page.count >= 700


def test_search_runs_in_a_fixed_number_of_queries(
    django_assert_max_num_queries: pytest.FixtureRequest,
) -> None:
    tenant = access_tenant_by_code("gd")
    for page_size in (5, 50):
        with django_assert_max_num_queries(3):  # type: ignore[operator]
            page = search_service_items(tenant, ServiceQuery(q="社保", page_size=page_size))
            [item.department.name for item in page.items]


@pytest.mark.django_db
def test_filter_counts_are_cached_until_the_catalogue_changes(
    django_assert_num_queries, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from onestop.catalogue.access import departments_with_counts, themes_with_counts
    from onestop.catalogue.actions import do_withdraw_service_item
    from onestop.catalogue.models import ServiceItem
    from onestop.core.actors import Actor
    from onestop.tenancy.models import Tenant

    tenant = Tenant.objects.get(code="gd")
    before = {d.code: d.item_count for d in departments_with_counts(tenant)}
    themes_with_counts(tenant)
    with django_assert_num_queries(0):
        assert {d.code: d.item_count for d in departments_with_counts(tenant)} == before
        themes_with_counts(tenant)
    item = ServiceItem.objects.filter(tenant=tenant, status="published").select_related("department").first()
    assert item is not None
    do_withdraw_service_item(actor=Actor.system(), tenant=tenant, code=item.code, reason="test")
    after = {d.code: d.item_count for d in departments_with_counts(tenant)}
    assert after.get(item.department.code, 0) == before[item.department.code] - 1


def test_a_refused_search_says_what_is_wrong_in_words(client_zh) -> None:  # type: ignore[no-untyped-def]
    """A code may stand, labelled and in small print, beside the words; never alone."""
    page = client_zh.get("/gd/services/", {"page": "abc"}).content.decode()
    box = page.split('class="card error-box"', 1)[1].split("</div>", 1)[0]
    assert "错误代码: invalid_parameter" in box or "错误代码：invalid_parameter" in box
    assert '<p class="error-code">invalid_parameter</p>' not in page


def test_a_served_process_loads_the_dictionary_before_its_first_query(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_", "ONESTOP_"))}
    started = subprocess.run(
        [sys.executable, "-c", "import onestop.wsgi, jieba; print(jieba.dt.initialized)"],
        env={**env, "ONESTOP_DEMO": "1", "ONESTOP_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.stdout.split() == ["True"], started.stderr[-2000:]


def test_what_citizens_type_finds_what_they_mean() -> None:
    """The committed relevance set: each query's expected item among its first three."""
    from onestop.catalogue.tests.relevance import RELEVANCE

    tenant = access_tenant_by_code("gd")
    missed = []
    for query, expected in RELEVANCE:
        first = [item.code for item in search_service_items(tenant, ServiceQuery(q=query, page_size=3)).items]
        if expected not in first:
            missed.append((query, expected, first))
    assert len(RELEVANCE) >= 50 and missed == []


def test_a_page_of_search_results_is_kept_as_its_json_until_the_catalogue_changes() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from onestop.cases.tests.helpers import rs_person_item
    from onestop.catalogue.actions import do_withdraw_service_item
    from onestop.core.actors import Actor

    item = rs_person_item()
    url = "/api/v1/tenants/gd/services"
    asked = {"q": item.name, "page_size": "50"}
    first = Client().get(url, asked)
    assert first.status_code == 200 and item.code in [r["code"] for r in first.json()["results"]]
    with CaptureQueriesContext(connection) as queries:
        again = Client().get(url, asked)
    assert again.content == first.content
    assert not [q for q in queries.captured_queries if "catalogue_" in q["sql"]]  # nothing read again
    # Refusals are never kept: each answers with its own words.
    for _ in range(2):
        refused = Client(headers={"accept-language": "en"}).get(url, {"department": "nope"})
        assert refused.status_code == 422 and refused.json()["message"] == "Unknown department."
    do_withdraw_service_item(
        actor=Actor.system("test"), tenant=access_tenant_by_code("gd"), code=item.code, reason="停办"
    )
    after = Client().get(url, asked)
    assert item.code not in [r["code"] for r in after.json()["results"]]  # at once


def test_one_statement_counts_and_pages_and_a_page_past_the_end_keeps_the_count() -> None:
    """The count comes with the page (a window over every match); past the last match the
    page is empty and the count still says how many there are; a query whose words are
    never all found together falls back to any of them."""
    tenant = access_tenant_by_code("gd")
    first = search_service_items(tenant, ServiceQuery(q="社保", page_size=5))
    assert first.count > 5 and len(first.items) == 5
    pages = -(-first.count // 5)
    last = search_service_items(tenant, ServiceQuery(q="社保", page=pages, page_size=5))
    assert last.count == first.count and 1 <= len(last.items) <= 5
    past = search_service_items(tenant, ServiceQuery(q="社保", page=pages + 3, page_size=5))
    assert past.count == first.count and past.items == []
    seen = {
        item.code
        for page in range(1, pages + 1)
        for item in search_service_items(tenant, ServiceQuery(q="社保", page=page, page_size=5)).items
    }
    assert len(seen) == first.count  # every match on exactly one page
    either = search_service_items(tenant, ServiceQuery(q="社保 护照"))
    assert either.count >= first.count  # no item has both: any of the words
    nothing = search_service_items(tenant, ServiceQuery(q="zzzzqqq", page=2))
    assert nothing.count == 0 and nothing.items == []
