"""Catalog offlining (Art 20): apply with the signed form → Operator review → offline at once,
or coordination with a recorded outcome → filed; offline entries leave search for others."""
from __future__ import annotations

import datetime as dt

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou import audit
from ckanext.liuzhou.audit.model import AuditLog

from .conftest import pdf, site_context

pytestmark = pytest.mark.usefixtures("world")


def apply(call_as, world, pkg, **over):
    data = {"package_id": pkg["id"], "reason": "该目录对应的业务已由省级系统承接", "attachment_upload": pdf()}
    data.update(over)
    return call_as(world.provider_admin, "catalog_offline_apply", **data)


# ---------------------------------------------------------------- apply

def test_the_providers_admin_applies_with_the_signed_form(call_as, world, new_entry):
    pkg = new_entry()
    app = apply(call_as, world, pkg)
    assert app["state"] == "submitted"
    assert app["attachment_name"] == "目录下线申请表.pdf"
    assert app["provider_org"] == "lzsgaj"
    assert [e["event"] for e in app["events"]] == ["apply"]
    assert app["events"][0]["notify"] == ["lzsxxhjsglzx"]
    row = model.Session.query(AuditLog).filter_by(action="catalog_offline.apply", object_id=app["id"]).one()
    assert row.package_id == pkg["id"]


@pytest.mark.parametrize("who", ["provider_editor", "consumer_admin", "operator", "authority"])
def test_only_the_providers_admin_may_apply(call_as, world, new_entry, who):
    pkg = new_entry()
    with pytest.raises(tk.NotAuthorized):
        call_as(getattr(world, who), "catalog_offline_apply", package_id=pkg["id"], reason="x",
                attachment_upload=pdf())


def test_anonymous_may_not_apply(new_entry):
    pkg = new_entry()
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("catalog_offline_apply")({"user": "", "ignore_auth": False},
                                               {"package_id": pkg["id"], "reason": "x"})


def _count(cls) -> int:
    model.Session.remove()
    return model.Session.query(cls).count()


def test_without_the_form_or_reason_nothing_is_saved(call_as, world, new_entry):
    from ckanext.liuzhou.lifecycle.model import CatalogOffline
    pkg = new_entry()
    before = _count(CatalogOffline)
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.provider_admin, "catalog_offline_apply", package_id=pkg["id"], reason="")
    assert set(e.value.error_dict) == {"reason", "attachment_upload"}
    assert _count(CatalogOffline) == before


def test_a_form_that_is_not_a_scan_is_refused(call_as, world, new_entry):
    import io
    from werkzeug.datastructures import FileStorage
    pkg = new_entry()
    script = FileStorage(stream=io.BytesIO(b"#!/bin/sh\necho hi\n"), filename="form.sh", content_type="text/x-sh")
    with pytest.raises(tk.ValidationError) as e:
        apply(call_as, world, pkg, attachment_upload=script)
    assert "attachment_upload" in e.value.error_dict


def test_one_open_application_per_entry(call_as, world, new_entry):
    pkg = new_entry()
    apply(call_as, world, pkg)
    with pytest.raises(tk.ValidationError) as e:
        apply(call_as, world, pkg)
    assert "package_id" in e.value.error_dict


# ---------------------------------------------------------------- review

@pytest.mark.parametrize("who", ["provider_admin", "authority", "consumer_admin"])
def test_only_the_operator_reviews(call_as, world, new_entry, who):
    app = apply(call_as, world, new_entry())
    with pytest.raises(tk.NotAuthorized):
        call_as(getattr(world, who), "catalog_offline_review", id=app["id"], decision="approve")


def test_an_unused_entry_goes_offline_at_once_and_is_filed(call_as, world, new_entry):
    pkg = new_entry()
    app = apply(call_as, world, pkg)
    shown = call_as(world.operator, "catalog_offline_show", id=app["id"])
    assert shown["users"]["departments"] == []
    done = call_as(world.operator, "catalog_offline_review", id=app["id"], decision="approve", notes="无部门使用")
    assert done["state"] == "offline"
    assert done["filing_number"].startswith(f"{dt.date.today().year}-")
    assert [e["event"] for e in done["events"]] == ["apply", "approve", "file"]
    actions = {r.action for r in model.Session.query(AuditLog).filter_by(object_id=app["id"])}
    assert {"catalog_offline.apply", "catalog_offline.approve", "catalog_offline.file"} <= actions
    filed = call_as(world.operator, "catalog_offline_list", filed=True)
    assert app["id"] in [r["id"] for r in filed["results"]]


def test_reject_needs_a_reason_and_is_filed(call_as, world, new_entry):
    app = apply(call_as, world, new_entry())
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.operator, "catalog_offline_review", id=app["id"], decision="reject")
    assert "notes" in e.value.error_dict
    done = call_as(world.operator, "catalog_offline_review", id=app["id"], decision="reject", notes="申请表未盖章")
    assert done["state"] == "rejected" and done["filing_number"]
    with pytest.raises(tk.ValidationError) as e:  # final: no second review
        call_as(world.operator, "catalog_offline_review", id=app["id"], decision="approve")
    assert "state" in e.value.error_dict


def test_an_entry_in_use_goes_to_coordination_then_offline_closing_requests(call_as, world, drive, new_entry):
    # a fresh conditional entry of the provider, with a delivered request of 人社局
    req = drive("delivered", package_id=new_entry(sharing_type="conditional")["name"])
    pkg_id = req["package_id"]
    app = apply(call_as, world, {"id": pkg_id})
    review = call_as(world.operator, "catalog_offline_show", id=app["id"])
    assert "lzsrlzyhshbzj" in review["users"]["departments"]
    coord = call_as(world.operator, "catalog_offline_review", id=app["id"], decision="approve")
    assert coord["state"] == "coordinating" and coord["filing_number"] is None
    assert "lzsrlzyhshbzj" in coord["events"][-1]["notify"]
    with pytest.raises(tk.ValidationError) as e:  # the outcome needs the meeting's record
        call_as(world.operator, "catalog_offline_review", id=app["id"], decision="offline")
    assert {"meeting_date", "participants", "notes"} <= set(e.value.error_dict)
    done = call_as(world.operator, "catalog_offline_review", id=app["id"], decision="offline",
                   meeting_date=dt.date.today().isoformat(), participants=["市公安局", "市人社局"],
                   notes="双方同意下线，人社局改用省级接口")
    assert done["state"] == "offline" and done["filing_number"]
    closed = call_as(world.consumer_member, "share_request_show", id=req["id"])
    assert closed["state"] == "terminated"
    last = call_as(world.consumer_member, "share_request_history", id=req["id"])[-1]
    assert last["event"] == "entry_offline" and "lzsrlzyhshbzj" in last["notify"]


def test_coordination_may_keep_the_entry(call_as, world, drive, new_entry):
    req = drive("submitted", package_id=new_entry(sharing_type="conditional")["name"])
    app = apply(call_as, world, {"id": req["package_id"]})
    call_as(world.operator, "catalog_offline_review", id=app["id"], decision="approve")
    done = call_as(world.operator, "catalog_offline_review", id=app["id"], decision="keep",
                   meeting_date=dt.date.today().isoformat(), participants="市公安局, 市人社局",
                   notes="人社局仍需使用，保留目录")
    assert done["state"] == "kept" and done["filing_number"]
    assert call_as(world.consumer_member, "share_request_show", id=req["id"])["state"] == "submitted"
    # a future meeting cannot be recorded
    app2 = apply(call_as, world, {"id": req["package_id"]})
    call_as(world.operator, "catalog_offline_review", id=app2["id"], decision="approve")
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.operator, "catalog_offline_review", id=app2["id"], decision="keep",
                meeting_date=(dt.date.today() + dt.timedelta(days=3)).isoformat(), participants="x", notes="y")
    assert "meeting_date" in e.value.error_dict


def test_recent_reads_count_as_use(call_as, world, new_entry):
    pkg = new_entry()
    audit.record_read(world.other_admin, pkg["id"])
    app = apply(call_as, world, pkg)
    users = call_as(world.operator, "catalog_offline_show", id=app["id"])["users"]
    assert users["departments"] == ["lzsjyj"]
    assert users["reads"][0]["count"] == 1


# ---------------------------------------------------------------- visibility

def _offline(call_as, world, pkg):
    app = apply(call_as, world, pkg)
    return call_as(world.operator, "catalog_offline_review", id=app["id"], decision="approve")


def _search(app, headers, title):
    body = app.post("/api/3/action/package_search", json={"q": f'title:"{title}"'}, headers=headers).json
    return [r["name"] for r in body["result"]["results"]]


def test_an_offline_entry_leaves_search_but_its_provider_authority_and_operator_still_read_it(
        app, call_as, world, new_entry, token):
    pkg = new_entry(title="即将下线的目录甲")
    assert _search(app, token(world.consumer_member), "即将下线的目录甲") == [pkg["name"]]
    _offline(call_as, world, pkg)
    for who in ("consumer_member", "other_admin"):
        assert _search(app, token(getattr(world, who)), "即将下线的目录甲") == []
        with pytest.raises(tk.NotAuthorized):
            call_as(getattr(world, who), "package_show", id=pkg["id"])
        res = app.get(f"/api/3/action/package_show?id={pkg['name']}", headers=token(getattr(world, who)))
        assert res.status_code == 403
    for who in ("provider_editor", "authority", "operator"):
        assert _search(app, token(getattr(world, who)), "即将下线的目录甲") == [pkg["name"]]
        assert call_as(getattr(world, who), "package_show", id=pkg["id"])["name"] == pkg["name"]
    page = app.get(f"/catalog/{pkg['name']}", headers=token(world.provider_editor))
    assert "liuzhou-offline-banner" in page.body


def test_search_outside_a_web_request_hides_an_offline_entry_by_the_contexts_user(call_as, world, new_entry,
                                                                                  authority_member):
    """Code that calls package_search outside a request (jobs, commands) gets the same answer."""
    import flask
    pkg = new_entry(title="即将下线的目录乙")
    _offline(call_as, world, pkg)
    assert not flask.has_request_context()

    def found(user):
        result = call_as(user, "package_search", q='title:"即将下线的目录乙"')
        return [r["name"] for r in result["results"]]
    for who in (world.authority, authority_member, world.operator, world.provider_editor, world.provider_admin):
        assert found(who) == [pkg["name"]], who
    for who in (world.consumer_member, world.other_admin, world.county_authority):
        assert found(who) == [], who
    site = tk.get_action("package_search")(site_context(), {"q": 'title:"即将下线的目录乙"'})
    assert [r["name"] for r in site["results"]] == [pkg["name"]]  # the platform's own searches (ignore_auth)


# ---------------------------------------------------------------- lists

def test_departments_see_their_own_applications(call_as, world, new_entry):
    app = apply(call_as, world, new_entry())
    mine = call_as(world.provider_editor, "catalog_offline_list")
    assert app["id"] in [r["id"] for r in mine["results"]]
    assert call_as(world.other_admin, "catalog_offline_list")["count"] == 0
    with pytest.raises(tk.NotAuthorized):
        call_as(world.other_admin, "catalog_offline_show", id=app["id"])


def test_the_entry_page_of_an_offline_entry_answers_others_in_chinese(app, call_as, world, new_entry, token):
    pkg = new_entry()
    _offline(call_as, world, pkg)
    res = app.get(f"/catalog/{pkg['name']}", headers=token(world.consumer_member))
    assert res.status_code == 404
    body = res.get_data(as_text=True)
    assert "目录不存在，或您无权查看" in body and pkg["title"] not in body


def test_the_offline_state_is_read_once_per_transaction_and_seen_at_once_when_it_changes(world, new_entry):
    """package_create asks it for each indexing and for its final package_show: one query; an
    entry taken offline in the same transaction is offline at once."""
    import sqlalchemy as sa
    from ckanext.liuzhou.lifecycle import visibility
    from ckanext.liuzhou.lifecycle.model import CatalogOffline, OfflineEntry

    asked = []

    def count(conn, cursor, statement, *args):
        if statement.startswith("SELECT liuzhou_offline_entry.package_id"):
            asked.append(statement)
    pkg = new_entry(title="下线状态只读一次")
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    try:
        new_entry(title="下线状态只读一次乙")
        assert len(asked) == 1
        model.Session.rollback()
        assert visibility.is_offline(pkg["id"]) is False
        application = CatalogOffline(package_id=pkg["id"], provider_org_id=pkg["owner_org"], applicant_id="t",
                                     reason="测试", attachment="a.pdf", attachment_name="a.pdf",
                                     state="offline", state_changed_by="t")
        model.Session.add(application)
        model.Session.flush()
        model.Session.add(OfflineEntry(package_id=pkg["id"], application_id=application.id, offline_by="t"))
        model.Session.flush()
        assert visibility.is_offline(pkg["id"]) is True   # the memo went with the flush
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", count)
        model.Session.rollback()
    assert visibility.is_offline(pkg["id"]) is False
