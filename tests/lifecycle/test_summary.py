"""The menus' counts (``lifecycle_summary``): each is the ``count`` of its flow's list action
for the same user, so the badge on the page and the list it opens agree, sysadmins included."""
from __future__ import annotations

import re

import pytest

import ckan.plugins.toolkit as tk

from .conftest import pdf

pytestmark = pytest.mark.usefixtures("world")

ROLES = ("provider_admin", "provider_editor", "consumer_admin", "operator", "authority", "county_authority",
         "sysadmin")


def _open_catalog_offline(call_as, world, new_entry) -> dict:
    pkg = new_entry(title="菜单计数测试目录")
    return call_as(world.provider_admin, "catalog_offline_apply", package_id=pkg["id"], reason="菜单计数",
                   attachment_upload=pdf())


def _list_count(call_as, user, action, **data) -> int:
    return call_as(user, action, limit=1, **data)["count"]


@pytest.mark.parametrize("role", ROLES)
def test_each_count_is_the_count_of_its_list_action(call_as, world, new_entry, role):
    _open_catalog_offline(call_as, world, new_entry)
    user = getattr(world, role)
    summary = call_as(user, "lifecycle_summary")
    assert summary["public_notice"] == _list_count(call_as, user, "public_notice_list")
    assert summary["catalog_offline"] == sum(_list_count(call_as, user, "catalog_offline_list", state=s)
                                             for s in ("submitted", "coordinating"))
    assert summary["catalog_offline"] >= 1 if role in ("provider_admin", "operator", "authority", "sysadmin") \
        else True
    assert summary["duplicate"] == _list_count(call_as, user, "duplicate_warning_list", state="open")
    if "violation" in summary:
        assert summary["violation"] == _list_count(call_as, user, "violation_list", state="open")
    else:
        with pytest.raises(tk.NotAuthorized):
            call_as(user, "violation_list")


def test_a_department_counts_only_its_own_and_visitors_sign_in_first(call_as, world, new_entry):
    _open_catalog_offline(call_as, world, new_entry)
    assert call_as(world.provider_admin, "lifecycle_summary")["catalog_offline"] >= 1
    assert call_as(world.other_admin, "lifecycle_summary")["catalog_offline"] == 0
    assert "violation" not in call_as(world.operator, "lifecycle_summary")
    assert "account_request" not in call_as(world.consumer_member, "lifecycle_summary")
    with pytest.raises(tk.NotAuthorized):   # a visitor signs in first (anonymous_access is off)
        tk.get_action("lifecycle_summary")({"user": "", "ignore_auth": False}, {})


def _badges(html: str) -> dict[str, int]:
    """The sidebar's sections and their badges, by the link's path."""
    menu = html.split("liuzhou-lifecycle-menu", 1)[1].split("</section>", 1)[0]
    return {href: int(n) for href, n in re.findall(
        r'<a href="([^"]+)">[^<]*<span class="badge[^"]*">(\d+)</span>', menu)}


def test_the_sysadmins_menu_counts_what_the_action_lists(app, call_as, world, new_entry, token):
    """The menu once counted for a sysadmin only the applications of the sysadmin's own
    departments, while ``catalog_offline_list`` lists all of them to a sysadmin: the action's
    rule is the one both follow now."""
    _open_catalog_offline(call_as, world, new_entry)
    listed = sum(_list_count(call_as, world.sysadmin, "catalog_offline_list", state=s)
                 for s in ("submitted", "coordinating"))
    assert listed >= 1
    res = app.get("/lifecycle/catalog-offline", headers=token(world.sysadmin))
    assert res.status_code == 200
    badges = _badges(res.get_data(as_text=True))
    assert badges.get("/lifecycle/catalog-offline") == listed
    assert "/lifecycle/violations" in res.get_data(as_text=True)   # violation_list is open to sysadmins


def test_the_entry_page_shows_what_lifecycle_entry_show_says(app, call_as, world, new_entry, token):
    pkg = new_entry(title="条目生命周期测试目录")
    admin = call_as(world.provider_admin, "lifecycle_entry_show", id=pkg["id"])
    assert admin["can_apply_catalog_offline"] and admin["can_apply_resource_offline"]
    assert "申请目录下线" in app.get(f"/catalog/{pkg['name']}", headers=token(world.provider_admin)).get_data(as_text=True)
    other = call_as(world.other_admin, "lifecycle_entry_show", id=pkg["id"])
    assert not other["can_apply_catalog_offline"] and other["upkeep"] == [] and other["duplicates"] == []
    assert "申请目录下线" not in app.get(f"/catalog/{pkg['name']}", headers=token(world.other_admin)).get_data(as_text=True)
    app_ = _open_catalog_offline(call_as, world, new_entry)
    assert call_as(world.provider_admin, "lifecycle_entry_show", id=app_["package_id"])["open_catalog_offline"] == app_["id"]
    with pytest.raises(tk.ObjectNotFound):
        call_as(world.provider_admin, "lifecycle_entry_show", id="no-such-entry")
