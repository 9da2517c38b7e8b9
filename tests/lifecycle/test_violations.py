"""Unauthorised stops (Art 33.1): a provider that takes a resource offline or removes it, or
suspends or terminates a consumer, without the Authority's approval is flagged for the Authority."""
from __future__ import annotations

import pytest
from freezegun import freeze_time

import ckan.plugins.toolkit as tk

pytestmark = pytest.mark.usefixtures("world")


def flagged(call_as, world, **filters):
    return call_as(world.authority, "violation_list", limit=1000, **filters)["results"]


def test_a_resource_set_offline_without_approval_is_flagged(call_as, world, new_entry):
    pkg = new_entry()
    rid = pkg["resources"][0]["id"]
    call_as(world.provider_editor, "resource_patch", id=rid, online_status="offline")
    row = next(v for v in flagged(call_as, world) if v["resource_id"] == rid)
    assert row["kind"] == "resource_offline_unapproved" and row["article"] == "33.1"
    assert row["provider_org"] == "lzsgaj" and row["actor"] == world.provider_editor and row["state"] == "open"


def test_a_resource_removed_without_approval_is_flagged(call_as, world, new_entry):
    pkg = new_entry()
    rid = pkg["resources"][1]["id"]
    call_as(world.provider_admin, "resource_delete", id=rid)
    assert [v["kind"] for v in flagged(call_as, world) if v["resource_id"] == rid] == ["resource_deleted_unapproved"]


def test_a_draft_entry_or_the_approved_path_is_not_flagged(call_as, world, new_entry):
    draft = new_entry(private=True)
    call_as(world.provider_admin, "resource_patch", id=draft["resources"][0]["id"], online_status="offline")
    pkg = new_entry()
    rid = pkg["resources"][0]["id"]
    with freeze_time("2026-03-02 02:00:00"):
        app = call_as(world.provider_admin, "resource_offline_apply", package_id=pkg["id"], resource_id=rid,
                      reason="停用", legal_basis="依据")
        call_as(world.authority, "resource_offline_decide", id=app["id"], decision="approve")
    with freeze_time("2026-03-20 02:00:00"):
        call_as(world.provider_admin, "resource_offline_complete", id=app["id"])
    ids = {v["resource_id"] for v in flagged(call_as, world)}
    assert rid not in ids and draft["resources"][0]["id"] not in ids


def test_the_platforms_own_updates_are_no_providers_stop(call_as, world, new_entry):
    """A harvest mirroring a resource the region removed, or a maintenance command, runs as the
    site user (or a sysadmin): not the provider stopping its service."""
    from .conftest import site_context
    pkg = new_entry()
    first, second = (r["id"] for r in pkg["resources"])
    tk.get_action("resource_patch")(site_context(), {"id": first, "online_status": "offline"})
    call_as(world.sysadmin, "resource_delete", id=second)
    ids = {v["resource_id"] for v in flagged(call_as, world)}
    assert first not in ids and second not in ids
    # the provider doing the same is flagged
    other = new_entry()
    call_as(world.provider_editor, "resource_delete", id=other["resources"][0]["id"])
    assert other["resources"][0]["id"] in {v["resource_id"] for v in flagged(call_as, world)}


def test_suspending_a_consumer_is_flagged_and_the_authority_reviews_it(call_as, world, new_entry, drive):
    pkg = new_entry(sharing_type="conditional")
    req = drive("suspended", package_id=pkg["name"])
    row = next(v for v in flagged(call_as, world, kind="consumer_suspended") if v["share_request_id"] == req["id"])
    assert row["detail"]["consumer"] == "lzsrlzyhshbzj"
    with pytest.raises(tk.ValidationError):
        call_as(world.authority, "violation_review", id=row["id"], decision="dismiss", notes="")
    done = call_as(world.authority, "violation_review", id=row["id"], decision="dismiss",
                   notes="人社局超范围使用数据，暂停合理（第三十一条）")
    assert done["state"] == "dismissed" and done["reviewed_by"] == world.authority
    with pytest.raises(tk.ValidationError):
        call_as(world.authority, "violation_review", id=row["id"], decision="confirm", notes="again")
    term = drive("terminated", package_id=new_entry(sharing_type="conditional")["name"])
    assert any(v["share_request_id"] == term["id"] for v in flagged(call_as, world, kind="consumer_terminated"))


@pytest.mark.parametrize("who", ["operator", "provider_admin", "consumer_admin"])
def test_only_the_authority_sees_and_reviews_violations(call_as, world, new_entry, who):
    pkg = new_entry()
    call_as(world.provider_admin, "resource_patch", id=pkg["resources"][0]["id"], online_status="offline")
    row = next(v for v in flagged(call_as, world) if v["package_id"] == pkg["id"])
    with pytest.raises(tk.NotAuthorized):
        call_as(getattr(world, who), "violation_list")
    with pytest.raises(tk.NotAuthorized):
        call_as(getattr(world, who), "violation_review", id=row["id"], decision="confirm", notes="x")


def test_a_county_authority_sees_its_county(call_as, world, new_entry):
    from .conftest import COUNTY_DEPT
    county = new_entry(org=COUNTY_DEPT)
    city = new_entry()
    call_as(world.county_dept_admin, "resource_patch", id=county["resources"][0]["id"], online_status="offline")
    call_as(world.provider_admin, "resource_patch", id=city["resources"][0]["id"], online_status="offline")
    seen = {v["package_id"] for v in call_as(world.county_authority, "violation_list", limit=1000)["results"]}
    assert county["id"] in seen and city["id"] not in seen
    row = next(v for v in flagged(call_as, world) if v["package_id"] == city["id"])
    with pytest.raises(tk.NotAuthorized):
        call_as(world.county_authority, "violation_review", id=row["id"], decision="confirm", notes="x")
