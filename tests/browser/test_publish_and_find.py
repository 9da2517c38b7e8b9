"""A provider editor publishes an entry in Chinese through the form, and a consumer in another
department finds it by a word that only one of its information items contains (Art 13, 19).

Selectors use the form's stable field ids and names (#field-title,
name="information_items-1-name", …), not its layout.
"""
from __future__ import annotations

import re

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from tests.conftest import make_user
from tests.catalog.conftest import department_entry

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("departments")]

TITLE = "柳州市流动人口居住登记信息"
SLUG = "liu-zhou-shi-liu-dong-ren-kou-ju-zhu-deng-ji-xin-xi"
ITEM_WORD = "承租人"  # only in the second information item's name


@pytest.fixture(scope="module")
def accounts(departments):
    editor = make_user("lzsgaj", "editor", password=PASSWORD, fullname="公安局 编目员")
    consumer = make_user("lzsrlzyhshbzj", "member", password=PASSWORD, fullname="人社局 业务人员")
    # other entries, so that the search has something to leave out
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    for title in ("柳州市社会保险参保信息", "柳州市住房租赁合同备案信息"):
        tk.get_action("package_create")(dict(site), department_entry("lzsrlzyhshbzj", title=title))
    model.Session.remove()
    return editor["name"], consumer["name"]


def sign_in(page, user):
    page.goto("/user/login")
    page.fill("#field-login", user)
    page.fill("#field-password", PASSWORD)
    page.click("form:has(#field-login) button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/user/login" not in page.url, "sign-in failed"


def select(page, name, value):
    page.select_option(f"select[name='{name}']", value)


def test_provider_publishes_and_consumer_finds_it_by_an_item_word(browser_page, screenshot, accounts):
    editor, consumer = accounts

    # 1. the provider editor signs in
    page = browser_page()
    page.goto("/user/login")
    screenshot(page, "01-sign-in")
    sign_in(page, editor)

    # 2. the new-entry form, filled in Chinese
    page.goto("/catalog/new")
    page.wait_for_selector("#field-title")
    screenshot(page, "02-empty-form")
    page.fill("#field-title", TITLE)
    page.fill("#field-notes", "全市流动人口的居住登记、居住证办理和出租房屋承租信息，用于流动人口服务管理。")
    select(page, "classification", "base")
    select(page, "subclass", "population")
    page.wait_for_selector("select[name='lead_department']", state="visible")
    select(page, "lead_department", "lzsgaj")
    select(page, "format_category", "database")
    if page.is_visible("select[name='private']"):
        select(page, "private", "False")  # published for every department
    page.fill("#field-source_system", "柳州市流动人口服务管理信息系统")

    page.fill("[name='information_items-0-name']", "居住证编号")
    page.fill("[name='information_items-0-identifier']", "jzzbh")
    select(page, "information_items-0-data_type", "C")
    page.fill("[name='information_items-0-length']", "20")
    page.fill("[name='information_items-0-description']", "居住证的唯一编号")
    page.click("#field-information_items a[name='repeating-add'], a[name='repeating-add']")
    page.wait_for_selector("[name='information_items-1-name']", state="visible")
    page.fill("[name='information_items-1-name']", f"房屋{ITEM_WORD}姓名")
    page.fill("[name='information_items-1-identifier']", "fwczrxm")
    select(page, "information_items-1-data_type", "C")
    page.fill("[name='information_items-1-length']", "50")
    page.fill("[name='information_items-1-description']", "出租房屋实际居住人")

    select(page, "sharing_type", "conditional")
    page.wait_for_selector("#field-sharing_conditions", state="visible")
    page.fill("#field-sharing_conditions", "仅限用于流动人口服务管理职责范围内的核验。")
    page.fill("#field-legal_basis", "《居住证暂行条例》第四条")
    select(page, "sharing_method", "platform")
    select(page, "sharing_method_type", "api")
    select(page, "open_attribute", "not_open")
    select(page, "update_cycle", "monthly")
    page.fill("#field-publish_date", "2024-05-01")
    screenshot(page, "03-form-filled")
    page.click("button[name='save']")
    page.wait_for_load_state("networkidle")

    # the entry got its pinyin URL name; now the mounted data resource (stage 2)
    assert f"/catalog/{SLUG}/resource/new" in page.url, (page.url, _errors(page))
    page.wait_for_selector("#field-name")
    _link_url(page, "http://data.liuzhou.example/api/ldrk/verify")
    page.fill("#field-name", "流动人口居住登记核验接口")
    select(page, "resource_type", "api")
    screenshot(page, "04-resource-form")
    page.click("button[name='save'][value='go-metadata']")
    page.wait_for_load_state("networkidle")
    assert re.search(rf"/catalog/{SLUG}/?$", page.url), (page.url, _errors(page))
    body = page.inner_text("body")
    assert TITLE in body and f"房屋{ITEM_WORD}姓名" in body
    assert re.search(r"101\d{3}/\d{6}", body), "the resource code is shown"
    screenshot(page, "05-published")

    entry = tk.get_action("package_show")({"ignore_auth": True}, {"id": SLUG})
    assert entry["state"] == "active" and entry["private"] is False
    assert [i["identifier"] for i in entry["information_items"]] == ["jzzbh", "fwczrxm"]
    assert entry["lead_department"] == "lzsgaj" and entry["sharing_type"] == "conditional"

    # 3. a consumer in another department signs in and searches by the item word
    page = browser_page()
    sign_in(page, consumer)
    page.goto(f"/catalog/?q={ITEM_WORD}")
    page.wait_for_selector(f"a[href$='/catalog/{SLUG}']")
    results = page.locator(".dataset-list .dataset-item, .dataset-item")
    assert results.count() == 1, page.inner_text("body")
    body = page.inner_text("body")
    assert TITLE in body
    for facet in ("资源分类", "共享类型", "更新周期"):
        assert facet in body, f"facet {facet} is shown"
    assert "基础信息资源" in body and "有条件共享" in body  # facet values with Chinese labels
    screenshot(page, "06-consumer-search")

    page.click(f"a[href$='/catalog/{SLUG}']")
    page.wait_for_load_state("networkidle")
    assert f"房屋{ITEM_WORD}姓名" in page.inner_text("body")
    screenshot(page, "07-consumer-entry")


def _errors(page):
    found = page.locator(".error-explanation, .alert-error, .alert-danger, .error-block")
    return [found.nth(i).inner_text() for i in range(found.count())]


def _link_url(page, url):
    """CKAN's upload/link widget: choose "Link", then type the URL."""
    if not page.is_visible("#field-resource-url"):
        page.click("#resource-link-button")
    page.fill("#field-resource-url", url)
