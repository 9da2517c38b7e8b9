"""End-to-end tests in a real headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright for Python) against a real CKAN web server (gunicorn) on the test database.

Select them with ``-m browser``; leave them out with ``-m "not browser"``. Screenshots of
every step go to ``screenshots/browser/`` (git-ignored).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from .live_server import REPO, LiveServer

CHROMIUM = os.environ.get("LIUZHOU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = REPO / "screenshots" / "browser"
PASSWORD = "Liuzhou@Test2026"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: end-to-end test in a real headless Chromium")


@pytest.fixture(scope="module")
def live_server(departments, request, tmp_path_factory):
    """gunicorn serving test.ini on a free port, on the test's database, Solr core and Redis."""
    server = LiveServer(request.config.getoption("--ckan-ini"),
                        tmp_path_factory.mktemp("server") / "gunicorn.log", workers=2).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def screenshot():
    """screenshot(page, "01-sign-in"): a full-page PNG under screenshots/browser/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    return take


@pytest.fixture
def browser_page(chromium, live_server):
    """new_page(): a page in a fresh browser context (own cookies) on the live server."""
    contexts = []

    def new_page():
        context = chromium.new_context(base_url=live_server.url, locale="zh-CN",
                                       viewport={"width": 1280, "height": 900})
        context.set_default_timeout(60_000)
        contexts.append(context)
        return context.new_page()
    yield new_page
    for context in contexts:
        context.close()
