"""The cascade's health and the negative list for the Authority: page, commands, roles."""
from __future__ import annotations

import json

import pytest

import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import factories

from tests.conftest import make_user
from tests.sharing.conftest import entry

from .test_negative_list import LIST_V1, publish


@pytest.fixture(scope="module")
def setup(departments, region):
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    tk.get_action("package_create")(dict(site), entry("lzsgaj", "柳州市交通违章信息", "conditional", name="jtwz"))
    return {"url": publish(region, LIST_V1)}


def test_page_for_the_authority_with_flags_and_sync(app, setup, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.liuzhou.cascade.negative_list_url", setup["url"])
    authority = make_user("lzsdsjfzj", role="admin")
    headers = {"Authorization": tk.get_action("api_token_create")(
        {"ignore_auth": True, "user": authority["name"]}, {"user": authority["name"], "name": "t"})["token"]}
    page = app.get("/cascade/", headers=headers)
    assert page.status_code == 200
    assert "级联" in page.body and "负面清单" in page.body
    tk.get_action("negative_list_sync")({"user": authority["name"]}, {})
    page = app.get("/cascade/", headers=headers)
    assert 'data-entry="jtwz"' in page.body and "未被负面清单覆盖" in page.body


@pytest.mark.parametrize("who", ["provider_admin", "no_department"])
def test_page_refused_to_others(app, setup, who):
    user = make_user("lzsgaj", role="admin") if who == "provider_admin" else factories.User()
    token = tk.get_action("api_token_create")({"ignore_auth": True, "user": user["name"]},
                                              {"user": user["name"], "name": "t"})["token"]
    assert app.get("/cascade/", headers={"Authorization": token}, status=403)
    assert app.post("/cascade/negative-list/sync", headers={"Authorization": token}, status=403)


def test_commands(cli, setup):
    result = cli.invoke(ckan_cli, ["liuzhou", "negative-list", "sync", "--url", setup["url"]])
    assert result.exit_code == 0, result.output
    assert "items" in result.output and "entries flagged" in result.output
    result = cli.invoke(ckan_cli, ["liuzhou", "negative-list", "flags"])
    assert "jtwz\tconditional\tnot_covered" in result.output
    result = cli.invoke(ckan_cli, ["liuzhou", "cascade", "health", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["negative_list"]["items"] == 2 and report["negative_list_flags"] >= 1
