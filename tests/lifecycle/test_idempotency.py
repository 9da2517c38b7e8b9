"""The lifecycle create actions take an idempotency key (ckanext/liuzhou/idempotency.py): the
same key sent twice by the same user makes one object; different keys make two; another user's
same key is that user's own; and a form sent twice lands on the one object it made."""
from __future__ import annotations

import io
import uuid

import pytest

import ckan.model as model

from tests.conftest import make_user
from tests.ui.conftest import csrf_token

from .conftest import PDF, PROVIDER, pdf

pytestmark = pytest.mark.usefixtures("world")


def _system(call_as, user, key, **over):
    data = {"name": f"幂等测试系统{uuid.uuid4().hex[:6]}", "org": PROVIDER, "stage": "approval",
            "idempotency_key": key}
    data.update(over)
    return call_as(user, "information_system_create", **data)


def _account(call_as, user, key):
    return call_as(user, "account_request_create", kind="create", org=PROVIDER,
                   user_name=f"gaj_{uuid.uuid4().hex[:8]}", fullname="李四", email="lisi@gaj.liuzhou.example",
                   reason="新入职", idempotency_key=key)


def test_the_same_key_twice_makes_one_object(call_as, world, new_entry):
    key = uuid.uuid4().hex
    first = _system(call_as, world.provider_admin, key)
    again = _system(call_as, world.provider_admin, key, name="重发的同一张表单")
    assert again["id"] == first["id"] and again["name"] == first["name"]
    # a second application for the same entry would be refused as "already under review":
    # the resent one returns the first instead
    pkg = new_entry()
    app = call_as(world.provider_admin, "catalog_offline_apply", package_id=pkg["id"], reason="幂等",
                  attachment_upload=pdf(), idempotency_key=key)
    resent = call_as(world.provider_admin, "catalog_offline_apply", package_id=pkg["id"], reason="幂等",
                     attachment_upload=pdf(), idempotency_key=key)
    assert resent["id"] == app["id"]
    assert _account(call_as, world.provider_admin, key)["id"] == _account(call_as, world.provider_admin, key)["id"]


def test_different_keys_make_two_objects(call_as, world):
    one = _account(call_as, world.provider_admin, uuid.uuid4().hex)
    two = _account(call_as, world.provider_admin, uuid.uuid4().hex)
    assert one["id"] != two["id"]


def test_another_users_key_does_not_collide(call_as, world):
    other_admin = make_user(PROVIDER, "admin")["name"]
    key = uuid.uuid4().hex
    mine = _system(call_as, world.provider_admin, key)
    theirs = _system(call_as, other_admin, key)
    assert theirs["id"] != mine["id"]


def test_a_form_sent_twice_makes_one_application(app, world, token, new_entry):
    from ckanext.liuzhou.lifecycle.model import CatalogOffline
    pkg = new_entry(title="重复提交下线申请")
    admin = token(world.provider_admin)
    url = f"/lifecycle/catalog-offline/new?package_id={pkg['id']}"
    form = app.get(url, headers=admin).get_data(as_text=True)
    key = form.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0]
    assert len(key) == 32

    def send():
        return app.post(url, headers=admin, follow_redirects=False, data={
            "_csrf_token": csrf_token(form), "package_id": pkg["id"], "reason": "业务调整", "idempotency_key": key,
            "attachment_upload": (io.BytesIO(PDF), "申请表.pdf", "application/pdf")})
    first, again = send(), send()
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    model.Session.remove()
    assert model.Session.query(CatalogOffline).filter_by(package_id=pkg["id"]).count() == 1
