"""Resource offlining (Art 21): the provider applies with reason and legal basis → the Authority
decides within 3 WD → a 10-WD public notice (consumers told) → the provider completes it."""
from __future__ import annotations

import pytest
from freezegun import freeze_time

import ckan.plugins.toolkit as tk

from tests.conftest import make_user

from .conftest import COUNTY_DEPT

pytestmark = pytest.mark.usefixtures("world")

REASON = {"reason": "接口改造，原数据库表停止更新", "legal_basis": "《柳州市政务数据资源调度管理实施细则》第二十一条"}


def apply(call_as, world, pkg, who=None, **over):
    data = {"package_id": pkg["id"], "resource_id": pkg["resources"][0]["id"], **REASON, **over}
    return call_as(who or world.provider_admin, "resource_offline_apply", **data)


# ---------------------------------------------------------------- apply

def test_the_provider_applies_and_the_authority_has_3_working_days(call_as, world, new_entry):
    with freeze_time("2026-03-06 02:00:00"):  # Friday 6 March 2026, 10:00 in Shanghai
        pkg = new_entry()
        app = apply(call_as, world, pkg)
    assert app["state"] == "submitted"
    assert app["deadline_local"].startswith("2026-03-11T23:59:59")  # Mon 1, Tue 2, Wed 3
    assert app["events"][0]["notify"] == ["lzsdsjfzj"]
    with freeze_time("2026-03-12 02:00:00"):
        late = call_as(world.authority, "resource_offline_show", id=app["id"])
        assert late["overdue"] is True
        assert app["id"] in [r["id"] for r in call_as(world.authority, "resource_offline_list", overdue=True)["results"]]
        decided = call_as(world.authority, "resource_offline_decide", id=app["id"], decision="approve")
    assert decided["decision_on_time"] is False and decided["overdue"] is False


@pytest.mark.parametrize("who", ["provider_editor", "consumer_admin", "operator", "authority"])
def test_only_the_providers_admin_applies(call_as, world, new_entry, who):
    pkg = new_entry()
    with pytest.raises(tk.NotAuthorized):
        apply(call_as, world, pkg, who=getattr(world, who))


def test_the_reason_and_legal_basis_are_required(call_as, world, new_entry):
    pkg = new_entry()
    with pytest.raises(tk.ValidationError) as e:
        apply(call_as, world, pkg, reason=" ", legal_basis="")
    assert {"reason", "legal_basis"} <= set(e.value.error_dict)


def test_a_resource_of_another_entry_is_refused(call_as, world, new_entry):
    pkg, other = new_entry(), new_entry()
    with pytest.raises(tk.ValidationError) as e:
        apply(call_as, world, pkg, resource_id=other["resources"][0]["id"])
    assert "resource_id" in e.value.error_dict


# ---------------------------------------------------------------- decide

@pytest.mark.parametrize("who", ["provider_admin", "operator", "consumer_admin", "county_authority"])
def test_only_the_authority_decides(call_as, world, new_entry, who):
    app = apply(call_as, world, new_entry())
    with pytest.raises(tk.NotAuthorized):
        call_as(getattr(world, who), "resource_offline_decide", id=app["id"], decision="approve")


def test_a_member_of_the_authority_who_is_not_its_admin_does_not_decide(call_as, world, new_entry, authority_member):
    app = apply(call_as, world, new_entry())
    with pytest.raises(tk.NotAuthorized):
        call_as(authority_member, "resource_offline_decide", id=app["id"], decision="approve")


def test_the_county_authority_decides_for_its_county(call_as, world, new_entry):
    pkg = new_entry(org=COUNTY_DEPT)
    app = apply(call_as, world, pkg, who=world.county_dept_admin)
    done = call_as(world.county_authority, "resource_offline_decide", id=app["id"], decision="reject",
                   notes="公示前须先告知使用部门")
    assert done["state"] == "rejected"
    assert done["events"][-1]["actor_role"] == "county_authority"


def test_a_rejection_needs_a_reason(call_as, world, new_entry):
    app = apply(call_as, world, new_entry())
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.authority, "resource_offline_decide", id=app["id"], decision="reject")
    assert "notes" in e.value.error_dict
    done = call_as(world.authority, "resource_offline_decide", id=app["id"], decision="reject", notes="法律依据不足")
    assert done["state"] == "rejected"
    with pytest.raises(tk.ValidationError):  # final
        call_as(world.authority, "resource_offline_decide", id=app["id"], decision="approve")
    with pytest.raises(tk.ValidationError):
        call_as(world.provider_admin, "resource_offline_complete", id=app["id"])


# ---------------------------------------------------------------- the 10-WD public notice

def _notice_run(call_as, world, pkg, approve_at, last_day, first_after):
    """Approve at ``approve_at`` (UTC), then check the notice on its last day and the day after."""
    with freeze_time(approve_at):
        app = apply(call_as, world, pkg)
        app = call_as(world.authority, "resource_offline_decide", id=app["id"], decision="approve")
        assert app["state"] == "notice" and app["notice_showing"]
    assert app["notice_ends_local"].startswith(f"{last_day}T23:59:59")
    with freeze_time(f"{last_day} 15:00:00"):  # 23:00 in Shanghai, still the last day
        shown = call_as(world.consumer_member, "public_notice_list")
        assert app["id"] in [n["id"] for n in shown["results"]]
        with pytest.raises(tk.ValidationError) as e:
            call_as(world.provider_admin, "resource_offline_complete", id=app["id"])
        assert "state" in e.value.error_dict
    with freeze_time(f"{first_after} 01:00:00"):
        assert app["id"] not in [n["id"] for n in call_as(world.consumer_member, "public_notice_list")["results"]]
        ended = call_as(world.consumer_member, "public_notice_list", include_ended=True)
        assert app["id"] in [n["id"] for n in ended["results"]]
        done = call_as(world.provider_admin, "resource_offline_complete", id=app["id"])
    return done


def test_the_notice_runs_10_working_days_across_national_day(call_as, world, new_entry):
    # approved Friday 26 Sep 2025; 28 Sep (Sunday) is worked, 1–8 Oct are holidays, 11 Oct is worked:
    # 28, 29, 30 Sep, 9, 10, 11, 13, 14, 15, 16 Oct → the notice ends on 16 Oct
    pkg = new_entry()
    done = _notice_run(call_as, world, pkg, "2025-09-26 02:00:00", "2025-10-16", "2025-10-17")
    assert done["state"] == "completed"
    res = call_as(world.provider_admin, "resource_show", id=done["resource_id"])
    assert res["online_status"] == "offline"
    flagged = call_as(world.authority, "violation_list", org="lzsgaj", limit=1000)["results"]
    assert done["resource_id"] not in [v["resource_id"] for v in flagged]  # the approved path is no violation


def test_the_notice_runs_10_working_days_across_the_spring_festival(call_as, world, new_entry):
    # approved Friday 13 Feb 2026: 14 Feb (Saturday) is worked, 15–23 Feb are holidays,
    # 28 Feb (Saturday) is worked: 14, 24, 25, 26, 27, 28 Feb, 2, 3, 4, 5 Mar → ends 5 Mar
    pkg = new_entry()
    done = _notice_run(call_as, world, pkg, "2026-02-13 02:00:00", "2026-03-05", "2026-03-06")
    assert done["state"] == "completed"


def test_consumers_are_told_when_the_notice_starts_and_when_it_ends(call_as, world, new_entry, drive):
    pkg = new_entry(sharing_type="conditional")
    req = drive("delivered", package_id=pkg["name"], resource_ids=[pkg["resources"][0]["id"]])
    other = drive("delivered", package_id=pkg["name"], resource_ids=[pkg["resources"][1]["id"]])
    with freeze_time("2026-03-02 02:00:00"):
        app = apply(call_as, world, pkg)
        app = call_as(world.authority, "resource_offline_decide", id=app["id"], decision="approve")
    assert app["notified_orgs"] == ["lzsrlzyhshbzj"]
    events = call_as(world.consumer_member, "share_request_history", id=req["id"])
    assert events[-1]["event"] == "resource_offline_notice" and events[-1]["notify"] == ["lzsrlzyhshbzj"]
    assert call_as(world.consumer_member, "share_request_history", id=other["id"])[-1]["event"] != "resource_offline_notice"
    with freeze_time("2026-03-17 02:00:00"):
        call_as(world.provider_admin, "resource_offline_complete", id=app["id"])
    assert call_as(world.consumer_member, "share_request_history", id=req["id"])[-1]["event"] == "resource_offline_completed"


@pytest.mark.parametrize("who", ["provider_editor", "authority", "consumer_admin"])
def test_only_the_providers_admin_completes(call_as, world, new_entry, who):
    with freeze_time("2026-03-02 02:00:00"):
        app = apply(call_as, world, new_entry())
        call_as(world.authority, "resource_offline_decide", id=app["id"], decision="approve")
    with freeze_time("2026-03-20 02:00:00"):
        with pytest.raises(tk.NotAuthorized):
            call_as(getattr(world, who), "resource_offline_complete", id=app["id"])


def test_public_notices_are_shown_to_every_department(app, call_as, world, new_entry, token):
    ro = apply(call_as, world, new_entry(title="公示测试目录"))
    call_as(world.authority, "resource_offline_decide", id=ro["id"], decision="approve")  # today: showing
    body = app.post("/api/3/action/public_notice_list", json={}, headers=token(world.other_admin)).json
    assert ro["id"] in [n["id"] for n in body["result"]["results"]]
    page = app.get("/lifecycle/notices", headers=token(world.other_admin))
    assert page.status_code == 200 and "公示测试目录" in page.body
    entry_page = app.get(f"/catalog/{ro['package_name']}", headers=token(world.other_admin)).body
    assert "liuzhou-notice-banner" in entry_page


def test_lists_by_role(call_as, world, new_entry):
    app = apply(call_as, world, new_entry())
    assert app["id"] in [r["id"] for r in call_as(world.authority, "resource_offline_list", to_review=True)["results"]]
    assert app["id"] not in [r["id"] for r in call_as(world.provider_admin, "resource_offline_list", to_review=True)["results"]]
    assert app["id"] in [r["id"] for r in call_as(world.provider_editor, "resource_offline_list")["results"]]
    assert call_as(world.other_admin, "resource_offline_list")["count"] == 0
    with pytest.raises(tk.NotAuthorized):
        call_as(world.other_admin, "resource_offline_show", id=app["id"])
