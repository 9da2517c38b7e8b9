"""What the lifecycle flows promise (docs/lifecycle.md, Art 12–21, 33): the API names clients rely on, each with its auth
function; an audit row for every step; and the steps each role may not take (besides those in
the flows' own files)."""
from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.audit.model import AuditLog

from tests.conftest import make_user

from .conftest import OTHER, PROVIDER, pdf

pytestmark = pytest.mark.usefixtures("world")

# the API names of docs/lifecycle.md
API = ("catalog_offline_apply", "catalog_offline_review", "catalog_offline_list", "resource_offline_apply",
       "resource_offline_decide", "resource_offline_complete", "public_notice_list", "upkeep_notice_create",
       "upkeep_notice_list", "account_request_create", "account_request_decide", "account_request_list",
       "information_system_create", "information_system_update", "information_system_list", "duplicate_check",
       "violation_list")


def test_every_api_name_of_the_issue_is_an_action_with_its_auth_function():
    from ckanext.liuzhou import registry
    actions, auth = registry.actions(), registry.auth_functions()
    assert [name for name in API if name not in actions] == []
    assert [name for name in API if name not in auth] == []
    from ckan import authz
    for name in API:  # CKAN resolves each name to this extension's function, not another's
        assert _resolved(name) is actions[name], name
        assert authz._AuthFunctions.get(name) is auth[name], name


def _resolved(name: str):
    """The action function CKAN runs for ``name``: get_action returns a wrapper (auth audit,
    signals) that closes over it as ``_action``."""
    wrapper = tk.get_action(name)
    cells = dict(zip(wrapper.__code__.co_freevars, wrapper.__closure__ or ()))
    return cells["_action"].cell_contents


def _audited(object_id: str) -> list[str]:
    model.Session.remove()
    return [r.action for r in model.Session.query(AuditLog).filter(AuditLog.object_id == object_id)
            .order_by(AuditLog.id)]


def test_every_step_of_every_flow_writes_an_audit_row(call_as, world, new_entry):
    pkg = new_entry()
    rid = pkg["resources"][0]["id"]
    with freeze_time("2026-03-02 02:00:00"):
        ro = call_as(world.provider_admin, "resource_offline_apply", package_id=pkg["id"], resource_id=rid,
                     reason="停用", legal_basis="《实施细则》第二十一条")
        call_as(world.authority, "resource_offline_decide", id=ro["id"], decision="approve")
    with freeze_time("2026-03-17 02:00:00"):
        call_as(world.provider_admin, "resource_offline_complete", id=ro["id"])
    assert _audited(ro["id"]) == ["resource_offline.apply", "resource_offline.approve", "resource_offline.complete"]

    notice = call_as(world.authority, "upkeep_notice_create", title="职能调整", cause="duty_change", basis="编办通知",
                     departments=[PROVIDER])
    call_as(world.provider_editor, "upkeep_notice_respond", target_id=notice["targets"][0]["id"], response="已更新")
    assert _audited(notice["id"]) == ["upkeep_notice.issue", "upkeep_notice.respond"]

    req = call_as(world.provider_admin, "account_request_create", kind="create", org=PROVIDER,
                  user_name=f"gaj_audit_{dt.datetime.utcnow():%H%M%S%f}", fullname="审计", email="a@example.gov.cn",
                  reason="新人")
    call_as(world.operator, "account_request_decide", id=req["id"], decision="reject", notes="重复申请")
    assert _audited(req["id"]) == ["account_request.submit", "account_request.reject"]

    system = call_as(world.provider_editor, "information_system_create", name=f"审计系统{req['id'][:6]}", org=PROVIDER)
    call_as(world.provider_editor, "information_system_update", id=system["id"], stage="acceptance",
            package_ids=[pkg["id"]])
    assert _audited(system["id"]) == ["information_system.register", "information_system.stage_change"]

    other = new_entry()
    call_as(world.provider_admin, "resource_patch", id=other["resources"][0]["id"], online_status="offline")
    v = next(v for v in call_as(world.authority, "violation_list", limit=1000)["results"] if v["package_id"] == other["id"])
    call_as(world.authority, "violation_review", id=v["id"], decision="confirm", notes="责令改正")
    assert _audited(v["id"]) == ["violation.flag", "violation.confirm"]


@pytest.mark.parametrize("who", ["provider_admin", "authority", "consumer_admin"])
def test_only_the_operator_records_the_coordination_outcome(call_as, world, drive, new_entry, who):
    req = drive("submitted", package_id=new_entry(sharing_type="conditional")["name"])
    app = call_as(world.provider_admin, "catalog_offline_apply", package_id=req["package_id"], reason="业务调整",
                  attachment_upload=pdf())
    assert call_as(world.operator, "catalog_offline_review", id=app["id"], decision="approve")["state"] == "coordinating"
    with pytest.raises(tk.NotAuthorized):
        call_as(getattr(world, who), "catalog_offline_review", id=app["id"], decision="offline",
                meeting_date=dt.date.today().isoformat(), participants="市公安局", notes="同意下线")
    assert call_as(world.operator, "catalog_offline_show", id=app["id"])["state"] == "coordinating"


def test_a_plain_member_of_a_department_takes_no_lifecycle_step_for_it(call_as, world, new_entry):
    member = make_user(PROVIDER, "member")["name"]
    pkg = new_entry()
    notice = call_as(world.authority, "upkeep_notice_create", title="法规修订", cause="law_change", basis="《某条例》",
                     departments=[PROVIDER])
    system = call_as(world.provider_editor, "information_system_create", name=f"成员系统{notice['id'][:6]}", org=PROVIDER)
    refused = [
        ("catalog_offline_apply", {"package_id": pkg["id"], "reason": "x", "attachment_upload": pdf()}),
        ("resource_offline_apply", {"package_id": pkg["id"], "resource_id": pkg["resources"][0]["id"],
                                    "reason": "x", "legal_basis": "y"}),
        ("upkeep_notice_respond", {"target_id": notice["targets"][0]["id"], "response": "x"}),
        ("account_request_create", {"kind": "create", "org": PROVIDER, "user_name": "gaj_member_x",
                                    "fullname": "x", "email": "x@example.gov.cn", "reason": "x"}),
        ("information_system_create", {"name": "成员登记", "org": PROVIDER}),
        ("information_system_update", {"id": system["id"], "stage": "construction"}),
        ("violation_list", {}),
    ]
    for action, data in refused:
        with pytest.raises(tk.NotAuthorized):
            call_as(member, action, **data)
        # and another department's admin neither
        if action != "violation_list":
            with pytest.raises(tk.NotAuthorized):
                call_as(world.other_admin, action, **data)


@pytest.mark.parametrize("who", ["provider_editor", "consumer_admin", "operator", "authority"])
def test_asking_for_another_departments_account_is_not_authorized(call_as, world, who):
    with pytest.raises(tk.NotAuthorized):
        call_as(getattr(world, who), "account_request_create", kind="create", org=PROVIDER, user_name="gaj_nobody",
                fullname="x", email="x@example.gov.cn", reason="x")


def test_the_other_departments_entries_are_not_the_providers_to_offline(call_as, world, new_entry):
    pkg = new_entry(org=OTHER)
    with pytest.raises(tk.NotAuthorized):
        call_as(world.provider_admin, "catalog_offline_apply", package_id=pkg["id"], reason="x", attachment_upload=pdf())
    with pytest.raises(tk.NotAuthorized):
        call_as(world.provider_admin, "resource_offline_apply", package_id=pkg["id"],
                resource_id=pkg["resources"][0]["id"], reason="x", legal_basis="y")
