"""The header fits a 1280-px window in Chinese and in English: a signed-in Authority user has
the longest menu (共享申请, 资源生命周期, 评估考核 besides the catalog, departments, the tree and the
about page), and the English labels are the widest. No page may be wider than the window.
"""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from tests.conftest import make_user
from tests.catalog.conftest import department_entry
from tests.sharing.conftest import AUTHORITY

from .conftest import PASSWORD
from .test_publish_and_find import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("departments")]

WIDTH, HEIGHT = 1280, 800


@pytest.fixture(scope="module")
def authority_and_entry(departments):
    user = make_user(AUTHORITY, "admin", password=PASSWORD, fullname="市大数据发展局 管理员")["name"]
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    entry = tk.get_action("package_create")(dict(site), department_entry("lzsgaj", title="柳州市机动车登记信息"))
    model.Session.remove()
    return user, entry["name"]


@pytest.fixture
def authority_page(chromium, live_server, authority_and_entry):
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN",
                                   viewport={"width": WIDTH, "height": HEIGHT})
    context.set_default_timeout(60_000)
    page = context.new_page()
    sign_in(page, authority_and_entry[0])
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["zh_Hans_CN", "en"])
def test_pages_fit_a_1280_px_window_for_the_authority(authority_page, authority_and_entry, screenshot, lang):
    page = authority_page
    prefix = "" if lang == "zh_Hans_CN" else f"/{lang}"
    # every menu item of a signed-in Authority user is there, in the page's language
    page.goto(f"{prefix}/")
    nav = page.locator(".masthead .navbar-nav > li")
    assert nav.count() == 7, nav.all_inner_texts()
    assert ("Share requests" in nav.all_inner_texts()) == (lang == "en")
    for path in ("/", "/catalog/", "/catalog/?q=机动车", f"/catalog/{authority_and_entry[1]}"):
        page.goto(prefix + path)
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTH, f"{prefix + path} is {width} px wide in a {WIDTH}-px window"
        # the header's menu and search box stay inside the window
        for selector in (".masthead .navbar-nav", ".masthead .site-search"):
            right = page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().right")
            assert right <= WIDTH, f"{selector} ends at {right} px on {prefix + path}"
    page.goto(f"{prefix}/catalog/")
    screenshot(page, f"header-1280-{lang}")
