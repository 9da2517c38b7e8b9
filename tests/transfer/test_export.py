"""catalog_export: a department's catalog in the national template, the city's for the
Authority, a county's for its county authority, the shared list; an export imported into an
empty catalog gives the same entries (round trip)."""
from __future__ import annotations

import io

import openpyxl
import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.transfer import reader, template

from .conftest import DEPT, call, do_import, entries_of, export_bytes, row, xlsx

pytestmark = pytest.mark.usefixtures("departments")

COMPARED = ["title", "notes", "classification", "subclass", "format_category", "information_items",
            "sharing_type", "sharing_conditions", "legal_basis", "sharing_method", "sharing_method_type",
            "open_attribute", "open_conditions", "update_cycle", "publish_date", "related_resource_codes",
            "source_system", "lead_department", "provider_credit_code", "owner_org", "private", "state",
            "classification_item", "classification_subitem"]


def _fields(pkg: dict) -> dict:
    out = {k: pkg.get(k) for k in COMPARED}
    out["tags"] = sorted(t["name"] for t in pkg.get("tags") or [])
    return out


def _purge_all(dept=DEPT):
    for pkg in entries_of(dept):
        tk.get_action("dataset_purge")({"ignore_auth": True}, {"id": pkg["id"]})
    model.Session.remove()


ROWS = [
    row(信息资源名称="柳州市往返甲", 关键词="机动车、登记", 关联资源代码="301001/000001;301001/000002",
        开放属性="有条件开放", 开放条件="经申请审核后开放"),
    row(信息资源名称="柳州市往返乙", 共享类型="有条件共享", 共享条件="仅用于执法", 法律依据="《道路交通安全法》",
        信息项="姓名(xm,字符型,50)\n身份证号(sfzh,C,18)\n照片(zp,G,1)", 信息资源格式="电子表格", 共享方式类型="接口"),
    row(信息资源名称="柳州市往返丙", 共享类型="不予共享", 法律依据="《保守国家秘密法》", 更新周期="每年",
        发布日期=None, 来源系统=None),
]


def test_an_export_imported_into_an_empty_catalog_gives_the_same_entries(roles):
    _purge_all()
    out = do_import(roles.editor, xlsx(ROWS), dry_run=False)
    assert out["report"]["counts"]["create"] == 3, out["report"]
    before = [_fields(p) for p in entries_of()]
    exported = export_bytes(roles.editor)
    _purge_all()
    assert entries_of() == []
    again = do_import(roles.editor, exported, dry_run=False, file_name="导出.xlsx")
    assert again["report"]["counts"] == {"create": 3, "update": 0, "unchanged": 0, "refused": 0}
    assert [_fields(p) for p in entries_of()] == before
    # and the export of the re-imported catalog imports as "nothing changed"
    assert do_import(roles.editor, export_bytes(roles.editor))["report"]["counts"]["unchanged"] == 3


def test_the_export_opens_with_chinese_headings_and_the_items_sheet(roles):
    do_import(roles.editor, xlsx([row(信息资源名称="柳州市表头检查")]), dry_run=False)
    book = openpyxl.load_workbook(io.BytesIO(export_bytes(roles.editor)), read_only=True)
    assert book.sheetnames[:2] == [template.MAIN_SHEET, template.ITEMS_SHEET]
    heads = next(book[template.MAIN_SHEET].iter_rows(values_only=True))
    assert heads[4] == "信息资源名称*" and "更新周期*" in heads
    main = list(book[template.MAIN_SHEET].iter_rows(values_only=True))[1:]
    checked = next(r for r in main if r[4] == "柳州市表头检查")
    assert checked[heads.index("更新周期*")] == "每日" and checked[heads.index("信息资源提供方")] == "柳州市公安局"
    items = [r for r in list(book[template.ITEMS_SHEET].iter_rows(values_only=True))[1:] if r[1] == "柳州市表头检查"]
    assert [r[2] for r in items] == ["号牌号码", "登记日期"]


# 目 and 细目 as a department divides its catalog, items with descriptions (信息项描述), one of
# them holding the cell's separators
CLASSIFIED = [
    row(信息资源名称="柳州市分类往返甲", **{"信息资源分类(目)": "户籍管理", "信息资源分类(细目)": "常住人口"},
        信息项="姓名(xm,C,50)：公民身份证上的姓名;出生日期(csrq,D,8)：YYYYMMDD\n地址(dz,C,200)"),
    row(信息资源名称="柳州市分类往返乙", **{"信息资源分类(细目)": "流动人口"}),
    row(信息资源名称="柳州市分类往返丙"),
]


def test_the_csv_export_keeps_the_items_descriptions_and_the_classification_round_trip(roles):
    _purge_all()
    out = do_import(roles.editor, xlsx(CLASSIFIED), dry_run=False)
    assert out["report"]["counts"]["create"] == 3, out["report"]
    shown = {p["title"]: p for p in entries_of()}
    first = shown["柳州市分类往返甲"]
    assert (first["classification_item"], first["classification_subitem"]) == ("户籍管理", "常住人口")
    assert [i.get("description") for i in first["information_items"]] == ["公民身份证上的姓名", "YYYYMMDD", None]
    assert shown["柳州市分类往返乙"].get("classification_item") is None
    assert shown["柳州市分类往返乙"]["classification_subitem"] == "流动人口"
    # an item description holding the separators of the cell
    items = first["information_items"]
    items[1]["description"] = "YYYYMMDD；公历\n不含时刻"
    tk.get_action("package_patch")({"user": roles.editor}, {"id": first["id"], "information_items": items})
    before = [_fields(p) for p in entries_of()]

    exported = export_bytes(roles.editor, format="csv")
    lines = {v["title"]: v for _, v in reader.read(exported, "x.csv").main.rows}
    assert lines["柳州市分类往返甲"]["classification_item"] == "户籍管理"
    assert "：公民身份证上的姓名" in lines["柳州市分类往返甲"]["information_items"]
    # no 目 of its own: the export writes the provider's number, digits 4–6 of its code
    plain = next(p for p in entries_of() if p["title"] == "柳州市分类往返丙")
    assert lines["柳州市分类往返丙"]["classification_item"] == plain["resource_code"][3:6]

    _purge_all()
    again = do_import(roles.editor, exported, dry_run=False, file_name="导出.csv")
    assert again["report"]["counts"] == {"create": 3, "update": 0, "unchanged": 0, "refused": 0}, again["report"]
    assert [_fields(p) for p in entries_of()] == before
    assert do_import(roles.editor, export_bytes(roles.editor, format="csv"),
                     file_name="导出.csv")["report"]["counts"]["unchanged"] == 3


def test_a_classification_item_naming_the_provider_is_not_stored(roles):
    """目 is the provider department in the resource code: its number or its name says nothing
    more, and a 目 the department changes is an update."""
    _purge_all()
    do_import(roles.editor, xlsx([row(信息资源名称="柳州市目即部门")]), dry_run=False)
    (entry,) = entries_of()
    number = entry["resource_code"][3:6]
    for written in (number, "柳州市公安局"):
        out = do_import(roles.editor, xlsx([row(信息资源名称="柳州市目即部门", **{"信息资源分类(目)": written})]))
        assert out["report"]["counts"]["unchanged"] == 1, (written, out["report"])
    out = do_import(roles.editor, xlsx([row(信息资源名称="柳州市目即部门", **{"信息资源分类(目)": "机动车管理"})]),
                    dry_run=False)
    assert out["report"]["counts"]["update"] == 1, out["report"]
    assert entries_of()[0]["classification_item"] == "机动车管理"


def test_csv_export_has_the_items_in_a_cell_and_reads_back(roles):
    do_import(roles.editor, xlsx([row(信息资源名称="柳州市CSV导出")]), dry_run=False)
    data = export_bytes(roles.editor, format="csv")
    assert data.startswith("\ufeff".encode("utf-8"))
    wb = reader.read(data, "x.csv")
    line = next(v for _, v in wb.main.rows if v["title"] == "柳州市CSV导出")
    assert line["information_items"] == "号牌号码(hphm,C,20);登记日期(djrq,D,8)"


def test_the_shared_list_leaves_out_what_is_not_shared(roles):
    do_import(roles.editor, xlsx([row(信息资源名称="柳州市共享目录内"),
                                  row(信息资源名称="柳州市不共享", 共享类型="不予共享", 法律依据="《保守国家秘密法》")]),
              dry_run=False)
    titles = [v["title"] for _, v in reader.read(export_bytes(roles.editor, shared_only=True), "x.xlsx").main.rows]
    assert "柳州市共享目录内" in titles and "柳州市不共享" not in titles
    out = call(roles.editor, "catalog_export", department=DEPT, shared_only=True)
    assert "共享目录" in out["file_name"]


def test_each_role_may_export_what_it_oversees(roles):
    def allowed(user, **data):
        try:
            call(user, "catalog_export", **data)
            return True
        except tk.NotAuthorized:
            return False
    dept = {"department": DEPT}
    assert [allowed(u, **dept) for u in (roles.editor, roles.admin, roles.authority, roles.sysadmin)] == [True] * 4
    assert [allowed(u, **dept) for u in (roles.member, roles.other_editor, roles.county)] == [False] * 3
    assert allowed(roles.authority, scope="city") and not allowed(roles.editor, scope="city")
    assert not allowed(roles.county, scope="city")
    county = {"department": "ljqdsjj", "scope": "county"}
    assert allowed(roles.county, **county) and allowed(roles.authority, **county)
    assert not allowed(roles.editor, **county)
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("catalog_export")({"user": "", "ignore_auth": False}, dept)


def test_each_role_may_import_for_the_departments_it_keeps(roles):
    book = xlsx([row(信息资源名称="柳州市角色检查")])

    def allowed(user, department=DEPT):
        try:
            do_import(user, book, department=department)
            return True
        except tk.NotAuthorized:
            return False
    assert [allowed(u) for u in (roles.editor, roles.admin, roles.authority, roles.sysadmin)] == [True] * 4
    assert [allowed(u) for u in (roles.member, roles.other_editor, roles.county)] == [False] * 3
    assert allowed(roles.county, "ljqdsjj")
    # the status of an import: its user and those who keep the department; not others
    imp = do_import(roles.editor, book)
    assert call(roles.authority, "catalog_import_status", id=imp["id"])["id"] == imp["id"]
    with pytest.raises(tk.NotAuthorized):
        call(roles.other_editor, "catalog_import_status", id=imp["id"])
    # another department's dry run cannot be imported by naming one's own department
    with pytest.raises(tk.NotAuthorized):
        call(roles.other_editor, "catalog_import", id=imp["id"], department="lzsrlzyhshbzj", dry_run=False)


def test_the_authority_imports_for_a_department_it_is_not_a_member_of(roles):
    out = do_import(roles.authority, xlsx([row(信息资源名称="柳州市主管部门代导入")]), dry_run=False)
    assert out["report"]["counts"]["create"] == 1
    assert "柳州市主管部门代导入" in [p["title"] for p in entries_of()]
