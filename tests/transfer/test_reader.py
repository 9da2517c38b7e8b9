"""transfer/reader.py: hostile files are refused with a clear message before they cost memory;
the template is found however a department lays it out."""
from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from ckanext.liuzhou.transfer import reader

from .conftest import HEAD, csv_bytes, row, xlsx

LIMITS = reader.Limits(max_bytes=5 * 1024 * 1024, max_rows=1000, max_cell_chars=32000,
                       max_uncompressed_bytes=50 * 1024 * 1024, max_ratio=100)


def refused(data: bytes, name: str = "x.xlsx", limits=LIMITS) -> str:
    with pytest.raises(reader.ReadError) as info:
        reader.read(data, name, limits)
    message = str(info.value)
    assert message and any("\u4e00" <= ch <= "\u9fff" for ch in message)   # Chinese
    return message


def test_a_workbook_with_a_title_row_and_an_items_sheet():
    data = xlsx([row()], items=[{"信息资源名称": "柳州市机动车登记信息", "信息项名称": "号牌号码", "数据类型": "C"}],
                title_row="柳州市公安局政务信息资源目录（2024年）")
    wb = reader.read(data, "x.xlsx", LIMITS)
    assert len(wb.main.rows) == 1 and wb.main.rows[0][0] == 3
    assert wb.main.rows[0][1]["title"] == "柳州市机动车登记信息"
    assert wb.items.rows[0][1] == {"resource_code": None, "title": "柳州市机动车登记信息", "name": "号牌号码",
                                   "identifier": None, "data_type": "C", "length": None, "description": None,
                                   "personal_information": None}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_utf8_or_gbk(encoding):
    wb = reader.read(csv_bytes([row(), row(信息资源名称="柳州市驾驶证信息")], encoding), "x.csv", LIMITS)
    assert [r[1]["title"] for r in wb.main.rows] == ["柳州市机动车登记信息", "柳州市驾驶证信息"]
    assert wb.main.rows[0][1]["update_cycle"] == "每天"


def test_a_formula_cell_is_refused():
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(HEAD)
    ws.append([row().get(h) for h in HEAD])
    ws["E2"] = '=CONCATENATE("柳州","目录")'
    out = io.BytesIO()
    book.save(out)
    assert "公式" in refused(out.getvalue()) and "E2" in refused(out.getvalue())


def test_text_that_looks_like_a_formula_is_exported_as_text_and_reads_back():
    from ckanext.liuzhou.transfer import template, writer
    line = [None] * len(template.COLUMNS)
    line[4], line[8] = "=HYPERLINK(\"http://x\")", "摘要"
    wb = reader.read(writer.xlsx([line]), "x.xlsx", LIMITS)
    assert wb.main.rows[0][1]["title"] == "=HYPERLINK(\"http://x\")"
    assert writer.csv_bytes([line]).decode("utf-8-sig").splitlines()[1].split(",")[4] == "\"'=HYPERLINK(\"\"http://x\"\")\""


def test_too_many_rows_are_refused():
    rows = [row(信息资源名称=f"目录{i}") for i in range(1001)]
    assert "行数超过上限 1000" in refused(xlsx(rows))
    assert "行数超过上限 1000" in refused(csv_bytes(rows), "x.csv")


def test_100000_rows_are_refused_under_the_default_like_limit():
    """A sheet of 100,000 rows (generated here, write-only) against a 50,000-row limit."""
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("目录")
    ws.append(HEAD)
    line = [row().get(h) for h in HEAD]
    for _ in range(100_000):
        ws.append(line)
    out = io.BytesIO()
    book.save(out)
    limits = reader.Limits(60 * 1024 * 1024, 50_000, 32767, 500 * 1024 * 1024, 1000)
    assert "行数超过上限 50000" in refused(out.getvalue(), limits=limits)


def test_an_oversize_upload_and_a_huge_cell_are_refused():
    """openpyxl cuts a cell at Excel's 32,767 characters: the limit is below that, so a cut cell
    is refused, never imported cut."""
    big = xlsx([row(信息资源摘要="摘" * 40_000)])
    assert "字符" in refused(big)
    assert "字符" in refused(csv_bytes([row(信息资源摘要="摘" * 40_000)]), "x.csv")
    fifty_mb = b"a" * (50 * 1024 * 1024)
    assert "文件过大" in refused(fifty_mb, "x.csv")


def test_a_zip_bomb_is_refused_before_it_is_opened():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024
    assert "压缩" in refused(out.getvalue())


def test_a_password_protected_workbook_is_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096   # an encrypted xlsx is an OLE file
    assert "密码" in refused(ole)


def test_not_a_workbook_at_all():
    assert "不是" in refused(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "x.png")
    assert "不是" in refused(b"%PDF-1.4 binary", "x.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    assert "不是" in refused(out.getvalue())


def test_a_wrong_sheet_lists_the_expected_headings():
    book = openpyxl.Workbook()
    book.active.append(["姓名", "年龄", "地址"])
    book.active.append(["张三", 30, "柳州"])
    out = io.BytesIO()
    book.save(out)
    message = refused(out.getvalue())
    assert "信息资源名称" in message and "更新周期" in message
    assert "信息资源名称" in refused("姓名,年龄\n张三,30\n".encode("gbk"), "x.csv")
