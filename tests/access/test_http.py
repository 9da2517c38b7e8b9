"""The web paths: the platform's download route, CKAN's own download routes, pages, and the
gate for visitors who have not signed in."""
from __future__ import annotations


import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.audit.model import AuditLog
from tests.access.conftest import CSV, LOCATION, site_context
from tests.conftest import loopback_csv

pytestmark = pytest.mark.usefixtures("data")


def _audit(**where) -> list[AuditLog]:
    return model.Session.query(AuditLog).filter_by(**where).order_by(AuditLog.id).all()


def test_the_scoped_user_downloads_through_the_platform_and_it_is_recorded(app, data, tokens):
    rid = data.upload["conditional"]["id"]
    before = len(_audit(resource_id=rid, action="data.read"))
    response = app.get(f"/data/{rid}", headers=tokens[data.world.consumer_scoped],
                       environ_base={"REMOTE_ADDR": "10.45.2.17"})  # a desk in 人社局
    assert response.status_code == 200 and response.data == CSV
    rows = _audit(resource_id=rid, action="data.read")
    assert len(rows) == before + 1
    assert rows[-1].actor_name == data.world.consumer_scoped
    assert rows[-1].share_request_id == data.grant["id"] and rows[-1].provider_org == "lzsgaj"
    # who, for which department, what, under which request (above), when and from where
    assert rows[-1].actor_org == "lzsrlzyhshbzj" and rows[-1].created is not None
    assert rows[-1].remote_addr == "10.45.2.17"


@pytest.mark.parametrize("who", ["other_admin", "consumer_member", "operator", "county_authority"])
def test_others_are_refused_and_the_refusal_is_recorded(app, data, tokens, who):
    user = getattr(data.world, who)
    rid = data.upload["conditional"]["id"]
    response = app.get(f"/data/{rid}", headers=tokens[user])
    assert response.status_code == 403 and CSV not in response.data
    assert _audit(resource_id=rid, action="data.refused")[-1].actor_name == user


def test_ckan_download_routes_go_through_the_same_check(app, data, tokens):
    res = data.upload["conditional"]
    pkg = data.world.conditional["name"]
    for path in (f"/catalog/{pkg}/resource/{res['id']}/download",
                 f"/catalog/{pkg}/resource/{res['id']}/download/样例数据.csv",
                 f"/dataset/{pkg}/resource/{res['id']}/download/样例数据.csv"):
        refused = app.get(path, headers=tokens[data.world.other_admin])
        assert refused.status_code == 403 and CSV not in refused.data, path
        allowed = app.get(path, headers=tokens[data.world.consumer_scoped])
        assert allowed.status_code == 200 and allowed.data == CSV, path


def test_the_datastore_dump_route_goes_through_the_same_check(app, data, tokens):
    rid = data.table["conditional"]["resource_id"]
    for who in ("other_admin", "consumer_member", "county_authority"):
        refused = app.get(f"/datastore/dump/{rid}", headers=tokens[getattr(data.world, who)])
        assert refused.status_code in (403, 404) and "张三" not in refused.get_data(as_text=True), who
    before = len(_audit(resource_id=rid, action="data.read"))
    allowed = app.get(f"/datastore/dump/{rid}?format=csv", headers=tokens[data.world.consumer_scoped])
    assert allowed.status_code == 200 and "张三" in allowed.get_data(as_text=True)
    assert len(_audit(resource_id=rid, action="data.read")) > before


def test_the_api_over_http_gives_a_forbidden_user_no_location_and_no_data(app, data, tokens):
    """What a ckanapi client of another department gets: 200 without a location on the
    catalog reads, 403 on the data reads."""
    w, user = data.world, tokens[data.world.other_admin]
    rid = data.upload["conditional"]["id"]
    table = data.table["conditional"]["resource_id"]
    reads = {
        "package_show": {"id": w.conditional["id"]},
        "resource_show": {"id": rid},
        "package_search": {"q": w.conditional["title"], "rows": 100},
        "current_package_list_with_resources": {"limit": 1000},
        "resource_search": {"query": "name:样例数据"},
        "package_activity_list": {"id": w.conditional["id"]},
        "organization_show": {"id": w.conditional["owner_org"], "include_datasets": True},
    }
    for action, params in reads.items():
        response = app.post(f"/api/3/action/{action}", json=params, headers=user)
        body = response.get_data(as_text=True)
        assert response.status_code == 200, (action, body[:300])
        assert LOCATION not in body and f"/data/{rid}" not in body and "/download/" not in body, action
    for action, params in (("datastore_search", {"resource_id": table}),
                           ("datastore_info", {"id": table}),
                           ("datastore_search_sql", {"sql": f'SELECT * FROM "{table}"'})):
        response = app.post(f"/api/3/action/{action}", json=params, headers=user)
        assert response.status_code == 403 and "张三" not in response.get_data(as_text=True), action


def test_not_shared_data_is_downloaded_by_the_authority_and_the_provider_only(app, data, tokens):
    rid = data.upload["not_shared"]["id"]
    for user, status in ((data.world.authority, 200), (data.world.provider_editor, 200),
                         (data.world.consumer_scoped, 403), (data.world.operator, 403)):
        assert app.get(f"/data/{rid}", headers=tokens[user]).status_code == status, user


def test_an_unknown_resource_is_404(app, data, tokens):
    assert app.get("/data/no-such-resource", headers=tokens[data.world.other_admin]).status_code == 404


@pytest.mark.parametrize("who", ["other_admin", "consumer_member"])
def test_pages_never_show_a_location_to_a_user_who_may_not_read(app, data, tokens, who):
    user = getattr(data.world, who)
    pkg = data.world.conditional
    pages = [f"/catalog/{pkg['name']}", "/catalog/", f"/catalog/?q={pkg['title']}",
             f"/dataset/activity/{pkg['name']}", f"/organization/{pkg['owner_org']}"]
    pages += [f"/catalog/{pkg['name']}/resource/{r['id']}" for r in pkg["resources"]]
    for path in pages:
        response = app.get(path, headers=tokens[user])
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert LOCATION not in body, path
        assert f"/data/{pkg['resources'][0]['id']}" not in body, path


def test_the_entry_page_links_a_reader_to_the_platform_route(app, data, tokens):
    pkg = data.world.conditional
    body = app.get(f"/catalog/{pkg['name']}", headers=tokens[data.world.consumer_scoped]).get_data(as_text=True)
    assert f"/data/{data.upload['conditional']['id']}" in body and LOCATION not in body


def test_the_search_page_offers_the_access_facet(app, data, tokens):
    body = app.get("/catalog/", headers=tokens[data.world.consumer_scoped]).get_data(as_text=True)
    assert "可直接读取" in body and "需申请" in body
    body = app.get("/catalog/?access=readable", headers=tokens[data.world.consumer_scoped]).get_data(as_text=True)
    assert data.world.conditional["title"] in body and data.world.not_shared["title"] not in body


# --- visitors who have not signed in ------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/catalog/", "/department/tree", "/organization/",
                                  "/dataset/activity/x", "/catalog/x/resource/y", "/user/"])
def test_anonymous_visitors_are_sent_to_sign_in(app, path):
    response = app.get(path, follow_redirects=False)
    assert response.status_code in (302, 303) and "/user/login" in response.headers["Location"]


def test_the_sign_in_page_itself_opens(app):
    response = app.get("/user/login")
    assert response.status_code == 200 and "登录" in response.get_data(as_text=True)


def test_anonymous_downloads_go_to_sign_in(app, data):
    response = app.get(f"/data/{data.upload['unconditional']['id']}", follow_redirects=False)
    assert response.status_code in (302, 303) and "/user/login" in response.headers["Location"]


@pytest.mark.parametrize("action", ["package_search", "package_list", "organization_list",
                                    "current_package_list_with_resources"])
def test_anonymous_api_reads_are_refused(app, action):
    response = app.get(f"/api/3/action/{action}?limit=5")
    assert response.status_code == 403, response.get_data(as_text=True)


@pytest.mark.ckan_config("ckanext.liuzhou.anonymous_access", "true")
def test_the_operator_may_open_the_catalog_to_visitors_but_never_the_data(app, data):
    assert app.get("/catalog/").status_code == 200
    result = app.get("/api/3/action/package_show?id=" + data.world.unconditional["name"]).json["result"]
    assert result["liuzhou_access"]["readable"] is False
    assert all(r["url"] == "" for r in result["resources"])
    response = app.get(f"/data/{data.upload['unconditional']['id']}", follow_redirects=False)
    assert response.status_code in (302, 303)


# --- linked resources: the platform fetches them -----------------------------------------

@pytest.fixture
def linked(data):
    with loopback_csv(b"id,name\n1,linked\n") as source:
        yield tk.get_action("resource_create")(site_context(), {
            "package_id": data.world.unconditional["id"], "name": "链接数据", "resource_type": "file",
            "url": f"{source.url}/linked.csv"})


def test_the_platform_does_not_fetch_from_its_own_machine_by_default(app, data, tokens, linked):
    response = app.get(f"/data/{linked['id']}", headers=tokens[data.world.other_admin])
    assert response.status_code == 502


@pytest.mark.ckan_config("ckanext.liuzhou.download.allowed_hosts", "127.0.0.1")
def test_a_linked_resource_is_streamed_by_the_platform(app, data, tokens, linked):
    response = app.get(f"/data/{linked['id']}", headers=tokens[data.world.other_admin])
    assert response.status_code == 200 and response.data == b"id,name\n1,linked\n"
    assert response.headers["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert "127.0.0.1" not in response.headers.get("Location", "")


def test_the_request_page_links_the_delivered_data_for_scoped_users_only(app, data, tokens):
    path = f"/sharing/request/{data.grant['id']}"
    scoped = app.get(path, headers=tokens[data.world.consumer_scoped]).get_data(as_text=True)
    assert 'class="liuzhou-data-link" href="/data/' in scoped
    colleague = app.get(path, headers=tokens[data.world.consumer_member])   # asked, not in scope
    assert colleague.status_code == 200 and "liuzhou-data-link" not in colleague.get_data(as_text=True)
