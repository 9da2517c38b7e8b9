"""A clerk imports the department's catalog from the national template, in a real headless
Chromium: downloads the filled example, checks it (the report names the two bad rows and what is
wrong with them), fixes them in the file, checks again, imports the valid rows, and exports the
catalog; the exported workbook opens with its Chinese headings and holds the four entries."""
from __future__ import annotations

import io

import openpyxl
import pytest

from ckanext.liuzhou.transfer import template
from tests.conftest import make_user

from .conftest import PASSWORD
from .test_publish_and_find import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("departments")]

DEPT = "lzsgaj"
TITLES = ["柳州市机动车驾驶人培训机构名录", "柳州市道路交通事故统计", "柳州市非机动车登记信息", "柳州市交通违法处理窗口"]


@pytest.fixture(scope="module")
def clerk(departments):
    return make_user(DEPT, "editor", password=PASSWORD, fullname="公安局 目录编目员")["name"]


def _fix(path):
    """What the clerk corrects: row 4 states its sharing conditions (Art 22), row 5 a known
    update cycle and the type and length of its last information item."""
    book = openpyxl.load_workbook(path)
    ws = book[template.MAIN_SHEET]
    heads = [str(c.value).rstrip("*") for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(heads)}
    ws.cell(row=4, column=col["共享条件"], value="仅用于非机动车管理")
    ws.cell(row=5, column=col["更新周期"], value="每周")
    ws.cell(row=5, column=col["信息项"], value="窗口名称(C,50);地址(C,200);办公时间(C,100)")
    book.save(path)


def test_a_clerk_imports_the_example_fixes_the_rows_and_exports(browser_page, screenshot, clerk, tmp_path):
    page = browser_page()
    sign_in(page, clerk)
    page.goto(f"/organization/{DEPT}")
    page.click("text=导入导出目录")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").first.inner_text().startswith("导入目录")
    screenshot(page, "import-01-page")

    with page.expect_download() as download:
        page.click("text=填写示例")
    example = tmp_path / "填写示例.xlsx"
    download.value.save_as(example)

    # 1. the dry run of the example: two rows refused, each problem under its column
    page.set_input_files("#field-upload", str(example))
    page.click("form.liuzhou-import-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    report = page.locator("table.liuzhou-import-report")
    assert report.locator("tr.liuzhou-import-refused").count() == 2
    assert "共享条件：" in page.locator("tr[data-row='4']").inner_text()
    assert "有时候更新" in page.locator("tr[data-row='5']").inner_text()
    assert "信息项" in page.locator("tr[data-row='5']").inner_text()
    screenshot(page, "import-02-dry-run-report")

    # 2. the clerk fixes the two rows in the file and checks it again: nothing refused
    _fix(example)
    page.goto(f"/organization/{DEPT}/catalog-import")
    page.set_input_files("#field-upload", str(example))
    page.click("form.liuzhou-import-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("tr.liuzhou-import-refused").count() == 0
    assert page.locator("tr.liuzhou-import-create").count() == 4
    screenshot(page, "import-03-fixed-dry-run")

    # 3. import the valid rows
    page.click("button[name=confirm]")
    page.wait_for_load_state("networkidle")
    assert "新建 4" in page.locator(".liuzhou-import-counts").inner_text()
    assert page.locator("button[name=confirm]").count() == 0
    screenshot(page, "import-04-imported")

    # 4. the history, and the export
    page.goto(f"/organization/{DEPT}/catalog-import")
    assert page.locator("table.liuzhou-import-history tbody tr").count() >= 3
    screenshot(page, "import-05-history")
    with page.expect_download() as download:
        page.click("form.liuzhou-export-form button[type=submit]")
    exported = tmp_path / "export.xlsx"
    download.value.save_as(exported)
    book = openpyxl.load_workbook(io.BytesIO(exported.read_bytes()), read_only=True)
    rows = list(book[template.MAIN_SHEET].iter_rows(values_only=True))
    assert rows[0][4] == "信息资源名称*" and rows[0][0] == "信息资源分类(类)*"
    assert set(TITLES) <= {r[4] for r in rows[1:]}
    items = list(book[template.ITEMS_SHEET].iter_rows(values_only=True))
    assert "办公时间" in {r[2] for r in items[1:]}
