"""The ``access`` facet's counts (可直接读取 / 需申请) for each role, on the World's four entries.

The counts come from one bare Solr count (access/search.py); each is checked against the
number the access rule gives (policy.Reader.decide, entry by entry) and against a fixed table,
with a Chinese query, a filter, private entries included and the access filter itself, in
process and over HTTP.
"""
from __future__ import annotations

import json

import pytest

import ckan.plugins.toolkit as tk

from ckanext.liuzhou.access import policy

pytestmark = pytest.mark.usefixtures("data")

# role → (readable, request) among conditional, not_shared, unconditional (公安局) and
# county_conditional (a township of 柳江区); the scoped consumer holds a delivered request
# of the conditional entry.
EXPECTED = {
    "provider_admin": (3, 1),
    "provider_editor": (3, 1),
    "consumer_admin": (1, 3),
    "consumer_member": (1, 3),
    "consumer_scoped": (2, 2),
    "other_admin": (1, 3),
    "operator": (1, 3),
    "authority": (2, 2),
    "county_authority": (1, 3),
    "county_dept_admin": (2, 2),
    "sysadmin": (4, 0),
}


def _ids(w) -> list[str]:
    return [w.conditional["id"], w.not_shared["id"], w.unconditional["id"],
            w.county_conditional["id"]]


def _only(w) -> str:
    return "id:(%s)" % " OR ".join(f'"{i}"' for i in _ids(w))


def _search(user: str, **data) -> dict:
    return tk.get_action("package_search")({"user": user, "ignore_auth": False}, data)


def _counts(result: dict) -> tuple[int, int]:
    facet = result["facets"].get("access", {})
    return facet.get("readable", 0), facet.get("request", 0)


def _by_rule(user: str, result: dict) -> tuple[int, int]:
    reader = policy.build(user)
    readable = sum(reader.decide_dict(p).readable for p in result["results"])
    return readable, result["count"] - readable


@pytest.mark.parametrize("who", sorted(EXPECTED))
@pytest.mark.parametrize("include_private", [False, True])
def test_access_facet_counts_each_role(data, who, include_private):
    user = getattr(data.world, who)
    result = _search(user, fq=_only(data.world), rows=10, include_private=include_private,
                     **{"facet.field": json.dumps(["access", "sharing_type"])})
    assert result["count"] == 4
    assert _counts(result) == EXPECTED[who] == _by_rule(user, result)
    # the other facets are still counted, and the items say the same as the counts
    assert sum(result["facets"]["sharing_type"].values()) == 4
    items = {i["name"]: i["count"] for i in result["search_facets"]["access"]["items"]}
    assert items == {k: v for k, v in zip(("readable", "request"), EXPECTED[who]) if v}


@pytest.mark.parametrize("who, query, fq, expected", [
    ("consumer_scoped", "人口", "", (1, 0)),            # 常住人口核验信息, granted
    ("consumer_member", "人口", "", (0, 1)),            # the same entry, outside the scope
    ("authority", "", "sharing_type:not_shared", (1, 0)),
    ("other_admin", "", "sharing_type:conditional", (0, 2)),
    ("county_dept_admin", "低保", "", (1, 0)),          # its own township's entry
    ("consumer_scoped", "", "access:request", (0, 2)),  # the access filter and its facet agree
    ("consumer_scoped", "", "access:readable", (2, 0)),
])
def test_access_facet_follows_the_query_and_filters(data, who, query, fq, expected):
    user = getattr(data.world, who)
    result = _search(user, q=query, fq=" ".join(f for f in (_only(data.world), fq) if f),
                     rows=10, **{"facet.field": '["access"]'})
    assert _counts(result) == expected == _by_rule(user, result)


def test_access_facet_without_results_or_for_a_sysadmin_needs_no_count(data):
    w = data.world
    none = _search(w.other_admin, q="不存在的目录名称甲乙丙", **{"facet.field": '["access"]'})
    assert none["count"] == 0 and none["facets"]["access"] == {}
    everything = _search(w.sysadmin, fq=_only(w), **{"facet.field": '["access"]'})
    assert _counts(everything) == (4, 0)


@pytest.mark.parametrize("who", ["consumer_scoped", "consumer_member", "authority", "provider_editor"])
def test_access_facet_counts_over_http(app, data, tokens, who):
    user = getattr(data.world, who)
    response = app.get("/api/3/action/package_search", headers=tokens[user], query_string={
        "fq": _only(data.world), "facet.field": '["access"]', "rows": 0})
    assert response.status_code == 200
    assert _counts(response.json["result"]) == EXPECTED[who]
