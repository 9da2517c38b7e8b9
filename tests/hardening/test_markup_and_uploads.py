"""Markup in every text a page shows is rendered escaped, and uploads with path tricks or
oversized files are refused or stored safely (docs/security.md, "Hostile input")."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from freezegun import freeze_time
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from .conftest import COUNTY_DEPT, MONDAY, PDF, PROVIDER, _as, entry, site_context

SCRIPT = '<script>alert("x")</script>'
IMG = '<img src=x onerror=alert(1)>'


def _page(app, user, url) -> str:
    res = app.get(url, headers={"Authorization": factories.APIToken(user=user)["token"]})
    assert res.status_code == 200, (url, res.status_code)
    return res.get_data(as_text=True)


def _escaped(body: str) -> None:
    assert SCRIPT not in body and IMG not in body
    assert "&lt;script&gt;" in body or "&lt;img" in body


def test_markup_in_entries_requests_notices_and_systems_is_shown_escaped(app, world, targets):
    pkg = tk.get_action("package_create")(site_context(), entry(
        PROVIDER, f"标记测试{SCRIPT}", "conditional", notes=f"摘要{IMG}", name="markup-test-entry",
        sharing_conditions=f"条件{SCRIPT}"))
    with freeze_time(MONDAY):
        req = _as(world.consumer_member, "share_request_create", package_id=pkg["name"], purpose=f"用途{SCRIPT}",
                  basis=f"依据{IMG}", scope_users=[world.consumer_member], information_items=["gmsfhm"],
                  valid_until="2030-06-30", sharing_method="platform")
        notice = _as(world.authority, "upkeep_notice_create", title=f"通知{SCRIPT}", cause="law_change",
                     basis=f"依据{IMG}", changed_on="2026-03-02", description=f"说明{SCRIPT}",
                     departments=[PROVIDER])
        system = _as(world.provider_editor, "information_system_create", name=f"系统{SCRIPT}", org=PROVIDER,
                     stage="approval", project_code="LZXM-X", description=f"描述{IMG}")
    _escaped(_page(app, world.consumer_member, f"/catalog/{pkg['name']}"))
    _escaped(_page(app, world.consumer_member, "/catalog/?q=标记测试"))
    _escaped(_page(app, world.provider_admin, f"/sharing/request/{req['id']}"))
    _escaped(_page(app, world.provider_admin, "/sharing/review"))
    _escaped(_page(app, world.provider_admin, f"/lifecycle/upkeep/{notice['id']}"))
    _escaped(_page(app, world.provider_admin, f"/lifecycle/systems/{system['id']}"))


def _count(table: str) -> int:
    import sqlalchemy as sa
    n = model.Session.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar()  # nosec B608 — fixed name
    model.Session.rollback()
    return n


def test_an_oversized_or_path_tricked_attachment_changes_nothing_outside_the_storage(world):
    pkg = tk.get_action("package_create")(site_context(), entry(COUNTY_DEPT, "附件测试目录", "unconditional"))
    before = _count("liuzhou_catalog_offline")
    limit = tk.config["ckanext.liuzhou.lifecycle.attachment_max_mb"]
    big = FileStorage(stream=io.BytesIO(PDF + b"0" * (limit * 1024 * 1024 + 1)), filename="form.pdf",
                      content_type="application/pdf")
    with freeze_time(MONDAY), pytest.raises(tk.ValidationError) as e:
        _as(world.county_dept_admin, "catalog_offline_apply", package_id=pkg["id"], reason="停用",
            attachment_upload=big)
    assert "attachment_upload" in e.value.error_dict
    assert _count("liuzhou_catalog_offline") == before

    storage = Path(tk.config["ckan.storage_path"]).resolve()
    tricked = FileStorage(stream=io.BytesIO(PDF), filename="../../../../../tmp/liuzhou-escape.pdf",
                          content_type="application/pdf")
    with freeze_time(MONDAY):
        try:
            app_ = _as(world.county_dept_admin, "catalog_offline_apply", package_id=pkg["id"], reason="停用",
                       attachment_upload=tricked)
        except tk.ValidationError:
            app_ = None
    assert not os.path.exists("/tmp/liuzhou-escape.pdf")
    if app_ is not None:  # stored: under the storage path, under a name of the platform's
        found = [p for p in storage.rglob("*") if p.is_file() and "liuzhou-escape" in p.name]
        assert all(storage in p.resolve().parents for p in found)
