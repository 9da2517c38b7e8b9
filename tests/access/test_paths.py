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


def _entry(access: dict) -> dict:
    """``liuzhou_access`` of the entry, without what it says of each resource."""
    return {k: v for k, v in (access or {}).items() if k != "resources"} if access is not None else None


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
    assert _entry(pkg["liuzhou_access"]) == {"readable": False, "via": "request", "share_request_id": None}
    assert all(r["url"] == "" for r in pkg["resources"])
    assert LOCATION not in _urls(pkg) and "/download/" not in _urls(pkg)
    for res in pkg["resources"]:
        assert _call(user, "resource_show", id=res["id"])["url"] == ""


def test_the_scoped_user_gets_the_platform_route(data):
    w = data.world
    pkg = _call(w.consumer_scoped, "package_show", id=w.conditional["id"])
    assert _entry(pkg["liuzhou_access"]) == {"readable": True, "via": "grant",
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


@pytest.mark.parametrize("fl", ["name", "id,title", "name,owner_org", "id,sharing_type"])
def test_results_with_chosen_fields_still_say_who_may_read(data, fl):
    """``fl`` may leave out the fields the rule reads: the answer comes from the database, not
    from a default (a conditional entry was once marked readable by the unconditional rule)."""
    w = data.world
    expected = {w.conditional["name"]: {"readable": False, "via": "request", "share_request_id": None},
                w.not_shared["name"]: {"readable": False, "via": "request", "share_request_id": None},
                w.unconditional["name"]: {"readable": True, "via": "unconditional", "share_request_id": None}}
    for user, grant in ((w.other_admin, None), (w.consumer_scoped, data.grant["id"])):
        results = _call(user, "package_search", fl=fl, rows=1000, fq="organization:lzsgaj")["results"]
        ids = {w.conditional["id"]: w.conditional["name"], w.not_shared["id"]: w.not_shared["name"],
               w.unconditional["id"]: w.unconditional["name"]}
        seen = {ids.get(p.get("id"), p.get("name")): _entry(p["liuzhou_access"]) for p in results}
        want = dict(expected)
        if grant:
            want[w.conditional["name"]] = {"readable": True, "via": "grant", "share_request_id": grant}
        assert {k: seen.get(k) for k in want} == want, (user, fl)
        assert set(results[0]) <= set(fl.split(",")) | {"liuzhou_access"}  # nothing added
    provider = _call(w.provider_editor, "package_search", fl=fl, rows=1000, fq="organization:lzsgaj")
    assert all("liuzhou_access" not in p for p in provider["results"])  # the owner: no redaction


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

def test_tag_show_with_its_entries_is_redacted(data):
    """CKAN's tag_show reads the stored entries straight from Solr (with every location):
    here its entries come from the chained package_search."""
    w = data.world
    _call(w.provider_editor, "package_patch", id=w.conditional["id"], tags=[{"name": "身份核验"}])
    _call(w.provider_editor, "package_patch", id=w.unconditional["id"], tags=[{"name": "身份核验"}])
    tag = _call(w.other_admin, "tag_show", id="身份核验", include_datasets=True)
    by_name = {p["name"]: p for p in tag["packages"]}
    assert {w.conditional["name"], w.unconditional["name"]} <= set(by_name)
    assert LOCATION not in _urls(tag)
    assert all(r["url"] == "" for r in by_name[w.conditional["name"]]["resources"])
    assert all("/data/" in r["url"] for r in by_name[w.unconditional["name"]]["resources"])
    scoped = _call(w.consumer_scoped, "tag_show", id="身份核验", include_datasets=True)
    mine = next(p for p in scoped["packages"] if p["name"] == w.conditional["name"])
    assert mine["liuzhou_access"]["share_request_id"] == data.grant["id"] and LOCATION not in _urls(scoped)
    assert "packages" not in _call(w.other_admin, "tag_show", id="身份核验")
    own = _call(w.provider_editor, "tag_show", id="身份核验", include_datasets=True)
    assert LOCATION in _urls(own)  # the provider's own users see the real location


def test_followed_entries_are_redacted(data):
    """Anyone may follow an entry; the lists of followed entries are dictized from the database."""
    w = data.world
    user = w.county_authority
    _call(user, "follow_dataset", id=w.conditional["id"])
    try:
        for action in ("dataset_followee_list", "followee_list"):
            listed = _call(user, action, id=user)
            assert w.conditional["title"] in _urls(listed), action
            assert LOCATION not in _urls(listed) and "/download/" not in _urls(listed), action
    finally:
        _call(user, "unfollow_dataset", id=w.conditional["id"])


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


def test_every_activity_stream_of_a_forbidden_user_holds_no_location_or_request(data):
    """The streams a user of another department may read (their records carry the entry's copy,
    cleaned on write); the records' full data and diffs stay with the entry's editors."""
    w = data.world
    _call(w.provider_editor, "package_patch", id=w.conditional["id"], notes="核验接口说明（活动流）。")
    user = w.other_admin
    streams = {
        "package_activity_list": {"id": w.conditional["id"]},
        "organization_activity_list": {"id": w.conditional["owner_org"]},
        "recently_changed_packages_activity_list": {},
        "user_activity_list": {"id": w.provider_editor},
        "dashboard_activity_list": {},
    }
    package_activity = None
    for action, params in streams.items():
        activities = _call(user, action, **params)
        text = _urls(activities)
        assert LOCATION not in text, action
        assert data.grant["id"] not in text and "社会保障待遇资格认证" not in text, action
        if action == "package_activity_list":
            assert activities, action
            package_activity = activities[0]["id"]
    for action, params in (("activity_show", {"include_data": True}), ("activity_data_show", {}),
                           ("activity_diff", {"object_type": "package"})):
        with pytest.raises(tk.NotAuthorized):
            _call(user, action, id=package_activity, **params)


def test_the_default_schema_and_organization_pages_of_the_api_are_redacted(data):
    w = data.world
    pkg = _call(w.other_admin, "package_show", id=w.conditional["id"], use_default_schema=True)
    assert LOCATION not in _urls(pkg) and all(r["url"] == "" for r in pkg["resources"])
    org = _call(w.other_admin, "organization_show", id=w.conditional["owner_org"], include_datasets=True)
    assert org["packages"] and LOCATION not in _urls(org)


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


def test_datastore_info_follows_the_rule(data):
    w = data.world
    rid = data.table["conditional"]["resource_id"]
    for user in (w.other_admin, w.consumer_member, w.county_authority):
        with pytest.raises(tk.NotAuthorized):
            _call(user, "datastore_info", id=rid)
    assert "xm" in {f["id"] for f in _call(w.consumer_scoped, "datastore_info", id=rid)["fields"]}


def test_datastore_of_not_shared_data_is_closed_to_the_operator(data):
    with pytest.raises(tk.NotAuthorized):
        _call(data.world.operator, "datastore_search",
              resource_id=data.table["not_shared"]["resource_id"])


def test_locations_in_fields_a_client_added_are_redacted_too(data):
    """CKAN keeps a resource's unknown fields: a location in ``download_url``, an ``endpoint``
    or a connection string is a location like ``url`` (Art 10–11)."""
    w = data.world
    from tests.access.conftest import site_context
    res = tk.get_action("resource_create")(site_context(), {
        "package_id": w.unconditional["id"], "name": "接口说明", "resource_type": "api",
        "url": LOCATION + "/api", "download_url": LOCATION + "/dump.csv",
        "access_uri": LOCATION + "/a", "endpoint": "jdbc:postgresql://db.liuzhou.example/rk",
        "note": "接口见 " + LOCATION})
    try:
        mine = _call(w.provider_editor, "resource_show", id=res["id"])
        assert mine["download_url"] == LOCATION + "/dump.csv"      # the provider keeps them
        for user in (w.other_admin, w.consumer_member):
            shown = _call(user, "resource_show", id=res["id"])
            assert shown["download_url"] == shown["access_uri"] == shown["endpoint"] == ""
            assert shown["note"] == "接口见 " + LOCATION              # text that names a site is text
            pkg = _call(user, "package_show", id=w.unconditional["id"])
            ours = [r for r in pkg["resources"] if r["id"] == res["id"]][0]
            assert "db.liuzhou.example" not in _urls(ours) and LOCATION + "/dump" not in _urls(pkg)
    finally:
        tk.get_action("resource_delete")(site_context(), {"id": res["id"]})
