"""The offlining flows of Art 20 and Art 21 through the pages, in a real headless Chromium.

Catalog offlining: the provider's admin applies from the entry page with the signed and stamped
form, the Operator sees that nobody uses the entry and approves; the entry is filed, leaves
search for a consumer and its page is refused to them, while the provider still reads it.
Resource offlining: the provider's admin applies, the Authority approves, the public notice
shows on the entry page and the notices page, completing is refused while it runs, and after
it (the notice's end moved into the past, as time would) the provider takes the resource offline.

Selectors use the pages' stable ids (#catalog-offline-form, #review-form, #decide-form, …).
"""
from __future__ import annotations

import datetime as dt

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from tests.conftest import make_user
from tests.sharing.conftest import AUTHORITY, CONSUMER, OPERATOR, PROVIDER, entry

from .conftest import PASSWORD
from .test_publish_and_find import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("departments")]

CATALOG_TITLE = "柳州市暂住人口登记信息（旧版）"
RESOURCE_TITLE = "柳州市机动车驾驶人信息"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="module")
def people(departments, tmp_path_factory):
    def user(org, role, fullname):
        return make_user(org, role, password=PASSWORD, fullname=fullname)["name"]
    accounts = {
        "provider_admin": user(PROVIDER, "admin", "公安局 管理员"),
        "operator": user(OPERATOR, "member", "运营中心 审核员"),
        "authority": user(AUTHORITY, "admin", "大数据局 审批人"),
        "consumer": user(CONSUMER, "member", "人社局 经办人"),
    }
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    entries = {title: tk.get_action("package_create")(dict(site), entry(PROVIDER, title, "unconditional"))
               for title in (CATALOG_TITLE, RESOURCE_TITLE)}
    form = tmp_path_factory.mktemp("forms") / "目录下线申请表（已盖章）.pdf"
    form.write_bytes(PDF)
    model.Session.remove()
    return accounts, entries, form


def test_catalog_offlining_from_the_entry_page_to_the_filing(browser_page, screenshot, people):
    accounts, entries, form = people
    pkg = entries[CATALOG_TITLE]

    # 1. the provider's admin applies from the entry page, with the signed and stamped form
    page = browser_page()
    sign_in(page, accounts["provider_admin"])
    page.goto(f"/catalog/{pkg['name']}")
    page.click("#apply-catalog-offline")
    page.wait_for_selector("#catalog-offline-form")
    blank = page.get_attribute("#blank-form-link", "href")
    assert page.request.get(blank).ok
    page.click("#catalog-offline-form button[name=save]")  # nothing filled in: refused, nothing saved
    page.wait_for_selector(".liuzhou-form-errors")
    assert "请上传已签字盖章的申请表" in page.inner_text(".liuzhou-form-errors")
    screenshot(page, "offline-01-refused")
    page.select_option("#field-package_id", pkg["id"])
    page.fill("#field-reason", "暂住证制度已由居住证制度取代，该目录停止维护")
    page.set_input_files("#field-attachment_upload", str(form))
    screenshot(page, "offline-02-form")
    page.click("#catalog-offline-form button[name=save]")
    page.wait_for_selector("#application-state")
    assert "待审核" in page.inner_text("#application-state")
    application_url = page.url
    screenshot(page, "offline-03-submitted")

    # 2. the Operator reviews: nobody requests or uses the entry, so it goes offline and is filed
    page = browser_page()
    sign_in(page, accounts["operator"])
    page.goto("/lifecycle/catalog-offline?state=submitted")
    page.click(f"a:has-text('{CATALOG_TITLE}')")
    page.wait_for_selector("#review-form")
    assert "没有部门在申请或使用该目录" in page.inner_text(".liuzhou-no-users")
    screenshot(page, "offline-04-review")
    page.fill("#field-notes", "经核查无部门申请或使用，同意下线")
    page.click("#review-form button[name=save]")
    page.wait_for_selector("#filing-number")
    assert "已下线" in page.inner_text("#application-state")
    number = page.inner_text("#filing-number strong")
    assert number.startswith(f"{dt.date.today().year}-")
    screenshot(page, "offline-05-filed")
    page.goto("/lifecycle/catalog-offline?filed=true")
    assert number in page.inner_text("table")

    # 3. a consumer no longer finds it, and its page is refused
    page = browser_page()
    sign_in(page, accounts["consumer"])
    page.goto("/catalog/?q=暂住人口登记")
    assert CATALOG_TITLE not in page.inner_text("#content")
    response = page.goto(f"/catalog/{pkg['name']}")
    assert response.status in (403, 404)  # CKAN's dataset page answers "not found"
    assert CATALOG_TITLE not in page.inner_text("body")
    screenshot(page, "offline-06-consumer-refused")

    # 4. the provider still reads it, with the offline banner
    page = browser_page()
    sign_in(page, accounts["provider_admin"])
    page.goto(f"/catalog/{pkg['name']}")
    assert number in page.inner_text(".liuzhou-offline-banner")
    screenshot(page, "offline-07-provider-banner")
    page.goto(application_url)
    assert page.locator("#review-form").count() == 0


def test_resource_offlining_with_its_public_notice(browser_page, screenshot, people):
    accounts, entries, _form = people
    pkg = entries[RESOURCE_TITLE]
    resource = pkg["resources"][0]

    # 1. the provider's admin applies with reason and legal basis
    page = browser_page()
    sign_in(page, accounts["provider_admin"])
    page.goto(f"/catalog/{pkg['name']}")
    page.click("#apply-resource-offline")
    page.wait_for_selector("#resource-offline-form")
    page.select_option("#field-resource_id", resource["id"])
    page.fill("#field-reason", "核验接口迁移至省级平台统一提供")
    page.fill("#field-legal_basis", "《广西壮族自治区政务数据资源管理办法》")
    screenshot(page, "resource-01-form")
    page.click("#resource-offline-form button[name=save]")
    page.wait_for_selector("#application-state")
    assert "待审批" in page.inner_text("#application-state")
    application_url = page.url

    # 2. the Authority approves: the 10-working-day notice starts
    page = browser_page()
    sign_in(page, accounts["authority"])
    page.goto("/lifecycle/resource-offline?to_review=true")
    page.click(f"a:has-text('{resource['name']}')")
    page.wait_for_selector("#decide-form")
    screenshot(page, "resource-02-decide")
    page.click("#decide-form button[name=save]")
    page.wait_for_selector("#notice-window")
    assert "公示中" in page.inner_text("#application-state")

    # 3. everyone sees the notice: on the entry page and the notices page
    page = browser_page()
    sign_in(page, accounts["consumer"])
    page.goto(f"/catalog/{pkg['name']}")
    assert resource["name"] in page.inner_text(".liuzhou-notice-banner")
    screenshot(page, "resource-03-entry-banner")
    page.goto("/lifecycle/notices")
    assert RESOURCE_TITLE in page.inner_text(".liuzhou-notice")
    screenshot(page, "resource-04-notices")

    # 4. the provider cannot complete while the notice runs
    page = browser_page()
    sign_in(page, accounts["provider_admin"])
    page.goto(application_url)
    assert page.locator("#notice-running").count() == 1 and page.locator("#complete-form").count() == 0
    screenshot(page, "resource-05-notice-running")

    # 5. ten working days later (the notice's end moved into the past), the provider completes it
    from ckanext.liuzhou.lifecycle.model import ResourceOffline
    row = model.Session.query(ResourceOffline).filter_by(resource_id=resource["id"]).one()
    row.notice_ends = dt.datetime.utcnow() - dt.timedelta(minutes=1)
    model.Session.commit()
    page.goto(application_url)
    page.click("#complete-form button[name=save]")
    page.wait_for_selector("#application-state")
    assert "已下线" in page.inner_text("#application-state")
    screenshot(page, "resource-06-completed")
    model.Session.remove()
    assert model.Resource.get(resource["id"]).extras["online_status"] == "offline"
