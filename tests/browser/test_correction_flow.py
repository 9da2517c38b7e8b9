"""Correction of errors (校核纠错, Art 26 of the national regulation) through the pages, in a real
headless Chromium, as the demo roles: a consumer (人社局) reports an error on an entry of 公安局
from the entry's page, with evidence; the provider's editor disputes it; the Authority
(柳州市大数据发展局) settles it; a second report is confirmed and corrected. The entry page
shows the open reports to another department's reader, and the overdue page lists a report
made in March and never answered.

Selectors use the pages' stable ids (#report-error, #correction-form, #dispute-form, #settle-form …).
Screenshots go to /tmp/h-correct-shots/ (LIUZHOU_SHOTS to change it) and screenshots/browser/.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from freezegun import freeze_time

import ckan.model as model
import ckan.plugins.toolkit as tk

from tests.conftest import make_user
from tests.sharing.conftest import AUTHORITY, CONSUMER, OTHER, PROVIDER, entry

from .conftest import PASSWORD
from .test_publish_and_find import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("departments")]

TITLE = "柳州市派出所辖区信息"
LATE_TITLE = "柳州市户籍迁移信息"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SHOTS = Path(os.environ.get("LIUZHOU_SHOTS", "/tmp/h-correct-shots"))


@pytest.fixture(scope="module")
def people(departments, tmp_path_factory):
    def user(org, role, fullname):
        return make_user(org, role, password=PASSWORD, fullname=fullname)["name"]
    accounts = {
        "consumer": user(CONSUMER, "member", "人社局 经办人"),
        "provider": user(PROVIDER, "editor", "公安局 编辑"),
        "authority": user(AUTHORITY, "admin", "大数据局 审批人"),
        "reader": user(OTHER, "member", "教育局 经办人"),
    }
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    pkg = tk.get_action("package_create")(dict(site), entry(PROVIDER, TITLE, "unconditional"))
    # a report of March, on another entry, long past the provider's 5 working days
    late = tk.get_action("package_create")(dict(site), entry(PROVIDER, LATE_TITLE, "unconditional"))
    with freeze_time("2026-03-02 02:00:00"):
        tk.get_action("correction_create")({"user": accounts["consumer"], "ignore_auth": False}, {
            "package_id": late["id"], "field": "update_cycle", "description": "三月起未更新"})
    evidence = tmp_path_factory.mktemp("evidence") / "辖区调整文件.pdf"
    evidence.write_bytes(PDF)
    model.Session.remove()
    return accounts, pkg, evidence


@pytest.fixture
def shot(screenshot):
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        return screenshot(page, name)
    return take


def report_from_the_entry(page, pkg, field, text, evidence=None):
    page.goto(f"/catalog/{pkg['name']}")
    page.click("#report-error")
    page.wait_for_selector("#correction-form")
    page.select_option("#field-field", field)
    page.fill("#field-description", text)
    if evidence:
        page.set_input_files("#field-evidence_upload", str(evidence))
    page.click("#submit-report")
    page.wait_for_selector("#correction-state")
    return page.url


def test_report_dispute_settle_and_a_confirmed_correction(browser_page, shot, people):
    accounts, pkg, evidence = people

    # 1. the consumer reports from the entry page; an empty form is refused first
    page = browser_page()
    sign_in(page, accounts["consumer"])
    page.goto(f"/catalog/{pkg['name']}")
    assert "本目录暂无未办结的纠错" in page.inner_text("#entry-corrections")
    page.click("#report-error")
    page.wait_for_selector("#correction-form")
    shot(page, "correction-01-form")
    page.click("#submit-report")
    page.wait_for_selector(".liuzhou-form-errors")
    assert "问题描述：此项为必填项" in page.inner_text(".liuzhou-form-errors")
    shot(page, "correction-02-refused")
    page.select_option("#field-field", "owner_org")
    page.fill("#field-description", "辖区调整后，柳东新区派出所的数据已由柳东分局提供，目录仍写公安局")
    page.set_input_files("#field-evidence_upload", str(evidence))
    page.click("#submit-report")
    page.wait_for_selector("#correction-state")
    disputed_url = page.url
    assert page.get_attribute("#correction-state", "data-state") == "submitted"
    assert "待提供部门处理" in page.inner_text("#correction-state")
    assert "辖区调整文件.pdf" in page.inner_text("#evidence-link")
    assert page.locator("#confirm-form").count() == 0 and page.locator("#settle-form").count() == 0
    shot(page, "correction-03-submitted")

    # 2. another department's reader sees the open report on the entry page, and cannot answer it
    page = browser_page()
    sign_in(page, accounts["reader"])
    page.goto(f"/catalog/{pkg['name']}")
    assert "1 条未办结" in page.inner_text("#entry-corrections")
    shot(page, "correction-04-entry-page")

    # 3. the provider's editor finds it in 待我处理 and disputes it
    page = browser_page()
    sign_in(page, accounts["provider"])
    page.goto("/correction/")
    assert TITLE in page.inner_text(".liuzhou-correction-table")
    shot(page, "correction-05-to-answer")
    page.goto(disputed_url)
    page.click("#dispute-submit")                       # no reason: refused, nothing changes
    page.wait_for_selector(".liuzhou-form-errors")
    assert page.get_attribute("#correction-state", "data-state") == "submitted"
    page.fill("#dispute-form #field-reason", "柳东新区派出所仍由市公安局统一提供数据，目录无误")
    shot(page, "correction-06-dispute")
    page.click("#dispute-submit")
    page.wait_for_selector("#correction-state[data-state=disputed]")
    assert page.locator("#settle-form").count() == 0

    # 4. the Authority settles: not upheld
    page = browser_page()
    sign_in(page, accounts["authority"])
    page.goto("/correction/?view=answer")
    assert TITLE in page.inner_text(".liuzhou-correction-table")
    page.goto(disputed_url)
    shot(page, "correction-07-settle")
    page.check("#outcome-dismissed")
    page.fill("#field-settlement", "经核实，该数据仍由市公安局统一提供，目录无误")
    page.click("#settle-submit")
    page.wait_for_selector("#correction-state[data-state=dismissed]")
    history = page.inner_text("#correction-history")
    assert "报告错误" in history and "提供部门提出异议" in history and "主管部门裁定纠错不成立" in history
    shot(page, "correction-08-settled")

    # 5. a second report, confirmed and corrected by the provider
    page = browser_page()
    sign_in(page, accounts["consumer"])
    confirmed_url = report_from_the_entry(page, pkg, "update_cycle", "目录写明每日更新，实际每月更新")
    page = browser_page()
    sign_in(page, accounts["provider"])
    page.goto(confirmed_url)
    page.fill("#confirm-form #field-correction", "更新周期已改为每月")
    page.click("#confirm-submit")
    page.wait_for_selector("#correction-state[data-state=corrected]")
    assert "按期" in page.inner_text(".liuzhou-correction-detail")
    shot(page, "correction-09-corrected")

    # 6. the consumer's list and the Authority's overdue page
    page = browser_page()
    sign_in(page, accounts["consumer"])
    page.goto("/correction/?view=mine")
    rows = page.inner_text(".liuzhou-correction-table")
    assert "已更正" in rows and "纠错不成立" in rows
    shot(page, "correction-10-mine")
    page = browser_page()
    sign_in(page, accounts["authority"])
    page.goto("/sharing/overdue")
    overdue = page.inner_text("#overdue-corrections")
    assert LATE_TITLE in overdue and TITLE not in overdue
    shot(page, "correction-11-overdue")
