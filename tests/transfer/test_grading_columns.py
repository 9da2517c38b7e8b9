"""The import template carries the data grade (数据分级) of an entry and the personal-information
mark (个人信息) of each item: read, stored, exported, and read back unchanged (round trip)."""
from __future__ import annotations

import io

import openpyxl
import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.transfer import template

from .conftest import do_import, entries_of, export_bytes, row, xlsx

pytestmark = pytest.mark.usefixtures("departments")

ROWS = [row(信息资源名称="柳州市分级往返甲", 信息项=None, 数据分级="核心", 共享类型="有条件共享",
            共享条件="仅用于身份核验", 法律依据="《居民身份证法》"),
        row(信息资源名称="柳州市分级往返乙", 信息项=None, 数据分级="重要数据"),
        row(信息资源名称="柳州市分级往返丙", 信息项=None)]          # no grade: general
ITEMS = [
    {"信息资源名称": "柳州市分级往返甲", "信息项名称": "公民身份号码", "标识符": "gmsfhm", "数据类型": "C",
     "数据长度": 18, "个人信息": "敏感个人信息"},
    {"信息资源名称": "柳州市分级往返甲", "信息项名称": "姓名", "标识符": "xm", "数据类型": "C", "数据长度": 50,
     "个人信息": "是"},
    {"信息资源名称": "柳州市分级往返甲", "信息项名称": "登记日期", "标识符": "djrq", "数据类型": "D", "数据长度": 8,
     "个人信息": "无"},
    {"信息资源名称": "柳州市分级往返乙", "信息项名称": "号牌号码", "标识符": "hphm", "数据类型": "C", "数据长度": 20},
    {"信息资源名称": "柳州市分级往返丙", "信息项名称": "号牌号码", "标识符": "hphm", "数据类型": "C", "数据长度": 20},
]


def _mine() -> list[dict]:
    return [p for p in entries_of() if p["title"].startswith("柳州市分级往返")]


def _purge() -> None:
    for pkg in _mine():
        tk.get_action("dataset_purge")({"ignore_auth": True}, {"id": pkg["id"]})
    model.Session.remove()


def _grades_and_marks() -> list:
    return [(p["title"], p["data_grade"], [(i["identifier"], i.get("personal_information") or "none")
                                           for i in p["information_items"]]) for p in _mine()]


EXPECTED = [
    ("柳州市分级往返丙", "general", [("hphm", "none")]),
    ("柳州市分级往返乙", "important", [("hphm", "none")]),
    ("柳州市分级往返甲", "core", [("gmsfhm", "sensitive"), ("xm", "personal"), ("djrq", "none")]),
]


def test_the_grade_and_the_personal_marks_are_imported_exported_and_read_back(roles):
    _purge()
    out = do_import(roles.editor, xlsx(ROWS, ITEMS), dry_run=False)
    assert out["report"]["counts"]["create"] == 3, out["report"]
    assert _grades_and_marks() == EXPECTED
    exported = export_bytes(roles.editor)
    book = openpyxl.load_workbook(io.BytesIO(exported))
    main = list(book[template.MAIN_SHEET].values)
    col = lambda rows, heading: [template.heading_key(h) for h in rows[0]].index(heading)
    assert {r[col(main, "数据分级")] for r in main[1:] if str(r[col(main, "信息资源名称")]).startswith("柳州市分级往返")} \
        == {"核心", "重要", "一般"}
    items = list(book[template.ITEMS_SHEET].values)
    marks = {(r[col(items, "标识符")], r[col(items, "个人信息")]) for r in items[1:]}
    assert {("gmsfhm", "敏感个人信息"), ("xm", "个人信息")} <= marks
    # read back: nothing changed; into an empty catalog: the same grades and marks
    assert do_import(roles.editor, exported)["report"]["counts"]["update"] == 0
    _purge()
    again = do_import(roles.editor, exported, dry_run=False, file_name="导出.xlsx")
    assert again["report"]["counts"]["refused"] == 0
    assert _grades_and_marks() == EXPECTED


def test_an_unknown_grade_or_mark_refuses_the_row_and_names_the_words_accepted(roles):
    out = do_import(roles.editor, xlsx([row(信息资源名称="柳州市分级拒绝", 数据分级="绝密")]))
    refused = [r for r in out["report"]["rows"] if r["title"] == "柳州市分级拒绝"][0]
    assert refused["action"] == "refused" and "一般" in str(refused["errors"]["数据分级"])
    items = [dict(ITEMS[3], 信息资源名称="柳州市分级拒绝", 个人信息="也许")]
    out = do_import(roles.editor, xlsx([row(信息资源名称="柳州市分级拒绝", 信息项=None)], items))
    assert "敏感个人信息" in str(out["report"])
