"""The catalog's facets show Chinese labels, and search filters by level and by subtree."""
from __future__ import annotations

import re

import pytest

import ckan.plugins.toolkit as tk

from ckanext.liuzhou.catalog import search

ALL_FACETS = list(search.dataset_facets({}, "catalog"))


def _entry(title, org, **fields):
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    data = {
        "type": "catalog", "title": title, "notes": f"{title}（搜索测试）", "owner_org": org,
        "private": False, "classification": "department", "subclass": "department",
        "format_category": "spreadsheet", "sharing_type": "unconditional",
        "sharing_method": "platform", "open_attribute": "open", "update_cycle": "yearly",
        "information_items": [{"name": "统计年度", "data_type": "C", "length": 4}],
    }
    data.update(fields)
    return tk.get_action("package_create")({"user": site_user, "ignore_auth": True}, data)


@pytest.fixture(scope="module")
def entries(departments):
    return {
        "city": _entry("柳州市常住人口基础信息", "lzsgaj", classification="base",
                       subclass="population", lead_department="lzsgaj",
                       format_category="database", open_attribute="not_open",
                       update_cycle="daily"),
        "county": _entry("柳江区政务服务事项办件信息", "ljqdsjj", format_category="api",
                         sharing_type="conditional", sharing_conditions="仅用于政务服务办理",
                         legal_basis="《中华人民共和国数据安全法》",
                         open_attribute="conditional_open", open_conditions="经申请审核后开放",
                         update_cycle="monthly"),
        "township": _entry("拉堡镇农村集体资产信息", "ljqlbz"),
        "other_township": _entry("鹿寨镇农村集体资产信息", "lzxlzz"),
    }


def _search(**params):
    params.setdefault("fq", "+dataset_type:catalog")
    return tk.get_action("package_search")({"ignore_auth": True}, dict(params))


def _labels(result, facet):
    return {i["name"]: i["display_name"] for i in result["search_facets"][facet]["items"]}


def test_choice_facets_are_labelled_in_chinese(entries):
    result = _search(**{"facet.field": ALL_FACETS})
    assert _labels(result, "classification") == {"base": "基础信息资源", "department": "部门信息资源"}
    assert _labels(result, "sharing_type") == {"unconditional": "无条件共享", "conditional": "有条件共享"}
    assert _labels(result, "provider_level") == {"city": "市", "county": "县（区）", "township": "乡（镇）"}
    assert _labels(result, "update_cycle") == {"daily": "每日", "monthly": "每月", "yearly": "每年"}
    assert _labels(result, "format_category") == {
        "database": "数据库", "api": "服务接口", "spreadsheet": "电子表格"}
    assert _labels(result, "open_attribute") == {
        "not_open": "不予开放", "conditional_open": "有条件开放", "open": "向社会开放"}
    assert _labels(result, "organization")["lzsgaj"] == "柳州市公安局"


def test_labels_follow_the_language():
    labels = search.facet_labels("en")
    assert labels["classification"]["base"] == "Base"
    assert labels["provider_level"]["county"] == "County / district"


def test_a_code_without_a_label_keeps_its_code():
    result = {"search_facets": {"classification": {"items": [
        {"name": "unknown", "display_name": "unknown", "count": 1}]}}}
    search.after_dataset_search(result, {})
    assert result["search_facets"]["classification"]["items"][0]["display_name"] == "unknown"


def _titles(result):
    return sorted(r["title"] for r in result["results"])


def test_filter_by_level(entries):
    assert _titles(_search(fq="+dataset_type:catalog +provider_level:township")) == [
        "拉堡镇农村集体资产信息", "鹿寨镇农村集体资产信息"]


def test_filter_by_a_departments_subtree(entries):
    assert _titles(_search(fq="+dataset_type:catalog department:ljq")) == [
        "拉堡镇农村集体资产信息", "柳江区政务服务事项办件信息"]
    assert _titles(_search(fq='+dataset_type:catalog department:"lzx"')) == ["鹿寨镇农村集体资产信息"]
    assert _titles(_search(fq="+dataset_type:catalog department:ljqlbz")) == ["拉堡镇农村集体资产信息"]


@pytest.fixture(scope="module")
def signed_in(departments) -> dict:
    """Pages are for signed-in department users: a member of 市教育局 (not a provider here)."""
    from ckan.tests import factories
    from tests.conftest import make_user

    user = make_user("lzsjyj", "member")
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def _item_labels(body):
    return set(re.findall(r'<span class="item-label">([^<]+)</span>', body))


def test_search_page_shows_the_facets_in_chinese(app, entries, signed_in):
    body = app.get("/catalog/", headers=signed_in).body
    assert {"基础信息资源", "部门信息资源", "无条件共享", "有条件共享", "市", "县（区）", "乡（镇）",
            "每日", "每月", "数据库", "服务接口", "向社会开放", "柳州市公安局"} <= _item_labels(body)
    assert "unconditional" not in _item_labels(body)


def test_search_page_in_english_shows_english_labels(app, entries, signed_in):
    labels = _item_labels(app.get("/en/catalog/", headers=signed_in).body)
    assert {"Base", "Unconditional", "County / district"} <= labels


def test_search_page_filters_by_level_and_subtree(app, entries, signed_in):
    body = app.get("/catalog/", headers=signed_in, query_string={"provider_level": "county"}).body
    assert "柳江区政务服务事项办件信息" in body and "拉堡镇农村集体资产信息" not in body
    body = app.get("/catalog/", headers=signed_in, query_string={"department": "ljq"}).body
    assert "拉堡镇农村集体资产信息" in body and "柳江区政务服务事项办件信息" in body
    assert "鹿寨镇农村集体资产信息" not in body and "柳州市常住人口基础信息" not in body


def test_words_joined_by_or_find_either(entries):
    assert _titles(_search(q="人口 OR 集体资产")) == [
        "拉堡镇农村集体资产信息", "柳州市常住人口基础信息", "鹿寨镇农村集体资产信息"]
    assert _titles(_search(q="人口 集体资产")) == []
    assert _titles(_search(q="集体资产 -鹿寨镇")) == ["拉堡镇农村集体资产信息"]


def test_a_chinese_word_finds_the_entry_through_the_search_page(app, entries, signed_in):
    body = app.get("/catalog/", headers=signed_in, query_string={"q": "人口"}).body
    assert "柳州市常住人口基础信息" in body and "拉堡镇农村集体资产信息" not in body


# --- facet links: built once per request, the same URLs as CKAN's helpers ------------------

def _facet_links(body):
    """Every link of the facet lists (items, then "show more / only popular"), in order."""
    lists = re.findall(r'<ul class="list-unstyled nav nav-simple nav-facet">(.*?)</ul>', body, re.S)
    footers = re.findall(r'<a href="([^"]*)" class="read-more">', body)
    return [href for ul in lists for href in re.findall(r'<a href="([^"]*)"', ul)] + footers


def _ckan_facet_href(name, item, extras=None, alternative_url=None):
    # what CKAN's snippets/facet_list.html does for each item
    if item["active"]:
        return tk.h.remove_url_param(name, item["name"], extras=extras, alternative_url=alternative_url)
    return tk.h.add_url_param(new_params={name: item["name"]}, extras=extras, alternative_url=alternative_url)


@pytest.mark.parametrize("url", [
    "/catalog/",
    "/catalog/?q=人口&sharing_type=unconditional",
    "/catalog/?q=&sharing_type=unconditional&page=1&_tags_limit=0&_organization_limit=0&sort=title_string+asc",
    "/catalog/?q=集体资产&ext_note=a+b%26c%2B%25%E4%B8%AD&provider_level=township",
    "/en/catalog/?classification=base&update_cycle=daily",
    "/organization/ljqdsjj?q=服务&format_category=api",
])
def test_facet_links_are_the_urls_ckans_helpers_give(app, entries, signed_in, monkeypatch, url):
    cheap = _facet_links(app.get(url, headers=signed_in).body)
    # the same page with the facet list's links from CKAN's add_url_param / remove_url_param
    calls = []
    monkeypatch.setitem(tk.h, "liuzhou_facet_href", lambda *a, **k: calls.append(a) or _ckan_facet_href(*a, **k))
    monkeypatch.setitem(tk.h, "liuzhou_remove_url_param", tk.h.remove_url_param)
    ckan = _facet_links(app.get(url, headers=signed_in).body)
    assert len(cheap) > 5 and len(calls) > 5
    assert cheap == ckan


@pytest.mark.parametrize("query", [
    "", "q=人口", "q=a+b%26c%2B%25%E4%BA%BA&tags=x&tags=y&page=3", "tags=x&tags=x&sort=title_string+asc",
    "_tags_limit=0&q=", "q=%20&organization=lzsgaj&organization=ljqdsjj",
])
def test_link_helpers_match_ckan_for_any_parameters(app, departments, query):
    from ckanext.liuzhou.catalog import links

    h = tk.h
    for path, extras, alternative_url in (("/catalog/", None, None), ("/organization/lzsgaj", {"id": "lzsgaj"}, None),
                                           ("/catalog/", None, "/harvest/")):
        with app.flask_app.test_request_context(f"{path}?{query}"):
            for name, value in (("tags", "x"), ("tags", "人口 统计"), ("organization", "lzsgaj"), ("q", "a&b+c%")):
                assert links.liuzhou_add_url_param({name: value}, extras, alternative_url) == \
                    h.add_url_param(new_params={name: value}, extras=extras, alternative_url=alternative_url)
                assert links.liuzhou_remove_url_param(name, extras=extras, alternative_url=alternative_url) == \
                    h.remove_url_param(name, extras=extras, alternative_url=alternative_url)
            assert links.liuzhou_remove_url_param("_tags_limit", replace=0, extras=extras, alternative_url=alternative_url) == \
                h.remove_url_param("_tags_limit", replace=0, extras=extras, alternative_url=alternative_url)
            if "tags=x" in query:
                assert links.liuzhou_remove_url_param("tags", "x", extras=extras, alternative_url=alternative_url) == \
                    h.remove_url_param("tags", "x", extras=extras, alternative_url=alternative_url)
