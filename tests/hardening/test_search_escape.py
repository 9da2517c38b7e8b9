"""Search cannot be used to escape access (docs/security.md, "Search").

A private entry, an offline entry (Art 20), a deleted and a draft entry of 市公安局 hold tokens
no other department may find. Users of other departments send every kind of hostile search
parameter — ``q``, ``fq``, ``fq_list``, ``facet.field``, ``sort``, ``fl``, Solr local params
(``{!join}``, ``{!frange}``, ``{!mlt}``, ``_query_``), ``q.op``, ``defType``, ``qf``, ``bq``,
``boost`` — through the API over HTTP and through the search page: the answer is 200 with only
what they may see, or a 400/409 that says what was refused; never a 500, never one of the
hidden entries, their fields or their counts, never a resource location.
"""
from __future__ import annotations

import json

import pytest
from freezegun import freeze_time

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from .conftest import MONDAY, PROVIDER, entry, pdf, site_context

SECRETS = {"private": "机密测绘ZQXA", "offline": "下线档案QJWB", "deleted": "已删除名录DLXC",
           "draft": "草稿名录DRXD"}


@pytest.fixture(scope="module")
def hidden(world, targets):
    site = site_context()
    create = lambda d: tk.get_action("package_create")(dict(site), d)  # noqa: E731
    made = {
        "private": create(entry(PROVIDER, SECRETS["private"], "unconditional", private=True)),
        "offline": create(entry(PROVIDER, SECRETS["offline"], "unconditional")),
        "deleted": create(entry(PROVIDER, SECRETS["deleted"], "unconditional")),
        "draft": create(entry(PROVIDER, SECRETS["draft"], "unconditional", state="draft")),
    }
    with freeze_time(MONDAY):
        app = tk.get_action("catalog_offline_apply")({"user": world.provider_admin}, {
            "package_id": made["offline"]["id"], "reason": "停用", "attachment_upload": pdf()})
        tk.get_action("catalog_offline_review")({"user": world.operator}, {"id": app["id"], "decision": "approve"})
    tk.get_action("package_delete")(dict(site), {"id": made["deleted"]["id"]})
    return made


def _attacks(hidden: dict) -> list[dict]:
    pid = hidden["private"]["id"]
    return [
        # q: field syntax, wildcards, local params, nested queries, broken syntax
        {"q": "*:*"}, {"q": "ZQXA"}, {"q": "title:*ZQXA*"}, {"q": "capacity:private"},
        {"q": "state:deleted OR state:draft"}, {"q": "lifecycle_state:offline"}, {"q": f"id:{pid}"},
        {"q": "permission_labels:*"}, {"q": "{!lucene}*:*"},
        {"q": "{!join from=owner_org to=owner_org}title:ZQXA"},
        {"q": f"{{!mlt qf=title mintf=1 mindf=1}}{pid}"},
        {"q": "_query_:\"{!lucene}capacity:private\""}, {"q": "x _query_ : \"{!lucene}*:*\""},
        {"q": "{!frange l=1}query({!lucene v='capacity:private'})"},
        {"q": "{!xmlparser v='<!DOCTYPE a SYSTEM \"file:///etc/passwd\"><a/>'}"},
        {"q": "((("}, {"q": "\\"}, {"q": "}"}, {"q": "{!"}, {"q": "\" OR 1=1 --"}, {"q": "title:[* TO *]"},
        {"q": "ＺＱＸＡ"}, {"q": "ｔｉｔｌｅ：ＺＱＸＡ"}, {"q": "x" * 20000}, {"q": "\x00\u200b\ufeff"},
        # fq, fq_list
        {"fq": "capacity:private"}, {"fq": "+state:(active OR deleted OR draft)"}, {"fq": "+state:deleted"},
        {"fq": "+state:draft"}, {"fq": "lifecycle_state:offline"}, {"fq": "*:* OR capacity:private"},
        {"fq": "-permission_labels:public"}, {"fq": ") OR (*:*"}, {"fq": "{!tag=x}*:*"},
        {"fq": "{!join from=owner_org to=owner_org}capacity:private"},
        {"fq": "_query_:\"{!lucene}capacity:private\""}, {"fq": "access:readable) OR (capacity:private"},
        {"fq": "department:lzsgaj OR capacity:private"},
        {"fq_list": json.dumps(["{!join from=id to=id}*:*"])}, {"fq_list": json.dumps(["+state:draft"])},
        # facets
        {"facet.field": json.dumps(["capacity", "state", "lifecycle_state", "permission_labels"])},
        {"facet.field": json.dumps(["{!ex=x}capacity"])}, {"facet.field": json.dumps(["data_dict"])},
        {"facet.field": json.dumps(["res_url"])}, {"facet.field": "title"}, {"facet.limit": "-1"},
        {"facet.mincount": "-5"},
        # sort
        {"sort": "query({!lucene v='capacity:private'}) desc"}, {"sort": "capacity desc"},
        {"sort": "field(data_dict) asc"}, {"sort": "if(exists(query($q)),1,0) desc"}, {"sort": ";drop table"},
        {"sort": "title_string asc,"}, {"sort": "score desc, {!x}"},
        # fl
        {"fl": "*"}, {"fl": "data_dict"}, {"fl": "validated_data_dict"}, {"fl": "permission_labels"},
        {"fl": "id,res_url"}, {"fl": "[child]"}, {"fl": "{!x}id"}, {"fl": "capacity,state,title"},
        {"fl": "urls"}, {"fl": "score"},
        # parser and weights
        {"q": "ZQXA", "q.op": "OR"}, {"q": "ZQXA", "defType": "lucene"}, {"q": "ZQXA", "defType": "join"},
        {"q": pid, "defType": "mlt"}, {"q": "<a/>", "defType": "xmlparser"},
        {"q": "private", "defType": "edismax", "qf": "capacity state permission_labels"},
        {"q": "x", "bq": "capacity:private^100"}, {"q": "x", "boost": "query({!lucene v='capacity:private'})"},
        {"q": "x", "bf": "query($fq)"}, {"q": "x", "df": "capacity"}, {"q": "x", "tie": "abc"}, {"q": "x", "mm": "%%"},
        # paging and flags
        {"include_private": "true"}, {"include_drafts": "true"}, {"include_deleted": "true"},
        {"rows": "100000"}, {"rows": "-1"}, {"start": "-1"}, {"start": "99999999999999999999"},
        {"ext_bbox": "1,2,3"}, {"use_default_schema": "true"},
    ]


def _visible(app, headers) -> set[str]:
    res = app.get("/api/3/action/package_search", params={"rows": 1000, "include_private": "true"},
                  headers=headers)
    assert res.status_code == 200
    return {p["id"] for p in res.json["result"]["results"]}


@pytest.mark.parametrize("who", ["other_admin", "consumer_member"])
def test_no_search_parameter_reveals_a_hidden_entry(app, world, hidden, who):
    headers = {"Authorization": factories.APIToken(user=getattr(world, who))["token"]}
    visible = _visible(app, headers)
    hidden_ids = {p["id"] for p in hidden.values()}
    assert not visible & hidden_ids
    problems = []
    for params in _attacks(hidden):
        res = app.get("/api/3/action/package_search", params=params, headers=headers)
        body = res.get_data(as_text=True)
        if res.status_code not in (200, 400, 409):
            problems.append(f"{params}: HTTP {res.status_code}")
            continue
        if any(token in body for token in SECRETS.values()):
            problems.append(f"{params}: a hidden entry's title is in the answer")
        if "data.liuzhou.example" in body:
            problems.append(f"{params}: a resource location is in the answer")
        if res.status_code == 200:
            result = res.json["result"]
            ids = {r if isinstance(r, str) else r.get("id") for r in result["results"]}
            names = {r.get("name") for r in result["results"] if isinstance(r, dict)}
            if ids & hidden_ids or names & {p["name"] for p in hidden.values()} or any(
                    i in json.dumps(result["facets"]) for i in hidden_ids):
                problems.append(f"{params}: returned a hidden entry")
            if result["count"] > len(visible):
                problems.append(f"{params}: counted {result['count']} entries, {len(visible)} are visible")
        else:
            assert res.json["success"] is False and res.json["error"], params
    assert not problems, "\n".join(problems)


def test_the_search_page_never_fails_on_hostile_parameters(app, world, hidden):
    headers = {"Authorization": factories.APIToken(user=world.other_admin)["token"]}
    problems = []
    for params in _attacks(hidden):
        page_params = {k: v for k, v in params.items() if k in ("q", "sort", "fq")}
        if not page_params:
            continue
        res = app.get("/catalog/", params=page_params, headers=headers)
        body = res.get_data(as_text=True)
        if res.status_code not in (200, 400, 409):
            problems.append(f"{page_params}: HTTP {res.status_code}")
        if any(token in body for token in SECRETS.values()):
            problems.append(f"{page_params}: a hidden entry is on the page")
    assert not problems, "\n".join(problems)


def test_the_provider_still_finds_its_own_private_and_offline_entries(app, world, hidden):
    headers = {"Authorization": factories.APIToken(user=world.provider_editor)["token"]}
    found = _visible(app, headers)
    assert {hidden["private"]["id"], hidden["offline"]["id"]} <= found
