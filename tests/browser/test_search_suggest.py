"""A consumer types 人社局 养老 in the header's search box, picks the suggestion and lands on
the entry; a query that no entry matches as a whole shows the partial matches with the note,
and a miswriting gets 「您是不是要找」 (search as people type it)."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from tests.conftest import make_user
from tests.catalog.conftest import department_entry

from .conftest import PASSWORD
from .test_publish_and_find import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("departments")]


@pytest.fixture(scope="module")
def accounts(departments):
    consumer = make_user("lzsmzj", "member", password=PASSWORD, fullname="民政局 业务人员")
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    names = {}
    for key, title in (("pension", "城镇职工基本养老保险参保信息"), ("other", "社会保险缴费记录"),
                       ("census", "户籍人口变动情况")):
        names[key] = tk.get_action("package_create")(
            dict(site), department_entry("lzsrlzyhshbzj" if key != "census" else "lzsgaj", title=title))["name"]
    model.Session.remove()
    return consumer["name"], names


def test_a_suggestion_takes_the_consumer_to_the_entry(browser_page, screenshot, accounts):
    consumer, names = accounts
    page = browser_page()
    sign_in(page, consumer)
    page.goto("/catalog/")
    box = page.locator("#field-sitewide-search")
    box.click()
    box.type("人社局 养老", delay=40)
    first = page.locator(".liuzhou-suggest li[data-type=entry] a").first
    first.wait_for(state="visible", timeout=10000)
    assert "城镇职工基本养老保险参保信息" in first.inner_text()
    assert page.locator(".liuzhou-suggest li[data-type=department]").count() >= 1
    screenshot(page, "search-suggest")
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url(f"**/catalog/{names['pension']}", timeout=10000)
    assert "城镇职工基本养老保险参保信息" in page.inner_text("h1")


def test_partial_matches_and_did_you_mean_on_the_search_page(browser_page, screenshot, accounts):
    consumer, names = accounts
    page = browser_page()
    sign_in(page, consumer)
    page.goto("/catalog/?q=养老保险 火箭发射")
    assert page.locator(".liuzhou-relaxed-note").is_visible()
    assert page.locator("mark.liuzhou-match", has_text="养老保险").count() >= 1
    screenshot(page, "search-relaxed")
    page.goto("/catalog/?q=户藉")
    link = page.locator(".liuzhou-did-you-mean a")
    assert link.inner_text() == "户籍"
    screenshot(page, "search-did-you-mean")
    link.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("mark.liuzhou-match", has_text="户籍").count() >= 1
