"""The conditional-sharing flow through the pages of the demo portal, in headless Chromium, as
the demo users (what tests/browser/test_share_flow.py does on the test database):
consumer_member asks from the entry page, provider_admin approves from 待我处理, operator
delivers, consumer_member downloads the data through the platform, county_authority (another
department) is refused the request page, the data link and /data/. Screenshots of each step
go to --out; exits non-zero at the first failure. The request is valid until today.

    $VENV/bin/python scripts/walkthrough/sharing_ui.py [--base http://127.0.0.1:5000] [--out DIR]
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from screenshots import CHROMIUM_ARGS, login  # noqa: E402

PASSWORD = "Liuzhou@2026"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="http://127.0.0.1:5000")
    ap.add_argument("--out", default="screenshots/walkthrough-sharing")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)

        def as_user(user):
            context = browser.new_context(base_url=args.base, locale="zh-CN", viewport={"width": 1280, "height": 900})
            context.set_default_timeout(60_000)
            page = context.new_page()
            login(page, args.base, user, PASSWORD)
            return page

        def shot(page, name):
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)

        def step(text):
            print(f"== {text}", flush=True)

        step("1. consumer_member finds a conditional entry of 市公安局 it may not read, asks from its page")
        page = as_user("consumer_member")
        found = page.request.get("/api/3/action/package_search", params={
            "fq": "organization:lzsgaj AND sharing_type:conditional AND access:request",
            "sort": "metadata_created asc", "rows": "20"}).json()["result"]["results"]
        entry = next(p for p in found if any(r.get("url_type") == "upload" for r in p["resources"]))
        sample = next(r for r in entry["resources"] if r.get("url_type") == "upload")
        page.goto(f"/catalog/{entry['name']}")
        shot(page, "01-entry")
        page.click("a.liuzhou-request-button")
        page.wait_for_selector("form#liuzhou-request-form")
        page.fill("#field-purpose", "社会保障待遇资格认证时核验参保人身份（界面走查）")
        page.fill("#field-basis", "《社会保险法》第七十四条")
        page.check("input[name=scope_users][value=consumer_member]")
        page.fill("#field-valid_until", today)
        shot(page, "02-form")
        page.click("form#liuzhou-request-form button[name=save]")
        page.wait_for_selector(".liuzhou-request-badges")
        request_url = page.url.split("?")[0]
        assert "待审核" in page.inner_text(".liuzhou-request-badges"), page.inner_text(".liuzhou-request-badges")
        deadline = " ".join(page.inner_text(".liuzhou-deadline-line").split())
        print(f"   {entry['title']}: {request_url}, {deadline}")
        shot(page, "03-submitted")

        step("2. provider_admin approves it from 待我处理")
        page = as_user("provider_admin")
        request_id = request_url.rsplit("/", 1)[1]
        page.goto("/sharing/review")
        page.click(f"tr[data-request='{request_id}'] a.liuzhou-request-link")
        page.wait_for_selector("#step-decide")
        shot(page, "04-to-decide")
        page.click("#step-decide button[value=approve]")
        page.wait_for_selector(".liuzhou-request-badges")
        assert "已同意" in page.inner_text(".liuzhou-request-badges")
        print("   approved")

        step("3. operator delivers it from 待我处理")
        page = as_user("operator")
        page.goto("/sharing/review")
        page.click(f"tr[data-request='{request_id}'] a.liuzhou-request-link")
        page.wait_for_selector("#step-deliver")
        page.fill("#field-deliver-notes", "已通过共享平台开通数据访问（界面走查）")
        page.click("#step-deliver button[type=submit]")
        page.wait_for_selector(".liuzhou-request-badges")
        assert "已交付" in page.inner_text(".liuzhou-request-badges")
        shot(page, "05-delivered")
        print("   delivered")

        step("4. consumer_member sees access granted and downloads the data through the platform")
        page = as_user("consumer_member")
        page.goto(request_url)
        assert "已获得访问权限" in page.inner_text(".liuzhou-access-box")
        events = page.locator(".liuzhou-timeline-event").evaluate_all("els => els.map(e => e.dataset.event)")
        assert events == ["deliver", "approve", "create"], events
        shot(page, "06-access")
        page.goto(f"/catalog/{entry['name']}/resource/{sample['id']}")
        link = page.locator(f"a[href$='/data/{sample['id']}']").first
        with page.expect_download() as download:
            link.click()
        first = open(download.value.path(), encoding="utf-8-sig").readline().strip()
        print(f"   timeline {events}; downloaded /data/{sample['id']}: {first}")

        step("5. county_authority (another department) is refused")
        page = as_user("county_authority")
        status = page.goto(request_url).status
        assert status == 403, status
        page.goto(f"/catalog/{entry['name']}/resource/{sample['id']}")
        assert page.locator(f"a[href$='/data/{sample['id']}']").count() == 0
        notice = page.inner_text(".liuzhou-access-notice").strip()
        data_status = page.request.get(f"/data/{sample['id']}").status
        assert data_status == 403, data_status
        shot(page, "07-refused")
        print(f"   request page 403, no data link ({notice}), /data/ {data_status}")
        browser.close()
    print(f"The sharing flow works through the pages of {args.base}; screenshots in {out}")


if __name__ == "__main__":
    main()
