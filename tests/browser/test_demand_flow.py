"""The demand list through the pages, in a real headless Chromium (docs/demand.md): a consumer
department's user files a need from the 共享需求 tab, the Operator routes it to the suggested
department, that department's admin answers by pointing to its entry, and a share request on
the entry exists for the consumer; a user of another department is refused the need's page.

Selectors use the pages' stable ids and classes (#field-title, #step-route, …).
"""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from tests.conftest import make_user
from tests.sharing.conftest import CONSUMER, OPERATOR, OTHER, PROVIDER, entry

from .conftest import PASSWORD
from .test_publish_and_find import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("departments")]

TITLE = "柳州市户籍人口死亡注销信息"


@pytest.fixture(scope="module")
def people(departments):
    def user(org, role, fullname):
        return make_user(org, role, password=PASSWORD, fullname=fullname)["name"]
    accounts = {
        "provider_admin": user(PROVIDER, "admin", "公安局 审核员"),
        "consumer": user(CONSUMER, "member", "人社局 经办人"),
        "operator": user(OPERATOR, "member", "运营中心 对接员"),
        "other": user(OTHER, "admin", "教育局 管理员"),
    }
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    pkg = tk.get_action("package_create")(dict(site), entry(PROVIDER, TITLE, "conditional"))
    model.Session.remove()
    return accounts, pkg


def test_file_route_answer_with_an_entry_and_a_share_request_exists(browser_page, screenshot, people):
    accounts, pkg = people

    # 1. the consumer files a need from the 共享需求 tab
    page = browser_page()
    sign_in(page, accounts["consumer"])
    page.goto("/sharing/mine")
    page.click("a[data-tab=demand]")
    page.wait_for_selector("ul.liuzhou-demand-nav")
    page.click("a.liuzhou-demand-new")
    page.wait_for_selector("form#liuzhou-demand-form")
    page.fill("#field-title", "户籍人口死亡注销信息")
    page.fill("#field-description", "用于及时停发已死亡人员的养老保险待遇")
    page.fill("#field-duty", "城乡居民养老保险待遇资格认证")
    page.fill("#field-basis", "《社会保险法》第七十四条")
    page.fill("#field-information_items", "公民身份号码\n姓名\n死亡日期")
    page.fill("#field-needed_by", "2030-06-30")
    screenshot(page, "demand-01-form")
    page.click("form#liuzhou-demand-form button[type=submit]")
    page.wait_for_selector("#demand-state")
    need_url = page.url.split("?")[0]
    assert page.get_attribute("#demand-state", "data-state") == "submitted"
    assert "待分派" in page.inner_text("#demand-state")
    screenshot(page, "demand-02-filed")

    # 2. the Operator finds it to handle, sees 公安局 suggested and routes it there
    page = browser_page()
    sign_in(page, accounts["operator"])
    page.goto("/demand/review")
    screenshot(page, "demand-02b-to-route")
    page.click("tr[data-demand] a.liuzhou-demand-link:has-text('户籍人口死亡注销信息')")
    page.wait_for_selector("#step-route")
    suggested = page.inner_text(f"tr[data-candidate={PROVIDER}]")
    assert TITLE in suggested and "人口基础信息" in suggested
    screenshot(page, "demand-03-route")
    page.click(f"tr[data-candidate={PROVIDER}] button.liuzhou-route-candidate")
    page.wait_for_selector("#demand-state[data-state=routed]")
    assert "柳州市公安局" in page.inner_text("#demand-provider")
    assert page.locator("#step-route").count() == 0

    # 3. the provider's admin answers by pointing to its entry: a share request is filed
    page = browser_page()
    sign_in(page, accounts["provider_admin"])
    page.goto("/demand/review")
    page.click("tr[data-demand] a.liuzhou-demand-link:has-text('户籍人口死亡注销信息')")
    page.wait_for_selector("#step-answer")
    assert "个工作日" in page.inner_text(".liuzhou-demand-fields")
    screenshot(page, "demand-04-answer")
    page.select_option("#field-package_id", pkg["name"])
    page.click("#answer-entry-form button[type=submit]")
    page.wait_for_selector("#demand-state[data-state=met]")
    screenshot(page, "demand-05-met")

    # 4. the consumer follows the need to the share request, waiting for the provider's decision
    page = browser_page()
    sign_in(page, accounts["consumer"])
    page.goto(need_url)
    assert "已满足" in page.inner_text("#demand-state")
    page.click("a#demand-share-request")
    page.wait_for_selector(".liuzhou-request-badges")
    assert "/sharing/request/" in page.url
    assert "待审核" in page.inner_text(".liuzhou-request-badges")
    assert TITLE in page.inner_text("h1.page-heading")
    screenshot(page, "demand-06-share-request")

    # 5. another department's user is refused the need
    page = browser_page()
    sign_in(page, accounts["other"])
    response = page.goto(need_url)
    assert response.status == 403
