"""Notifications of the sharing workflow (docs/sharing.md, "Notifications"): every timeline event notifies the
departments it names, in the app (``notification_list`` / ``notification_mark_read`` and the
通知 page) and, when SMTP is configured, by e-mail to those departments' admins, sent by the
jobs worker after the transition has committed, so a mail failure never breaks a transition.

E-mail runs through CKAN's real job queue (Redis) and worker; only the SMTP client is CKAN's
``mail_server`` fixture (no SMTP server runs on these machines).
"""
from __future__ import annotations

import email
from email import policy

import pytest
import redis
from bs4 import BeautifulSoup
from click.testing import CliRunner
from freezegun import freeze_time

import ckan.lib.jobs as jobs
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.liuzhou.sharing import cli as sharing_cli
from ckanext.liuzhou.notify import mail

from tests.conftest import make_user

from .conftest import AUTHORITY, CONSUMER, MONDAY, PROVIDER

SMTP = "mail.liuzhou.example:25"


def events_of(result: dict, rid: str) -> list[str]:
    return [n["event"] for n in result["results"] if n["share_request_id"] == rid]


# ---------------------------------------------------------------- in the app

def test_each_department_sees_the_events_that_notify_it(world, call_as, drive):
    rid = drive("submitted")["id"]
    provider = call_as(world.provider_admin, "notification_list", limit=200)
    assert events_of(provider, rid) == ["create"]  # the provider is told of a new request
    assert PROVIDER in provider["departments"]
    assert events_of(call_as(world.provider_editor, "notification_list", limit=200), rid) == ["create"]
    assert events_of(call_as(world.consumer_member, "notification_list", limit=200), rid) == []

    drive.step({"id": rid}, "approve")
    consumer = call_as(world.consumer_member, "notification_list", limit=200)
    assert events_of(consumer, rid) == ["approve"]
    item = next(n for n in consumer["results"] if n["share_request_id"] == rid)
    assert item["share_request"]["package_title"] == "常住人口核验信息"
    assert item["share_request"]["provider_org"] == PROVIDER and item["departments"] == [CONSUMER]
    assert events_of(call_as(world.operator, "notification_list", limit=200), rid) == ["approve"]  # to deliver
    # a department the request does not concern hears nothing of it
    assert events_of(call_as(world.other_admin, "notification_list", limit=200), rid) == []
    assert events_of(call_as(world.county_authority, "notification_list", limit=200), rid) == []


def test_newest_first_and_the_authority_hears_of_every_suspension(world, call_as, drive):
    rid = drive("suspended")["id"]
    consumer = events_of(call_as(world.consumer_member, "notification_list", limit=200), rid)
    assert consumer == ["suspend", "deliver", "approve"]
    authority = call_as(world.authority, "notification_list", limit=200)
    assert AUTHORITY in authority["departments"] and events_of(authority, rid) == ["suspend"]
    created = [n["created"] for n in authority["results"]]
    assert created == sorted(created, reverse=True)


def test_unread_count_and_mark_read(world, call_as, drive):
    user = make_user(CONSUMER)["name"]
    call_as(user, "notification_mark_read")  # what earlier tests notified 人社局 of is read
    counts = call_as(user, "notification_list", limit=0)
    assert counts["unread"] == 0 and counts["results"] == []
    seen = model.User.get(user).plugin_extras["liuzhou"]["notifications_seen_at"]
    assert seen

    rid = drive("approved")["id"]  # notifies 人社局
    result = call_as(user, "notification_list", limit=200)
    assert result["unread"] == 1 and result["seen_at"] == seen
    fresh = [n for n in result["results"] if n["unread"]]
    assert [(n["share_request_id"], n["event"]) for n in fresh] == [(rid, "approve")]
    only = call_as(user, "notification_list", unread_only=True)
    assert only["count"] == 1 and only["results"][0]["share_request_id"] == rid

    call_as(user, "notification_mark_read")
    assert call_as(user, "notification_list", limit=0)["unread"] == 0
    # another user of the same department keeps their own read marks
    assert call_as(world.consumer_scoped, "notification_list", limit=0)["unread"] >= 1


def test_no_department_no_notifications_and_anonymous_refused(world, call_as):
    loner = factories.User()["name"]
    assert call_as(loner, "notification_list") == {
        "count": 0, "unread": 0, "seen_at": None, "departments": [], "results": []}
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("notification_list")({"user": "", "ignore_auth": False}, {})
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("notification_mark_read")({"user": "", "ignore_auth": False}, {})


def test_deadline_notices_of_the_scheduled_run_show_up_in_the_app(world, call_as, drive):
    with freeze_time(MONDAY):
        rid = drive("submitted")["id"]
    with freeze_time("2026-03-06 02:00:00"):  # Friday: the decision was due Thursday
        result = CliRunner().invoke(sharing_cli.deadlines, [])
        assert result.exit_code == 0, result.output
        assert f"overdue notice {rid}" in result.output
    provider = call_as(world.provider_admin, "notification_list", limit=200)
    assert events_of(provider, rid)[0] == "overdue_notice"
    assert events_of(call_as(world.consumer_member, "notification_list", limit=200), rid) == []


def test_notifications_page_and_mark_read_over_http(app, world, call_as, drive):
    user = make_user(CONSUMER, "member")["name"]
    headers = {"Authorization": factories.APIToken(user=user)["token"]}
    call_as(user, "notification_mark_read")
    rid = drive("approved")["id"]
    html = app.get("/sharing/notifications", headers=headers)
    assert html.status_code == 200
    soup = BeautifulSoup(html.get_data(as_text=True), "html.parser")
    item = soup.select_one(f"li.liuzhou-notification[data-request='{rid}']")
    assert "liuzhou-notification-unread" in item["class"]
    assert "同意共享" in item.get_text() and "常住人口核验信息" in item.get_text()
    assert soup.select_one("a.liuzhou-notifications-link .liuzhou-unread-badge").get_text(strip=True) == "1"
    assert app.get("/sharing/notifications/read", headers=headers).status_code in (404, 405)  # POST only
    assert call_as(user, "notification_list", limit=0)["unread"] == 1
    app.post("/sharing/notifications/read", headers=headers)
    assert call_as(user, "notification_list", limit=0)["unread"] == 0
    soup = BeautifulSoup(app.get("/sharing/notifications", headers=headers).get_data(as_text=True), "html.parser")
    assert soup.select_one("a.liuzhou-notifications-link .liuzhou-unread-badge") is None
    assert soup.select_one("li.liuzhou-notification-unread") is None
    anonymous = app.get("/sharing/notifications", follow_redirects=False)
    assert anonymous.status_code == 302 and "/user/login" in anonymous.headers["Location"]


# ---------------------------------------------------------------- by e-mail

def queued() -> list:
    return [j for j in jobs.get_queue().jobs if j.func_name.endswith("send_event_mails")]


def run_worker() -> None:
    jobs.Worker().work(burst=True)


def sent(mail_server) -> list[email.message.EmailMessage]:
    return [email.message_from_string(raw, policy=policy.default) for *_, raw in mail_server.get_smtp_messages()]


def admins_with_email(org: str) -> set[str]:
    rows = tk.get_action("member_list")({"ignore_auth": True}, {"id": org, "object_type": "user", "capacity": "admin"})
    users = [model.User.get(uid) for uid, _type, _capacity in rows]
    return {u.email for u in users if u is not None and u.state == "active" and u.email}


def body(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.usefixtures("clean_queues")
def test_no_mail_without_smtp_configured(world, drive):
    drive("approved")
    assert queued() == []  # smtp.server is CKAN's default (localhost): not configured


@pytest.mark.ckan_config("smtp.server", SMTP)
@pytest.mark.ckan_config("smtp.mail_from", "noreply@data.liuzhou.example")
@pytest.mark.usefixtures("clean_queues", "with_test_worker")
def test_events_are_mailed_to_the_notified_departments_admins_after_commit(world, call_as, drive, mail_server):
    member = make_user(CONSUMER, "member")  # has an address, but is not an admin
    rid = drive("submitted")["id"]
    assert len(queued()) == 1  # one job per committed transaction, not a mail inside it
    run_worker()
    to_provider = sent(mail_server)
    admins = admins_with_email(PROVIDER)
    assert model.User.get(world.provider_admin).email in admins
    assert {m["To"].addresses[0].addr_spec for m in to_provider} == admins
    message = to_provider[0]
    assert message["Subject"] == "【柳州市数据共享交换平台】提交申请：常住人口核验信息"
    assert f"/sharing/request/{rid}" in body(message)
    assert "申请部门：柳州市人力资源和社会保障局" in body(message)
    assert "办理期限：" in body(message)

    mail_server.clear_smtp_messages()
    drive.step({"id": rid}, "approve")
    run_worker()
    to = {m["To"].addresses[0].addr_spec for m in sent(mail_server)}
    consumer_admins = admins_with_email(CONSUMER)
    assert consumer_admins and consumer_admins <= to
    assert member["email"] not in to  # members are told in the app only
    assert model.User.get(world.provider_admin).email not in to  # the one who acted
    assert all("同意共享" in m["Subject"] for m in sent(mail_server))


@pytest.mark.ckan_config("smtp.server", SMTP)
@pytest.mark.ckan_config("smtp.mail_from", "noreply@data.liuzhou.example")
@pytest.mark.usefixtures("clean_queues", "with_test_worker")
def test_the_scheduled_overdue_notice_is_mailed_to_the_responsible_department(world, drive, mail_server):
    with freeze_time(MONDAY):
        rid = drive("submitted")["id"]
    run_worker()
    mail_server.clear_smtp_messages()
    with freeze_time("2026-03-06 02:00:00"):  # Friday: the decision was due Thursday
        assert f"overdue notice {rid}" in CliRunner().invoke(sharing_cli.deadlines, []).output
        run_worker()
    notices = [m for m in sent(mail_server) if f"/sharing/request/{rid}" in body(m)]
    assert notices and all(m["Subject"].startswith("【柳州市数据共享交换平台】逾期提醒") for m in notices)
    assert {m["To"].addresses[0].addr_spec for m in notices} == admins_with_email(PROVIDER)


@pytest.mark.ckan_config("smtp.server", "127.0.0.1:1")  # nothing listens: every mail fails
@pytest.mark.usefixtures("clean_queues", "with_test_worker")
def test_a_failing_mail_server_never_breaks_a_transition(world, call_as, drive):
    rid = drive("submitted")["id"]
    req = call_as(world.provider_admin, "share_request_decide", id=rid, decision="approve")
    assert req["state"] == "approved"
    job = queued()[-1]
    assert mail.send_event_mails(*job.args)["failed"] >= 1  # each failure is logged, none raised
    run_worker()
    assert job.get_status(refresh=True) == "finished"
    assert call_as(world.operator, "share_request_show", id=rid)["state"] == "approved"
    assert [e["event"] for e in call_as(world.operator, "share_request_history", id=rid)] == ["create", "approve"]


@pytest.mark.ckan_config("smtp.server", SMTP)
def test_an_unreachable_job_queue_never_breaks_a_transition(world, call_as, drive, monkeypatch):
    import ckan.lib.redis
    rid = drive("submitted")["id"]
    # the jobs' Redis goes away (a real connection to a closed port, not a mock)
    monkeypatch.setattr(ckan.lib.redis, "_connection_pool", redis.ConnectionPool.from_url("redis://127.0.0.1:1/0"))
    req = call_as(world.provider_admin, "share_request_decide", id=rid, decision="approve")
    assert req["state"] == "approved"
    monkeypatch.undo()
    assert call_as(world.operator, "share_request_show", id=rid)["state"] == "approved"


@pytest.mark.ckan_config("smtp.server", SMTP)
@pytest.mark.ckan_config("ckanext.liuzhou.notifications.email", "false")
@pytest.mark.usefixtures("clean_queues")
def test_mail_can_be_switched_off(world, drive):
    drive("approved")
    assert queued() == []


@pytest.mark.ckan_config("ckanext.liuzhou.notifications.email", "true")
@pytest.mark.usefixtures("clean_queues")
def test_mail_can_be_forced_on_for_a_local_mta(world, drive):
    drive("submitted")
    assert len(queued()) == 1
