"""Workbooks in the national template: the blank template, the filled example, and a catalog
export (xlsx, or CSV in UTF-8 with a BOM so Excel opens it with its Chinese intact).

An export writes what an import reads (:mod:`.reader`, :mod:`.rows`): the Chinese labels of the
codes, the items on the 信息项 sheet linked by 信息资源代码, so an export imported into an empty
portal gives the same catalog.
"""
from __future__ import annotations

import csv
import io
from typing import Iterable, Optional

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from . import rows as rows_mod
from . import template, words

_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_WRAP = Alignment(wrap_text=True, vertical="top")

# The filled example: a few rows as a department writes them, two of them faulty (the report
# names them: an update cycle no list knows, conditional sharing without its conditions).
EXAMPLE = [
    {"classification": "部门", "subclass": "部门信息资源", "title": "柳州市机动车驾驶人培训机构名录",
     "notes": "全市机动车驾驶人培训机构的名称、地址、培训车型和联系电话。", "format_category": "电子表格-xlsx",
     "information_items": "机构名称(jgmc,字符,100);机构地址(jgdz,字符,200);培训车型(pxcx,C,20);联系电话(lxdh,C,20)",
     "sharing_type": "无条件", "sharing_method": "共享平台", "sharing_method_type": "文件",
     "open_attribute": "向社会开放", "update_cycle": "每月", "publish_date": "2024-03-15",
     "source_system": "驾培监管服务平台", "tag_string": "驾培、机动车"},
    {"classification": "部门", "subclass": "部门信息资源", "title": "柳州市道路交通事故统计",
     "notes": "按月统计的道路交通事故起数、伤亡人数，按县区汇总。", "format_category": "数据库:mysql",
     "sharing_type": "有条件共享", "sharing_conditions": "仅用于交通安全管理和统计分析",
     "legal_basis": "《中华人民共和国道路交通安全法》", "sharing_method": "平台", "sharing_method_type": "库表",
     "open_attribute": "不予开放", "update_cycle": "每天", "publish_date": "2024/5/8",
     "source_system": "交通管理综合应用平台", "tag_string": "交通事故,统计"},
    {"classification": "部门", "subclass": "部门信息资源", "title": "柳州市非机动车登记信息",
     "notes": "电动自行车等非机动车的登记、号牌和所有人信息。", "format_category": "数据库",
     "sharing_type": "有条件", "sharing_method": "共享平台", "open_attribute": "不予开放",
     "legal_basis": "《广西壮族自治区电动自行车管理条例》",
     "update_cycle": "实时", "source_system": "非机动车登记系统"},          # faulty: no conditions (Art 22)
    {"classification": "部门", "subclass": "部门信息资源", "title": "柳州市交通违法处理窗口",
     "notes": "交通违法处理窗口的名称、地址和办公时间。", "format_category": "电子表格",
     "information_items": "窗口名称(C,50);地址(C,200);办公时间",
     "sharing_type": "无条件共享", "sharing_method": "共享平台", "open_attribute": "向社会开放",
     "update_cycle": "有时候更新"},                                            # faulty: no such cycle; a type missing
]
EXAMPLE_ITEMS = [
    # items of the second row, on the items sheet (the way many departments send them)
    {"title": "柳州市道路交通事故统计", "name": "统计月份", "identifier": "tjyf", "data_type": "日期型", "length": "8",
     "description": "YYYYMMDD"},
    {"title": "柳州市道路交通事故统计", "name": "县区", "identifier": "xq", "data_type": "字符型", "length": "20"},
    {"title": "柳州市道路交通事故统计", "name": "事故起数", "identifier": "sgqs", "data_type": "数值型", "length": "10"},
    {"title": "柳州市道路交通事故统计", "name": "死亡人数", "identifier": "swrs", "data_type": "整型", "length": "10"},
    {"title": "柳州市非机动车登记信息", "name": "号牌号码", "identifier": "hphm", "data_type": "字符", "length": "20"},
    {"title": "柳州市非机动车登记信息", "name": "所有人姓名", "identifier": "syrxm", "data_type": "C", "length": "50"},
]


def _head(ws, columns) -> None:
    cells = []
    for c in columns:
        cell = WriteOnlyCell(ws, value=c.heading + ("*" if c.required else ""))
        cell.font, cell.fill, cell.alignment = _HEAD_FONT, _REQUIRED_FILL if c.required else _HEAD_FILL, _WRAP
        cells.append(cell)
    ws.append(cells)
    for i, c in enumerate(columns):
        ws.column_dimensions[_letter(i)].width = c.width
    ws.freeze_panes = "A2"


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(i + 1)


def _guide(book) -> None:
    ws = book.create_sheet("填写说明")
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 20, 100
    ws.append(["说明", "每行一条目录；带 * 的列必须填写。信息项写在“信息项”工作表（以信息资源代码或名称关联），"
                      "或写在本行的“信息项”单元格：名称(标识符,类型,长度)，以分号或换行分隔。"
                      "信息资源代码由平台赋予：新目录留空；填写已有目录的代码即更新该目录。"])
    for c in template.COLUMNS:
        if c.field in rows_mod.CODED:
            ws.append([c.heading, "可用：" + "、".join(words.accepted(c.field))])
    ws.append(["数据类型", "可用：" + "、".join(words.accepted("data_type"))])


def _main_values(fields: dict, code: Optional[str], provider: str, credit: Optional[str],
                 items_in_cell: bool) -> list:
    out = []
    for c in template.COLUMNS:
        f = c.field
        if f is None:
            value = None
        elif f == "classification_item":   # the department's own 目, else the provider's number
            value = fields.get(f) or rows_mod.item_of_code(code)
        elif f == "resource_code":
            value = code
        elif f == "owner_org":
            value = provider
        elif f == "provider_credit_code":
            value = credit or fields.get(f)
        elif f in rows_mod.CODED:
            value = words.label(f, fields.get(f))
        elif f == "information_items":
            value = template.items_to_cell(rows_mod.comparable(fields)[f]) if items_in_cell else None
        elif f == "related_resource_codes":
            value = ";".join(rows_mod.comparable(fields)[f]) or None
        elif f == "tag_string":
            value = "、".join(rows_mod.comparable(fields)[f]) or None
        elif f == "lead_department":
            value = fields.get("_lead_title") or fields.get(f)
        else:
            value = fields.get(f)
        out.append(value if value not in ("", None) else None)
    return out


def _item_values(code: Optional[str], title: str, item: dict) -> list:
    values = {"resource_code": code, "title": title, **item}
    if item.get("personal_information"):
        values["personal_information"] = words.label("personal_information", item["personal_information"])
    return [values.get(c.field) if values.get(c.field) not in ("",) else None for c in template.ITEM_COLUMNS]


_FORMULA_START = ("=", "+", "-", "@")


def _text_cells(ws, values: list) -> list:
    """A row whose text is text: a value starting with ``=`` is written as a string cell, never
    as a formula (an entry titled "=HYPERLINK(…)" must not become a live formula in Excel)."""
    out = []
    for v in values:
        if isinstance(v, str) and v.startswith("="):
            cell = WriteOnlyCell(ws, value=v)
            cell.data_type = "s"
            out.append(cell)
        else:
            out.append(v)
    return out


def xlsx(records: Iterable[list], items: Iterable[list] = ()) -> bytes:
    """A workbook of the template: ``records`` are rows of the main sheet, ``items`` rows of the
    items sheet (lists in the order of the template's columns)."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(template.MAIN_SHEET)
    _head(ws, template.COLUMNS)
    for r in records:
        ws.append(_text_cells(ws, r))
    wi = book.create_sheet(template.ITEMS_SHEET)
    _head(wi, template.ITEM_COLUMNS)
    for r in items:
        wi.append(_text_cells(wi, r))
    _guide(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(records: Iterable[list]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([c.heading for c in template.COLUMNS])
    for r in records:   # a cell that a spreadsheet would run as a formula gets a leading '
        w.writerow(["" if v is None else (f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
                    for v in r])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def blank() -> bytes:
    return xlsx([])


def example() -> bytes:
    main = [[row.get(c.field) if c.field else None for c in template.COLUMNS] for row in EXAMPLE]
    items = [[i.get(c.field) for c in template.ITEM_COLUMNS] for i in EXAMPLE_ITEMS]
    return xlsx(main, items)


def export_rows(entries: list, orgs: dict[str, tuple[str, str]], lead_titles: dict[str, str],
                items_in_cell: bool = False) -> tuple[list[list], list[list]]:
    """The main and items rows of stored entries (:class:`rows.Stored`); ``orgs`` maps an
    owner id to (title, credit code), ``lead_titles`` a department name to its title."""
    main, items = [], []
    for s in entries:
        fields = dict(s.fields)
        fields["_lead_title"] = lead_titles.get(fields.get("lead_department") or "")
        title, credit = orgs.get(s.owner_org, ("", None))
        main.append(_main_values(fields, s.code, title, credit, items_in_cell))
        if not items_in_cell:
            for item in rows_mod.comparable(fields)["information_items"]:
                items.append(_item_values(s.code, s.title, item))
    return main, items
