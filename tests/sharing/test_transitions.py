"""Every transition the state machine does not allow is refused with a clear error (HTTP 409)
that names the current state, and leaves the request, its timeline and the audit log as they were."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.sharing import states

from tests.conftest import make_user

from .conftest import CONSUMER, MONDAY

pytestmark = pytest.mark.freeze_time(MONDAY)


def attempts(world):
    """event → (user allowed to try it, action, data)."""
    return {
        "approve": (world.provider_admin, "share_request_decide", {"decision": "approve"}),
        "reject": (world.provider_admin, "share_request_decide",
                   {"decision": "reject", "reason_code": "other", "reason": "不同意"}),
        "withdraw": (world.consumer_member, "share_request_withdraw", {}),
        "coordination_open": (world.consumer_member, "share_request_coordination_open", {"reason": "协调"}),
        "coordination_close": (world.operator, "share_request_coordination_close",
                               {"meeting_date": "2026-03-02", "participants": ["甲", "乙"],
                                "outcome": "continue", "notes": "维持"}),
        "deliver": (world.operator, "share_request_deliver", {}),
        "quality_issue": (world.consumer_member, "quality_issue_create", {"description": "有误"}),
        "resolve": (world.provider_admin, "quality_issue_resolve", {"resolution": "已改"}),
        "suspend": (world.provider_admin, "share_request_suspend", {"reason": "暂停"}),
        "resume": (world.provider_admin, "share_request_resume", {"reason": "恢复"}),
        "terminate": (world.provider_admin, "share_request_terminate", {"reason": "终止"}),
        "expire": (world.operator, "share_request_expire", {}),
        "authority_approve": (world.authority, "share_request_authority_decide", {"decision": "approve"}),
        "authority_reject": (world.authority, "share_request_authority_decide",
                             {"decision": "reject", "reason_code": "security", "reason": "核心数据"}),
    }


def trail(req_id):
    model.Session.remove()
    with model.meta.engine.connect() as conn:
        one = lambda sql: conn.execute(sa.text(sql), {"id": req_id}).scalar()
        return (one("SELECT state FROM liuzhou_share_request WHERE id = :id"),
                one("SELECT count(*) FROM liuzhou_share_request_event WHERE share_request_id = :id"),
                one("SELECT count(*) FROM liuzhou_audit_log"))


@pytest.mark.parametrize("state", states.STATES)
def test_illegal_transitions_are_refused_naming_the_state(state, world, call_as, drive):
    req = drive(state)
    before = trail(req["id"])
    refused = [e for e, (allowed, _t) in states.TRANSITIONS.items() if state not in allowed]
    assert refused, state
    for event in refused:
        user, action, data = attempts(world)[event]
        with pytest.raises(tk.ValidationError) as err:
            call_as(user, action, id=req["id"], **data)
        message = err.value.error_dict["state"][0]
        assert f"it is {state}" in message, (event, message)
        assert trail(req["id"]) == before, f"{event} from {state} changed something"


def test_the_machine_covers_every_state_and_ends_in_final_states():
    # authority_review: where the provider's approval of graded data leads (decided by the action)
    reachable = {t for _f, t in states.TRANSITIONS.values() if t} | {states.SUBMITTED, states.FIXED,
                                                                     states.AUTHORITY_REVIEW}
    assert reachable == set(states.STATES)
    for event, (sources, _t) in states.TRANSITIONS.items():
        assert not sources & states.FINAL, f"{event} leaves a final state"


def test_withdraw_only_before_a_decision(world, call_as, drive):
    req = call_as(world.consumer_member, "share_request_withdraw", id=drive("submitted")["id"], reason="不再需要")
    assert req["state"] == "withdrawn" and not req["access_active"]
    with pytest.raises(tk.ValidationError, match="approved"):
        call_as(world.consumer_member, "share_request_withdraw", id=drive("approved")["id"])


def test_a_rejection_needs_a_reason_code_from_the_list_and_a_reason(world, call_as, drive):
    rid = drive("submitted")["id"]
    with pytest.raises(tk.ValidationError) as err:
        call_as(world.provider_admin, "share_request_decide", id=rid, decision="reject")
    assert set(err.value.error_dict) == {"reason_code", "reason"}
    with pytest.raises(tk.ValidationError) as err:
        call_as(world.provider_admin, "share_request_decide", id=rid, decision="reject",
                reason_code="because", reason="x")
    assert "reason_code" in err.value.error_dict
    req = call_as(world.provider_admin, "share_request_decide", id=rid, decision="reject",
                  reason_code="no_legal_basis", reason="申请依据不足")
    assert (req["state"], req["reason_code"], req["reason"]) == ("rejected", "no_legal_basis", "申请依据不足")


def test_a_rejection_can_be_taken_to_coordination_and_approved_there(world, call_as, drive):
    rid = drive("rejected")["id"]
    req = call_as(world.consumer_member, "share_request_coordination_open", id=rid, reason="依据充分，请求协调")
    assert req["state"] == "coordinating" and req["coordinations"][0]["arbiter"] == "operator"
    req = call_as(world.operator, "share_request_coordination_close", id=rid, meeting_date="2026-03-02",
                  participants=["市人社局 张三", "市公安局 李四", "市信息中心 王五"], outcome="approved",
                  notes="会议同意共享")
    assert req["state"] == "approved"
    c = req["coordinations"][0]
    assert (c["state"], c["outcome"], c["meeting_date"], c["closed_by"]) == ("closed", "approved", "2026-03-02", world.operator)
    assert len(c["participants"]) == 3
    assert call_as(world.operator, "share_request_deliver", id=rid)["state"] == "delivered"


@pytest.mark.parametrize("state", ["submitted", "delivered", "quality_issue", "suspended"])
def test_coordination_continue_returns_to_the_state_before(state, world, call_as, drive):
    rid = drive(state)["id"]
    req = call_as(world.consumer_member, "share_request_coordination_open", id=rid, reason="协调")
    assert req["previous_state"] == state
    assert req["access_active"] is (state in states.ACCESS)  # access holds while coordinating
    req = call_as(world.operator, "share_request_coordination_close", id=rid, meeting_date="2026-03-02",
                  participants=["甲"], outcome="continue", notes="维持原状")
    assert req["state"] == state
    if state == "quality_issue":  # the fix deadline of the open issue stands
        assert req["deadline"] == req["quality_issues"][0]["deadline"]


def test_a_meeting_cannot_be_recorded_before_it_happens(world, call_as, drive):
    rid = drive("coordinating")["id"]
    with pytest.raises(tk.ValidationError) as err:
        call_as(world.operator, "share_request_coordination_close", id=rid, meeting_date="2026-03-09",
                participants=["甲"], outcome="continue", notes="x")
    assert "meeting_date" in err.value.error_dict


def test_suspend_stops_access_resume_restores_terminate_ends(world, call_as, drive):
    from ckanext.liuzhou.access import policy
    pkg = model.Package.get(world.conditional["id"])
    reader = make_user(CONSUMER)["name"]
    rid = drive("delivered", scope_users=[reader])["id"]
    assert policy.can_read(reader, pkg) == (True, rid)
    req = call_as(world.provider_admin, "share_request_suspend", id=rid, reason="发现超范围使用")
    assert req["state"] == "suspended" and not policy.can_read(reader, pkg)[0]
    history = call_as(world.authority, "share_request_history", id=rid)
    assert history[-1]["event"] == "suspend" and "lzsdsjfzj" in history[-1]["notify"]
    assert history[-1]["detail"]["reason"] == "发现超范围使用"
    req = call_as(world.provider_admin, "share_request_resume", id=rid, reason="已整改")
    assert req["state"] == "delivered" and policy.can_read(reader, pkg)[0]
    req = call_as(world.provider_admin, "share_request_terminate", id=rid, reason="再次违规")
    assert req["state"] == "terminated" and not policy.can_read(reader, pkg)[0]


def test_the_authority_sees_every_suspension(world, call_as, drive):
    rid = drive("suspended")["id"]
    seen = call_as(world.authority, "share_request_suspension_list")
    mine = [s for s in seen["results"] if s["share_request"]["id"] == rid]
    assert len(mine) == 1 and mine[0]["still_suspended"] and mine[0]["actor"] == world.provider_admin
    call_as(world.provider_admin, "share_request_resume", id=rid, reason="恢复")
    seen = call_as(world.authority, "share_request_suspension_list")
    mine = [s for s in seen["results"] if s["share_request"]["id"] == rid]
    assert len(mine) == 1 and not mine[0]["still_suspended"]  # a resumed suspension stays visible
