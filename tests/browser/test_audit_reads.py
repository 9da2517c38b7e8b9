"""谁读了我的数据 (Art 25, 28) through the pages, in a real headless Chromium, in Chinese.

The consumer in a delivered request downloads the data and an admin of another department is
refused, both through ``/data/<resource id>`` in their browsers; the provider's admin follows the
link on the department's page, sees both, narrows to the refusals and downloads the CSV; the
Authority sees every department and the chain's last verification; the consumer sees their own
read under 我的读取记录. Screenshots: screenshots/browser/audit-*.png.
"""
from __future__ import annotations

import pytest
from click.testing import CliRunner

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.audit.cli import audit as audit_cli
from tests.access.conftest import add_upload
from tests.conftest import make_user
from tests.sharing.conftest import AUTHORITY, CONSUMER, OPERATOR, OTHER, PROVIDER, entry

from .conftest import PASSWORD
from .test_publish_and_find import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("departments")]

TITLE = "柳州市常住人口基本信息"


@pytest.fixture(scope="module")
def people(departments):
    def user(org, role, fullname):
        return make_user(org, role, password=PASSWORD, fullname=fullname)["name"]
    p = {
        "provider_admin": user(PROVIDER, "admin", "公安局 数据管理员"),
        "consumer_admin": user(CONSUMER, "admin", "人社局 管理员"),
        "consumer": user(CONSUMER, "member", "人社局 经办人"),
        "other": user(OTHER, "admin", "教育局 管理员"),
        "operator": user(OPERATOR, "member", "运营中心 对接员"),
        "authority": user(AUTHORITY, "admin", "大数据局 监管员"),
    }
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    pkg = tk.get_action("package_create")(dict(site), entry(PROVIDER, TITLE, "conditional"))
    res = add_upload(pkg["id"], "常住人口.csv")
    req = tk.get_action("share_request_create")({"user": p["consumer_admin"]}, {
        "package_id": pkg["name"], "purpose": "社会保障待遇资格认证时核验参保人身份",
        "basis": "《社会保险法》第七十四条", "scope_users": [p["consumer"]],
        "information_items": ["gmsfhm", "xm"], "valid_until": "2099-12-31", "sharing_method": "platform"})
    tk.get_action("share_request_decide")({"user": p["provider_admin"]}, {"id": req["id"], "decision": "approve"})
    tk.get_action("share_request_deliver")({"user": p["operator"]}, {"id": req["id"]})
    model.Session.remove()
    return p, pkg, res, req


def test_who_read_my_data_through_the_pages(browser_page, screenshot, people, tmp_path):
    p, pkg, res, req = people

    # the scoped consumer reads the data; another department's admin is refused
    consumer = browser_page()
    sign_in(consumer, p["consumer"])
    assert consumer.request.get(f"/data/{res['id']}").status == 200
    other = browser_page()
    sign_in(other, p["other"])
    assert other.request.get(f"/data/{res['id']}").status == 403

    # the provider's admin: from the department's page to its reads
    admin = browser_page()
    sign_in(admin, p["provider_admin"])
    admin.goto(f"/organization/{PROVIDER}")
    assert admin.locator("a.liuzhou-audit-link").inner_text().strip() == "谁读了本部门的数据"
    screenshot(admin, "audit-00-department-page")
    admin.click("a.liuzhou-audit-link")
    admin.wait_for_load_state("networkidle")
    assert "/audit/reads" in admin.url and f"department={PROVIDER}" in admin.url
    assert admin.locator("h1.page-heading").inner_text() == "谁读了我的数据"
    # the audit log is append-only: earlier test modules' reads of 市公安局's data stay in it
    rows = admin.locator("table.liuzhou-audit-table tbody tr").filter(has_text=TITLE)
    assert rows.count() == 2
    read = admin.locator("tr[data-kind='read']").filter(has_text=TITLE)
    assert "人社局 经办人" in read.inner_text() and "柳州市人力资源和社会保障局" in read.inner_text()
    assert read.locator(f"a[href='/sharing/request/{req['id']}']").count() == 1
    assert "教育局 管理员" in admin.locator("tr[data-kind='refused']").filter(has_text=TITLE).inner_text()
    screenshot(admin, "audit-01-provider-reads")

    admin.select_option("#filter-kind", "refused")
    admin.click("form.liuzhou-audit-filter button[type=submit]")
    admin.wait_for_load_state("networkidle")
    assert admin.locator("table.liuzhou-audit-table tbody tr").filter(has_text=TITLE).count() == 1
    assert admin.locator("table.liuzhou-audit-table tbody tr[data-kind='read']").count() == 0
    screenshot(admin, "audit-02-provider-refusals")

    with admin.expect_download() as info:
        admin.click("a.liuzhou-audit-csv")
    path = tmp_path / "reads.csv"
    info.value.save_as(path)
    body = path.read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("时间,类型,读取人,读取人部门,提供部门")
    mine = [line for line in lines[1:] if TITLE in line]
    assert len(mine) == 1 and ",拒绝," in mine[0]
    assert all(",拒绝," in line for line in lines[1:])  # the refusals filter holds in the file too

    admin.goto("/audit/reads?from=2026-02-30")
    assert admin.locator(".liuzhou-audit-errors").count() == 1
    assert admin.locator("table.liuzhou-audit-table").count() == 0
    screenshot(admin, "audit-03-bad-date")

    # the Authority: every department, and the chain's last verification
    assert CliRunner().invoke(audit_cli, ["verify"]).exit_code == 0
    authority = browser_page()
    sign_in(authority, p["authority"])
    authority.goto("/audit/reads")
    chain = authority.locator(".liuzhou-audit-chain")
    assert chain.get_attribute("data-chain") == "ok" and "最近校验时间" in chain.inner_text()
    assert authority.locator("table.liuzhou-audit-table tbody tr").count() >= 2
    screenshot(authority, "audit-04-authority")

    # the consumer: their own read, under the sharing navigation
    consumer.goto("/sharing/mine")
    consumer.click("a[data-tab='my_reads']")
    consumer.wait_for_load_state("networkidle")
    assert consumer.locator("h1.page-heading").inner_text() == "我的读取记录"
    assert consumer.locator("tr[data-kind='read']").count() == 1
    assert consumer.locator("a[data-tab='reads']").count() == 0
    screenshot(consumer, "audit-05-my-reads")
