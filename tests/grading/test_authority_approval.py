"""Sharing an entry graded 重要 or 核心 needs the Authority's approval after the provider's and
before delivery (《政务数据共享条例》 security chapter; Data Security Law Art 21), through the
actions as each role: the state machine, the deadline in working days, notices, audit rows."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from ckanext.liuzhou import audit

from tests.sharing.conftest import AUTHORITY, MONDAY

pytestmark = pytest.mark.usefixtures("with_request_context")


def approve(world, call_as, req, **kw):
    return call_as(world.provider_admin, "share_request_decide", id=req["id"], decision="approve", **kw)


@pytest.mark.parametrize("grade", ["important", "core"])
def test_a_graded_entry_goes_to_the_authority_after_the_provider(world, call_as, ask, grade):
    req = approve(world, call_as, ask(grade))
    assert req["state"] == "authority_review" and req["data_grade"] == grade
    with pytest.raises(tk.ValidationError):   # not delivered before the Authority approves
        call_as(world.operator, "share_request_deliver", id=req["id"])
    req = call_as(world.authority, "share_request_authority_decide", id=req["id"], decision="approve")
    assert req["state"] == "approved" and req["authority_decided_by"] == world.authority
    req = call_as(world.operator, "share_request_deliver", id=req["id"])
    assert req["state"] == "delivered"
    history = call_as(world.consumer_member, "share_request_history", id=req["id"])
    assert [(e["event"], e["to_state"], e["actor_role"]) for e in history] == [
        ("create", "submitted", "consumer"), ("approve", "authority_review", "provider"),
        ("authority_approve", "approved", "authority"), ("deliver", "delivered", "operator")]
    trail = call_as(world.authority, "audit_log_list", share_request_id=req["id"])["results"]
    assert [r["action"] for r in reversed(trail)] == [f"share_request.{e['event']}" for e in history]
    assert audit.verify().ok


def test_a_general_entry_needs_no_authority(world, call_as, ask):
    assert approve(world, call_as, ask("general"))["state"] == "approved"


def test_an_entry_without_a_grade_reads_as_general_and_needs_no_authority(world, call_as, request_data):
    req = call_as(world.consumer_member, "share_request_create", **request_data())   # World's entry: no grade
    assert req["data_grade"] == "general"
    assert approve(world, call_as, req)["state"] == "approved"


def test_the_authority_refuses_with_a_reason_code_and_a_reason(world, call_as, ask):
    req = approve(world, call_as, ask("core"))
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.authority, "share_request_authority_decide", id=req["id"], decision="reject")
    assert set(e.value.error_dict) == {"reason_code", "reason"}
    req = call_as(world.authority, "share_request_authority_decide", id=req["id"], decision="reject",
                  reason_code="security", reason="核心数据，用途不足以支持批量共享")
    assert req["state"] == "rejected" and req["reason_code"] == "security"
    assert req["authority_decided_at"] is None   # the approval is what this field records
    # a refusal can be taken to coordination like any rejection; an agreement there still
    # needs the Authority's approval
    call_as(world.consumer_member, "share_request_coordination_open", id=req["id"], reason="请求协调")
    req = call_as(world.operator, "share_request_coordination_close", id=req["id"], meeting_date="2026-01-05",
                  participants=["市公安局", "市人社局"], outcome="approved", notes="同意共享")
    assert req["state"] == "authority_review"


def test_only_the_authority_decides(world, call_as, ask):
    req = approve(world, call_as, ask("important"))
    for user in (world.provider_admin, world.consumer_admin, world.operator, world.county_authority,
                 world.other_admin):
        with pytest.raises(tk.NotAuthorized):
            call_as(user, "share_request_authority_decide", id=req["id"], decision="approve")
    assert call_as(world.consumer_member, "share_request_show", id=req["id"])["state"] == "authority_review"


def test_the_authority_decides_only_a_request_waiting_for_it(world, call_as, ask):
    req = ask("core")
    with pytest.raises(tk.ValidationError) as e:   # the provider has not approved yet
        call_as(world.authority, "share_request_authority_decide", id=req["id"], decision="approve")
    assert "state" in e.value.error_dict


def test_the_consumer_may_withdraw_while_the_authority_decides(world, call_as, ask):
    req = approve(world, call_as, ask("core"))
    assert call_as(world.consumer_member, "share_request_withdraw", id=req["id"])["state"] == "withdrawn"


def test_the_authority_finds_it_to_review_and_is_notified(world, call_as, ask):
    req = approve(world, call_as, ask("important"))
    todo = call_as(world.authority, "share_request_list", to_review=True, limit=1000)["results"]
    assert req["id"] in {r["id"] for r in todo}
    operator = call_as(world.operator, "share_request_list", to_review=True, limit=1000)["results"]
    assert req["id"] not in {r["id"] for r in operator}   # nothing to deliver yet
    notified = call_as(world.authority, "notification_list", limit=200)["results"]
    assert [n["event"] for n in notified if n["share_request_id"] == req["id"]] == ["approve"]
    history = call_as(world.consumer_member, "share_request_history", id=req["id"])
    assert AUTHORITY in history[-1]["notify"]


@pytest.mark.freeze_time(MONDAY)
def test_the_authority_has_three_working_days_and_is_then_overdue(world, call_as, ask, freezer):
    req = approve(world, call_as, ask("core"))
    # Monday 2 March 2026 + 3 working days: the end of Thursday 5 March (Beijing time)
    assert req["deadline_local"].startswith("2026-03-05")
    freezer.move_to("2026-03-06 02:00:00")
    overdue = call_as(world.authority, "share_request_list", overdue=True, limit=1000)["results"]
    assert req["id"] in {r["id"] for r in overdue}
    late = call_as(world.authority, "share_request_authority_decide", id=req["id"], decision="approve")
    history = call_as(world.consumer_member, "share_request_history", id=req["id"])
    assert late["state"] == "approved" and history[-1]["detail"]["on_time"] is False


def test_the_provider_approves_the_purpose_for_personal_items_of_the_request_only(world, call_as, ask):
    req = ask("general", information_items=["gmsfhm", "csrq"])
    for wrong in (["csrq"], ["xm"], ["不存在"]):   # not personal; personal but not requested; no item
        with pytest.raises(tk.ValidationError) as e:
            approve(world, call_as, req, personal_items=wrong)
        assert "personal_items" in e.value.error_dict
    req = approve(world, call_as, req, personal_items=["公民身份号码"])   # by name or identifier
    assert req["personal_items"] == ["gmsfhm"]
