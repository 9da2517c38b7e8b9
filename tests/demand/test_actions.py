"""The demand list through its actions, as each role (docs/demand.md): a department files a
need, the Operator routes it, the department routed to answers within the working days of
``ckanext.liuzhou.demand.answer_workdays`` with an entry (a share request on it in one step) or a
reason code; two departments saying "not our duty" make a dispute the Authority decides."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.audit.model import AuditLog
from ckanext.liuzhou.demand.model import DemandEvent
from ckanext.liuzhou.sharing import cli as sharing_cli

from .conftest import CONSUMER, MONDAY, OTHER, PROVIDER

pytestmark = pytest.mark.usefixtures("with_plugins")


def events(demand_id: str) -> list[str]:
    return [e.event for e in model.Session.query(DemandEvent).filter_by(demand_id=demand_id).order_by(DemandEvent.id)]


def audit_actions(demand_id: str) -> list[str]:
    return [a.action for a in model.Session.query(AuditLog).filter_by(object_type="demand", object_id=demand_id)
            .order_by(AuditLog.id)]


# ---------------------------------------------------------------- filing

def test_a_department_files_a_need(world, call_as, need_data):
    d = call_as(world.consumer_member, "demand_create", **need_data())
    assert d["state"] == "submitted"
    assert d["consumer_org"] == CONSUMER and d["requester"] == world.consumer_member
    assert d["information_items"] == ["公民身份号码", "姓名", "死亡日期"]
    assert d["provider_org"] is None and d["deadline"] is None
    assert events(d["id"]) == ["create"] and audit_actions(d["id"]) == ["demand.create"]
    ev = model.Session.query(DemandEvent).filter_by(demand_id=d["id"]).one()
    assert ev.notify == ["lzsxxhjsglzx"]  # the Operator routes it


@pytest.mark.parametrize("field", ["title", "duty", "basis", "information_items", "needed_by"])
def test_a_need_states_what_why_and_by_when(world, call_as, need_data, field):
    data = need_data()
    data.pop(field)
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.consumer_member, "demand_create", **data)
    assert field in e.value.error_dict


def test_a_need_for_a_past_date_is_refused(world, call_as, need_data):
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.consumer_member, "demand_create", **need_data(needed_by="2020-01-01"))
    assert "needed_by" in e.value.error_dict


def test_only_a_department_user_files_a_need_and_only_for_their_department(world, call_as, need_data):
    from tests.conftest import make_user
    loner = make_user()["name"]
    with pytest.raises(tk.NotAuthorized):
        call_as(loner, "demand_create", **need_data())
    with pytest.raises(tk.NotAuthorized):
        call_as(world.consumer_member, "demand_create", **need_data(consumer_org=OTHER))
    with pytest.raises(tk.NotAuthorized):
        call_as("", "demand_create", **need_data())


# ---------------------------------------------------------------- routing

def test_the_operator_routes_and_the_answer_is_due_in_ten_working_days(world, call_as, need_data):
    with freeze_time(MONDAY):  # Monday 2 March 2026: day 10 is Monday 16 March
        d = call_as(world.consumer_member, "demand_create", **need_data())
        d = call_as(world.operator, "demand_route", id=d["id"], provider_org=PROVIDER, note="公安局掌握户籍")
    assert d["state"] == "routed" and d["provider_org"] == PROVIDER
    assert d["deadline_local"].startswith("2026-03-16T23:59")
    assert events(d["id"]) == ["create", "route"]
    assert audit_actions(d["id"]) == ["demand.create", "demand.route"]
    ev = model.Session.query(DemandEvent).filter_by(demand_id=d["id"], event="route").one()
    assert set(ev.notify) == {PROVIDER, CONSUMER}


@pytest.mark.ckan_config("ckanext.liuzhou.demand.answer_workdays", "3")
def test_the_answer_deadline_is_configurable(world, call_as, need_data):
    with freeze_time(MONDAY):
        d = call_as(world.consumer_member, "demand_create", **need_data())
        d = call_as(world.operator, "demand_route", id=d["id"], provider_org=PROVIDER)
    assert d["deadline_local"].startswith("2026-03-05T23:59")  # Thursday: day 3


def test_only_the_operator_routes(world, call_as, file_need):
    d = file_need()
    for user in (world.consumer_member, world.provider_admin, world.authority, world.other_admin):
        with pytest.raises(tk.NotAuthorized):
            call_as(user, "demand_route", id=d["id"], provider_org=PROVIDER)


def test_a_need_is_not_routed_to_the_department_that_filed_it(world, call_as, file_need):
    d = file_need()
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.operator, "demand_route", id=d["id"], provider_org=CONSUMER)
    assert "provider_org" in e.value.error_dict
    with pytest.raises(tk.ValidationError):
        call_as(world.operator, "demand_route", id=d["id"], provider_org="no-such-department")


def test_a_routed_need_is_not_routed_again(world, call_as, file_need):
    d = file_need("routed")
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.operator, "demand_route", id=d["id"], provider_org=OTHER)
    assert "state" in e.value.error_dict


def test_candidates_come_from_the_catalog_and_the_lead_departments(world, call_as, file_need):
    d = file_need(title="常住人口核验信息", information_items=["公民身份号码", "姓名"])
    shown = call_as(world.operator, "demand_show", id=d["id"], include_candidates=True)
    first = shown["candidates"][0]
    assert first["org"] == PROVIDER
    assert any(e["name"] == world.conditional["name"] for e in first["entries"])  # found in Solr
    assert "人口基础信息" in first["leads"]  # Art 15: 市公安局 leads the population catalog
    assert CONSUMER not in [c["org"] for c in shown["candidates"]]
    # the department that filed it does not see the suggestions
    assert "candidates" not in call_as(world.consumer_member, "demand_show", id=d["id"], include_candidates=True)


# ---------------------------------------------------------------- answering

def test_pointing_to_a_conditional_entry_files_a_share_request_in_one_step(world, call_as, file_need):
    d = file_need("routed")
    d = call_as(world.provider_admin, "demand_answer", id=d["id"], answer="entry",
                package_id=world.conditional["name"], information_items=["gmsfhm", "xm"])
    assert d["state"] == "met" and d["answered_on_time"] is True
    req = call_as(world.consumer_member, "share_request_show", id=d["share_request_id"])
    assert req["state"] == "submitted" and req["package_id"] == world.conditional["id"]
    assert req["consumer_org"] == CONSUMER and req["provider_org"] == PROVIDER
    assert req["requester"] == world.consumer_member and req["scope_users"] == [world.consumer_member]
    assert req["purpose"] == d["duty"] and req["basis"] == d["basis"]
    assert req["information_items"] == ["gmsfhm", "xm"]
    assert audit_actions(d["id"])[-1] == "demand.meet"


def test_an_unconditional_entry_meets_the_need_without_a_request(world, call_as, file_need):
    d = file_need("routed")
    d = call_as(world.provider_admin, "demand_answer", id=d["id"], answer="entry",
                package_id=world.unconditional["name"])
    assert d["state"] == "met" and d["share_request_id"] is None
    assert d["package_id"] == world.unconditional["id"]


def test_the_entry_must_be_the_departments_own_and_shared(world, call_as, file_need):
    d = file_need("routed")
    for pkg in (world.county_conditional["name"], world.not_shared["name"], "no-such-entry"):
        with pytest.raises(tk.ValidationError) as e:
            call_as(world.provider_admin, "demand_answer", id=d["id"], answer="entry", package_id=pkg)
        assert "package_id" in e.value.error_dict
    assert call_as(world.operator, "demand_show", id=d["id"])["state"] == "routed"


def test_a_failed_share_request_leaves_the_need_unanswered(world, call_as, file_need):
    d = file_need("routed")
    with pytest.raises(tk.ValidationError):
        call_as(world.provider_admin, "demand_answer", id=d["id"], answer="entry",
                package_id=world.conditional["name"], information_items=["no_such_item"])
    model.Session.rollback()
    assert call_as(world.operator, "demand_show", id=d["id"])["state"] == "routed"


def test_a_refusal_needs_a_reason_code_and_a_reason(world, call_as, file_need):
    d = file_need("routed")
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.provider_admin, "demand_answer", id=d["id"], answer="refuse", reason="没有")
    assert "reason_code" in e.value.error_dict
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.provider_admin, "demand_answer", id=d["id"], answer="refuse", reason_code="bogus", reason="x")
    assert "reason_code" in e.value.error_dict
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.provider_admin, "demand_answer", id=d["id"], answer="refuse", reason_code="security")
    assert "reason" in e.value.error_dict
    d = call_as(world.provider_admin, "demand_answer", id=d["id"], answer="refuse", reason_code="security",
                reason="涉及国家秘密")
    assert d["state"] == "refused" and d["reason_code"] == "security"


def test_only_an_admin_of_the_department_routed_to_answers(world, call_as, file_need):
    d = file_need("routed")
    for user in (world.provider_editor, world.consumer_admin, world.other_admin, world.operator, world.authority):
        with pytest.raises(tk.NotAuthorized):
            call_as(user, "demand_answer", id=d["id"], answer="refuse", reason_code="other", reason="x")
    with pytest.raises(tk.NotAuthorized):  # not routed yet: nobody answers
        call_as(world.provider_admin, "demand_answer", id=file_need()["id"], answer="refuse",
                reason_code="other", reason="x")


def test_a_late_answer_is_recorded_late(world, call_as, need_data):
    with freeze_time(MONDAY):
        d = call_as(world.consumer_member, "demand_create", **need_data(needed_by="2026-04-30"))
        d = call_as(world.operator, "demand_route", id=d["id"], provider_org=PROVIDER)
    with freeze_time("2026-03-17 02:00:00"):  # day 11
        listed = call_as(world.operator, "demand_list", overdue=True)
        assert d["id"] in [r["id"] for r in listed["results"]]
        # the command line lists it too, with the department that owes the answer
        result = CliRunner().invoke(sharing_cli.overdue, ["--fail"])
        line = next(l for l in result.output.splitlines() if l.startswith(d["id"]))
        assert "answer" in line and PROVIDER in line and result.exit_code == 1
        d = call_as(world.provider_admin, "demand_answer", id=d["id"], answer="refuse",
                    reason_code="not_collected", reason="未采集")
    assert d["answered_on_time"] is False


# ---------------------------------------------------------------- not our duty, and the Authority's decision

def test_not_our_duty_goes_back_to_the_operator_who_routes_elsewhere(world, call_as, file_need):
    d = file_need("routed")
    d = call_as(world.provider_admin, "demand_answer", id=d["id"], answer="refuse",
                reason_code="not_our_duty", reason="死亡信息由卫健委掌握")
    assert d["state"] == "submitted" and d["provider_org"] is None and d["disclaimed"] == [PROVIDER]
    with pytest.raises(tk.ValidationError) as e:  # not back to a department that said so
        call_as(world.operator, "demand_route", id=d["id"], provider_org=PROVIDER)
    assert "provider_org" in e.value.error_dict
    d = call_as(world.operator, "demand_route", id=d["id"], provider_org=OTHER)
    assert d["state"] == "routed"
    # the department that said so still sees the need
    assert call_as(world.provider_editor, "demand_show", id=d["id"])["id"] == d["id"]


def test_two_departments_saying_not_ours_make_a_dispute_the_authority_decides(world, call_as, file_need):
    d = file_need("disputed")
    assert sorted(d["disclaimed"]) == sorted([PROVIDER, OTHER])
    assert d["id"] in [r["id"] for r in call_as(world.authority, "demand_list", to_review=True)["results"]]
    with pytest.raises(tk.NotAuthorized):
        call_as(world.operator, "demand_route", id=d["id"], provider_org=PROVIDER)
    d = call_as(world.authority, "demand_route", id=d["id"], provider_org=PROVIDER, note="户籍信息属公安职责")
    assert d["state"] == "routed" and d["assigned"] is True
    assert [e["event"] for e in d["history"]][-1] == "decide"
    with pytest.raises(tk.ValidationError) as e:  # named by the Authority: it answers
        call_as(world.provider_admin, "demand_answer", id=d["id"], answer="refuse",
                reason_code="not_our_duty", reason="仍不属于")
    assert "reason_code" in e.value.error_dict
    d = call_as(world.provider_admin, "demand_answer", id=d["id"], answer="entry",
                package_id=world.conditional["name"])
    assert d["state"] == "met"
    assert audit_actions(d["id"]) == ["demand.create", "demand.route", "demand.disclaim", "demand.route",
                                      "demand.disclaim", "demand.decide", "demand.meet"]


# ---------------------------------------------------------------- reading

def test_who_sees_a_need(world, call_as, file_need):
    d = file_need("routed")
    for user in (world.consumer_member, world.provider_editor, world.operator, world.authority):
        assert call_as(user, "demand_show", id=d["id"])["id"] == d["id"]
    with pytest.raises(tk.NotAuthorized):
        call_as(world.other_admin, "demand_show", id=d["id"])
    assert d["id"] not in [r["id"] for r in call_as(world.other_admin, "demand_list")["results"]]
    assert d["id"] in [r["id"] for r in call_as(world.consumer_member, "demand_list", mine=True)["results"]]
    assert d["id"] in [r["id"] for r in call_as(world.provider_admin, "demand_list", to_review=True)["results"]]
    assert d["id"] not in [r["id"] for r in call_as(world.provider_admin, "demand_list", mine=True)["results"]]
    with pytest.raises(tk.ObjectNotFound):
        call_as(world.operator, "demand_show", id="no-such-need")


# ---------------------------------------------------------------- the calendar

NOTICE_2027 = (Path(__file__).parent.parent / "calendar" / "fixtures" / "notice-2027-test.txt").read_text(encoding="utf-8")


def test_an_answer_deadline_in_an_unknown_year_is_counted_again_when_the_year_is_confirmed(
        world, call_as, need_data, freezer, unknown_year):
    """Routed Friday 29 January 2027 (day 0) before the State Council's arrangement of 2027 is
    entered: 10 working days on the statutory holidays alone (春节 5–8 Feb) end Tue 16 Feb, 暂定;
    the confirmed arrangement (Sun 31 Jan works, 5–12 Feb off, Sat 13 Feb works) ends Thu 18 Feb."""
    unknown_year(2027)
    freezer.move_to("2027-01-29 02:00:00")
    d = call_as(world.consumer_member, "demand_create", **need_data(needed_by="2027-06-30"))
    d = call_as(world.operator, "demand_route", id=d["id"], provider_org=PROVIDER)
    assert (d["deadline_local"][:10], d["deadline_provisional"]) == ("2027-02-16", True)
    call_as(world.operator, "calendar_notice_apply", text=NOTICE_2027, confirm=True)
    after = call_as(world.consumer_member, "demand_show", id=d["id"])
    assert (after["deadline_local"][:10], after["deadline_provisional"]) == ("2027-02-18", False)
    recount = [e for e in after["history"] if e["event"] == "deadline_recount"]
    assert len(recount) == 1 and recount[0]["detail"]["changed"] is True
    assert set(recount[0]["notify"]) == {PROVIDER, CONSUMER}
