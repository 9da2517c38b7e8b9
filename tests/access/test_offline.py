"""Offline means offline on every data path (Art 20, 21, 33).

- An entry taken offline (Art 20): a reader of the unconditional entry is refused; its
  provider, the Authority and the Operator still read.
- A resource whose offlining was completed (Art 21): the holder of a grant still valid is
  refused; the provider still reads. During the Art 21 public notice the data stays readable.

Each data path is one test: the platform's ``/data/`` route, CKAN's download route,
``datastore_search``, ``datastore_search_sql``, ``datastore_info`` and the DataStore dump.
Every refusal says why in Chinese and leaves an audit row.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from freezegun import freeze_time
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.audit.model import AuditLog
from tests.access.conftest import CSV, response_text as _text, add_datastore, add_upload, site_context
from tests.sharing.conftest import PROVIDER, entry

pytestmark = pytest.mark.usefixtures("data")

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ENTRY_OFFLINE = "该目录已下线"
RESOURCE_OFFLINE = "该数据资源已下线"
REASON = {"reason": "接口改造，原数据库表停止更新", "legal_basis": "《柳州市政务数据资源调度管理实施细则》第二十一条"}


def _call(user, action, **data):
    return tk.get_action(action)({"user": user, "ignore_auth": False}, data)


@dataclass
class Offline:
    entry: dict         # unconditional entry taken offline (Art 20)
    entry_upload: dict
    entry_table: dict
    held: dict          # conditional entry with a grant still valid for consumer_scoped
    upload: dict        # of ``held``: offlining completed (Art 21)
    table: dict         # of ``held``: offlining completed (Art 21)
    notice_upload: dict  # of ``held``: offlining approved, public notice running
    notice_table: dict


def _complete_offlining(world, pkg_id: str, resource_id: str) -> None:
    with freeze_time("2026-03-02 02:00:00"):     # Monday: applied and approved
        app = _call(world.provider_admin, "resource_offline_apply", package_id=pkg_id,
                    resource_id=resource_id, **REASON)
        _call(world.authority, "resource_offline_decide", id=app["id"], decision="approve")
    with freeze_time("2026-03-20 02:00:00"):     # after the 10 working days of notice
        done = _call(world.provider_admin, "resource_offline_complete", id=app["id"])
    assert done["state"] == "completed"


def _start_notice(world, pkg_id: str, resource_id: str) -> None:
    app = _call(world.provider_admin, "resource_offline_apply", package_id=pkg_id,
                resource_id=resource_id, **REASON)
    app = _call(world.authority, "resource_offline_decide", id=app["id"], decision="approve")
    assert app["state"] == "notice"


@pytest.fixture(scope="module")
def offline(data) -> Offline:
    w = data.world
    create = lambda d: tk.get_action("package_create")(site_context(), d)
    gone = create(entry(PROVIDER, "已下线的派出所名录", "unconditional"))
    gone_upload, gone_table = add_upload(gone["id"]), add_datastore(gone["id"])
    app = _call(w.provider_admin, "catalog_offline_apply", package_id=gone["id"],
                reason="该目录对应的业务已由省级系统承接",
                attachment_upload=FileStorage(stream=io.BytesIO(PDF), filename="目录下线申请表.pdf",
                                              content_type="application/pdf"))
    done = _call(w.operator, "catalog_offline_review", id=app["id"], decision="approve", notes="无部门使用")
    assert done["state"] == "offline"

    held = create(entry(PROVIDER, "户籍人口核验结果", "conditional"))
    upload, table = add_upload(held["id"]), add_datastore(held["id"])
    notice_upload, notice_table = add_upload(held["id"]), add_datastore(held["id"])
    req = _call(w.consumer_member, "share_request_create", package_id=held["name"],
                purpose="社会保障待遇资格认证时核验参保人身份", basis="《社会保险法》第七十四条",
                scope_users=[w.consumer_scoped], valid_until="2099-12-31", sharing_method="platform")
    _call(w.provider_admin, "share_request_decide", id=req["id"], decision="approve")
    assert _call(w.operator, "share_request_deliver", id=req["id"])["state"] == "delivered"
    _complete_offlining(w, held["id"], upload["id"])
    _complete_offlining(w, held["id"], table["resource_id"])
    _start_notice(w, held["id"], notice_upload["id"])
    _start_notice(w, held["id"], notice_table["resource_id"])
    return Offline(gone, gone_upload, gone_table, held, upload, table, notice_upload, notice_table)


def _refusals(resource_id: str) -> int:
    return model.Session.query(AuditLog).filter_by(resource_id=resource_id, action="data.refused").count()


def _cases(data, offline):
    """(resource id, entry name, refused reader, readers still allowed, the message)."""
    w = data.world
    return [
        (offline.entry_upload["id"], offline.entry_table["resource_id"], offline.entry["name"],
         w.other_admin, (w.provider_editor, w.operator, w.authority), ENTRY_OFFLINE),
        (offline.upload["id"], offline.table["resource_id"], offline.held["name"],
         w.consumer_scoped, (w.provider_editor,), RESOURCE_OFFLINE),
    ]


def _check(send, data, offline, tokens, table: bool):
    """``send(resource_id, entry_name, headers)`` → response; refused with the reason and an
    audit row for the reader, 200 for the provider (and the Authority and Operator)."""
    for upload_id, table_id, name, reader, allowed, message in _cases(data, offline):
        rid = table_id if table else upload_id
        before = _refusals(rid)
        refused = send(rid, name, tokens[reader])
        body = _text(refused)
        assert refused.status_code == 403, (rid, body[:300])
        assert message in body and "张三" not in body and CSV.decode() not in body
        assert _refusals(rid) == before + 1
        for user in allowed:
            assert send(rid, name, tokens[user]).status_code == 200, user


def test_the_platform_download_refuses_offline_data(app, data, offline, tokens):
    _check(lambda rid, name, h: app.get(f"/data/{rid}", headers=h), data, offline, tokens, table=False)


def test_ckans_download_route_refuses_offline_data(app, data, offline, tokens):
    _check(lambda rid, name, h: app.get(f"/catalog/{name}/resource/{rid}/download", headers=h),
           data, offline, tokens, table=False)


def test_datastore_search_refuses_offline_data(app, data, offline, tokens):
    _check(lambda rid, name, h: app.post("/api/3/action/datastore_search", json={"resource_id": rid}, headers=h),
           data, offline, tokens, table=True)


def test_datastore_search_sql_refuses_offline_data(app, data, offline, tokens):
    _check(lambda rid, name, h: app.post("/api/3/action/datastore_search_sql",
                                         json={"sql": f'SELECT xm FROM "{rid}"'}, headers=h),
           data, offline, tokens, table=True)


def test_datastore_info_refuses_offline_data(app, data, offline, tokens):
    _check(lambda rid, name, h: app.post("/api/3/action/datastore_info", json={"id": rid}, headers=h),
           data, offline, tokens, table=True)


def test_the_datastore_dump_refuses_offline_data(app, data, offline, tokens):
    _check(lambda rid, name, h: app.get(f"/datastore/dump/{rid}", headers=h), data, offline, tokens, table=True)


def test_during_the_public_notice_the_data_stays_readable(app, data, offline, tokens):
    """Art 21.3: approved, on notice, not yet completed: the grant still reads every path."""
    headers = tokens[data.world.consumer_scoped]
    upload, table = offline.notice_upload["id"], offline.notice_table["resource_id"]
    assert app.get(f"/data/{upload}", headers=headers).data == CSV
    assert app.get(f"/catalog/{offline.held['name']}/resource/{upload}/download", headers=headers).data == CSV
    for action, params in (("datastore_search", {"resource_id": table}), ("datastore_info", {"id": table}),
                           ("datastore_search_sql", {"sql": f'SELECT xm FROM "{table}"'})):
        response = app.post(f"/api/3/action/{action}", json=params, headers=headers)
        assert response.status_code == 200, (action, response.get_data(as_text=True)[:300])
    assert "张三" in app.get(f"/datastore/dump/{table}", headers=headers).get_data(as_text=True)


def test_the_entry_and_resource_pages_say_the_resource_is_offline(data, offline):
    """``liuzhou_access`` says per resource why it is closed (the pages show it)."""
    w = data.world
    pkg = _call(w.consumer_scoped, "package_show", id=offline.held["id"])
    opened = pkg["liuzhou_access"]["resources"]
    assert opened[offline.upload["id"]]["via"] == "offline" and not opened[offline.upload["id"]]["readable"]
    assert opened[offline.notice_upload["id"]]["readable"]
    assert all(r["url"] == "" for r in pkg["resources"] if r["id"] == offline.upload["id"])
