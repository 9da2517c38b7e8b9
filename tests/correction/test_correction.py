"""Correction of errors (校核纠错, Art 26 of the national regulation, correction/): any department
user reports an error in an entry or in data delivered to it; the provider confirms and corrects,
or disputes, within 5 working days (configurable); the Authority settles disputes. Every step
writes a history event and an audit row and notifies the departments concerned."""
from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.audit.model import AuditLog
from ckanext.liuzhou.correction.model import CorrectionEvent
from ckanext.liuzhou.ops import reminders
from ckanext.liuzhou.sharing import cli as sharing_cli

from tests.conftest import make_user

from .conftest import CONSUMER, COUNTY_DEPT, MONDAY, PROVIDER, pdf

pytestmark = pytest.mark.usefixtures("world")


def audit_actions(report_id: str) -> list[str]:
    return [a for (a,) in model.Session.query(AuditLog.action).filter(AuditLog.object_id == report_id)
            .order_by(AuditLog.id)]


def inbox(call_as, user: str, report_id: str) -> list[str]:
    items = call_as(user, "notification_list", limit=200)["results"]
    return [n["event"] for n in items if n.get("object_id") == report_id]


# ---------------------------------------------------------------- reporting

def test_a_department_user_reports_an_error_in_an_entry_and_the_provider_has_5_working_days(
        world, call_as, report):
    with freeze_time(MONDAY):
        r = report(evidence_upload=pdf())
    assert (r["state"], r["target"], r["field"]) == ("submitted", "entry", "update_cycle")
    assert (r["reporter_org"], r["provider_org"]) == (CONSUMER, PROVIDER)
    assert r["deadline_local"][:10] == "2026-03-09"           # day 0 Mon 2 March + 5 working days
    assert r["evidence_name"] == "户籍地址截图.pdf"
    assert [e["event"] for e in r["events"]] == ["create"]
    assert r["events"][0]["notify"] == [PROVIDER]
    assert audit_actions(r["id"]) == ["correction.create"]
    assert inbox(call_as, world.provider_admin, r["id"]) == ["create"]
    assert inbox(call_as, world.consumer_admin, r["id"]) == []


@pytest.mark.ckan_config("ckanext.liuzhou.correction.respond_workdays", "2")
def test_the_deadline_is_the_configured_number_of_working_days(report):
    with freeze_time("2026-03-06 02:00:00"):                     # Friday: the weekend does not count
        r = report()
    assert r["deadline_local"][:10] == "2026-03-10"


def test_a_report_names_what_is_wrong_and_which_field(world, call_as, new_entry):
    pkg = new_entry()
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.consumer_member, "correction_create", package_id=pkg["id"], field="update_cycle", description="")
    assert "description" in e.value.error_dict
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.consumer_member, "correction_create", package_id=pkg["id"], description="错了")
    assert "field" in e.value.error_dict


def test_the_providing_department_corrects_its_own_entry_directly(world, call_as, report):
    with pytest.raises(tk.ValidationError) as e:
        report(user=world.provider_editor)
    assert "package_id" in e.value.error_dict


def test_visitors_and_users_of_no_department_cannot_report(world, new_entry):
    pkg = new_entry()
    lone = make_user()["name"]
    for user in ("", lone):
        with pytest.raises(tk.NotAuthorized):
            tk.get_action("correction_create")({"user": user, "ignore_auth": False},
                                               {"package_id": pkg["id"], "field": "title", "description": "x"})


def test_errors_in_delivered_data_only_from_who_may_read_it(world, call_as, drive):
    req = drive("delivered")                                     # 人社局's scope reads the conditional entry
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": req["package_id"]})
    resource = pkg["resources"][0]["id"]
    data = dict(package_id=pkg["id"], target="data", resource_id=resource, rows="2026年3月的记录",
                columns=["xm"], description="姓名与公民身份号码不对应")
    r = call_as(world.consumer_member, "correction_create", **data)
    assert (r["target"], r["resource_id"], r["columns"], r["field"]) == ("data", resource, ["xm"], None)
    with pytest.raises(tk.NotAuthorized):                       # 教育局 has no delivery of it
        call_as(world.other_admin, "correction_create", **data)
    with pytest.raises(tk.ValidationError) as e:                # columns are the entry's information items
        call_as(world.consumer_member, "correction_create", **{**data, "columns": ["zzmm"]})
    assert "columns" in e.value.error_dict
    with pytest.raises(tk.ValidationError) as e:                # say which rows or columns
        call_as(world.consumer_member, "correction_create", **{**data, "columns": [], "rows": ""})
    assert "rows" in e.value.error_dict


def test_evidence_of_a_type_not_allowed_is_refused_and_nothing_is_kept(world, call_as, new_entry):
    pkg = new_entry()
    before = model.Session.query(CorrectionEvent).count()
    with pytest.raises(tk.ValidationError) as e:
        call_as(world.consumer_member, "correction_create", package_id=pkg["id"], field="title", description="x",
                evidence_upload=pdf("run.exe", b"MZ\x90\x00" + b"\x00" * 100, "application/x-msdownload"))
    assert "evidence_upload" in e.value.error_dict
    assert model.Session.query(CorrectionEvent).count() == before


def test_a_form_sent_twice_makes_one_report(report):
    first = report(idempotency_key="form-1")
    assert report(idempotency_key="form-1", package_id=first["package_name"])["id"] == first["id"]


# ---------------------------------------------------------------- answering, disputes

def test_the_provider_confirms_and_corrects_on_time(world, call_as, report):
    with freeze_time(MONDAY):
        r = report()
    with freeze_time("2026-03-04 02:00:00"):
        done = call_as(world.provider_editor, "correction_respond", id=r["id"], response="confirm",
                       correction="更新周期改为每半年")
    assert (done["state"], done["on_time"], done["deadline"]) == ("corrected", True, None)
    assert done["correction"] == "更新周期改为每半年"
    assert audit_actions(r["id"]) == ["correction.create", "correction.confirm"]
    assert inbox(call_as, world.consumer_admin, r["id"]) == ["confirm"]
    with pytest.raises(tk.ValidationError):                     # final: no second answer
        call_as(world.provider_editor, "correction_respond", id=r["id"], response="dispute", reason="x")


def test_a_correction_after_the_deadline_is_late(world, call_as, report):
    with freeze_time(MONDAY):
        r = report()
    with freeze_time("2026-03-10 02:00:00"):
        done = call_as(world.provider_admin, "correction_respond", id=r["id"], response="confirm", correction="已改")
    assert done["on_time"] is False


def test_a_dispute_goes_to_the_authority_which_upholds_it_and_the_provider_corrects(world, call_as, report):
    with freeze_time(MONDAY):
        r = report()
        with pytest.raises(tk.ValidationError) as e:
            call_as(world.provider_admin, "correction_respond", id=r["id"], response="dispute")
        assert "reason" in e.value.error_dict
        d = call_as(world.provider_admin, "correction_respond", id=r["id"], response="dispute",
                    reason="该目录按需更新，每日更新是填报错误以外的数据")
    assert (d["state"], d["deadline"]) == ("disputed", None)   # the Authority has no deadline in the rules
    assert inbox(call_as, world.authority, r["id"]) == ["dispute"]
    with pytest.raises(tk.NotAuthorized):
        call_as(world.provider_admin, "correction_settle", id=r["id"], outcome="dismissed", settlement="x")
    with pytest.raises(tk.NotAuthorized):
        call_as(world.operator, "correction_settle", id=r["id"], outcome="dismissed", settlement="x")
    with freeze_time("2026-03-05 02:00:00"):                    # Thursday
        u = call_as(world.authority, "correction_settle", id=r["id"], outcome="upheld",
                    settlement="目录应与实际更新频率一致")
    assert u["state"] == "upheld" and u["deadline_local"][:10] == "2026-03-12"   # 5 working days again
    assert sorted(inbox(call_as, world.consumer_admin, r["id"])) == ["dispute", "settle_upheld"]
    with pytest.raises(tk.ValidationError):                     # an upheld report is corrected, not disputed again
        call_as(world.provider_admin, "correction_respond", id=r["id"], response="dispute", reason="x")
    with freeze_time("2026-03-11 02:00:00"):
        c = call_as(world.provider_admin, "correction_respond", id=r["id"], response="confirm", correction="已改")
    assert (c["state"], c["on_time"]) == ("corrected", True)
    assert [e["event"] for e in c["events"]] == ["create", "dispute", "settle_upheld", "confirm"]
    assert audit_actions(r["id"]) == ["correction.create", "correction.dispute", "correction.settle_upheld",
                                      "correction.confirm"]


def test_the_authority_dismisses_a_dispute(world, call_as, report):
    r = report()
    call_as(world.provider_admin, "correction_respond", id=r["id"], response="dispute", reason="数据无误")
    out = call_as(world.authority, "correction_settle", id=r["id"], outcome="dismissed", settlement="核实无误")
    assert (out["state"], out["outcome"], out["deadline"]) == ("dismissed", "dismissed", None)
    with pytest.raises(tk.ValidationError):
        call_as(world.authority, "correction_settle", id=r["id"], outcome="upheld", settlement="x")


def test_a_county_authority_settles_for_its_county_departments(world, call_as, report, new_entry):
    r = report(package_id=new_entry(org=COUNTY_DEPT)["name"])
    call_as(world.county_dept_admin, "correction_respond", id=r["id"], response="dispute", reason="无误")
    city = report()
    call_as(world.provider_admin, "correction_respond", id=city["id"], response="dispute", reason="无误")
    with pytest.raises(tk.NotAuthorized):
        call_as(world.county_authority, "correction_settle", id=city["id"], outcome="upheld", settlement="x")
    assert call_as(world.county_authority, "correction_settle", id=r["id"], outcome="upheld",
                   settlement="应更正")["state"] == "upheld"


def test_only_the_providers_editors_and_admins_answer(world, call_as, report):
    r = report()
    member = make_user(PROVIDER, "member")["name"]
    for user in (world.consumer_member, world.consumer_admin, member, world.authority, world.operator):
        with pytest.raises(tk.NotAuthorized):
            call_as(user, "correction_respond", id=r["id"], response="confirm", correction="x")


# ---------------------------------------------------------------- who sees what

def test_entry_reports_are_shown_to_the_entrys_readers_data_reports_only_to_those_concerned(
        world, call_as, report, drive):
    r = report()
    assert call_as(world.other_admin, "correction_show", id=r["id"])["id"] == r["id"]
    on_entry = call_as(world.other_admin, "correction_list", package_id=r["package_id"], open=True)
    assert [x["id"] for x in on_entry["results"]] == [r["id"]]
    assert r["id"] not in {x["id"] for x in call_as(world.other_admin, "correction_list")["results"]}
    req = drive("delivered")
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": req["package_id"]})
    d = call_as(world.consumer_member, "correction_create", package_id=pkg["id"], target="data",
                resource_id=pkg["resources"][0]["id"], rows="第3行", description="错误")
    with pytest.raises(tk.NotAuthorized):
        call_as(world.other_admin, "correction_show", id=d["id"])
    assert d["id"] not in {x["id"] for x in call_as(world.other_admin, "correction_list", package_id=pkg["id"])["results"]}
    for user in (world.provider_editor, world.authority, world.operator, world.consumer_admin):
        assert call_as(user, "correction_show", id=d["id"])["id"] == d["id"]


def test_the_lists_to_answer_and_mine(world, call_as, report):
    r = report()
    assert r["id"] in {x["id"] for x in call_as(world.provider_editor, "correction_list", to_answer=True)["results"]}
    assert r["id"] not in {x["id"] for x in call_as(world.consumer_admin, "correction_list", to_answer=True)["results"]}
    assert r["id"] in {x["id"] for x in call_as(world.consumer_admin, "correction_list", mine=True)["results"]}
    call_as(world.provider_admin, "correction_respond", id=r["id"], response="dispute", reason="无误")
    assert r["id"] in {x["id"] for x in call_as(world.authority, "correction_list", to_answer=True)["results"]}
    assert r["id"] not in {x["id"] for x in call_as(world.provider_editor, "correction_list", to_answer=True)["results"]}


# ---------------------------------------------------------------- deadlines, reminders, evaluation

def test_overdue_reports_are_listed_reminded_and_notified_once(world, call_as, report):
    with freeze_time("2026-04-13 02:00:00"):                     # Monday 13 April: deadline Mon 20 April
        r = report()
    ids = {r["id"]}

    def sent(out):
        return {tuple(s.split(" ")[:3]) for s in out["sent"] if r["id"] in s}
    assert sent(reminders.run(dt.datetime(2026, 4, 16, 2))) == set()                      # Thu: 2 WD left
    assert sent(reminders.run(dt.datetime(2026, 4, 17, 2))) == {("reminder", "correction", r["id"])}
    assert sent(reminders.run(dt.datetime(2026, 4, 17, 3))) == set()                      # once
    assert sent(reminders.run(dt.datetime(2026, 4, 21, 2))) == {("overdue", "correction", r["id"])}
    assert sent(reminders.run(dt.datetime(2026, 4, 22, 2))) == set()
    assert inbox(call_as, world.provider_admin, r["id"]) == ["overdue_notice", "deadline_reminder", "create"]
    with freeze_time("2026-04-21 02:00:00"):
        overdue = call_as(world.authority, "correction_list", overdue=True, limit=1000)["results"]
        assert r["id"] in {x["id"] for x in overdue} and all(x["overdue"] for x in overdue)
        assert ids <= {x["id"] for x in call_as(world.provider_editor, "correction_list", overdue=True)["results"]}
        assert r["id"] not in {x["id"] for x in call_as(world.other_admin, "correction_list", overdue=True)["results"]}
        result = CliRunner().invoke(sharing_cli.overdue, [])   # the command line lists it with the provider
        line = next(l for l in result.output.splitlines() if l.startswith(r["id"]))
        assert "correction" in line and r["provider_org"] in line and result.exit_code == 0


def test_the_evaluation_counts_reports_and_corrections_on_time(world, call_as, report):
    period = {"from": "2026-06-01", "to": "2026-06-30"}
    with freeze_time("2026-06-01 02:00:00"):                     # Monday 1 June
        on_time, late, dismissed, waiting = report(), report(), report(), report()
        call_as(world.provider_admin, "correction_respond", id=on_time["id"], response="confirm", correction="已改")
        call_as(world.provider_admin, "correction_respond", id=dismissed["id"], response="dispute", reason="无误")
        call_as(world.authority, "correction_settle", id=dismissed["id"], outcome="dismissed", settlement="无误")
    with freeze_time("2026-06-15 02:00:00"):
        call_as(world.provider_admin, "correction_respond", id=late["id"], response="confirm", correction="已改")
        figures = call_as(world.authority, "evaluation_show", id=PROVIDER, **period)["figures"]
    # four received; due: on time, late, and the one still waiting past its deadline; 1 of 3 on time
    assert figures["corrections_received"] == 4
    assert figures["corrections_fixed_ontime"] == 33.3
    rows = call_as(world.authority, "evaluation_detail", id=PROVIDER, indicator="corrections_fixed_ontime",
                   **period)["rows"]
    assert sorted(r["ok"] for r in rows) == [False, False, True]


# ---------------------------------------------------------------- the inbox page

def test_the_notifications_page_shows_a_report_to_the_provider(app, world, report):
    from ckan.tests import factories
    r = report(description="派出所地址已变更")
    token = {"Authorization": factories.APIToken(user=world.provider_admin)["token"]}
    response = app.get("/sharing/notifications", headers=token)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f'href="/correction/{r["id"]}"' in body and "派出所地址已变更" in body
