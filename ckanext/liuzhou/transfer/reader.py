"""Reading an uploaded workbook (xlsx) or CSV safely: every hostile input is refused with a
clear Chinese message before it costs memory or leaves anything behind.

Checked, in order, on the bytes alone:

- the size of the upload (``ckanext.liuzhou.import.max_bytes``);
- what the file is by its first bytes: an OLE compound file (``D0 CF 11 E0``) is an encrypted
  (password-protected) xlsx or an old .xls; a zip is an xlsx; anything else must decode as text
  (UTF-8 with or without BOM, else GB18030, which covers GBK) to be read as CSV;
- for an xlsx, the zip's declared uncompressed sizes and compression ratios
  (``…import.max_uncompressed_bytes``, ``…import.max_ratio``), before openpyxl opens it (a zip
  bomb is refused unread);

then, while reading (openpyxl ``read_only``, row by row): a formula cell, more rows than
``…import.max_rows``, a cell longer than ``…import.max_cell_chars``, a workbook with no sheet
whose heading row is the template's (the message lists the expected headings).
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import zipfile
from typing import Any, Iterable, Optional

from .. import config as lz_config
from . import template

OLE_MAGIC = b"\xd0\xcf\x11\xe0"
ZIP_MAGIC = b"PK\x03\x04"
HEADING_SCAN_ROWS = 10   # a title row or two may stand above the headings


class ReadError(Exception):
    """The file cannot be imported; ``str(e)`` is the message for the clerk (Chinese)."""


@dataclasses.dataclass
class Sheet:
    name: str
    columns: dict[int, template.Column]
    rows: list[tuple[int, dict[str, Any]]]          # (row number in the file, {field: value})
    ignored: list[str] = dataclasses.field(default_factory=list)  # headings not in the template


@dataclasses.dataclass
class Workbook:
    main: Sheet
    items: Optional[Sheet] = None


@dataclasses.dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_cell_chars: int
    max_uncompressed_bytes: int
    max_ratio: int

    @classmethod
    def from_config(cls) -> "Limits":
        return cls(lz_config.import_max_bytes(), lz_config.import_max_rows(),
                   lz_config.import_max_cell_chars(), lz_config.import_max_uncompressed_bytes(),
                   lz_config.import_max_ratio())


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n} 字节"


def read(data: bytes, filename: str = "", limits: Optional[Limits] = None) -> Workbook:
    """The template's sheets of an upload; :class:`ReadError` for anything else."""
    limits = limits or Limits.from_config()
    if not data:
        raise ReadError("文件是空的。请上传按国家模板填写的 Excel 工作簿（.xlsx）或 CSV 文件。")
    if len(data) > limits.max_bytes:
        raise ReadError(f"文件过大（{_mb(len(data))}），上限为 {_mb(limits.max_bytes)}。请按部门或分批拆分后再导入。")
    if data.startswith(OLE_MAGIC):
        raise ReadError("文件受密码保护（已加密），或为旧版 .xls 格式，平台无法读取。"
                        "请在 Excel 中取消密码，另存为 .xlsx 工作簿或 CSV（UTF-8）后再导入。")
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data, limits)
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise ReadError("文件扩展名是 Excel，但内容不是 Excel 工作簿（.xlsx）。请在 Excel 中另存为 .xlsx 后再导入。")
    text = _decode(data)
    return _read_csv(text, limits)


# ---------------------------------------------------------------- xlsx

def _check_zip(data: bytes, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ReadError("文件不是完整的 Excel 工作簿（压缩包已损坏）。请重新保存为 .xlsx 后再导入。")
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise ReadError("文件是压缩包，但不是 Excel 工作簿（.xlsx）。请上传按国家模板填写的工作簿。")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > limits.max_ratio:
            raise ReadError(f"工作簿中的 {info.filename} 压缩比异常（{ratio:.0f} 倍，上限 {limits.max_ratio} 倍），"
                            "疑为压缩炸弹，平台拒绝读取。")
    if total > limits.max_uncompressed_bytes:
        raise ReadError(f"工作簿解压后过大（{_mb(total)}，上限 {_mb(limits.max_uncompressed_bytes)}），"
                        "平台拒绝读取。请拆分后再导入。")


def _read_xlsx(data: bytes, limits: Limits) -> Workbook:
    _check_zip(data, limits)
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a broken or foreign zip
        raise ReadError("无法读取该 Excel 工作簿（格式损坏或不是 .xlsx）。请在 Excel 中另存为 .xlsx 后再导入。")
    try:
        main = items = None
        for ws in book.worksheets:
            sheet = _read_sheet(ws.title, _xlsx_rows(ws, limits), limits)
            if sheet is None:
                continue
            if main is None and any(c.field == "classification" or c.field == "notes" for c in sheet.columns.values()):
                main = sheet
            elif items is None and any(c.field == "data_type" for c in sheet.columns.values()):
                items = sheet
        if main is None:
            raise _no_headings()
        return Workbook(main, items)
    finally:
        book.close()


def _xlsx_rows(ws, limits: Limits) -> Iterable[list]:
    for row in ws.iter_rows():
        values = []
        for cell in row:
            if getattr(cell, "data_type", None) == "f":   # a text cell that starts with = is text
                where = getattr(cell, "coordinate", "")
                raise ReadError(f"工作表“{ws.title}”的单元格 {where} 含公式。平台只导入数值：请复制该表，"
                                "“选择性粘贴 → 数值”后再导入。")
            values.append(cell.value)
        yield values


# ---------------------------------------------------------------- csv

def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ReadError("文件不是 Excel 工作簿（.xlsx），也不是文本 CSV 文件。请上传按国家模板填写的文件。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError("无法识别 CSV 文件的文字编码。请另存为“CSV UTF-8”或 GBK 编码后再导入。")


def _read_csv(text: str, limits: Limits) -> Workbook:
    csv.field_size_limit(max(limits.max_cell_chars + 1, 1024))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        sheet = _read_sheet("CSV", csv.reader(io.StringIO(text), dialect), limits)
    except csv.Error:
        raise ReadError(f"CSV 文件有超过 {limits.max_cell_chars} 个字符的单元格，或格式损坏，平台拒绝读取。")
    if sheet is None or not any(c.field == "title" for c in sheet.columns.values()):
        raise _no_headings()
    return Workbook(sheet, None)


# ---------------------------------------------------------------- both

def _no_headings() -> ReadError:
    return ReadError("没有找到国家模板的标题行。第一个工作表（或 CSV）的标题行应为："
                     + "、".join(template.headings())
                     + "；信息项可另附工作表“信息项”，标题为：" + "、".join(template.headings(items=True))
                     + "。请下载空白模板对照填写。")


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value).strip()
    return text or None


def _read_sheet(name: str, rows: Iterable[list], limits: Limits) -> Optional[Sheet]:
    """The sheet's rows under its heading row (the row, among the first ones, matching the most
    headings: the main sheet's, or the items sheet's); None for a sheet with neither."""
    columns: dict[int, template.Column] = {}
    ignored: list[str] = []
    out: list[tuple[int, dict[str, Any]]] = []
    count = 0
    for number, row in enumerate(rows, 1):
        count += 1
        if count > limits.max_rows + HEADING_SCAN_ROWS:
            raise ReadError(f"“{name}”的行数超过上限 {limits.max_rows} 行。请按部门或分批拆分后再导入。")
        for value in row:
            if isinstance(value, str) and len(value) > limits.max_cell_chars:
                raise ReadError(f"“{name}”第 {number} 行有超过 {limits.max_cell_chars} 个字符的单元格，平台拒绝读取。")
        if not columns:
            if number > HEADING_SCAN_ROWS:
                return None
            main, items = template.match_headings(row), template.match_headings(row, items=True)
            if len(main) >= 3 and len(main) >= len(items):
                columns = main
            elif len(items) >= 2 and any(c.field == "data_type" for c in items.values()):
                columns = items
            if columns:
                ignored = [str(v) for i, v in enumerate(row) if v not in (None, "") and i not in columns]
            continue
        values = {c.field or c.heading: _cell(row[i]) for i, c in columns.items() if i < len(row)}
        if any(v is not None for v in values.values()):
            if len(out) >= limits.max_rows:
                raise ReadError(f"“{name}”的行数超过上限 {limits.max_rows} 行。请按部门或分批拆分后再导入。")
            out.append((number, values))
    return Sheet(name, columns, out, ignored) if columns else None
