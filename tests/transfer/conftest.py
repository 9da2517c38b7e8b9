"""Import and export fixtures: workbooks built in the test, users of each role."""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import openpyxl
import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.liuzhou.transfer import template
from tests.conftest import make_user

DEPT = "lzsgaj"   # 市公安局

HEAD = [c.heading for c in template.COLUMNS]


def row(**values) -> dict:
    """A valid department-catalog row in a clerk's words, with ``values`` (by heading) applied."""
    base = {
        "信息资源分类(类)": "部门信息资源", "信息资源分类(项)": "部门信息资源",
        "信息资源名称": "柳州市机动车登记信息", "信息资源摘要": "全市机动车登记、转移和注销信息。",
        "信息资源格式": "数据库", "信息项": "号牌号码(hphm,C,20);登记日期(djrq,D,8)",
        "共享类型": "无条件共享", "共享方式": "共享平台", "开放属性": "不予开放", "更新周期": "每天",
        "发布日期": "2024-03-15", "来源系统": "机动车登记系统",
    }
    base.update(values)
    return {k: v for k, v in base.items() if v is not None}


def xlsx(rows: list[dict], items: list[dict] | None = None, title_row: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = template.MAIN_SHEET
    if title_row:
        ws.append([title_row])
    ws.append(HEAD)
    for r in rows:
        ws.append([r.get(h) for h in HEAD])
    if items is not None:
        wi = book.create_sheet(template.ITEMS_SHEET)
        heads = [c.heading for c in template.ITEM_COLUMNS]
        wi.append(heads)
        for i in items:
            wi.append([i.get(h) for h in heads])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[dict], encoding: str = "utf-8-sig") -> bytes:
    import csv
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(HEAD)
    for r in rows:
        w.writerow([r.get(h, "") for h in HEAD])
    return out.getvalue().encode(encoding)


@dataclass
class Roles:
    sysadmin: str
    editor: str           # 市公安局 editor
    admin: str            # 市公安局 admin
    member: str           # 市公安局 member (reads, does not keep the catalog)
    other_editor: str     # 市人社局 editor
    authority: str        # 市大数据发展局 admin
    county: str           # 柳江区大数据发展局 admin (county authority)


@pytest.fixture(scope="module")
def roles(departments) -> Roles:
    return Roles(
        sysadmin=factories.Sysadmin()["name"],
        editor=make_user(DEPT, "editor")["name"],
        admin=make_user(DEPT, "admin")["name"],
        member=make_user(DEPT, "member")["name"],
        other_editor=make_user("lzsrlzyhshbzj", "editor")["name"],
        authority=make_user("lzsdsjfzj", "admin")["name"],
        county=make_user("ljqdsjj", "admin")["name"],
    )


def call(user, action, **data):
    return tk.get_action(action)({"user": user, "ignore_auth": False}, data)


def do_import(user, content: bytes, dry_run=True, department=DEPT, file_name="目录.xlsx"):
    return call(user, "catalog_import", department=department, upload=content, file_name=file_name,
                dry_run=dry_run)


def export_bytes(user, **data) -> bytes:
    out = call(user, "catalog_export", **{"department": DEPT, **data})
    return base64.b64decode(out["content_base64"])


def entries_of(dept=DEPT) -> list[dict]:
    """package_show of every catalog entry of the department, by title."""
    model.Session.remove()
    org = model.Group.get(dept)
    ids = [i for i, in model.Session.query(model.Package.id).filter(
        model.Package.owner_org == org.id, model.Package.type == "catalog", model.Package.state == "active")]
    shown = [tk.get_action("package_show")({"ignore_auth": True}, {"id": i}) for i in ids]
    return sorted(shown, key=lambda p: p["title"])
