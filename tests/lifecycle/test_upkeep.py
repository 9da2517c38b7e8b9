"""Upkeep notices (Art 14): after a law or a department's duties change, the entries named must
be updated within 10 working days of the change; open and overdue ones are listed per department."""
from __future__ import annotations

import pytest
from freezegun import freeze_time

import ckan.plugins.toolkit as tk

from .conftest import site_context

pytestmark = pytest.mark.usefixtures("world")


def issue(call_as, who, **over):
    data = {"title": "《居民身份证法》修订", "cause": "law_change", "basis": "《中华人民共和国居民身份证法》（2025年修正）",
            "changed_on": "2026-03-02", "description": "核对身份证相关信息项"}
    data.update(over)
    return call_as(who, "upkeep_notice_create", **data)


def test_the_authority_names_departments_and_entries_and_they_have_10_working_days(call_as, world, new_entry):
    pkg = new_entry()
    with freeze_time("2026-03-03 02:00:00"):
        notice = issue(call_as, world.authority, departments=["lzsjyj"], packages=[pkg["name"]])
    # day 0 is the day of the change (Mon 2 March): 10 WD end on Monday 16 March
    assert notice["deadline_local"].startswith("2026-03-16T23:59:59")
    assert {(t["org"], t["package_name"]) for t in notice["targets"]} == {("lzsjyj", None), ("lzsgaj", pkg["name"])}
    assert set(notice["events"][0]["notify"]) == {"lzsjyj", "lzsgaj"}


@pytest.mark.parametrize("who", ["operator", "provider_admin", "county_authority"])
def test_only_the_authority_issues(call_as, world, who):
    with pytest.raises(tk.NotAuthorized):
        issue(call_as, getattr(world, who), departments=["lzsjyj"])


def test_a_notice_names_someone_and_the_change_has_happened(call_as, world):
    with pytest.raises(tk.ValidationError) as e:
        issue(call_as, world.authority)
    assert "departments" in e.value.error_dict
    with pytest.raises(tk.ValidationError) as e:
        issue(call_as, world.authority, departments=["no-such-dept"])
    assert "departments" in e.value.error_dict
    with pytest.raises(tk.ValidationError) as e:
        issue(call_as, world.authority, departments=["lzsjyj"], changed_on="2099-01-01")
    assert "changed_on" in e.value.error_dict


def test_updating_the_entry_fulfils_it_and_the_late_ones_are_overdue(call_as, world, new_entry):
    pkg, other = new_entry(), new_entry()
    with freeze_time("2026-03-03 02:00:00"):
        notice = issue(call_as, world.authority, packages=[pkg["name"], other["name"]])
        # an update by someone else than the department does not count
        tk.get_action("package_patch")(site_context(), {"id": pkg["id"], "notes": "平台修改"})
        assert call_as(world.authority, "upkeep_notice_show", id=notice["id"])["open"] == 2
        call_as(world.provider_editor, "package_patch", id=pkg["id"], notes="已按修订后的法律更新。")
    with freeze_time("2026-03-17 02:00:00"):
        shown = call_as(world.authority, "upkeep_notice_show", id=notice["id"])
        by_pkg = {t["package_name"]: t for t in shown["targets"]}
        assert by_pkg[pkg["name"]]["state"] == "done" and by_pkg[pkg["name"]]["on_time"] is True
        assert by_pkg[other["name"]]["overdue"] is True
        listed = call_as(world.authority, "upkeep_notice_list", status="overdue")
        assert notice["id"] in [n["id"] for n in listed["results"]]
        gaj = next(d for d in listed["departments"] if d["org"] == "lzsgaj")
        assert gaj["overdue"] >= 1
        assert [e["event"] for e in shown["events"]] == ["issue", "entry_updated"]


def test_a_named_department_reports_its_update(call_as, world):
    with freeze_time("2026-03-03 02:00:00"):
        notice = issue(call_as, world.authority, cause="duty_change", basis="市委编办关于调整职能的通知",
                       departments=["lzsgaj"])
    target = notice["targets"][0]
    with pytest.raises(tk.NotAuthorized):
        call_as(world.consumer_admin, "upkeep_notice_respond", target_id=target["id"], response="x")
    with freeze_time("2026-03-20 02:00:00"):
        done = call_as(world.provider_editor, "upkeep_notice_respond", target_id=target["id"],
                       response="已更新本部门全部目录")
    assert done["targets"][0]["state"] == "done" and done["targets"][0]["on_time"] is False
    with pytest.raises(tk.ValidationError):
        call_as(world.provider_admin, "upkeep_notice_respond", target_id=target["id"], response="again")


def test_departments_see_only_their_own_targets(call_as, world):
    with freeze_time("2026-03-03 02:00:00"):
        notice = issue(call_as, world.authority, departments=["lzsgaj", "lzsjyj"])
    mine = call_as(world.other_admin, "upkeep_notice_list")   # 教育局
    listed = next(n for n in mine["results"] if n["id"] == notice["id"])
    assert [t["org"] for t in listed["targets"]] == ["lzsjyj"]
    assert {d["org"] for d in mine["departments"]} == {"lzsjyj"}
    assert call_as(world.consumer_admin, "upkeep_notice_list")["count"] == 0 or all(
        t["org"] == "lzsrlzyhshbzj" for n in call_as(world.consumer_admin, "upkeep_notice_list")["results"]
        for t in n["targets"])
    with pytest.raises(tk.NotAuthorized):
        call_as(world.consumer_admin, "upkeep_notice_show", id=notice["id"])
