"""The regional negative list (Art 23): synced from a dataset published on the regional
platform, kept with its history; the city's conditional and not-shared entries that it does not
cover, or that lack a legal basis, flagged for the Authority.

Each test sets up the list it needs (``no_list``, ``listed``), so they pass alone and in any
order; the module's entries (``city``) are shared and every test leaves them as they were."""
from __future__ import annotations

import contextlib
import io
import json

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.liuzhou.cascade.model import CascadeEntry, NegativeListVersion
from tests.conftest import make_user
from tests.sharing.conftest import entry

LIST_V1 = {"version": "2026-1", "items": [
    {"id": "GX-NL-001", "name": "人口基本信息", "keywords": ["人口", "户籍"], "sharing_type": "conditional",
     "legal_basis": "《中华人民共和国个人信息保护法》"},
    {"id": "GX-NL-002", "name": "涉密人员信息", "keywords": ["涉密"], "sharing_type": "not_shared",
     "legal_basis": "《中华人民共和国保守国家秘密法》"},
]}


def publish(region, doc) -> str:
    """The list as a JSON file of the regional dataset ``negative-list``; returns its URL."""
    api = region.api
    try:
        pkg = api.action.package_show(id="negative-list")
    except Exception:
        if "gx-dsjj" not in api.action.organization_list():
            api.action.organization_create(name="gx-dsjj", title="广西壮族自治区大数据发展局")
        pkg = api.action.package_create(name="negative-list", title="广西政务数据共享负面清单", owner_org="gx-dsjj")
    body = io.BytesIO(json.dumps(doc, ensure_ascii=False).encode())
    body.name = "negative-list.json"
    if pkg.get("resources"):
        res = api.action.resource_patch(id=pkg["resources"][0]["id"], upload=body)
    else:
        res = api.action.resource_create(package_id=pkg["id"], name="负面清单", upload=body)
    return res["url"]


@pytest.fixture(scope="module")
def city(departments):
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    made = {}
    for name, title, sharing, over in [
            ("rkjbxx", "柳州市人口基本信息", "conditional", {}),                  # covered by GX-NL-001
            ("smry", "柳州市涉密人员信息", "not_shared", {}),                     # covered by GX-NL-002
            ("jtwz", "柳州市交通违章信息", "conditional", {}),                    # not covered
            ("hjqy", "柳州市户籍迁移信息", "not_shared", {}),                      # beyond GX-NL-001 (conditional)
            ("gsdj", "柳州市工商登记信息", "unconditional", {})]:                  # never flagged
        made[name] = tk.get_action("package_create")(dict(site), entry("lzsgaj", title, sharing, name=name, **over))
    return made


@pytest.fixture
def no_list(city):
    """No version of the list synced yet."""
    model.Session.query(NegativeListVersion).delete()
    model.Session.commit()


@pytest.fixture
def listed(region, city):
    """LIST_V1 is the latest version (synced now unless it already is); returns the Operator."""
    operator = make_user("lzsxxhjsglzx", role="member")["name"]
    sync(operator, publish(region, LIST_V1))
    return operator


@contextlib.contextmanager
def without_legal_basis(name):
    """The entry with a marker instead of a legal basis (say, a field the region did not give)."""
    pkg = model.Package.get(name)
    extra = model.Session.query(model.PackageExtra).filter_by(package_id=pkg.id, key="legal_basis").one()
    kept, extra.value = extra.value, "【自治区目录未提供】"
    model.Session.commit()
    try:
        yield
    finally:
        extra = model.Session.query(model.PackageExtra).filter_by(package_id=pkg.id, key="legal_basis").one()
        extra.value = kept
        model.Session.commit()


def sync(user, url):
    return tk.get_action("negative_list_sync")({"user": user}, {"url": url})


def flags(user):
    return {f["name"]: f["reasons"] for f in tk.get_action("negative_list_flags")({"user": user}, {})}


def test_sync_keeps_versions_and_flags_entries(region, city, no_list):
    operator = make_user("lzsxxhjsglzx", role="member")["name"]
    authority = make_user("lzsdsjfzj", role="admin")["name"]
    url = publish(region, LIST_V1)
    first = sync(operator, url)
    assert first["changed"] and first["version"]["items"] == 2
    assert first["version"]["added"] == ["GX-NL-001", "GX-NL-002"]
    assert flags(authority) == {"jtwz": ["not_covered"], "hjqy": ["beyond_list"]}

    # the same list again: no new version
    assert not sync(operator, url)["changed"]

    # the region adds an item for traffic data and drops the secret-personnel item
    v2 = {"items": [LIST_V1["items"][0], {"id": "GX-NL-003", "name": "交通违章信息", "sharing_type": "conditional"}]}
    url = publish(region, v2)
    second = sync(operator, url)
    assert second["changed"] and second["version"]["added"] == ["GX-NL-003"]
    assert second["version"]["removed"] == ["GX-NL-002"]
    assert flags(authority) == {"smry": ["not_covered"], "hjqy": ["beyond_list"]}

    history = tk.get_action("negative_list_history")({"user": authority}, {})
    assert [h["items"] for h in history] == [2, 2] and history[0]["added"] == ["GX-NL-003"]


def test_entries_without_a_legal_basis_are_flagged(listed):
    authority = make_user("lzsdsjfzj", role="admin")["name"]
    assert flags(authority)["jtwz"] == ["not_covered"]
    with without_legal_basis("jtwz"):
        assert flags(authority)["jtwz"] == ["not_covered", "no_legal_basis"]


def test_flags_on_the_entry_page(app, listed):
    user = make_user("lzsgaj", role="editor")["name"]
    token = tk.get_action("api_token_create")({"ignore_auth": True, "user": user}, {"user": user, "name": "t"})["token"]
    with without_legal_basis("jtwz"):
        page = app.get("/catalog/jtwz", headers={"Authorization": token})
    assert 'data-negative-list-flag="true"' in page.body and "缺少法律依据" in page.body
    assert 'data-negative-list-flag="true"' not in app.get("/catalog/rkjbxx", headers={"Authorization": token}).body


def test_regional_entries_are_not_flagged_here(listed, departments):
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    pkg = tk.get_action("package_create")(dict(site), entry("lzsxxhjsglzx", "广西某区级信息", "conditional", name="gx-x"))
    model.Session.add(CascadeEntry(package_id=pkg["id"], source_id="s", remote_id=pkg["id"], remote_name="x",
                                   missing_fields=[]))
    model.Session.commit()
    authority = make_user("lzsdsjfzj", role="admin")["name"]
    found = flags(authority)
    assert "jtwz" in found  # the list flags city entries now: the regional one is left out, not unjudged
    assert "gx-x" not in found


def test_only_the_authority_and_operator_see_and_sync_the_list(city):
    for user in (make_user("lzsgaj", role="admin")["name"], factories.User()["name"]):
        for action in ("negative_list_flags", "negative_list_history", "negative_list_sync", "cascade_health"):
            with pytest.raises(tk.NotAuthorized):
                tk.get_action(action)({"user": user}, {"url": "http://127.0.0.1:1/"})


def test_a_list_that_cannot_be_read_is_an_error_and_keeps_the_last_version(region, listed):
    operator = listed
    before = len(tk.get_action("negative_list_history")({"user": operator}, {}))
    with pytest.raises(tk.ValidationError):
        sync(operator, region.url + "/api/3/action/status_show")  # JSON, but not a list
    assert len(tk.get_action("negative_list_history")({"user": operator}, {})) == before
