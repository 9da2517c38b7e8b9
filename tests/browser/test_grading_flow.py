"""Graded data through the pages, in a real headless Chromium: a consumer asks for an entry
graded 核心 whose ID numbers and names are personal information; the provider's admin approves
(leaving the personal items unticked), the Authority approves sharing graded data, the Operator
delivers; the consumer's preview of the delivered table shows the personal items masked, while
the provider's shows them in clear (《政务数据共享条例》 security chapter; PIPL Art 6, 28).
"""
from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.demo import loader, samples
from tests.conftest import make_user
from tests.sharing.conftest import AUTHORITY, CONSUMER, ITEMS, OPERATOR, PROVIDER, entry

from .conftest import PASSWORD
from .test_publish_and_find import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("departments")]

TITLE = "柳州市常住人口核心信息（分级测试）"
SHOTS = Path("/tmp/h-grade-shots")


@pytest.fixture(scope="module")
def people(departments):
    def user(org, role, fullname):
        return make_user(org, role, password=PASSWORD, fullname=fullname)["name"]
    accounts = {
        "provider_admin": user(PROVIDER, "admin", "公安局 审核员"),
        "consumer": user(CONSUMER, "member", "人社局 经办人"),
        "authority": user(AUTHORITY, "admin", "大数据发展局 审批员"),
        "operator": user(OPERATOR, "member", "运营中心 对接员"),
    }
    items = copy.deepcopy(ITEMS)
    items[0]["personal_information"] = "sensitive"
    items[1]["personal_information"] = "personal"
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    pkg = tk.get_action("package_create")(dict(site), entry(PROVIDER, TITLE, "conditional", data_grade="core",
                                                            information_items=items))
    loader.add_sample(model.Package.get(pkg["id"]), pkg["information_items"])
    model.Session.remove()
    return accounts, tk.get_action("package_show")(dict(site, ignore_auth=True), {"id": pkg["id"]})


def test_a_core_entry_goes_provider_authority_delivery_and_its_table_is_masked(browser_page, screenshot, people):
    accounts, pkg = people
    sample = next(r for r in pkg["resources"] if r["name"] == samples.SAMPLE_NAME)
    clear = tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": sample["id"]})["records"][0]
    shots = []

    def shot(page, name):
        shots.append(screenshot(page, name))

    # 1. the consumer sees the grade on the entry page and asks for every item
    page = browser_page()
    sign_in(page, accounts["consumer"])
    page.goto(f"/catalog/{pkg['name']}")
    assert "核心" in page.inner_text(".liuzhou-data-grade")
    assert "共享须经主管部门审批" in page.inner_text(".liuzhou-data-grade")
    shot(page, "grade-01-entry")
    page.click("a.liuzhou-request-button")
    page.wait_for_selector("form#liuzhou-request-form")
    page.fill("#field-purpose", "社会保障待遇资格认证时核验参保人身份")
    page.fill("#field-basis", "《社会保险法》第七十四条")
    page.check(f"input[name=scope_users][value={accounts['consumer']}]")
    page.fill("#field-valid_until", "2099-06-30")
    page.click("form#liuzhou-request-form button[name=save]")
    page.wait_for_selector(".liuzhou-request-badges")
    request_url = page.url.split("?")[0]

    # 2. the provider's admin approves, told that the Authority approves too; no personal item ticked
    page = browser_page()
    sign_in(page, accounts["provider_admin"])
    page.goto(request_url)
    page.wait_for_selector("#step-decide")
    assert "主管部门" in page.inner_text(".liuzhou-graded-note")
    assert page.locator("#step-decide input[name=personal_items]").count() == 2   # 公民身份号码, 姓名
    shot(page, "grade-02-provider-decides")
    page.click("#step-decide button[value=approve]")
    page.wait_for_selector(".liuzhou-request-badges")
    assert "待主管部门审批" in page.inner_text(".liuzhou-request-badges")
    assert "主管部门审批期限" in page.inner_text(".liuzhou-deadline-line")
    assert "个工作日" in page.inner_text(".liuzhou-deadline-line")

    # 3. the Authority finds it to review and approves sharing graded data
    page = browser_page()
    sign_in(page, accounts["authority"])
    page.goto("/sharing/review")
    page.click(f"tr[data-request] a.liuzhou-request-link:has-text('{TITLE}')")
    page.wait_for_selector("#step-authority_decide")
    shot(page, "grade-03-authority-decides")
    page.click("#step-authority_decide button[value=approve]")
    page.wait_for_selector(".liuzhou-request-badges")
    assert "已同意" in page.inner_text(".liuzhou-request-badges")

    # 4. the Operator delivers
    page = browser_page()
    sign_in(page, accounts["operator"])
    page.goto(request_url)
    page.wait_for_selector("#step-deliver")
    page.fill("#field-deliver-notes", "已开通库表查询")
    page.click("#step-deliver button[type=submit]")
    page.wait_for_selector(".liuzhou-request-badges")
    assert "已交付" in page.inner_text(".liuzhou-request-badges")
    timeline = page.locator(".liuzhou-timeline-event").evaluate_all("els => els.map(e => e.dataset.event)")
    assert timeline == ["deliver", "authority_approve", "approve", "create"]
    shot(page, "grade-04-delivered")

    # 5. the consumer's preview of the delivered table: personal items masked, the rest in clear
    page = browser_page()
    sign_in(page, accounts["consumer"])
    page.goto(f"/catalog/{pkg['name']}/resource/{sample['id']}")
    page.click("a.liuzhou-preview-link")
    page.wait_for_selector(".liuzhou-preview-table")
    first = {c: page.inner_text(f".liuzhou-preview-table tbody tr:first-child td[data-column={c}]")
             for c in ("gmsfhm", "xm", "csrq")}
    assert first["gmsfhm"] == clear["gmsfhm"][:6] + "********" + clear["gmsfhm"][-4:]
    assert first["xm"] == clear["xm"][0] + "*" * (len(clear["xm"]) - 1)
    assert first["csrq"] == clear["csrq"]
    assert clear["gmsfhm"] not in page.content() and clear["xm"] not in page.content()
    assert page.locator(".liuzhou-masked-badge").count() == 2
    assert "脱敏" in page.inner_text(".liuzhou-masked-notice")
    shot(page, "grade-05-consumer-masked")

    # 6. the provider reads its own table in clear
    page = browser_page()
    sign_in(page, accounts["provider_admin"])
    page.goto(f"/data/{sample['id']}/preview")
    assert clear["gmsfhm"] in page.inner_text(".liuzhou-preview-table")
    assert page.locator(".liuzhou-masked-badge").count() == 0
    shot(page, "grade-06-provider-clear")

    # 7. the Operator's list of grades, and the search page's grade facet
    page = browser_page()
    sign_in(page, accounts["operator"])
    page.goto("/catalog/grades")
    rows = page.locator("tr.liuzhou-grade-row").evaluate_all("els => els.map(e => e.dataset.grade)")
    assert rows == ["general", "important", "core"]
    assert page.locator("tr.liuzhou-grade-row[data-grade=core] input[name=authority_approval]").is_checked()
    shot(page, "grade-07-operator-list")
    page.goto("/catalog/?q=分级测试")
    facet = page.locator("nav[aria-label='数据分级']")
    assert "核心" in facet.inner_text()
    shot(page, "grade-08-search-facet")

    SHOTS.mkdir(parents=True, exist_ok=True)
    for path in shots:
        shutil.copy(path, SHOTS / Path(path).name)
