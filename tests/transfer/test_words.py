"""transfer/words.py: the words departments write map onto the catalog's codes; the rest is
reported, never guessed (Art 13)."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from ckanext.liuzhou.transfer import template, words

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-catalog" / "entries.jsonl.gz"


@pytest.mark.parametrize("field,written,code", [
    ("update_cycle", "每日", "daily"), ("update_cycle", "每天", "daily"), ("update_cycle", "日更新", "daily"),
    ("update_cycle", "日", "daily"), ("update_cycle", "实时", "realtime"), ("update_cycle", "每 年", "yearly"),
    ("update_cycle", "每月(更新说明:暂无新业务数据产生)", "monthly"), ("update_cycle", "不定时", "irregular"),
    ("sharing_type", "有条件", "conditional"), ("sharing_type", "有条件共享", "conditional"),
    ("sharing_type", "无条件共享", "unconditional"), ("sharing_type", "不予共享", "not_shared"),
    ("classification", "基础信息资源", "base"), ("classification", "基础", "base"),
    ("subclass", "人口", "population"), ("subclass", "人口基础信息", "population"),
    ("open_attribute", "无条件开放", "open"), ("open_attribute", "依申请开放", "conditional_open"),
    ("format_category", "电子表格-xlsx", "spreadsheet"), ("format_category", "数据库:impala", "database"),
    ("format_category", "JSON", "self_describing"),
    ("data_type", "C", "C"), ("data_type", "字符", "C"), ("data_type", "字符型", "C"),
    ("data_type", "varchar", "C"), ("data_type", "Ｃ 字符型", "C"), ("data_type", "日期型", "D"),
])
def test_a_department_word_maps_to_its_code(field, written, code):
    assert words.to_code(field, written) == code


@pytest.mark.parametrize("field,written", [
    ("update_cycle", "有时候"), ("update_cycle", "每半月"), ("sharing_type", "看情况"),
    ("format_category", "03,0310"), ("data_type", "超长文本"),
])
def test_a_word_that_means_nothing_maps_to_nothing(field, written):
    assert words.to_code(field, written) is None


def test_the_accepted_words_start_with_the_forms_labels():
    assert words.accepted("update_cycle")[:3] == ["实时", "每日", "每周"]
    assert "每天" in words.accepted("update_cycle")


def test_items_written_in_a_cell():
    items, bad = template.items_from_cell("姓名(xm,C,50)；出生日期（D，8）\n户籍地址(字符型, 200)\n备注",
                                          lambda w: words.to_code("data_type", w))
    assert items == [{"name": "姓名", "identifier": "xm", "data_type": "C", "length": "50"},
                     {"name": "出生日期", "data_type": "D", "length": "8"},
                     {"name": "户籍地址", "data_type": "C", "length": "200"},
                     {"name": "备注"}]
    assert bad == []
    assert template.items_from_cell("金额(元)(je,N,18)", lambda w: words.to_code("data_type", w))[0] == \
        [{"name": "金额(元)", "identifier": "je", "data_type": "N", "length": "18"}]
    assert template.items_from_cell("姓名(奇怪的东西)", lambda w: words.to_code("data_type", w))[1] == ["姓名(奇怪的东西)"]


def test_items_with_descriptions_in_a_cell_read_back_as_written():
    to_type = lambda w: words.to_code("data_type", w)   # noqa: E731
    items, bad = template.items_from_cell("姓名(xm,C,50)：公民的姓名；地址：省市区县\n金额(元)(je,N,18):含税", to_type)
    assert items == [{"name": "姓名", "identifier": "xm", "data_type": "C", "length": "50", "description": "公民的姓名"},
                     {"name": "地址", "description": "省市区县"},
                     {"name": "金额(元)", "identifier": "je", "data_type": "N", "length": "18", "description": "含税"}]
    assert bad == []
    written = [{"name": "金额(元)", "description": "含税；单位：元\n第二行"}, {"name": "备注"},
               {"name": "出生日期", "identifier": "csrq", "data_type": "D", "length": "8", "description": "YYYYMMDD"}]
    cell = template.items_to_cell(written)
    assert cell.startswith("金额(元)()：「含税；单位：元\n第二行」;备注;")
    assert template.items_from_cell(cell, to_type) == (written, [])


def test_headings_match_however_a_department_writes_them():
    found = template.match_headings([" 信息资源分类（类）* ", "信息资源名称\n(必填)", "提供方", "更 新 周 期", "别的列"])
    assert [c.field for c in found.values()] == ["classification", "title", "owner_org", "update_cycle"]


@pytest.mark.skipif(not REAL.exists(), reason="the real catalog is not on this machine")
def test_most_real_update_cycles_and_open_attributes_map():
    """The provincial portals' own wordings (../shared/data/real-catalog/): the cycles all but
    a few odd remarks; the open attributes the common ones."""
    cycles = opens = n = 0
    with gzip.open(REAL, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            n += 1
            cycles += bool(d["update_cycle"]) and words.to_code("update_cycle", d["update_cycle"]) is None
            opens += bool(d["open"]) and words.to_code("open_attribute", d["open"]) is None
    assert cycles / n < 0.03, cycles
    assert opens / n < 0.25, opens
