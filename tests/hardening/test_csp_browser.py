"""The pages pass the Content-Security-Policy: headless Chromium (Debian's, through Playwright)
opens the portal's main pages on a real gunicorn as signed-in users and records every CSP
violation the browser reports (``securitypolicyviolation`` events and console errors)."""
from __future__ import annotations

import os

import pytest

from tests.browser.conftest import chromium  # noqa: F401  (the headless Chromium fixture)
from tests.browser.live_server import LiveServer
from tests.conftest import make_user

from .conftest import AUTHORITY, CONSUMER, OPERATOR, PROVIDER

pytestmark = pytest.mark.browser
PASSWORD = "Liuzhou@Test2026"
RECORD = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
"""


@pytest.fixture(scope="module")
def server(world, targets, request, tmp_path_factory):
    live = LiveServer(request.config.getoption("--ckan-ini"), tmp_path_factory.mktemp("csp") / "gunicorn.log",
                      workers=1, threads=4)
    live.port = int(os.environ.get("LIUZHOU_HARDENING_PORT", "0")) or live.port
    live.url = f"http://127.0.0.1:{live.port}"
    yield live.start()
    live.stop()


def _pages(targets) -> dict[str, list[str]]:
    v = targets.values
    return {
        PROVIDER: ["/", "/catalog/", f"/catalog/{v['entry']}", "/catalog/new", "/department/tree",
                   f"/sharing/request/{v['share_request']}", "/sharing/mine", "/sharing/review",
                   "/lifecycle/", f"/lifecycle/catalog-offline/{v['catalog_offline']}", "/lifecycle/systems/new",
                   "/user/login"],
        CONSUMER: [f"/sharing/new/{v['entry']}", "/sharing/notifications"],
        OPERATOR: ["/calendar/", "/cascade/", "/lifecycle/accounts"],
        AUTHORITY: ["/sharing/suspensions", "/lifecycle/violations", "/lifecycle/upkeep/new"],
    }


def test_the_pages_raise_no_csp_violation(server, chromium, targets):
    violations, checked = [], 0
    for org, urls in _pages(targets).items():
        role = "admin" if org in (PROVIDER, AUTHORITY) else "member"
        user = make_user(org, role, password=PASSWORD)["name"]
        context = chromium.new_context(base_url=server.url, locale="zh-CN")
        context.set_default_timeout(60_000)
        context.add_init_script(RECORD)
        page = context.new_page()
        console = []
        page.on("console", lambda m, c=console: c.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto("/user/login")
        page.fill("#field-login", user)
        page.fill("#field-password", PASSWORD)
        page.click("form.form-horizontal button[type=submit], form button[type=submit]")
        page.wait_for_load_state("networkidle")
        for url in urls:
            response = page.goto(url)
            page.wait_for_load_state("networkidle")
            assert response.status < 500, f"{url}: HTTP {response.status}"
            assert response.headers.get("content-security-policy"), url
            found = page.evaluate("window.__csp") + console
            violations += [f"{url}: {v}" for v in found]
            console.clear()
            checked += 1
        context.close()
    assert checked >= 18
    assert not violations, "\n".join(violations)
