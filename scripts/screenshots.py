"""Screenshots of portal pages in headless Chromium (Debian's), as a signed-in user.

    python scripts/screenshots.py [--base http://127.0.0.1:5000] [--user provider_editor]
                                  [--out screenshots] PATH [PATH ...]

Each PATH (e.g. / or /catalog/) becomes a full-page PNG under --out, named
<user>-<path>.png. A PATH ending in "#submit" is a form page: it is loaded, its main form is
submitted (to show the error state) after the --fill SELECTOR=VALUE pairs are entered, and
the result is saved as <user>-<path>-submitted.png. Browser console errors are printed;
--strict fails on them.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# The page's own form, not the header's search form (which also has a submit button).
MAIN_FORM = "#content form:has(button[type=submit][name=save]), #content form.dataset-form, #content form[method=post]"


def login(page, base: str, user: str, password: str) -> None:
    """Sign in through CKAN's login form (not the header's search form, which also has a submit)."""
    page.goto(f"{base}/user/login")
    form = page.locator("form:has(#field-login)")
    form.locator("#field-login").fill(user)
    form.locator("#field-password").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    if page.locator("#field-login").count():
        raise SystemExit(f"login failed for {user}: still on {page.url}")


def fill(page, pairs: list[str]) -> None:
    """Enter SELECTOR=VALUE pairs: a select gets the option with that value, others the text."""
    for pair in pairs:
        selector, _, value = pair.partition("=")
        field = page.locator(selector).first
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def submit_main_form(page) -> None:
    """Submit the page's main form with its primary (save) button and wait for the answer."""
    form = page.locator(MAIN_FORM).first
    button = form.locator("button[type=submit][name=save]").last
    if not button.count():
        button = form.locator("button[type=submit]").last
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state("networkidle")


def shot_name(user: str, path: str, suffix: str = "") -> str:
    name = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "home"
    return f"{user or 'anon'}-{name}{suffix}.png"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--base", default="http://127.0.0.1:5000")
    ap.add_argument("--user", default="")
    ap.add_argument("--password", default="Liuzhou@2026")
    ap.add_argument("--out", default="screenshots")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--fill", action="append", default=[], metavar="SELECTOR=VALUE",
                    help="enter a value before a #submit (repeatable)")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a page logs a JS error")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": 900}, locale="zh-CN")
        page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
        page.on("console", lambda m: m.type == "error" and errors.append(f"{page.url}: {m.text}"))
        if args.user:
            login(page, args.base, args.user, args.password)
        for spec in args.paths:
            path, _, action = spec.partition("#")
            page.goto(args.base + path)
            page.wait_for_load_state("networkidle")
            target = out / shot_name(args.user, path)
            page.screenshot(path=str(target), full_page=True)
            print(target)
            if action == "submit":
                fill(page, args.fill)
                submit_main_form(page)
                target = out / shot_name(args.user, path, "-submitted")
                page.screenshot(path=str(target), full_page=True)
                print(target)
        browser.close()
    for e in errors:
        print("browser error:", e, file=sys.stderr)
    if errors and args.strict:
        sys.exit(1)


if __name__ == "__main__":
    main()
