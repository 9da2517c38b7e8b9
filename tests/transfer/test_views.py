"""The department's 导入导出目录 pages over HTTP: Chinese, the dry run's report naming the bad
rows, 导入有效行 as a POST with CSRF, the downloads, and the pages closed to other roles."""
from __future__ import annotations

import io
import re

import openpyxl
import pytest

from ckan.tests import factories

from ckanext.liuzhou.transfer import template, writer
from tests.ui.conftest import csrf_token

from .conftest import DEPT, entries_of, row, xlsx

pytestmark = pytest.mark.usefixtures("departments")


def _auth(user):
    return {"Authorization": factories.APIToken(user=user)["token"]}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _upload(app, headers, content: bytes, name="目录.xlsx"):
    url = f"/organization/{DEPT}/catalog-import"
    form = app.get(url, headers=headers).get_data(as_text=True)
    return app.post(url, headers=headers, follow_redirects=False, data={
        "_csrf_token": csrf_token(form), "upload": (io.BytesIO(content), name)})


def test_a_clerk_checks_the_example_then_imports_the_valid_rows(app, roles):
    headers = _auth(roles.editor)
    page = app.get(f"/organization/{DEPT}/catalog-import", headers=headers)
    assert page.status_code == 200
    body = _text(page.get_data(as_text=True))
    for word in ("导入目录", "导出目录", "空白模板", "填写示例", "检查文件（试导入）", "导入记录"):
        assert word in body, word
    res = _upload(app, headers, writer.example())
    assert res.status_code == 302 and "/catalog-import/" in res.headers["Location"]
    report_url = res.headers["Location"]
    report = app.get(report_url, headers=headers).get_data(as_text=True)
    text = _text(report)
    assert "试导入" in text and "拒绝 2" in text and "新建 2" in text
    assert "有时候更新" in text and "共享条件" in text            # the bad rows named, with the field
    assert "导入有效行（2）" in text
    res = app.post(report_url + "/import", headers=headers, follow_redirects=False,
                   data={"_csrf_token": csrf_token(report), "confirm": "yes"})
    assert res.status_code == 302
    done = _text(app.get(res.headers["Location"], headers=headers).get_data(as_text=True))
    assert "新建 2" in done and "导入有效行" not in done
    assert {"柳州市机动车驾驶人培训机构名录", "柳州市道路交通事故统计"} <= {p["title"] for p in entries_of()}
    # the history lists both
    history = _text(app.get(f"/organization/{DEPT}/catalog-import", headers=headers).get_data(as_text=True))
    assert history.count("政务信息资源目录填写示例.xlsx") + history.count("目录.xlsx") >= 2


def test_a_refused_file_is_shown_on_the_form(app, roles):
    res = _upload(app, _auth(roles.editor), b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    assert res.status_code == 200 and "密码" in res.get_data(as_text=True)


def test_the_downloads_open_with_chinese_headings(app, roles):
    headers = _auth(roles.editor)
    for url in ("/catalog-import/template.xlsx", "/catalog-import/example.xlsx",
                f"/organization/{DEPT}/catalog-export"):
        res = app.get(url, headers=headers)
        assert res.status_code == 200 and "attachment" in res.headers["Content-Disposition"], url
        book = openpyxl.load_workbook(io.BytesIO(res.data), read_only=True)
        assert next(book[template.MAIN_SHEET].iter_rows(values_only=True))[4] == "信息资源名称*"
    csv = app.get(f"/organization/{DEPT}/catalog-export?format=csv&shared_only=true", headers=headers)
    assert csv.status_code == 200 and csv.data.startswith("\ufeff".encode())


def test_the_tab_and_the_pages_are_for_those_who_keep_the_catalog(app, roles):
    org_page = app.get(f"/organization/{DEPT}", headers=_auth(roles.editor)).get_data(as_text=True)
    assert "导入导出目录" in org_page
    assert "导入导出目录" not in app.get(f"/organization/{DEPT}", headers=_auth(roles.member)).get_data(as_text=True)
    for user in (roles.member, roles.other_editor):
        assert app.get(f"/organization/{DEPT}/catalog-import", headers=_auth(user)).status_code == 403
        assert app.get(f"/organization/{DEPT}/catalog-export", headers=_auth(user)).status_code == 403
    assert app.get(f"/organization/{DEPT}/catalog-import", headers=_auth(roles.authority)).status_code == 200
    anonymous = app.get(f"/organization/{DEPT}/catalog-import", follow_redirects=False)
    assert anonymous.status_code == 302 and "/user/login" in anonymous.headers["Location"]
