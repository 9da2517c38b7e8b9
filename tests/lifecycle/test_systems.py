"""Information systems (Art 16): registered with their catalog entries at approval; accepted only
once an entry is published; a report of systems whose stage and entries disagree."""
from __future__ import annotations

import uuid

import pytest

import ckan.plugins.toolkit as tk

from .conftest import PROVIDER, site_context

pytestmark = pytest.mark.usefixtures("world")


def register(call_as, who, **over):
    data = {"name": f"人口综合信息系统{uuid.uuid4().hex[:4]}", "org": PROVIDER, "stage": "approval",
            "project_code": "LZXM-2026-001", "description": "人口信息汇聚与核验"}
    data.update(over)
    return call_as(who, "information_system_create", **data)


def test_a_system_is_registered_with_its_entries(call_as, world, new_entry):
    pkg = new_entry()
    system = register(call_as, world.provider_editor, package_ids=[pkg["name"]])
    assert system["stage"] == "approval" and system["issues"] == []
    assert [e["name"] for e in system["entries"]] == [pkg["name"]]
    assert system["events"][0]["event"] == "register"


def test_acceptance_needs_a_published_entry(call_as, world, new_entry):
    draft = new_entry(private=True)
    system = register(call_as, world.provider_editor, package_ids=[draft["id"]])
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.provider_editor, "information_system_update", id=system["id"], stage="acceptance")
    assert "stage" in e.value.error_dict
    with pytest.raises(tk.ValidationError):
        register(call_as, world.provider_editor, stage="acceptance")
    published = new_entry()
    done = call_as(world.provider_editor, "information_system_update", id=system["id"], stage="acceptance",
                   package_ids=[draft["id"], published["id"]])
    assert done["stage"] == "acceptance" and done["issues"] == []
    assert done["events"][-1]["event"] == "stage_change"


def test_the_report_lists_systems_whose_stage_and_entries_disagree(call_as, world, new_entry):
    empty = register(call_as, world.provider_editor)
    pkg = new_entry()
    accepted = register(call_as, world.provider_editor, stage="acceptance", package_ids=[pkg["id"]])
    # the entry is withdrawn from publication after acceptance
    tk.get_action("package_patch")(site_context(), {"id": pkg["id"], "private": True})
    report = call_as(world.authority, "information_system_list", mismatched=True, limit=1000)
    issues = {s["id"]: s["issues"] for s in report["results"]}
    assert issues[empty["id"]] == ["no_entries"]
    assert issues[accepted["id"]] == ["accepted_without_published"]
    ok = register(call_as, world.provider_editor, package_ids=[new_entry()["id"]])
    assert ok["id"] not in issues


def test_only_the_departments_editors_register_and_only_its_entries(call_as, world, new_entry):
    with pytest.raises(tk.NotAuthorized):  # an admin, but of another department
        register(call_as, world.consumer_admin)
    with pytest.raises(tk.NotAuthorized):
        register(call_as, world.authority)
    foreign = new_entry(org="lzsjyj")
    with pytest.raises(tk.ValidationError) as e:
        register(call_as, world.provider_editor, package_ids=[foreign["id"]])
    assert "package_ids" in e.value.error_dict
    system = register(call_as, world.provider_admin)
    with pytest.raises(tk.NotAuthorized):
        call_as(world.other_admin, "information_system_update", id=system["id"], stage="construction")
    with pytest.raises(tk.ValidationError) as e:
        register(call_as, world.provider_admin, name=system["name"])
    assert "name" in e.value.error_dict
