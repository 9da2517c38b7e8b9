"""Personal items of a delivered DataStore table are masked for its readers unless the request
names them and the provider approved its purpose for them (PIPL Art 6, 28; 《政务数据共享条例》
security chapter; ckanext/liuzhou/masking.py), on every read path: ``datastore_search`` (in the
action and the API), the dump, SQL, and the preview page.

A conditional entry of 公安局 has 公民身份号码 (gmsfhm, sensitive), 姓名 (xm, personal) and
出生日期 (csrq, not personal). 人社局's scoped member is delivered every item with no personal
item approved; 人社局's admin, by a second request, with 姓名 approved.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass

import pytest

import ckan.plugins.toolkit as tk

from tests.access.conftest import response_text as _text, site_context
from tests.sharing.conftest import ITEMS, PROVIDER, entry

pytestmark = pytest.mark.usefixtures("data")

ID, NAME, BIRTH = "450202199003071234", "欧阳娜娜", "19900307"
MARKED = copy.deepcopy(ITEMS)
MARKED[0]["personal_information"] = "sensitive"
MARKED[1]["personal_information"] = "personal"


def _call(user, action, **data):
    return tk.get_action(action)({"user": user, "ignore_auth": False}, data)


def _table(package_id: str) -> str:
    return tk.get_action("datastore_create")(site_context(), {
        "resource": {"package_id": package_id, "name": "人口核验表", "resource_type": "database"},
        "fields": [{"id": "gmsfhm", "type": "text"}, {"id": "xm", "type": "text"}, {"id": "csrq", "type": "text"}],
        "records": [{"gmsfhm": ID, "xm": NAME, "csrq": BIRTH}, {"gmsfhm": "4502021990", "xm": "", "csrq": ""}],
        "force": True})["resource_id"]


@dataclass
class Marked:
    entry: dict
    table: str
    open_table: str     # the same table on an unconditional entry


@pytest.fixture(scope="module")
def marked(data) -> Marked:
    w = data.world
    pkg = tk.get_action("package_create")(site_context(), entry(
        PROVIDER, "人口核验个人信息表", "conditional", information_items=copy.deepcopy(MARKED)))
    table = _table(pkg["id"])
    for user, personal in ((w.consumer_scoped, []), (w.consumer_admin, ["xm"])):
        req = _call(w.consumer_member, "share_request_create", package_id=pkg["name"],
                    purpose="社会保障待遇资格认证时核验参保人身份", basis="《社会保险法》第七十四条",
                    scope_users=[user], information_items=["gmsfhm", "xm", "csrq"], valid_until="2099-12-31")
        _call(w.provider_admin, "share_request_decide", id=req["id"], decision="approve", personal_items=personal)
        assert _call(w.operator, "share_request_deliver", id=req["id"])["state"] == "delivered"
    open_pkg = tk.get_action("package_create")(site_context(), entry(
        PROVIDER, "派出所值班人员表", "unconditional", information_items=copy.deepcopy(MARKED)))
    return Marked(pkg, table, _table(open_pkg["id"]))


def _rows(user, table, **kw):
    return _call(user, "datastore_search", resource_id=table, sort="_id", **kw)["records"]


def test_a_reader_without_an_approved_purpose_sees_personal_items_masked(data, marked):
    rows = _rows(data.world.consumer_scoped, marked.table)
    assert [(r["gmsfhm"], r["xm"], r["csrq"]) for r in rows] == [
        ("450202********1234", "欧阳**", BIRTH),     # the item that is not personal is not masked
        ("******", "", "")]                          # a malformed number is masked whole, empty stays empty
    result = _call(data.world.consumer_scoped, "datastore_search", resource_id=marked.table)
    assert result["liuzhou_masked"] == ["gmsfhm", "xm"]


def test_an_item_the_provider_approved_the_purpose_for_is_read_in_clear(data, marked):
    row = _rows(data.world.consumer_admin, marked.table)[0]
    assert (row["gmsfhm"], row["xm"]) == ("450202********1234", NAME)


def test_the_provider_reads_its_own_table_in_clear(data, marked):
    row = _rows(data.world.provider_admin, marked.table)[0]
    assert (row["gmsfhm"], row["xm"]) == (ID, NAME)


def test_an_unconditional_entry_is_masked_for_every_other_department(data, marked):
    row = _rows(data.world.other_admin, marked.open_table)[0]
    assert (row["gmsfhm"], row["xm"], row["csrq"]) == ("450202********1234", "欧阳**", BIRTH)
    assert _rows(data.world.provider_editor, marked.open_table)[0]["gmsfhm"] == ID


@pytest.mark.parametrize("fmt", ["objects", "lists"])
def test_the_api_masks_whatever_the_records_format(app, data, marked, tokens, fmt):
    response = app.post("/api/3/action/datastore_search", headers=tokens[data.world.consumer_scoped],
                        json={"resource_id": marked.table, "records_format": fmt, "sort": "_id"})
    body = _text(response)
    assert response.status_code == 200 and ID not in body and NAME not in body
    assert "450202********1234" in body and BIRTH in body


def test_the_dump_is_masked(app, data, marked, tokens):
    for fmt in ("csv", "tsv", "json"):
        dump = app.get(f"/datastore/dump/{marked.table}?format={fmt}", headers=tokens[data.world.consumer_scoped])
        body = dump.get_data(as_text=True)
        assert dump.status_code == 200 and ID not in body and NAME not in body and "450202********1234" in body
    clear = app.get(f"/datastore/dump/{marked.table}", headers=tokens[data.world.provider_admin])
    assert ID in clear.get_data(as_text=True)


@pytest.mark.parametrize("params", [{"filters": {"gmsfhm": ID}}, {"filters": json.dumps({"xm": NAME})},
                                    {"q": {"xm": "欧阳"}}, {"q": "欧阳"}, {"full_text": ID}])
def test_a_masked_column_cannot_be_searched_by_its_clear_value(data, marked, params):
    with pytest.raises(tk.ValidationError):
        _call(data.world.consumer_scoped, "datastore_search", resource_id=marked.table, **params)


def test_a_column_that_is_not_masked_is_searched_as_before(data, marked):
    rows = _rows(data.world.consumer_scoped, marked.table, filters={"csrq": BIRTH})
    assert [r["gmsfhm"] for r in rows] == ["450202********1234"]


@pytest.mark.parametrize("sql", ['SELECT gmsfhm FROM "{t}"', 'SELECT upper(xm) AS a FROM "{t}"',
                                 'SELECT csrq FROM "{t}" WHERE gmsfhm = \'{id}\'', 'SELECT * FROM "{t}"'])
def test_sql_reads_no_masked_column(app, data, marked, tokens, sql):
    response = app.post("/api/3/action/datastore_search_sql", headers=tokens[data.world.consumer_scoped],
                        json={"sql": sql.format(t=marked.table, id=ID)})
    assert response.status_code == 403 and ID not in _text(response)


def test_sql_reads_the_other_columns(data, marked):
    result = _call(data.world.consumer_scoped, "datastore_search_sql",
                   sql=f'SELECT csrq FROM "{marked.table}" ORDER BY _id')
    assert [r["csrq"] for r in result["records"]] == [BIRTH, ""]


def test_the_preview_page_shows_the_masked_values(app, data, marked, tokens):
    page = app.get(f"/data/{marked.table}/preview", headers=tokens[data.world.consumer_scoped])
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "450202********1234" in body and "欧阳**" in body
    assert ID not in body and NAME not in body and "liuzhou-masked-badge" in body
    clear = app.get(f"/data/{marked.table}/preview", headers=tokens[data.world.provider_admin]).get_data(as_text=True)
    assert ID in clear and "liuzhou-masked-badge" not in clear
    refused = app.get(f"/data/{marked.table}/preview", headers=tokens[data.world.other_admin])
    assert refused.status_code == 403 and ID not in _text(refused)
