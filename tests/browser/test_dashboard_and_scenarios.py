"""The Authority's dashboard and the application scenario form, in a real headless Chromium.

The Authority opens /evaluation/dashboard: ECharts (served by the portal) draws every chart,
and a slice of the requests-by-state chart opens the list of those requests; a county
authority sees its county; a provider's admin is refused. A consumer's editor registers a
scenario through the form: an entry the department may not read is refused with the message
on the form, a readable one and a request it is party to are registered.
"""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from tests.conftest import make_user
from tests.sharing.conftest import AUTHORITY, CONSUMER, COUNTY_AUTHORITY, OPERATOR, PROVIDER, entry

from .conftest import PASSWORD
from .test_publish_and_find import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("departments")]


@pytest.fixture(scope="module")
def world(departments):
    def user(org, role, fullname):
        return make_user(org, role, password=PASSWORD, fullname=fullname)["name"]
    people = {
        "authority": user(AUTHORITY, "admin", "大数据局 科长"),
        "county": user(COUNTY_AUTHORITY, "admin", "柳江区大数据局 管理员"),
        "provider_admin": user(PROVIDER, "admin", "公安局 管理员"),
        "consumer_member": user(CONSUMER, "member", "人社局 经办人"),
        "consumer_editor": user(CONSUMER, "editor", "人社局 数据专员"),
        "operator": user(OPERATOR, "member", "运营中心 交付员"),
    }
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    open_entry = tk.get_action("package_create")(dict(site), entry(PROVIDER, "柳州市居民身份信息（浏览器测试）", "unconditional"))
    closed = tk.get_action("package_create")(dict(site), entry(PROVIDER, "柳州市涉密案件信息（浏览器测试）", "not_shared"))

    def as_(who, action, **data):
        return tk.get_action(action)({"user": people[who], "ignore_auth": False}, data)
    asked = tk.get_action("package_create")(dict(site), entry(PROVIDER, "柳州市户籍人口信息（浏览器测试）", "conditional"))
    req = as_("consumer_member", "share_request_create", package_id=asked["name"], purpose="社保资格认证核验身份",
              basis="《社会保险法》第七十四条", scope_users=[people["consumer_member"]], information_items=["gmsfhm"],
              valid_until="2030-06-30", sharing_method="platform")
    as_("provider_admin", "share_request_decide", id=req["id"], decision="approve")
    as_("operator", "share_request_deliver", id=req["id"])
    model.Session.remove()
    return people, open_entry, closed, req


def test_the_authority_s_dashboard_draws_every_chart_and_links_to_the_lists(browser_page, screenshot, world):
    people, _open, _closed, req = world
    page = browser_page()
    page.set_viewport_size({"width": 1920, "height": 1080})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, people["authority"])
    page.goto("/evaluation/dashboard")
    page.wait_for_selector(".liuzhou-dashboard[data-charts]")
    assert "数据共享总览" in page.inner_text("h1")
    # every chart with figures is drawn, as SVG, by the portal's own ECharts
    drawn = page.locator(".liuzhou-dash-chart[data-drawn] svg")
    assert drawn.count() >= 5, page.content()[-2000:]
    assert page.evaluate("typeof window.echarts.version") == "string"
    assert all("http" not in (s or "") for s in page.eval_on_selector_all("script[src]", "els => els.map(e => e.src.replace(location.origin, ''))"))
    assert not errors
    screenshot(page, "dashboard-authority")
    # the state chart's ring (one state here: the delivered request) opens the list of those requests
    box = page.locator(".liuzhou-dash-chart[data-chart=by_state]").bounding_box()
    ring = (0.34 + 0.66) / 2 * min(box["width"], box["height"]) / 2   # the ring's radii (evaluation-dashboard.js)
    with page.expect_navigation():
        page.mouse.click(box["x"] + box["width"] * 0.5 + ring, box["y"] + box["height"] * 0.42)
    assert "/sharing/all?state=delivered" in page.url
    assert page.locator(f"a[href='/sharing/request/{req['id']}']").count() >= 1


def test_a_county_authority_sees_its_county_and_a_provider_is_refused(browser_page, world):
    people = world[0]
    page = browser_page()
    sign_in(page, people["county"])
    page.goto("/evaluation/dashboard")
    assert "柳江区" in page.inner_text("h1")
    other = browser_page()
    sign_in(other, people["provider_admin"])
    response = other.goto("/evaluation/dashboard")
    assert response.status == 403


def test_a_consumer_registers_a_scenario_through_the_form(browser_page, screenshot, world):
    people, open_entry, closed, req = world
    page = browser_page()
    sign_in(page, people["consumer_editor"])
    page.goto("/scenario/new")
    page.fill("#field-name", "社保待遇资格静默认证")
    page.fill("#field-serves", "退休人员无需每年到窗口认证")
    page.check(f"#req-{req['id']}")
    # an entry the department may not read: refused, with the message on the form
    page.fill("#field-entries_more", closed["name"])
    page.click("#scenario-form button[name=save]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".liuzhou-form-errors").count() == 1
    assert closed["title"] in page.inner_text(".liuzhou-form-errors")
    screenshot(page, "scenario-form-refused")
    # the request stays ticked; a readable entry instead
    assert page.is_checked(f"#req-{req['id']}")
    page.fill("#field-entries_more", open_entry["name"])
    page.click("#scenario-form button[name=save]")
    page.wait_for_load_state("networkidle")
    assert "/scenario/" in page.url and "/new" not in page.url
    body = page.inner_text("main, #content")
    assert "社保待遇资格静默认证" in body and open_entry["title"] in body
    screenshot(page, "scenario-registered")
    # the member of the same department may see it, not register one
    member = browser_page()
    sign_in(member, people["consumer_member"])
    assert member.goto(page.url).status == 200
    assert member.goto("/scenario/new").status == 403
