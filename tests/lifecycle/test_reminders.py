"""The scheduler's reminders and overdue notices (ops/reminders.py): one working day before
every deadline (share decisions and quality fixes, Art 26; account requests, Art 12; resource
offlining decisions, Art 21; upkeep notices, Art 14) the department responsible is reminded,
and told once the deadline has passed; in its 通知 inbox and by e-mail, each once whatever the
number of runs (or of nodes running them). A fixed "now" is passed to the task."""
from __future__ import annotations

import datetime as dt
import email
from email import policy

import pytest
from freezegun import freeze_time

import ckan.lib.jobs as jobs
import ckan.model as model

from ckanext.liuzhou.cascade import schedule
from ckanext.liuzhou.lifecycle.model import LifecycleEvent
from ckanext.liuzhou.ops import reminders
from ckanext.liuzhou.ops.model import DeadlineNotice

from tests.conftest import at_once

from .conftest import PROVIDER
from .test_accounts import ask

pytestmark = pytest.mark.usefixtures("world")

CREATED = "2026-03-02 02:00:00"   # Monday 2 March 2026, 10:00 in Liuzhou


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def sent(out: dict, ids: set[str]) -> set[tuple[str, str, str]]:
    """(kind, object type, object id) of the notices of this run about ``ids``."""
    rows = (kind_type_id.split(" ")[:3] for kind_type_id in out["sent"])
    return {tuple(r) for r in rows if r[2] in ids}


def inbox_events(call_as, user: str, object_id: str) -> list[str]:
    items = call_as(user, "notification_list", limit=500)["results"]
    return [n["event"] for n in items if object_id in (n.get("object_id"), n.get("share_request_id"))]


@pytest.fixture
def open_items(call_as, world, drive, new_entry):
    """One open item of every deadline, all started on Monday 2 March 2026."""
    pkg = new_entry()
    with freeze_time(CREATED):
        decision = drive("submitted")                                     # 3 WD: Thu 5 March
        fix = drive("quality_issue")                                      # 2 WD: Wed 4 March
        account = ask(call_as, world.provider_admin)                      # 2 WD: Wed 4 March
        offline = call_as(world.provider_admin, "resource_offline_apply", package_id=pkg["id"],
                          resource_id=pkg["resources"][0]["id"], reason="系统停用",
                          legal_basis="市政府令第1号")                     # 3 WD: Thu 5 March
        upkeep = call_as(world.authority, "upkeep_notice_create", title="职能调整后的目录维护",
                         cause="duty_change", basis="编办通知", departments=[PROVIDER])  # 10 WD: Mon 16 March
    return {"decision": decision["id"], "fix": fix["id"], "account": account["id"],
            "offline": offline["id"], "upkeep": upkeep["id"]}


def test_a_reminder_one_working_day_before_each_deadline_and_an_overdue_notice_after_it_each_once(
        call_as, world, open_items):
    ids = set(open_items.values())
    i = open_items
    assert sent(reminders.run(at("2026-03-02T03:00:00")), ids) == set()        # Mon: 2+ WD left everywhere
    tuesday = reminders.run(at("2026-03-03T02:00:00"))
    assert sent(tuesday, ids) == {("reminder", "share_request", i["fix"]),
                                  ("reminder", "account_request", i["account"])}
    assert sent(reminders.run(at("2026-03-03T02:00:00")), ids) == set()        # a rerun sends nothing
    assert sent(reminders.run(at("2026-03-03T09:00:00")), ids) == set()        # nor does a later run
    assert sent(reminders.run(at("2026-03-04T02:00:00")), ids) == {
        ("reminder", "share_request", i["decision"]), ("reminder", "resource_offline", i["offline"])}
    # Thu 5 March: the account request (due Wed) is late; the quality fix too, but that overdue
    # notice is the deadlines task's (sharing/overdue.py), not sent twice
    assert sent(reminders.run(at("2026-03-05T02:00:00")), ids) == {("overdue", "account_request", i["account"])}
    assert sent(reminders.run(at("2026-03-13T02:00:00")), ids) == {               # Fri 13: Mon 16 is 1 WD away
        ("overdue", "resource_offline", i["offline"]), ("reminder", "upkeep_notice", i["upkeep"])}
    assert sent(reminders.run(at("2026-03-17T02:00:00")), ids) == {("overdue", "upkeep_notice", i["upkeep"])}
    assert sent(reminders.run(at("2026-03-18T02:00:00")), ids) == set()

    # each is in the responsible department's inbox, once
    assert inbox_events(call_as, world.operator, i["account"]).count("deadline_reminder") == 1
    assert inbox_events(call_as, world.operator, i["account"]).count("overdue_notice") == 1
    assert inbox_events(call_as, world.authority, i["offline"]).count("deadline_reminder") == 1
    assert inbox_events(call_as, world.provider_admin, i["upkeep"]).count("deadline_reminder") == 1
    assert inbox_events(call_as, world.provider_admin, i["decision"]).count("deadline_reminder") == 1
    assert inbox_events(call_as, world.operator, i["fix"]).count("deadline_reminder") == 1  # the Operator fixes with the provider
    assert "deadline_reminder" not in inbox_events(call_as, world.other_admin, i["upkeep"])  # not named
    reminder = next(n for n in call_as(world.operator, "notification_list", limit=500)["results"]
                    if n.get("object_id") == i["account"] and n["event"] == "deadline_reminder")
    assert reminder["label"] and reminder["url"] == f"/lifecycle/accounts/{i['account']}"
    # and recorded: one row per object, kind and deadline
    model.Session.remove()
    rows = model.Session.query(DeadlineNotice).filter(DeadlineNotice.object_id.in_(ids)).all()
    assert sorted((r.object_type, r.kind) for r in rows) == sorted([
        ("account_request", "overdue"), ("account_request", "reminder"), ("resource_offline", "overdue"),
        ("resource_offline", "reminder"), ("share_request", "reminder"), ("share_request", "reminder"),
        ("upkeep_notice", "overdue"), ("upkeep_notice", "reminder")])
    assert all(r.event_id for r in rows)


def test_nothing_is_sent_about_what_is_done(call_as, world, open_items):
    i = open_items
    with freeze_time("2026-03-03 01:00:00"):
        call_as(world.operator, "account_request_decide", id=i["account"], decision="reject", notes="重复申请")
        call_as(world.provider_admin, "share_request_decide", id=i["decision"], decision="approve")
        notice = call_as(world.authority, "upkeep_notice_show", id=i["upkeep"])
        call_as(world.provider_editor, "upkeep_notice_respond", target_id=notice["targets"][0]["id"],
                response="已更新")
    ids = {i["account"], i["decision"], i["upkeep"]}
    for now in ("2026-03-04T02:00:00", "2026-03-13T02:00:00", "2026-03-17T02:00:00"):
        assert sent(reminders.run(at(now)), ids) == set()


def test_two_nodes_running_at_once_send_each_notice_once(call_as, world, new_entry):
    with freeze_time(CREATED):
        account = ask(call_as, world.provider_admin)
    now = at("2026-03-03T02:00:00")
    outs: list[dict] = []
    at_once(lambda: outs.append(reminders.run(now)))
    assert sum(len(sent(o, {account["id"]})) for o in outs) == 1
    assert not any(o["errors"] for o in outs)
    model.Session.remove()
    events = (model.Session.query(LifecycleEvent)
              .filter_by(object_id=account["id"], event="deadline_reminder").count())
    assert events == 1


def test_the_schedule_runs_the_reminders_task(call_as, world):
    with freeze_time(CREATED):
        account = ask(call_as, world.provider_admin)
    tuesday = at("2026-03-03T02:00:00")
    results = {r["task"]: r for r in schedule.run(now=tuesday, only=("reminders",), force=True)}
    assert results["reminders"]["ok"], results
    model.Session.remove()
    assert model.Session.query(LifecycleEvent).filter_by(object_id=account["id"],
                                                         event="deadline_reminder").count() == 1
    status = {s["name"]: s for s in call_as(world.operator, "scheduler_status")}
    assert status["reminders"]["last_run"] == tuesday.isoformat()
    assert status["reminders"]["ok"] is True and "reminders" in status["reminders"]["summary"]


# ---------------------------------------------------------------- by e-mail

SMTP = "mail.liuzhou.example:25"


def mails(mail_server) -> list[email.message.EmailMessage]:
    return [email.message_from_string(raw, policy=policy.default) for *_, raw in mail_server.get_smtp_messages()]


@pytest.mark.ckan_config("smtp.server", SMTP)
@pytest.mark.ckan_config("smtp.mail_from", "noreply@data.liuzhou.example")
@pytest.mark.usefixtures("clean_queues", "with_test_worker")
def test_reminders_are_mailed_to_the_responsible_admins_once(call_as, world, mail_server):
    with freeze_time(CREATED):
        notice = call_as(world.authority, "upkeep_notice_create", title="法规修订后的目录维护",
                         cause="law_change", basis="《某条例》", departments=[PROVIDER])
    jobs.Worker().work(burst=True)
    mail_server.clear_smtp_messages()
    admin = model.User.get(world.provider_admin).email
    reminders.run(at("2026-03-13T02:00:00"))
    jobs.Worker().work(burst=True)
    about = [m for m in mails(mail_server) if m["To"].addresses[0].addr_spec == admin
             and "法规修订后的目录维护" in m["Subject"]]
    assert len(about) == 1
    assert f"/lifecycle/upkeep/{notice['id']}" in about[0].get_body(preferencelist=("plain",)).get_content()
    # a rerun and a mail retry send nothing more
    mail_server.clear_smtp_messages()
    reminders.run(at("2026-03-13T02:00:00"))
    schedule.run(now=at("2026-03-13T02:00:00"), only=("mail_retry",), force=True)
    jobs.Worker().work(burst=True)
    assert [m for m in mails(mail_server) if "法规修订后的目录维护" in m["Subject"]] == []


def test_two_deadline_runs_at_once_send_a_share_request_s_overdue_notice_once(world, drive):
    from ckanext.liuzhou.sharing import overdue
    from ckanext.liuzhou.sharing.model import ShareRequestEvent
    from .conftest import site_context
    with freeze_time(CREATED):
        req = drive("submitted")                                          # due Thu 5 March 2026: long past

    at_once(lambda: overdue.run_deadlines(site_context()))
    model.Session.remove()
    assert model.Session.query(ShareRequestEvent).filter_by(share_request_id=req["id"],
                                                            event="overdue_notice").count() == 1
