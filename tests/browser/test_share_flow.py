"""The conditional-sharing flow of Art 26 through the pages, in a real headless Chromium: a
consumer asks from the entry page, the provider's admin approves, the Operator delivers, the
consumer sees the request delivered with access granted and downloads the data through the
platform, and a user of another department is refused the request's page and the data.

Selectors use the pages' stable ids and classes (#field-purpose, #step-decide, …).
"""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.demo import loader, samples
from tests.conftest import make_user
from tests.sharing.conftest import CONSUMER, OPERATOR, OTHER, PROVIDER, entry

from .conftest import PASSWORD
from .test_publish_and_find import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("departments")]

TITLE = "柳州市居民身份核验信息"


@pytest.fixture(scope="module")
def people(departments):
    def user(org, role, fullname):
        return make_user(org, role, password=PASSWORD, fullname=fullname)["name"]
    accounts = {
        "provider_admin": user(PROVIDER, "admin", "公安局 审核员"),
        "consumer": user(CONSUMER, "member", "人社局 经办人"),
        "reader": user(CONSUMER, "member", "人社局 核验员"),
        "operator": user(OPERATOR, "member", "运营中心 对接员"),
        "other": user(OTHER, "admin", "教育局 管理员"),
    }
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    pkg = tk.get_action("package_create")(dict(site), entry(PROVIDER, TITLE, "conditional"))
    loader.add_sample(model.Package.get(pkg["id"]), pkg["information_items"])  # data to download
    model.Session.remove()
    return accounts, tk.get_action("package_show")(dict(site, ignore_auth=True), {"id": pkg["id"]})


def state_badge(page) -> str:
    return page.inner_text(".liuzhou-request-badges")


def test_request_approve_deliver_and_another_department_is_refused(browser_page, screenshot, people):
    accounts, pkg = people

    # 1. the consumer asks from the entry page
    page = browser_page()
    sign_in(page, accounts["consumer"])
    page.goto(f"/catalog/{pkg['name']}")
    screenshot(page, "share-01-entry")
    page.click("a.liuzhou-request-button")
    page.wait_for_selector("form#liuzhou-request-form")
    assert page.inner_text("a.liuzhou-request-button, h1.page-heading").strip() == "申请共享"
    page.uncheck("input[name=information_items][value=csrq]")  # only what the duties need
    page.fill("#field-purpose", "社会保障待遇资格认证时核验参保人身份")
    page.fill("#field-basis", "《社会保险法》第七十四条")
    page.check(f"input[name=scope_users][value={accounts['consumer']}]")
    page.check(f"input[name=scope_users][value={accounts['reader']}]")
    page.fill("#field-valid_until", "2027-06-30")
    screenshot(page, "share-02-form")
    page.click("form#liuzhou-request-form button[name=save]")
    page.wait_for_selector(".liuzhou-request-badges")
    assert "/sharing/request/" in page.url
    request_url = page.url.split("?")[0]
    assert "待审核" in state_badge(page)
    assert "个工作日" in page.inner_text(".liuzhou-deadline-line")
    screenshot(page, "share-03-submitted")

    # 2. the provider's admin finds it to review and approves
    page = browser_page()
    sign_in(page, accounts["provider_admin"])
    page.goto("/sharing/review")
    page.click(f"tr[data-request] a.liuzhou-request-link:has-text('{TITLE}')")
    page.wait_for_selector("#step-decide")
    screenshot(page, "share-04-to-decide")
    page.click("#step-decide button[value=approve]")
    page.wait_for_selector(".liuzhou-request-badges")
    assert "已同意" in state_badge(page)
    assert page.locator("#step-decide").count() == 0

    # 3. the Operator delivers
    page = browser_page()
    sign_in(page, accounts["operator"])
    page.goto("/sharing/review")
    page.click(f"tr[data-request] a.liuzhou-request-link:has-text('{TITLE}')")
    page.wait_for_selector("#step-deliver")
    page.fill("#field-deliver-notes", "已开通身份核验接口账号")
    screenshot(page, "share-05-to-deliver")
    page.click("#step-deliver button[type=submit]")
    page.wait_for_selector(".liuzhou-request-badges")
    assert "已交付" in state_badge(page)

    # 4. the consumer sees the request delivered and its access granted
    page = browser_page()
    sign_in(page, accounts["consumer"])
    page.goto(request_url)
    assert "已交付" in state_badge(page)
    assert "已获得访问权限" in page.inner_text(".liuzhou-access-box")
    assert "已开通身份核验接口账号" in page.inner_text(".liuzhou-deliveries")
    timeline = page.locator(".liuzhou-timeline-event").evaluate_all("els => els.map(e => e.dataset.event)")
    assert timeline == ["deliver", "approve", "create"]
    screenshot(page, "share-06-delivered")

    # 5. the consumer downloads the data from the entry page, through the platform
    sample = next(r for r in pkg["resources"] if r["name"] == samples.SAMPLE_NAME)
    page.goto(f"/catalog/{pkg['name']}/resource/{sample['id']}")
    link = page.locator(f"a[href$='/data/{sample['id']}']").first
    assert "data.liuzhou.example" not in page.content()
    screenshot(page, "share-07-resource")
    with page.expect_download() as download:
        link.click()
    data = open(download.value.path(), encoding="utf-8-sig").read()
    # only the delivered items (Art 25, 26.4): 出生日期 was left out of the request, so the
    # platform serves the sample's DataStore table projected on them, not the file of every column
    header = data.splitlines()[0].split(",")
    assert {"gmsfhm", "xm"} <= set(header) and "csrq" not in header and "出生日期" not in data

    # 6. a user of another department cannot see the request, and cannot read the data
    page = browser_page()
    sign_in(page, accounts["other"])
    response = page.goto(request_url)
    assert response.status == 403
    assert "已获得访问权限" not in page.inner_text("body")
    screenshot(page, "share-08-other-department")
    page.goto(f"/catalog/{pkg['name']}/resource/{sample['id']}")
    assert page.locator(f"a[href$='/data/{sample['id']}']").count() == 0
    assert "您暂无权读取该数据" in page.inner_text(".liuzhou-access-notice")
    screenshot(page, "share-09-other-department-resource")
    assert page.request.get(f"/data/{sample['id']}").status == 403
