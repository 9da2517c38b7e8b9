"""``resource_data_open``: the action behind the download routes decides and records (Art 25):
the read, or the refusal with its route and reason; a page and an API client get the same."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.audit.model import AuditLog

pytestmark = pytest.mark.usefixtures("data")


def _rows(rid: str, action: str) -> list[AuditLog]:
    model.Session.remove()
    return model.Session.query(AuditLog).filter_by(resource_id=rid, action=action).order_by(AuditLog.id).all()


def test_a_delivered_read_is_opened_and_recorded(call_as, data):
    rid = data.upload["conditional"]["id"]
    before = len(_rows(rid, "data.read"))
    opened = call_as(data.world.consumer_scoped, "resource_data_open", id=rid)
    assert opened == {"id": rid, "via": "file"}
    rows = _rows(rid, "data.read")
    assert len(rows) == before + 1 and rows[-1].share_request_id == data.grant["id"]


def test_a_refusal_is_recorded_with_its_route_then_raised(call_as, data):
    rid = data.upload["conditional"]["id"]
    before = len(_rows(rid, "data.refused"))
    with pytest.raises(tk.NotAuthorized):
        call_as(data.world.other_admin, "resource_data_open", id=rid, path="liuzhou_access.download")
    rows = _rows(rid, "data.refused")
    assert len(rows) == before + 1
    assert rows[-1].actor_name == data.world.other_admin
    assert rows[-1].detail["path"] == "liuzhou_access.download" and rows[-1].detail["reason"]


def test_nothing_is_recorded_in_a_deferred_transaction_or_for_an_unknown_resource(data):
    rid = data.upload["conditional"]["id"]
    before = len(_rows(rid, "data.refused"))
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("resource_data_open")({"user": data.world.other_admin, "defer_commit": True}, {"id": rid})
    model.Session.rollback()
    assert len(_rows(rid, "data.refused")) == before
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("resource_data_open")({"user": data.world.other_admin}, {"id": "no-such-resource"})
    with pytest.raises(tk.ValidationError):
        tk.get_action("resource_data_open")({"user": data.world.consumer_scoped}, {"id": rid, "route": "elsewhere"})
