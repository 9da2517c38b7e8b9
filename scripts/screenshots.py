"""Screenshots of portal pages in headless Chromium (Debian's), as a signed-in user.

    python scripts/screenshots.py [--base http://127.0.0.1:5000] [--user provider_editor]
                                  [--out screenshots] PATH [PATH ...]

Each PATH (e.g. / or /catalog/) becomes a full-page PNG under --out.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--base", default="http://127.0.0.1:5000")
    ap.add_argument("--user", default="")
    ap.add_argument("--password", default="Liuzhou@2026")
    ap.add_argument("--out", default="screenshots")
    ap.add_argument("--width", type=int, default=1280)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": 900}, locale="zh-CN")
        if args.user:
            login(page, args.base, args.user, args.password)
        for path in args.paths:
            page.goto(args.base + path)
            page.wait_for_load_state("networkidle")
            name = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "home"
            target = out / f"{args.user or 'anon'}-{name}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
