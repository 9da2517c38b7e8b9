"""Every read path, for a user who may read the data and for one who may not (Art 25–26, 28).

The forbidden user is the admin of an unrelated department (教育局); the consumer's member who
asked is outside the 知悉范围 of the delivered request; the scoped member is inside it.
"""
from __future__ import annotations

import json

import pytest

import ckan.plugins.toolkit as tk

from ckanext.liuzhou.audit.model import AuditLog
from tests.access.conftest import LOCATION

pytestmark = pytest.mark.usefixtures("data")


def _call(user, action, **data):
    return tk.get_action(action)({"user": user, "ignore_auth": False}, data)


def audit_count(**where) -> int:
    import ckan.model as model
    return model.Session.query(AuditLog).filter_by(**where).count()


def _urls(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)


# --- package_show / resource_show ----------------------------------------------------------

def test_provider_sees_real_locations(data):
    w = data.world
    pkg = _call(w.provider_editor, "package_show", id=w.conditional["id"])
    assert any(r["url"].startswith(LOCATION) for r in pkg["resources"])
    assert "liuzhou_access" not in pkg


@pytest.mark.parametrize("who", ["other_admin", "consumer_member", "county_dept_admin"])
def test_a_user_outside_the_scope_gets_no_location(data, who):
    w = data.world
    user = getattr(w, who)
    pkg = _call(user, "package_show", id=w.conditional["id"])
    assert pkg["liuzhou_access"] == {"readable": False, "via": "request", "share_request_id": None}
    assert all(r["url"] == "" for r in pkg["resources"])
    assert LOCATION not in _urls(pkg) and "/download/" not in _urls(pkg)
    for res in pkg["resources"]:
        assert _call(user, "resource_show", id=res["id"])["url"] == ""


def test_the_scoped_user_gets_the_platform_route(data):
    w = data.world
    pkg = _call(w.consumer_scoped, "package_show", id=w.conditional["id"])
    assert pkg["liuzhou_access"] == {"readable": True, "via": "grant",
                                     "share_request_id": data.grant["id"]}
    site = tk.config["ckan.site_url"].rstrip("/")
    assert [r["url"] for r in pkg["resources"]] == [f"{site}/data/{r['id']}" for r in pkg["resources"]]
    assert LOCATION not in _urls(pkg)


def test_not_shared_is_read_by_the_authority_only(data):
    w = data.world
    assert _call(w.authority, "package_show", id=w.not_shared["id"])["liuzhou_access"]["readable"]
    for user in (w.consumer_scoped, w.operator, w.other_admin):
        pkg = _call(user, "package_show", id=w.not_shared["id"])
        assert not pkg["liuzhou_access"]["readable"] and LOCATION not in _urls(pkg)


def test_unconditional_is_read_by_any_department_user_through_the_platform(data):
    w = data.world
    pkg = _call(w.other_admin, "package_show", id=w.unconditional["id"])
    assert pkg["liuzhou_access"]["via"] == "unconditional"
    assert all("/data/" in r["url"] for r in pkg["resources"]) and LOCATION not in _urls(pkg)


# --- package_search ------------------------------------------------------------------------

def test_search_results_carry_no_location(data):
    w = data.world
    result = _call(w.other_admin, "package_search", q="*:*", rows=100)
    assert result["count"] >= 4
    assert LOCATION not in _urls(result["results"])
    by_id = {p["id"]: p for p in result["results"]}
    assert all(r["url"] == "" for r in by_id[w.conditional["id"]]["resources"])


def test_locations_are_not_searchable(data):
    w = data.world
    for q in ("data.liuzhou.example", "res_url:*liuzhou*", "urls:*liuzhou*", "verify_result"):
        assert _call(w.other_admin, "package_search", q=q)["count"] == 0, q
        assert _call(w.sysadmin, "package_search", q=q)["count"] == 0, q


@pytest.mark.parametrize("param,value", [
    ("fl", "validated_data_dict"), ("fl", "data_dict"), ("fl", "id,res_url"), ("fl", "*"),
    ("fl", "[json]"), ("fl", "id valid*"), ("facet.field", '["res_url"]'),
    ("facet.field", '["urls"]'), ("facet.field", '["text"]'),
])
def test_fields_holding_entries_or_locations_are_refused(data, param, value):
    with pytest.raises(tk.ValidationError) as err:
        _call(data.world.other_admin, "package_search", **{param: value})
    assert param in err.value.error_dict


def test_plain_fields_may_be_asked_for(data):
    result = _call(data.world.other_admin, "package_search", fl="id,name,sharing_type", rows=100)
    assert {"id", "name"} <= set(result["results"][0])


def test_access_filter_and_facet_are_computed_from_grants(data):
    w = data.world
    ids = {w.conditional["id"], w.not_shared["id"], w.unconditional["id"]}
    def found(user, fq):
        return {p["id"] for p in _call(user, "package_search", fq=fq, rows=100)["results"]} & ids

    assert found(w.consumer_scoped, "access:readable") == {w.conditional["id"], w.unconditional["id"]}
    assert found(w.consumer_scoped, "access:request") == {w.not_shared["id"]}
    assert found(w.other_admin, "access:readable") == {w.unconditional["id"]}
    assert found(w.authority, "access:readable") == {w.not_shared["id"], w.unconditional["id"]}
    assert found(w.provider_editor, "access:readable") == ids

    everything = _call(w.other_admin, "package_search", rows=0)["count"]
    result = _call(w.other_admin, "package_search", rows=0, **{"facet.field": '["access"]'})
    counts = result["facets"]["access"]
    assert counts["readable"] + counts["request"] == everything and counts["request"] >= 2


# --- other CKAN read actions ---------------------------------------------------------------

def test_current_package_list_with_resources_is_redacted(data):
    result = _call(data.world.other_admin, "current_package_list_with_resources", limit=100)
    assert result and LOCATION not in _urls(result)


def test_resource_search_cannot_search_by_location_and_is_redacted(data):
    w = data.world
    with pytest.raises(tk.ValidationError):
        _call(w.other_admin, "resource_search", query="url:liuzhou")
    with pytest.raises(tk.ValidationError):
        _call(w.other_admin, "resource_search", fields={"url": "liuzhou"})
    result = _call(w.other_admin, "resource_search", query="name:核验")
    assert result["count"] >= 1 and LOCATION not in _urls(result)


def test_activity_records_hold_no_locations_or_requests(data):
    """Even the provider's own activity copies hold no location (they are cleaned on write)."""
    w = data.world
    _call(w.provider_editor, "package_patch", id=w.conditional["id"], notes="核验接口说明已更新。")
    for user in (w.provider_admin, w.sysadmin):
        activities = _call(user, "package_activity_list", id=w.conditional["id"])
        shown = [_call(user, "activity_show", id=a["id"], include_data=True) for a in activities]
        assert any(a["data"]["package"]["resources"] for a in shown)
        text = _urls(shown)
        assert LOCATION not in text
        assert data.grant["id"] not in text and "社会保障待遇资格认证" not in text
    with pytest.raises(tk.NotAuthorized):   # CKAN: only editors see an activity's data
        _call(w.other_admin, "activity_show", id=activities[0]["id"], include_data=True)


def test_requests_and_scopes_are_not_in_solr(data):
    from ckan.lib.search.common import make_connection

    solr = make_connection()
    for needle in (data.grant["id"], data.world.consumer_scoped, "社会保障待遇资格认证"):
        assert solr.search(q=f'"{needle}"', df="text", rows=0).hits == 0
        assert solr.search(q=f'id:"{needle}"', rows=0).hits == 0


# --- DataStore ---------------------------------------------------------------------------

def test_datastore_search_follows_the_rule_and_is_audited(data):
    w = data.world
    rid = data.table["conditional"]["resource_id"]
    with pytest.raises(tk.NotAuthorized):
        _call(w.other_admin, "datastore_search", resource_id=rid)
    with pytest.raises(tk.NotAuthorized):
        _call(w.consumer_member, "datastore_search", resource_id=rid)
    before = audit_count(resource_id=rid, action="data.read")
    records = _call(w.consumer_scoped, "datastore_search", resource_id=rid)["records"]
    assert records[0]["xm"] == "张三"
    assert audit_count(resource_id=rid, action="data.read") == before + 1


def test_datastore_sql_checks_every_table(data):
    w = data.world
    cond, open_ = data.table["conditional"]["resource_id"], data.table["unconditional"]["resource_id"]
    sql = f'SELECT a.xm FROM "{open_}" a JOIN "{cond}" b ON a.gmsfhm = b.gmsfhm'
    with pytest.raises(tk.NotAuthorized):
        _call(w.other_admin, "datastore_search_sql", sql=sql)
    assert _call(w.other_admin, "datastore_search_sql", sql=f'SELECT xm FROM "{open_}"')["records"]
    assert _call(w.consumer_scoped, "datastore_search_sql", sql=sql)["records"][0]["xm"] == "张三"


def test_datastore_of_not_shared_data_is_closed_to_the_operator(data):
    with pytest.raises(tk.NotAuthorized):
        _call(data.world.operator, "datastore_search",
              resource_id=data.table["not_shared"]["resource_id"])
