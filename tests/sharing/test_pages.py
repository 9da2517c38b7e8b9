"""The sharing pages over HTTP (docs/sharing.md, the pages table), as each role: the request form from the entry
page, my requests, to review, a request's page with the forms of the steps the role may
take, the Authority's suspensions and overdue items, the Operator's calendar.

Users sign in with API tokens (CKAN then skips the CSRF check, as for any API client), except
where the CSRF check itself is tested with a browser-like session. Runs at the real date:
requests that must be overdue are created in the past with freezegun, then looked at now.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
import re

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time

from ckan.tests import factories

from ckanext.liuzhou.calendar import store

from tests.conftest import make_user

from .conftest import CONSUMER, MONDAY, PROVIDER

PASSWORD = "Liuzhou@Pages2026"


@pytest.fixture
def auth():
    """auth(user): headers that sign the user in (an API token, made once per user)."""
    tokens: dict[str, dict] = {}

    def headers(user: str) -> dict:
        if user not in tokens:
            tokens[user] = {"Authorization": factories.APIToken(user=user)["token"]}
        return tokens[user]
    return headers


def page(response) -> BeautifulSoup:
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[-2000:])
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text(soup: BeautifulSoup) -> str:
    return soup.get_text(" ", strip=True)


def steps(soup: BeautifulSoup) -> set[str]:
    """The step forms shown on a request's page."""
    return {s["id"].removeprefix("step-") for s in soup.select("section.liuzhou-step")}


def state_of(call_as, world, rid: str) -> str:
    return call_as(world.operator, "share_request_show", id=rid)["state"]


def count_requests(call_as, world) -> int:
    return call_as(world.operator, "share_request_list", limit=1)["count"]


def form_for(world, **over) -> dict:
    data = {
        "consumer_org": CONSUMER,
        "information_items": ["gmsfhm", "xm"],
        "purpose": "社会保障待遇资格认证时核验参保人身份",
        "basis": "《社会保险法》第七十四条",
        "scope_users": [world.consumer_member, world.consumer_scoped],
        "valid_until": "2027-06-30",
        "sharing_method": "platform",
    }
    data.update(over)
    return data


# ---------------------------------------------------------------- the entry page's button

def test_entry_page_offers_a_request_to_other_departments_only(app, world, auth):
    cond = page(app.get(f"/catalog/{world.conditional['name']}", headers=auth(world.consumer_member)))
    button = cond.select_one("a.liuzhou-request-button")
    assert button is not None and button.get_text(strip=True) == "申请共享"
    assert button["href"] == f"/sharing/new/{world.conditional['name']}"

    neg = page(app.get(f"/catalog/{world.not_shared['name']}", headers=auth(world.consumer_member)))
    assert neg.select_one("a.liuzhou-request-button").get_text(strip=True) == "协商申请"

    free = page(app.get(f"/catalog/{world.unconditional['name']}", headers=auth(world.consumer_member)))
    assert free.select_one("a.liuzhou-request-button") is None
    assert "可直接使用" in free.select_one(".liuzhou-direct-use").get_text()

    own = page(app.get(f"/catalog/{world.conditional['name']}", headers=auth(world.provider_editor)))
    assert own.select_one("a.liuzhou-request-button") is None  # the provider's own users


def test_request_form_lists_the_entry_and_the_consumer_department(app, world, auth):
    soup = page(app.get(f"/sharing/new/{world.conditional['name']}", headers=auth(world.consumer_member)))
    assert "申请共享" in soup.title.get_text()
    form = soup.select_one("form#liuzhou-request-form")
    assert form["method"] == "post"
    items = {i["value"] for i in form.select("input[name=information_items]")}
    assert items == {"gmsfhm", "xm", "csrq"}
    resources = {i["value"] for i in form.select("input[name=resource_ids]")}
    assert resources == {r["id"] for r in world.conditional["resources"]}
    scope = {i["value"] for i in form.select("input[name=scope_users]")}
    assert {world.consumer_member, world.consumer_scoped, world.consumer_admin} <= scope
    assert not scope & {world.provider_admin, world.other_admin, world.operator}  # own department only
    for name in ("purpose", "basis", "valid_from", "valid_until", "sharing_method"):
        assert form.select_one(f"[name={name}]") is not None, name
    labels = text(form)
    for label in ("用途", "依据", "知悉范围", "有效期", "共享方式", "信息项"):
        assert label in labels, label


def test_request_form_refused_to_the_provider_and_shown_as_direct_for_unconditional(app, world, auth):
    assert app.get(f"/sharing/new/{world.conditional['name']}", headers=auth(world.provider_admin)).status_code == 403
    free = page(app.get(f"/sharing/new/{world.unconditional['name']}", headers=auth(world.consumer_member)))
    assert free.select_one("form#liuzhou-request-form") is None and "可直接使用" in text(free)
    assert app.get("/sharing/new/no-such-entry", headers=auth(world.consumer_member)).status_code == 404
    anonymous = app.get(f"/sharing/new/{world.conditional['name']}", follow_redirects=False)
    assert anonymous.status_code == 302 and "/user/login" in anonymous.headers["Location"]


def test_one_rendered_form_makes_one_request_however_often_it_is_sent(app, world, auth, call_as):
    url = f"/sharing/new/{world.conditional['name']}"
    token = page(app.get(url, headers=auth(world.consumer_member))).select_one("input[name=form_token]")["value"]
    before = count_requests(call_as, world)
    first = app.post(url, headers=auth(world.consumer_member), data={**form_for(world), "form_token": token},
                     follow_redirects=False)
    again = app.post(url, headers=auth(world.consumer_member), data={**form_for(world), "form_token": token},
                     follow_redirects=False)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]  # the second lands on the first's request
    assert count_requests(call_as, world) == before + 1
    # a newly rendered form with the same answers is a new request
    token2 = page(app.get(url, headers=auth(world.consumer_member))).select_one("input[name=form_token]")["value"]
    assert token2 != token
    app.post(url, headers=auth(world.consumer_member), data={**form_for(world), "form_token": token2})
    assert count_requests(call_as, world) == before + 2


def test_submitting_the_form_creates_the_request_and_shows_it(app, world, auth, call_as):
    before = count_requests(call_as, world)
    response = app.post(f"/sharing/new/{world.conditional['name']}", headers=auth(world.consumer_member),
                        data=form_for(world), follow_redirects=False)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    rid = response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert count_requests(call_as, world) == before + 1
    req = call_as(world.consumer_member, "share_request_show", id=rid)
    assert req["state"] == "submitted" and req["consumer_org"] == CONSUMER
    assert req["information_items"] == ["gmsfhm", "xm"]
    assert req["scope_users"] == sorted([world.consumer_member, world.consumer_scoped])
    soup = page(app.get(f"/sharing/request/{rid}", headers=auth(world.consumer_member)))
    assert "待审核" in soup.select_one(".liuzhou-request-badges").get_text()
    assert "工作日" in soup.select_one(".liuzhou-deadline-line").get_text()  # days left to decide


def test_form_errors_are_shown_on_their_fields_and_nothing_is_saved(app, world, auth, call_as):
    before = count_requests(call_as, world)
    soup = page(app.post(f"/sharing/new/{world.conditional['name']}", headers=auth(world.consumer_member),
                         data=form_for(world, purpose="", scope_users=[], valid_until="")))
    assert count_requests(call_as, world) == before
    assert soup.select_one(".liuzhou-form-errors") is not None
    assert soup.select_one("#field-purpose").find_parent(class_="form-group").select_one(".error-block, .error")
    assert soup.select_one(".liuzhou-field-error[data-field=scope_users]") is not None
    # what was entered is kept
    assert soup.select_one("#field-basis").get_text() == "《社会保险法》第七十四条"
    assert {i["value"] for i in soup.select("input[name=information_items][checked]")} == {"gmsfhm", "xm"}

    soup = page(app.post(f"/sharing/new/{world.conditional['name']}", headers=auth(world.consumer_member),
                         data=form_for(world, scope_users=[world.provider_admin], valid_until="2020-01-01")))
    assert count_requests(call_as, world) == before
    messages = text(soup.select_one(".liuzhou-form-errors"))
    assert "不是申请部门的用户" in messages or world.provider_admin in messages


# ---------------------------------------------------------------- a request's page and its steps

def test_request_page_as_each_role(app, world, auth, drive):
    rid = drive("submitted")["id"]
    url = f"/sharing/request/{rid}"
    consumer = page(app.get(url, headers=auth(world.consumer_member)))
    assert steps(consumer) == {"withdraw", "coordination_open"}
    body = text(consumer)
    assert world.consumer_scoped in {b["data-user"] for b in consumer.select(".liuzhou-scope [data-user]")}
    for fact in ("社会保障待遇资格认证时核验参保人身份", "《社会保险法》第七十四条", "公民身份号码", "姓名"):
        assert fact in body, fact
    assert [li["data-event"] for li in consumer.select(".liuzhou-timeline-event")] == ["create"]

    provider = page(app.get(url, headers=auth(world.provider_admin)))
    assert steps(provider) == {"decide"}
    reasons = {o["value"] for o in provider.select("#field-decide-reason_code option")}
    assert {"no_legal_basis", "scope_too_broad", "other"} <= reasons
    assert steps(page(app.get(url, headers=auth(world.provider_editor)))) == set()  # not an admin
    assert steps(page(app.get(url, headers=auth(world.operator)))) == set()
    assert steps(page(app.get(url, headers=auth(world.authority)))) == set()

    assert app.get(url, headers=auth(world.other_admin)).status_code == 403
    assert app.get(url, headers=auth(world.county_authority)).status_code == 403
    assert app.get("/sharing/request/no-such-request", headers=auth(world.consumer_member)).status_code == 404
    anonymous = app.get(url, follow_redirects=False)
    assert anonymous.status_code == 302 and "/user/login" in anonymous.headers["Location"]


def test_decide_deliver_and_see_access_granted(app, world, auth, call_as, drive):
    rid = drive("submitted")["id"]
    url = f"/sharing/request/{rid}"
    # the consumer cannot decide: 403, nothing changes
    assert app.post(f"{url}/decide", headers=auth(world.consumer_member), data={"decision": "approve"}).status_code == 403
    assert state_of(call_as, world, rid) == "submitted"
    # a rejection needs a reason code and a reason: the page says so, nothing changes
    refused = page(app.post(f"{url}/decide", headers=auth(world.provider_admin), data={"decision": "reject"}))
    assert "驳回须选择理由类别" in text(refused.select_one("#step-decide"))
    assert state_of(call_as, world, rid) == "submitted"

    done = app.post(f"{url}/decide", headers=auth(world.provider_admin), data={"decision": "approve"})
    soup = page(done)
    assert state_of(call_as, world, rid) == "approved"
    assert "已同意" in text(soup.select_one(".liuzhou-request-badges"))
    assert steps(page(app.get(url, headers=auth(world.operator)))) >= {"deliver"}
    assert app.post(f"{url}/deliver", headers=auth(world.provider_admin), data={}).status_code == 403

    page(app.post(f"{url}/deliver", headers=auth(world.operator), data={"notes": "接口账号已开通"}))
    consumer = page(app.get(url, headers=auth(world.consumer_member)))
    assert "已交付" in text(consumer.select_one(".liuzhou-request-badges"))
    assert "已获得访问权限" in text(consumer.select_one(".liuzhou-access-box"))
    assert "接口账号已开通" in text(consumer.select_one(".liuzhou-deliveries"))
    assert steps(consumer) == {"quality_issue", "coordination_open"}
    assert [li["data-event"] for li in consumer.select(".liuzhou-timeline-event")] == ["deliver", "approve", "create"]


def test_no_state_change_on_get_and_csrf_on_post(app, world, call_as, drive):
    rid = drive("submitted")["id"]
    user = make_user(PROVIDER, "admin", password=PASSWORD)["name"]
    # a step is POST only: a GET is no route (CKAN answers 404 or 405) and changes nothing
    assert app.get(f"/sharing/request/{rid}/decide?decision=approve").status_code in (404, 405)
    client = app.test_client()
    login = client.get("/user/login").get_data(as_text=True)
    token = re.search(r'name="_csrf_token" value="([^"]+)"', login).group(1)
    client.post("/user/login", data={"login": user, "password": PASSWORD, "_csrf_token": token})
    soup = page(client.get(f"/sharing/request/{rid}"))
    assert "decide" in steps(soup)  # signed in by the session cookie
    form_token = soup.select_one("#step-decide input[name=_csrf_token]")["value"]
    assert client.get(f"/sharing/request/{rid}/decide?decision=approve").status_code in (404, 405)
    assert client.post(f"/sharing/request/{rid}/decide", data={"decision": "approve"}).status_code == 400
    assert state_of(call_as, world, rid) == "submitted"
    client.post(f"/sharing/request/{rid}/decide", data={"decision": "approve", "_csrf_token": form_token})
    assert state_of(call_as, world, rid) == "approved"


def test_coordination_open_and_close_by_the_operator(app, world, auth, call_as, drive):
    rid = drive("rejected")["id"]
    url = f"/sharing/request/{rid}"
    consumer = page(app.get(url, headers=auth(world.consumer_member)))
    assert steps(consumer) == {"coordination_open"}
    assert "知悉范围超出必要" in text(consumer.select_one(".liuzhou-request-facts"))  # the reason code's label
    page(app.post(f"{url}/coordination_open", headers=auth(world.consumer_member), data={"reason": "申请确有必要"}))
    assert state_of(call_as, world, rid) == "coordinating"

    assert app.post(f"{url}/coordination_close", headers=auth(world.provider_admin),
                    data={"outcome": "approved"}).status_code == 403
    operator = page(app.get(url, headers=auth(world.operator)))
    assert "coordination_close" in steps(operator)
    refused = page(app.post(f"{url}/coordination_close", headers=auth(world.operator), data={"outcome": "approved"}))
    assert refused.select_one("#step-coordination_close .liuzhou-form-errors") is not None
    assert state_of(call_as, world, rid) == "coordinating"
    page(app.post(f"{url}/coordination_close", headers=auth(world.operator), data={
        "meeting_date": store.local_date(store.utcnow()).isoformat(), "participants": "市公安局 张三\n市人社局 李四",
        "outcome": "approved", "notes": "同意按最小必要原则共享"}))
    req = call_as(world.consumer_member, "share_request_show", id=rid)
    assert req["state"] == "approved" and req["coordinations"][0]["participants"] == ["市公安局 张三", "市人社局 李四"]
    soup = page(app.get(url, headers=auth(world.consumer_member)))
    assert "同意按最小必要原则共享" in text(soup.select_one(".liuzhou-coordinations"))


def test_quality_issue_and_fix(app, world, auth, call_as, drive):
    rid = drive("delivered")["id"]
    url = f"/sharing/request/{rid}"
    assert app.post(f"{url}/quality_issue", headers=auth(world.provider_admin),
                    data={"description": "x"}).status_code == 403
    refused = page(app.post(f"{url}/quality_issue", headers=auth(world.consumer_member), data={}))
    assert refused.select_one("#step-quality_issue .liuzhou-form-errors") is not None
    page(app.post(f"{url}/quality_issue", headers=auth(world.consumer_member),
                  data={"description": "部分记录出生日期为空", "information_items": ["gmsfhm"]}))
    assert state_of(call_as, world, rid) == "quality_issue"
    provider = page(app.get(url, headers=auth(world.provider_admin)))
    assert "resolve" in steps(provider)
    assert "部分记录出生日期为空" in text(provider.select_one(".liuzhou-quality-issues"))
    page(app.post(f"{url}/resolve", headers=auth(world.provider_admin), data={"resolution": "已补全"}))
    assert state_of(call_as, world, rid) == "fixed"
    assert "deliver" in steps(page(app.get(url, headers=auth(world.operator))))


def test_suspend_resume_terminate_and_the_authoritys_suspension_list(app, world, auth, call_as, drive):
    rid = drive("delivered")["id"]
    url = f"/sharing/request/{rid}"
    provider = page(app.get(url, headers=auth(world.provider_admin)))
    assert steps(provider) == {"suspend", "terminate"}
    assert app.post(f"{url}/suspend", headers=auth(world.consumer_admin), data={"reason": "x"}).status_code == 403
    refused = page(app.post(f"{url}/suspend", headers=auth(world.provider_admin), data={"reason": ""}))
    assert refused.select_one("#step-suspend .liuzhou-form-errors") is not None
    assert state_of(call_as, world, rid) == "delivered"
    page(app.post(f"{url}/suspend", headers=auth(world.provider_admin), data={"reason": "发现超范围使用"}))
    assert state_of(call_as, world, rid) == "suspended"

    listing = page(app.get("/sharing/suspensions", headers=auth(world.authority)))
    row = listing.select_one(f"tr[data-request='{rid}']")
    assert row is not None and "发现超范围使用" in text(row) and "仍在暂停" in text(row)
    assert app.get("/sharing/suspensions", headers=auth(world.operator)).status_code == 200
    for user in (world.consumer_admin, world.provider_admin, world.other_admin):
        assert app.get("/sharing/suspensions", headers=auth(user)).status_code == 403, user

    assert steps(page(app.get(url, headers=auth(world.provider_admin)))) == {"resume", "terminate"}
    page(app.post(f"{url}/resume", headers=auth(world.provider_admin), data={"reason": "已整改"}))
    assert state_of(call_as, world, rid) == "delivered"
    page(app.post(f"{url}/terminate", headers=auth(world.provider_admin), data={"reason": "停止服务"}))
    assert state_of(call_as, world, rid) == "terminated"
    assert steps(page(app.get(url, headers=auth(world.provider_admin)))) == set()


def test_withdraw_by_the_requester(app, world, auth, call_as, drive):
    rid = drive("submitted")["id"]
    assert app.post(f"/sharing/request/{rid}/withdraw", headers=auth(world.other_admin), data={}).status_code == 403
    page(app.post(f"/sharing/request/{rid}/withdraw", headers=auth(world.consumer_member), data={}))
    assert state_of(call_as, world, rid) == "withdrawn"
    assert app.post(f"/sharing/request/{rid}/nonsense", headers=auth(world.consumer_member)).status_code == 404


# ---------------------------------------------------------------- lists

def test_my_requests_and_to_review(app, world, auth, drive):
    rid = drive("submitted")["id"]
    mine = page(app.get("/sharing/mine", headers=auth(world.consumer_member)))
    assert mine.select_one(f"tr[data-request='{rid}']") is not None
    assert page(app.get("/sharing/mine", headers=auth(world.provider_admin))).select_one(f"tr[data-request='{rid}']") is None

    review = page(app.get("/sharing/review", headers=auth(world.provider_admin)))
    assert review.select_one(f"tr[data-request='{rid}']") is not None
    assert page(app.get("/sharing/review", headers=auth(world.consumer_member))).select_one(
        f"tr[data-request='{rid}']") is None
    other = page(app.get("/sharing/mine", headers=auth(world.other_admin)))
    assert other.select_one(f"tr[data-request='{rid}']") is None

    filtered = page(app.get("/sharing/mine?state=delivered", headers=auth(world.consumer_member)))
    assert filtered.select_one(f"tr[data-request='{rid}']") is None
    assert all(r["data-state"] == "delivered" for r in filtered.select("tr.liuzhou-request-row"))
    assert app.get("/sharing/mine", follow_redirects=False).status_code == 302  # to the sign-in page


def test_overdue_rows_are_marked_with_the_working_days_late(app, world, auth, call_as, request_data):
    with freeze_time(MONDAY):
        late = call_as(world.consumer_member, "share_request_create", **request_data())
    fresh = call_as(world.consumer_member, "share_request_create", **request_data())
    expected = store.load().workdays_between(dt.datetime.fromisoformat(late["deadline"]), store.utcnow())
    assert expected > 100

    soup = page(app.get("/sharing/review?overdue=1", headers=auth(world.provider_admin)))
    row = soup.select_one(f"tr[data-request='{late['id']}']")
    assert "liuzhou-row-overdue" in row["class"]
    badge = row.select_one(".liuzhou-overdue-badge")
    assert badge.get_text(" ", strip=True) == f"逾期 {expected} 个工作日"
    assert badge["data-workdays-late"] == str(expected)
    assert soup.select_one(f"tr[data-request='{fresh['id']}']") is None  # not overdue: filtered out
    all_rows = page(app.get("/sharing/review", headers=auth(world.provider_admin)))
    assert all_rows.select_one(f"tr[data-request='{fresh['id']}'] .liuzhou-overdue-badge") is None
    assert all_rows.select_one(f"tr[data-request='{fresh['id']}'] .liuzhou-deadline-left") is not None

    authority = page(app.get("/sharing/overdue", headers=auth(world.authority)))
    assert authority.select_one(f"tr[data-request='{late['id']}'] .liuzhou-overdue-badge") is not None
    assert authority.select_one(f"tr[data-request='{fresh['id']}']") is None
    assert page(app.get(f"/sharing/request/{late['id']}", headers=auth(world.consumer_member))).select_one(
        ".liuzhou-overdue-flag") is not None
    # another department sees none of it
    assert page(app.get("/sharing/overdue", headers=auth(world.other_admin))).select_one(
        f"tr[data-request='{late['id']}']") is None


def test_a_deadline_in_an_unknown_year_is_marked_provisional(app, world, auth, call_as, request_data, unknown_year):
    unknown_year(2027)
    with freeze_time("2026-12-30 02:00:00"):
        rid = call_as(world.consumer_member, "share_request_create", **request_data())["id"]
    soup = page(app.get(f"/sharing/request/{rid}", headers=auth(world.consumer_member)))
    notice = soup.select_one(".liuzhou-unknown-year-notice")
    assert notice is not None and "2027" in notice.get_text()
    badge = soup.select_one(".liuzhou-deadline .liuzhou-provisional")
    assert badge is not None and "暂定" in badge.get_text()
    mine = page(app.get("/sharing/mine", headers=auth(world.consumer_member)))
    row = mine.select_one(f"tr[data-request='{rid}']")
    assert row is not None and row.select_one(".liuzhou-provisional") is not None


def test_renewal_link_from_an_expired_request_fills_the_form(app, world, auth, drive):
    with freeze_time(MONDAY):
        old = drive("expired")
    soup = page(app.get(f"/sharing/request/{old['id']}", headers=auth(world.consumer_member)))
    link = soup.select_one("a.liuzhou-renew-link")
    assert link is not None
    assert page(app.get(f"/sharing/request/{old['id']}", headers=auth(world.provider_admin))).select_one(
        "a.liuzhou-renew-link") is None
    form = page(app.get(link["href"], headers=auth(world.consumer_member)))
    assert form.select_one("input[name=renews]")["value"] == old["id"]
    assert form.select_one("#field-purpose").get_text() == old["purpose"]
    assert {i["value"] for i in form.select("input[name=scope_users][checked]")} == set(old["scope_users"])


# ---------------------------------------------------------------- the Operator's calendar

NOTICE_2027 = (Path(__file__).parent.parent / "calendar" / "fixtures" / "notice-2027-test.txt").read_text(encoding="utf-8")


def test_calendar_page_for_the_operator_only(app, world, auth, call_as, unknown_year):
    year = unknown_year(2031)
    soup = page(app.get("/calendar/", headers=auth(world.operator)))
    assert "工作日日历" in soup.title.get_text()
    for user in (world.consumer_member, world.provider_admin, world.authority):
        assert app.get("/calendar/", headers=auth(user)).status_code == 403, user
        assert app.post("/calendar/notice", headers=auth(user), data={"text": NOTICE_2027}).status_code == 403
    assert app.post("/calendar/override", headers=auth(world.provider_admin),
                    data={"day": f"{year}-02-01", "workday": "false"}).status_code == 403

    refused = page(app.post("/calendar/override", headers=auth(world.operator), data={"day": "not a date"}))
    assert refused.select_one(".liuzhou-form-errors") is not None
    page(app.post("/calendar/override", headers=auth(world.operator),
                  data={"day": f"{year}-01-01", "workday": "false", "note": "元旦"}))
    assert call_as(world.operator, "holiday_override_list", year=year)[0]["note"] == "元旦"
    soup = page(app.get(f"/calendar/?year={year}", headers=auth(world.operator)))
    row = soup.select_one(f"tr[data-year='{year}']")
    assert "春节" in text(row.select_one(".liuzhou-missing-holidays"))
    assert row.select_one("button") is None, "no 确认该年度 while holidays are missing"
    assert soup.select_one(f"td[data-day='{year}-01-01']")["data-kind"] == "holiday"
    # a hand-made POST is refused with the holidays that are missing
    refused = page(app.post("/calendar/year", headers=auth(world.operator), data={"year": year, "confirmed": "true"}))
    assert "春节" in text(refused.select_one(".liuzhou-form-errors"))
    assert year not in store.load().confirmed_years
    page(app.post("/calendar/override_delete", headers=auth(world.operator), data={"day": f"{year}-01-01"}))
    assert call_as(world.operator, "holiday_override_list", year=year) == []
    assert app.get("/calendar/override", headers=auth(world.operator)).status_code in (404, 405)


def test_the_operator_pastes_the_notice_checks_the_months_and_confirms(app, world, auth, call_as, unknown_year):
    unknown_year(2027)
    soup = page(app.post("/calendar/notice", headers=auth(world.operator), data={"text": NOTICE_2027}))
    preview = soup.select_one(".liuzhou-notice-preview")
    assert preview is not None and preview["data-year"] == "2027"
    assert [r["data-holiday"] for r in preview.select("tr[data-holiday]")] == [
        "new_year", "spring_festival", "qingming", "labour_day", "dragon_boat", "mid_autumn", "national_day"]
    grid = soup.select_one(".liuzhou-year-grid")
    assert len(grid.select("table.liuzhou-month")) == 12
    assert grid.select_one("td[data-day='2027-01-31']")["data-kind"] == "adjusted_workday"
    assert grid.select_one("td[data-day='2027-02-10']")["data-kind"] == "holiday"
    assert soup.select_one("#field-notice-text").get_text().startswith("国务院办公厅关于2027年")  # kept to correct
    assert call_as(world.operator, "holiday_override_list", year=2027) == []  # a preview saves nothing

    missing = "\n".join(line for line in NOTICE_2027.splitlines() if "国庆节：" not in line)
    soup = page(app.post("/calendar/notice", headers=auth(world.operator), data={"text": missing}))
    assert "国庆节" in text(soup.select_one(".liuzhou-notice-check"))
    assert soup.select_one(".liuzhou-notice-confirm") is None

    confirm = page(app.post("/calendar/notice", headers=auth(world.operator), data={"text": NOTICE_2027}))
    form = confirm.select_one(".liuzhou-notice-confirm").find_parent("form")
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]") if i["name"] != "_csrf_token"}
    done = app.post("/calendar/notice", headers=auth(world.operator), data=data, follow_redirects=False)
    assert done.status_code == 302 and "year=2027" in done.headers["Location"]
    assert 2027 in store.load().confirmed_years
    assert len(call_as(world.operator, "holiday_override_list", year=2027)) == 34


# ---------------------------------------------------------------- navigation

def test_header_links_and_unread_badge(app, world, auth, drive):
    drive("approved")  # notifies 人社局 (and the Operator)
    soup = page(app.get("/", headers=auth(world.consumer_member)))
    nav = [a.get_text(strip=True) for a in soup.select("header.masthead .navbar-nav a")]
    assert "共享申请" in nav
    bell = soup.select_one("a.liuzhou-notifications-link")
    assert bell["href"] == "/sharing/notifications"
    assert int(bell.select_one(".liuzhou-unread-badge").get_text()) >= 1
    anonymous = page(app.get("/"))
    assert "共享申请" not in [a.get_text(strip=True) for a in anonymous.select("header.masthead .navbar-nav a")]
    assert anonymous.select_one("a.liuzhou-notifications-link") is None

    tabs = {a["data-tab"] for a in page(app.get("/sharing/mine", headers=auth(world.consumer_member))).select(
        ".liuzhou-sharing-tabs a")}
    assert tabs == {"mine", "review", "notifications", "corrections", "my_reads"}  # my_reads: every signed-in user's own reads
    tabs = {a["data-tab"] for a in page(app.get("/sharing/mine", headers=auth(world.authority))).select(
        ".liuzhou-sharing-tabs a")}
    # reads: the Authority's page of every department's reads (谁读了我的数据)
    assert tabs == {"mine", "review", "notifications", "corrections", "overdue", "suspensions", "reads", "my_reads"}
    tabs = {a["data-tab"] for a in page(app.get("/sharing/mine", headers=auth(world.operator))).select(
        ".liuzhou-sharing-tabs a")}
    assert {"calendar", "overdue", "suspensions"} <= tabs


def test_pages_are_in_english_at_en(app, world, auth, drive):
    rid = drive("submitted")["id"]
    soup = page(app.get(f"/en/sharing/request/{rid}", headers=auth(world.provider_admin)))
    assert "Awaiting decision" in text(soup.select_one(".liuzhou-request-badges"))
    assert soup.select_one("#step-decide button[value=approve]").get_text(strip=True) == "Approve"
