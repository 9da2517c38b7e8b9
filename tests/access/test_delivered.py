"""Access matches what was approved and delivered (Art 25, 26.4).

人社局's scoped member is granted, of a conditional entry of 公安局, the uploaded file A and the
DataStore table T, and of the entry's three information items only 公民身份号码 (gmsfhm) and
姓名 (xm). The entry also has a file B and a table U that were not asked for. So:

- B and U are refused on every path (403, with the reason, and an audit row);
- the third column of T (出生日期 csrq) is never seen: not in ``datastore_search`` (however
  asked), not in ``datastore_info``, not through ``datastore_search_sql``, not in the dump;
- the provider still reads everything;
- ``liuzhou_access`` and the request (``share_request_show``, its page) say what is open.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.audit.model import AuditLog
from tests.access.conftest import CSV, response_text as _text, add_upload, site_context
from tests.sharing.conftest import PROVIDER, entry

pytestmark = pytest.mark.usefixtures("data")

BIRTH = "20010203"   # the value of the column that is not delivered


def _call(user, action, **data):
    return tk.get_action(action)({"user": user, "ignore_auth": False}, data)


def add_table(package_id: str, name: str) -> dict:
    return tk.get_action("datastore_create")(site_context(), {
        "resource": {"package_id": package_id, "name": name, "resource_type": "database"},
        "fields": [{"id": "gmsfhm", "type": "text"}, {"id": "xm", "type": "text"},
                   {"id": "csrq", "type": "text"}],
        "records": [{"gmsfhm": "450200199001010011", "xm": "张三", "csrq": BIRTH}],
        "force": True})


@dataclass
class Granted:
    entry: dict
    a: dict       # uploaded file, delivered
    b: dict       # uploaded file, not asked for
    t: str        # DataStore table, delivered (two of its three items)
    u: str        # DataStore table, not asked for
    request: dict


@pytest.fixture(scope="module")
def granted(data) -> Granted:
    w = data.world
    pkg = tk.get_action("package_create")(site_context(), entry(PROVIDER, "户籍人口出生信息", "conditional"))
    a, b = add_upload(pkg["id"], "甲.csv"), add_upload(pkg["id"], "乙.csv")
    t, u = add_table(pkg["id"], "核验表")["resource_id"], add_table(pkg["id"], "未申请的表")["resource_id"]
    req = _call(w.consumer_member, "share_request_create", package_id=pkg["name"],
                purpose="社会保障待遇资格认证时核验参保人身份", basis="《社会保险法》第七十四条",
                scope_users=[w.consumer_scoped], resource_ids=[a["id"], t],
                information_items=["gmsfhm", "xm"], valid_until="2099-12-31", sharing_method="platform")
    _call(w.provider_admin, "share_request_decide", id=req["id"], decision="approve")
    req = _call(w.operator, "share_request_deliver", id=req["id"])
    assert req["state"] == "delivered"
    return Granted(pkg, a, b, t, u, req)


def _refusals(resource_id: str) -> int:
    return model.Session.query(AuditLog).filter_by(resource_id=resource_id, action="data.refused").count()


def _reads(resource_id: str) -> int:
    return model.Session.query(AuditLog).filter_by(resource_id=resource_id, action="data.read").count()


def _api(app, headers, action, **params):
    return app.post(f"/api/3/action/{action}", json=params, headers=headers)


# ---------------------------------------------------------------- resources (Art 26.4)

def test_a_delivered_resource_is_read_and_one_not_delivered_is_403(app, data, granted, tokens):
    headers = tokens[data.world.consumer_scoped]
    assert app.get(f"/data/{granted.a['id']}", headers=headers).data == CSV
    for path in (f"/data/{granted.b['id']}",
                 f"/catalog/{granted.entry['name']}/resource/{granted.b['id']}/download"):
        before = _refusals(granted.b["id"])
        refused = app.get(path, headers=headers)
        assert refused.status_code == 403 and CSV not in refused.data, path
        assert "未对接该数据资源" in _text(refused)
        assert _refusals(granted.b["id"]) == before + 1


def test_a_table_not_delivered_is_403_on_every_datastore_path(app, data, granted, tokens):
    headers = tokens[data.world.consumer_scoped]
    for action, params in (("datastore_search", {"resource_id": granted.u}), ("datastore_info", {"id": granted.u}),
                           ("datastore_search_sql", {"sql": f'SELECT xm FROM "{granted.u}"'})):
        before = _refusals(granted.u)
        response = _api(app, headers, action, **params)
        assert response.status_code == 403 and "张三" not in _text(response), action
        assert _refusals(granted.u) == before + 1, action
    dump = app.get(f"/datastore/dump/{granted.u}", headers=headers)
    assert dump.status_code == 403 and "张三" not in _text(dump)


def test_the_entry_says_what_is_open_per_resource(data, granted):
    pkg = _call(data.world.consumer_scoped, "package_show", id=granted.entry["id"])
    opened = pkg["liuzhou_access"]["resources"]
    assert opened[granted.a["id"]]["readable"] and opened[granted.a["id"]]["via"] == "grant"
    assert opened[granted.a["id"]]["share_request_id"] == granted.request["id"]
    assert opened[granted.t]["information_items"] == ["gmsfhm", "xm"]
    for rid in (granted.b["id"], granted.u):
        assert opened[rid] == {"readable": False, "via": "not_delivered", "share_request_id": None,
                               "information_items": None}
    urls = {r["id"]: r["url"] for r in pkg["resources"]}
    assert urls[granted.b["id"]] == "" and urls[granted.u] == ""
    assert urls[granted.a["id"]].endswith(f"/data/{granted.a['id']}")
    assert _call(data.world.consumer_scoped, "resource_show", id=granted.b["id"])["url"] == ""


def test_the_request_says_what_it_opens(app, data, granted, tokens):
    shown = _call(data.world.consumer_scoped, "share_request_show", id=granted.request["id"])
    assert shown["opens"] == {"active": True, "resource_ids": [granted.a["id"], granted.t],
                              "information_items": ["gmsfhm", "xm"]}
    page = app.get(f"/sharing/request/{granted.request['id']}", headers=tokens[data.world.consumer_scoped])
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "当前向知悉范围开放" in body
    assert f'data-resource="{granted.a["id"]}"' in body and f'data-resource="{granted.b["id"]}"' not in body


# ---------------------------------------------------------------- information items (Art 25)

def test_datastore_search_returns_only_the_delivered_columns(data, granted):
    result = _call(data.world.consumer_scoped, "datastore_search", resource_id=granted.t)
    assert [f["id"] for f in result["fields"]] == ["_id", "gmsfhm", "xm"]
    assert result["records"] == [{"_id": 1, "gmsfhm": "450200199001010011", "xm": "张三"}]
    assert BIRTH not in json.dumps(result, ensure_ascii=False)
    chosen = _call(data.world.consumer_scoped, "datastore_search", resource_id=granted.t, fields=["xm"])
    assert chosen["records"] == [{"xm": "张三"}]


@pytest.mark.parametrize("params", [
    {"fields": ["csrq"]}, {"fields": "xm,csrq"}, {"filters": {"csrq": BIRTH}}, {"q": BIRTH},
    {"q": {"csrq": BIRTH}}, {"full_text": BIRTH}, {"sort": "csrq desc"}, {"fields": ["_full_text"]},
])
def test_datastore_search_refuses_to_read_or_probe_another_column(data, granted, params):
    """Refused before anything is read (an input error: no read recorded, nothing changed)."""
    before = _reads(granted.t)
    with pytest.raises(tk.NotAuthorized) as e:
        _call(data.world.consumer_scoped, "datastore_search", resource_id=granted.t, **params)
    assert "gmsfhm, xm" in str(e.value) and _reads(granted.t) == before


def test_datastore_info_lists_only_the_delivered_columns(data, granted):
    info = _call(data.world.consumer_scoped, "datastore_info", id=granted.t)
    assert [f["id"] for f in info["fields"]] == ["gmsfhm", "xm"]


@pytest.mark.parametrize("sql", [
    'SELECT csrq FROM "{t}"', 'SELECT * FROM "{t}"', 'SELECT xm FROM "{t}" WHERE csrq = \'20010203\'',
    'SELECT xm FROM "{t}" ORDER BY csrq', 'SELECT t FROM "{t}" t', 'SELECT row_to_json(x) FROM (SELECT * FROM "{t}") x',
    'SELECT "CSRQ" FROM (SELECT csrq AS "CSRQ" FROM "{t}") x', 'SELECT _full_text FROM "{t}"',
    'SELECT a.xm FROM "{t}" a JOIN "{t}" b ON a.csrq = b.csrq',
    'WITH c AS MATERIALIZED (SELECT * FROM "{t}") SELECT z FROM c AS c2(a1, a2, a3, a4, z)',
    'SELECT s.z FROM (SELECT * FROM "{t}" LIMIT 5) s(a1, a2, a3, a4, z)',
    'SELECT b.z FROM "{t}" a JOIN (SELECT _id, csrq AS z FROM "{t}") b ON a._id = b._id',
])
def test_datastore_search_sql_refuses_another_column(app, data, granted, tokens, sql):
    before = _reads(granted.t)
    response = _api(app, tokens[data.world.consumer_scoped], "datastore_search_sql", sql=sql.format(t=granted.t))
    assert response.status_code == 403, _text(response)[:300]
    assert BIRTH not in _text(response) and "对接" in _text(response)  # names what was delivered
    assert _reads(granted.t) == before


def test_datastore_search_sql_reads_the_delivered_columns(data, granted):
    result = _call(data.world.consumer_scoped, "datastore_search_sql",
                   sql=f'SELECT gmsfhm, upper(xm) AS name FROM "{granted.t}" WHERE xm = \'张三\' ORDER BY _id')
    assert result["records"] == [{"gmsfhm": "450200199001010011", "name": "张三"}]
    # the plan is what counts: a star in a subquery that only the delivered column leaves is fine
    star = _call(data.world.consumer_scoped, "datastore_search_sql",
                 sql=f'SELECT x.xm FROM (SELECT * FROM "{granted.t}") x')
    assert star["records"] == [{"xm": "张三"}]
    # a join: PostgreSQL hands the whole row to the join, which takes only delivered columns
    join = _call(data.world.consumer_scoped, "datastore_search_sql",
                 sql=f'SELECT a.xm, b.gmsfhm FROM "{granted.t}" a JOIN "{granted.t}" b ON a.gmsfhm = b.gmsfhm')
    assert join["records"] == [{"xm": "张三", "gmsfhm": "450200199001010011"}]


def test_the_dump_and_the_platform_route_give_only_the_delivered_columns(app, data, granted, tokens):
    headers = tokens[data.world.consumer_scoped]
    dump = app.get(f"/datastore/dump/{granted.t}", headers=headers)
    body = dump.get_data(as_text=True)
    assert dump.status_code == 200 and "张三" in body and BIRTH not in body and "csrq" not in body
    for query in ("fields=csrq", "fields=xm,csrq", "sort=csrq", "q=" + BIRTH, 'filters={"csrq":"%s"}' % BIRTH):
        before = _reads(granted.t)
        refused = app.get(f"/datastore/dump/{granted.t}?{query}", headers=headers)
        assert refused.status_code == 403 and "450200199001010011" not in refused.get_data(as_text=True), query
        assert _reads(granted.t) == before
    data_route = app.get(f"/data/{granted.t}", headers=headers, follow_redirects=True)
    assert "张三" in data_route.get_data(as_text=True) and BIRTH not in data_route.get_data(as_text=True)


def test_the_provider_still_reads_every_column(data, granted):
    result = _call(data.world.provider_editor, "datastore_search", resource_id=granted.t)
    assert [f["id"] for f in result["fields"]] == ["_id", "gmsfhm", "xm", "csrq"]
    sql = _call(data.world.provider_editor, "datastore_search_sql", sql=f'SELECT csrq FROM "{granted.t}"')
    assert sql["records"] == [{"csrq": BIRTH}]


# ---------------------------------------------------------------- requests that name no resources

def test_a_request_naming_no_resources_asks_for_those_of_the_entry_then(data, call_as, request_data):
    """share_request_create stores what was asked: naming none means every resource the entry
    has when asked (and every item). A resource mounted afterwards was neither asked for nor
    delivered, so it stays closed to the grant."""
    w = data.world
    pkg = tk.get_action("package_create")(site_context(), entry(PROVIDER, "出生医学证明信息", "conditional"))
    before = add_upload(pkg["id"], "先.csv")
    req = call_as(w.consumer_member, "share_request_create",
                  **request_data(package_id=pkg["name"], information_items=[], valid_until="2099-12-31"))
    assert set(req["resource_ids"]) == {r["id"] for r in pkg["resources"]} | {before["id"]}
    call_as(w.provider_admin, "share_request_decide", id=req["id"], decision="approve")
    call_as(w.operator, "share_request_deliver", id=req["id"])
    after = add_upload(pkg["id"], "后.csv")
    opened = _call(w.consumer_scoped, "package_show", id=pkg["id"])["liuzhou_access"]["resources"]
    assert opened[before["id"]]["readable"] and opened[before["id"]]["information_items"] is None
    assert not opened[after["id"]]["readable"] and opened[after["id"]]["via"] == "not_delivered"
