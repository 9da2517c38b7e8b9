"""Lifecycle notices reach the 通知 inbox and e-mail (docs/lifecycle.md, "Lifecycle notices"): the departments a lifecycle step
notifies (the Operator of an offlining application, the departments named by an upkeep notice,
the provider of a decision, the Authority of an Art 33.1 flag) find it in ``notification_list``
beside their share request events, newest first, with a label and a link to the object's page,
and their admins get an e-mail after the step commits. Consumers hear of a resource's public
notice on their requests, once.
"""
from __future__ import annotations

import email
from email import policy

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time

import ckan.lib.jobs as jobs
import ckan.model as model

from tests.conftest import make_user

from .conftest import AUTHORITY, CONSUMER, OTHER, PROVIDER

pytestmark = pytest.mark.usefixtures("world")

SMTP = "mail.liuzhou.example:25"


def fresh(org: str, role: str = "member") -> str:
    """A new user of ``org`` who has read everything so far."""
    from ckan.plugins import toolkit as tk
    name = make_user(org, role)["name"]
    tk.get_action("notification_mark_read")({"user": name}, {})
    return name


def lifecycle(result: dict, object_type: str | None = None) -> list[dict]:
    return [n for n in result["results"] if n["source"] == "lifecycle"
            and (object_type is None or n["object_type"] == object_type)]


def upkeep(call_as, world, **over) -> dict:
    data = {"title": "《档案法》修订后的目录维护", "cause": "law_change", "basis": "《中华人民共和国档案法》",
            "changed_on": "2026-03-02", "departments": [OTHER]}
    data.update(over)
    return call_as(world.authority, "upkeep_notice_create", **data)


def test_an_upkeep_notice_reaches_the_departments_it_names_and_no_other(call_as, world):
    named, other = fresh(OTHER), fresh(CONSUMER)
    notice = upkeep(call_as, world)
    inbox = call_as(named, "notification_list", unread_only=True)
    assert inbox["unread"] == 1
    (item,) = lifecycle(inbox)
    assert item["object_type"] == "upkeep_notice" and item["object_id"] == notice["id"]
    assert item["event"] == "issue" and item["title"] == "《档案法》修订后的目录维护"
    assert item["url"] == f"/lifecycle/upkeep/{notice['id']}"
    assert item["unread"] and item["departments"] == [OTHER] and item["share_request_id"] is None
    assert item["label"] and item["deadline"]
    assert lifecycle(call_as(other, "notification_list", limit=200), "upkeep_notice") == []

    call_as(named, "notification_mark_read")
    assert call_as(named, "notification_list", limit=0)["unread"] == 0
    only = call_as(named, "notification_list", unread_only=True)
    assert only["count"] == 0 and only["results"] == []


def test_share_request_and_lifecycle_events_come_in_one_list_newest_first(call_as, world, drive, new_entry):
    user = fresh(PROVIDER, "admin")
    pkg = new_entry()
    with freeze_time("2026-03-02 02:00:00"):
        first = drive("submitted")["id"]                                  # share: the provider is told
    with freeze_time("2026-03-02 03:00:00"):
        app = call_as(world.provider_admin, "resource_offline_apply", package_id=pkg["id"],
                      resource_id=pkg["resources"][0]["id"], reason="系统停用", legal_basis="市政府令第1号")
    with freeze_time("2026-03-02 04:00:00"):
        call_as(world.authority, "resource_offline_decide", id=app["id"], decision="reject",
                notes="依据不足")                                         # lifecycle: the provider is told
    with freeze_time("2026-03-02 05:00:00"):
        last = drive("submitted")["id"]
    inbox = call_as(user, "notification_list", limit=200)
    mine = [(n["source"], n.get("share_request_id") or n.get("object_id"), n["event"]) for n in inbox["results"]
            if n.get("share_request_id") in (first, last) or n.get("object_id") == app["id"]]
    assert mine == [("share_request", last, "create"), ("lifecycle", app["id"], "reject"),
                    ("share_request", first, "create")]
    assert inbox["count"] == len(inbox["results"])
    created = [n["created"] for n in inbox["results"]]
    assert created == sorted(created, reverse=True)
    decided = next(n for n in inbox["results"] if n.get("object_id") == app["id"])
    assert decided["url"] == f"/lifecycle/resource-offline/{app['id']}"
    assert decided["title"].startswith(pkg["title"]) and decided["provider_org"] == PROVIDER
    assert decided["detail"]["notes"] == "依据不足"
    # paging runs over the union
    pages = [call_as(user, "notification_list", limit=2, offset=o)["results"] for o in range(0, inbox["count"], 2)]
    assert [(n["source"], n["id"]) for page in pages for n in page] == [(n["source"], n["id"]) for n in inbox["results"]]
    # the application itself notified the Authority, not the provider who made it
    assert [n["event"] for n in lifecycle(call_as(user, "notification_list", limit=200), "resource_offline")
            if n["object_id"] == app["id"]] == ["reject"]


def test_the_authority_hears_of_an_unauthorised_stop_and_the_provider_of_its_review(call_as, world, new_entry):
    authority, provider = fresh(AUTHORITY), fresh(PROVIDER)
    pkg = new_entry()
    call_as(world.provider_editor, "resource_patch", id=pkg["resources"][0]["id"], online_status="offline")
    (flag,) = lifecycle(call_as(authority, "notification_list", unread_only=True), "violation")
    assert flag["event"] == "flag" and flag["url"] == "/lifecycle/violations"
    assert flag["title"] == pkg["title"] and flag["provider_org"] == PROVIDER
    assert lifecycle(call_as(provider, "notification_list", unread_only=True), "violation") == []  # the Authority's

    call_as(world.authority, "violation_review", id=flag["object_id"], decision="confirm", notes="责令改正")
    (review,) = lifecycle(call_as(provider, "notification_list", unread_only=True), "violation")
    assert review["event"] == "confirm" and review["url"] == f"/catalog/{pkg['name']}"  # its own entry's page


def test_consumers_hear_of_a_resource_going_offline_once_per_request(call_as, world, new_entry, drive):
    consumer = fresh(CONSUMER)
    pkg = new_entry(sharing_type="conditional")
    req = drive("delivered", package_id=pkg["name"], resource_ids=[pkg["resources"][0]["id"]])
    call_as(consumer, "notification_mark_read")
    app = call_as(world.provider_admin, "resource_offline_apply", package_id=pkg["id"],
                  resource_id=pkg["resources"][0]["id"], reason="系统停用", legal_basis="市政府令第1号")
    call_as(world.authority, "resource_offline_decide", id=app["id"], decision="approve")
    inbox = call_as(consumer, "notification_list", unread_only=True)
    assert [(n["source"], n["event"], n["share_request_id"]) for n in inbox["results"]] == [
        ("share_request", "resource_offline_notice", req["id"])]
    assert inbox["results"][0]["url"] == f"/sharing/request/{req['id']}"


def test_an_offlining_coordination_links_a_consumer_to_the_entry(call_as, world, new_entry, drive):
    from .conftest import pdf
    consumer = fresh(CONSUMER)
    pkg = new_entry(sharing_type="conditional")
    drive("delivered", package_id=pkg["name"])
    app = call_as(world.provider_admin, "catalog_offline_apply", package_id=pkg["id"], reason="职能调整",
                  attachment_upload=pdf())
    call_as(world.operator, "catalog_offline_review", id=app["id"], decision="approve")
    (item,) = lifecycle(call_as(consumer, "notification_list", unread_only=True), "catalog_offline")
    assert item["event"] == "approve" and item["url"] == f"/catalog/{pkg['name']}"  # may not open the application
    operator_view = lifecycle(call_as(world.operator, "notification_list", limit=200), "catalog_offline")
    assert f"/lifecycle/catalog-offline/{app['id']}" in {n["url"] for n in operator_view if n["object_id"] == app["id"]}


def test_the_notifications_page_shows_lifecycle_notices_in_chinese(app, call_as, world, token):
    user = fresh(OTHER)
    notice = upkeep(call_as, world, title="机构改革后的目录维护", cause="duty_change", basis="市委编办〔2026〕1号")
    html = app.get("/sharing/notifications", headers=token(user))
    assert html.status_code == 200
    soup = BeautifulSoup(html.get_data(as_text=True), "html.parser")
    item = soup.select_one(f"li.liuzhou-notification-lifecycle[data-object='{notice['id']}']")
    assert "liuzhou-notification-unread" in item["class"]
    assert item.select_one(".liuzhou-notification-event").get_text(strip=True) == "目录维护通知：发出通知"
    link = item.select_one(".liuzhou-notification-head a")
    assert link["href"] == f"/lifecycle/upkeep/{notice['id']}" and link.get_text(strip=True) == "机构改革后的目录维护"
    assert "市委编办〔2026〕1号" in item.get_text()
    assert soup.select_one("a.liuzhou-notifications-link .liuzhou-unread-badge").get_text(strip=True) == "1"
    assert app.get(link["href"], headers=token(user)).status_code == 200  # the department may open it
    # the API gives the same label in the site's language
    api = app.post("/api/action/notification_list", json={}, headers=token(user)).json["result"]
    assert next(n for n in lifecycle(api) if n["object_id"] == notice["id"])["label"] == "目录维护通知：发出通知"


# ---------------------------------------------------------------- by e-mail

def queued() -> list:
    return [j for j in jobs.get_queue().jobs if j.func_name.endswith("send_event_mails")]


def sent(mail_server) -> list[email.message.EmailMessage]:
    return [email.message_from_string(raw, policy=policy.default) for *_, raw in mail_server.get_smtp_messages()]


def to(messages) -> set[str]:
    return {m["To"].addresses[0].addr_spec for m in messages}


def body(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.ckan_config("smtp.server", SMTP)
@pytest.mark.ckan_config("smtp.mail_from", "noreply@data.liuzhou.example")
@pytest.mark.usefixtures("clean_queues", "with_test_worker")
def test_lifecycle_notices_are_mailed_to_the_notified_departments_admins(call_as, world, new_entry, drive,
                                                                          mail_server):
    other_admin = model.User.get(world.other_admin).email
    member = make_user(OTHER, "member")["email"]
    with freeze_time("2026-03-03 02:00:00"):
        notice = upkeep(call_as, world)
    assert len(queued()) == 1  # one job after the commit
    jobs.Worker().work(burst=True)
    mails = sent(mail_server)
    assert other_admin in to(mails) and member not in to(mails)  # admins by mail, members in the app
    upkeep_mail = next(m for m in mails if m["To"].addresses[0].addr_spec == other_admin)
    assert upkeep_mail["Subject"] == "【柳州市数据共享交换平台】目录维护通知：发出通知：《档案法》修订后的目录维护"
    assert f"/lifecycle/upkeep/{notice['id']}" in body(upkeep_mail)
    assert "依据：《中华人民共和国档案法》" in body(upkeep_mail) and "办理期限：" in body(upkeep_mail)

    # an unauthorised stop: the Authority's admins
    mail_server.clear_smtp_messages()
    pkg = new_entry()
    call_as(world.provider_editor, "resource_patch", id=pkg["resources"][0]["id"], online_status="offline")
    jobs.Worker().work(burst=True)
    mails = sent(mail_server)
    assert model.User.get(world.authority).email in to(mails)
    flag = next(m for m in mails if m["To"].addresses[0].addr_spec == model.User.get(world.authority).email)
    assert flag["Subject"].endswith(f"擅自停止服务：标记：{pkg['title']}")
    assert "/lifecycle/violations" in body(flag) and "提供部门：柳州市公安局" in body(flag)

    # a resource's public notice starts: the consumers' admins, through their requests
    mail_server.clear_smtp_messages()
    shared = new_entry(sharing_type="conditional")
    req = drive("delivered", package_id=shared["name"])
    jobs.Worker().work(burst=True)
    mail_server.clear_smtp_messages()
    with freeze_time("2026-03-02 02:00:00"):
        app = call_as(world.provider_admin, "resource_offline_apply", package_id=shared["id"],
                      resource_id=shared["resources"][0]["id"], reason="系统停用", legal_basis="市政府令第1号")
        call_as(world.authority, "resource_offline_decide", id=app["id"], decision="approve")
    jobs.Worker().work(burst=True)
    mails = sent(mail_server)
    consumer_admin = model.User.get(world.consumer_admin).email
    notice_mail = [m for m in mails if m["To"].addresses[0].addr_spec == consumer_admin]
    assert len(notice_mail) == 1 and "数据资源下线公示" in notice_mail[0]["Subject"]
    assert f"/sharing/request/{req['id']}" in body(notice_mail[0]) and "公示截止：" in body(notice_mail[0])
    assert f"数据资源：{shared['resources'][0]['name']}" in body(notice_mail[0])
    provider_admin = model.User.get(world.provider_admin).email
    assert any("数据资源下线：已同意" in m["Subject"] for m in mails if m["To"].addresses[0].addr_spec == provider_admin)
