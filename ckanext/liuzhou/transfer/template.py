"""The national template (政务信息资源目录编制指南): its columns, as a department's workbook
heads them, and the catalog field each one fills.

Sheet 1 (``信息资源目录``): one catalog entry a row. Sheet 2 (``信息项``): one information item a
row, linked to its entry by 信息资源代码 or 信息资源名称; the items may instead be written in the
entry's 信息项 cell (``姓名(C,50);出生日期(D,8)``, one per line, or just the names). Columns
after the guide's core metadata are the ones Liuzhou's rules require (法律依据 for Art 22,
牵头部门 for Art 15, 关键词, 共享方式类型).

Headings are matched tolerantly (:func:`heading_key`): spaces, full-width brackets, ``*`` and
``必填`` markers do not matter, and a title row above the headings is skipped by the reader.
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import Optional

MAIN_SHEET = "信息资源目录"
ITEMS_SHEET = "信息项"


@dataclasses.dataclass(frozen=True)
class Column:
    heading: str                 # as the template writes it
    field: Optional[str]         # the catalog field it fills (None: read, not stored)
    required: bool = False       # the form requires it (marked * in the template)
    aliases: tuple[str, ...] = ()
    width: int = 16


COLUMNS: tuple[Column, ...] = (
    Column("信息资源分类(类)", "classification", True, ("类", "资源分类", "信息资源分类", "分类类"), 14),
    Column("信息资源分类(项)", "subclass", True, ("项", "资源子类", "分类项"), 18),
    Column("信息资源分类(目)", "classification_item", False, ("目", "分类目"), 10),
    Column("信息资源分类(细目)", "classification_subitem", False, ("细目", "分类细目"), 10),
    Column("信息资源名称", "title", True, ("资源名称", "目录名称", "名称"), 30),
    Column("信息资源代码", "resource_code", False, ("资源代码", "目录代码", "代码"), 18),
    Column("信息资源提供方", "owner_org", False, ("提供方", "提供部门", "提供单位", "来源部门"), 18),
    Column("提供方代码", "provider_credit_code", False, ("信息资源提供方代码", "提供方统一社会信用代码", "统一社会信用代码"), 22),
    Column("信息资源摘要", "notes", True, ("摘要", "资源摘要", "描述"), 40),
    Column("信息资源格式", "format_category", True, ("格式", "资源格式"), 12),
    Column("信息项", "information_items", False, ("信息项信息", "数据项"), 40),
    Column("共享类型", "sharing_type", True, ("共享属性", "共享属性共享类型"), 12),
    Column("共享条件", "sharing_conditions", False, ("共享属性共享条件",), 24),
    Column("共享方式", "sharing_method", True, ("共享属性共享方式",), 12),
    Column("共享方式类型", "sharing_method_type", False, ("共享方式分类",), 12),
    Column("开放属性", "open_attribute", True, ("是否向社会开放", "开放类型"), 12),
    Column("开放条件", "open_conditions", False, (), 24),
    Column("更新周期", "update_cycle", True, ("更新频率", "更新频度"), 10),
    Column("发布日期", "publish_date", False, ("发布时间",), 12),
    Column("关联资源代码", "related_resource_codes", False, ("关联资源",), 20),
    Column("来源系统", "source_system", False, ("来源信息系统", "所属系统", "来源业务系统"), 24),
    Column("法律依据", "legal_basis", False, ("共享依据", "依据"), 30),
    Column("牵头部门", "lead_department", False, (), 18),
    Column("关键词", "tag_string", False, ("关键字", "标签"), 20),
    Column("数据分级", "data_grade", False, ("分级", "数据级别", "分级分类"), 10),
)

ITEM_COLUMNS: tuple[Column, ...] = (
    Column("信息资源代码", "resource_code", False, ("资源代码", "目录代码"), 18),
    Column("信息资源名称", "title", False, ("资源名称", "目录名称"), 30),
    Column("信息项名称", "name", True, ("数据项名称", "字段名称", "名称", "中文名称"), 20),
    Column("标识符", "identifier", False, ("英文名称", "字段名", "字段标识", "标识"), 16),
    Column("数据类型", "data_type", True, ("类型", "字段类型"), 10),
    Column("数据长度", "length", False, ("长度", "字段长度"), 10),
    Column("说明", "description", False, ("描述", "备注", "信息项描述"), 30),
    Column("个人信息", "personal_information", False, ("是否个人信息", "个人信息标识"), 12),
)

#: field → heading (what a report names a field by)
HEADING_OF = {c.field: c.heading for c in COLUMNS if c.field}
ITEM_HEADING_OF = {c.field: c.heading for c in ITEM_COLUMNS if c.field}

_MARKS = re.compile(r"[\s*＊※()（）\[\]【】<>《》:：,，、.。\-—_]|必填|选填|可选|必须")


def heading_key(text) -> str:
    """A heading as compared: NFKC, no spaces, brackets, ``*`` or 必填 markers."""
    return _MARKS.sub("", unicodedata.normalize("NFKC", str(text or "")))


def _index(columns) -> dict[str, Column]:
    out: dict[str, Column] = {}
    for c in columns:
        for name in (c.heading, *c.aliases):
            out.setdefault(heading_key(name), c)
    return out


_MAIN = _index(COLUMNS)
_ITEMS = _index(ITEM_COLUMNS)


def match_headings(cells, items: bool = False) -> dict[int, Column]:
    """{column position: Column} for the cells of a row that are headings of the template."""
    known = _ITEMS if items else _MAIN
    found: dict[int, Column] = {}
    for i, cell in enumerate(cells):
        c = known.get(heading_key(cell))
        if c is not None and c not in found.values():
            found[i] = c
    return found


def headings(items: bool = False) -> list[str]:
    return [c.heading for c in (ITEM_COLUMNS if items else COLUMNS)]


# ---------------------------------------------------------------- information items in a cell

# One item a piece, pieces separated by ``;`` / ``；`` / new lines; a description in 「」 may hold
# separators. 姓名(C,50)  出生日期（D，8）  姓名(xm,C,50)  姓名(字符型)  姓名(xm,C,50)：公民的姓名
# the last bracket holds the specification: 金额(元)(N,18) is 金额(元), N, 18
_ITEM_PIECE = re.compile(r"(?:[^;；\n\r「]|「[^」]*」?)+")
_ITEM_RE = re.compile(r"^(?P<name>.+?)\s*[(（](?P<inside>[^()（）]*)[)）]\s*$")
# the description (信息项描述) after the specification's bracket, or after a bare name
_DESCRIBED = re.compile(r"^(?P<head>.*?[)）])\s*[:：]\s*(?P<text>.*)$", re.S)
_DESCRIBED_BARE = re.compile(r"^(?P<head>[^()（）:：]+?)\s*[:：]\s*(?P<text>.*)$", re.S)
_SEPARATORS = re.compile(r"[;；\n\r]")


def _description(piece: str) -> tuple[str, Optional[str]]:
    """(the item as written before its description, the description or None)."""
    m = _DESCRIBED.match(piece) or _DESCRIBED_BARE.match(piece)
    if not m:
        return piece, None
    text = m.group("text").strip()
    if text.startswith("「") and text.endswith("」"):
        text = text[1:-1]
    return m.group("head").strip(), text or None


def items_from_cell(text: str, to_type) -> tuple[list[dict], list[str]]:
    """The information items written in one cell, and the pieces that are not understood.

    ``to_type(word)`` maps a data-type word to its code (None when it does not map). A bare
    name has no type (the form then asks for one). A description (the guide's 信息项描述)
    follows the item after ``：``, in 「」 when it holds ``;`` or a new line."""
    items, bad = [], []
    for piece in _ITEM_PIECE.findall(str(text or "")):
        piece = piece.strip()
        if not piece:
            continue
        piece, description = _description(piece)
        m = _ITEM_RE.match(piece)
        if not m:
            items.append({"name": piece, **({"description": description} if description else {})})
            continue
        item = {"name": m.group("name").strip()}
        parts = [p.strip() for p in re.split(r"[,，、/]", m.group("inside")) if p.strip()]
        for part in parts:
            if part.isdigit() and "length" not in item:
                item["length"] = part
            elif "data_type" not in item and to_type(part):
                item["data_type"] = to_type(part)
            elif re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", part) and "identifier" not in item:
                item["identifier"] = part
            else:
                bad.append(piece)
                break
        if description:
            item["description"] = description
        items.append(item)
    return items, bad


def items_to_cell(items: list[dict]) -> str:
    """The items as one cell: ``名称(标识符,类型,长度)：描述`` joined by ``;`` (what
    :func:`items_from_cell` reads back; a description holding a separator goes in 「」)."""
    out = []
    for i in items:
        name = str(i.get("name", ""))
        inside = [str(v) for v in (i.get("identifier"), i.get("data_type"), i.get("length")) if v not in (None, "")]
        description = str(i.get("description") or "").strip()
        # a name ending in a bracket, or with a colon, keeps an (empty) specification bracket
        bracket = bool(inside) or name.endswith((")", "）")) or (bool(description) and any(c in name for c in ":："))
        piece = f"{name}({','.join(inside)})" if bracket else name
        if description:
            if _SEPARATORS.search(description) or description.startswith("「"):
                description = f"「{description}」"
            piece += f"：{description}"
        out.append(piece)
    return ";".join(out)
