"""The search page's abstract extract: CKAN's ``markdown_extract`` answer, without a Markdown
render when the abstract has no Markdown (search/helpers.py ``markdown_extract``)."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

import ckan.lib.helpers as core_helpers
import ckan.plugins.toolkit as tk

from ckanext.liuzhou.search import helpers

DEMO = Path(helpers.__file__).parents[1] / "demo" / "catalog_entries.json"
REAL = Path("/work/shared/data/real-catalog/entries.jsonl.gz")

# Text that must go through Markdown (its output differs from the text) and text that need not.
MARKUP = [
    "**重点**人口信息", "人口_信息_表", "`代码`说明", "[链接](http://example.invalid)", "![图](a.png)",
    "a & b 的数据", "<b>加粗</b>", "# 标题", "> 引用", "- 列表项", "* 列表项", "+ 列表项",
    "1. 第一项", "2) 第二项", "=== 分隔", "    缩进的代码", "行一\n行二", "两段\n\n之间",
    "末尾两个空格  \n换行", "反斜杠\\转义", " 前导空格", "制表\t符", "&amp; 实体",
]
PLAIN = [
    "柳州市行政审批局归集的柳州市排污许可证数据，包括办理过程和结果等内容。",
    "Population of Liuzhou, 2024 (annual figures): 4.2 million.",
    "数据按 1.5 小时更新：来源于 A-B 系统（含 ID、名称）。",
    "",
]


def _core(text, length):
    return core_helpers.markdown_extract(text, extract_length=length)


def _ours(text, length):
    return helpers.markdown_extract(core_helpers.markdown_extract, text, length)


@pytest.mark.parametrize("text", MARKUP + PLAIN)
@pytest.mark.parametrize("length", [190, 20, 0])
def test_same_answer_as_ckan(text, length):
    assert _ours(text, length) == _core(text, length)


@pytest.mark.parametrize("text", MARKUP)
def test_markdown_still_rendered(text):
    assert not helpers.plain_paragraph(text)


@pytest.mark.parametrize("text", PLAIN[:3])
def test_plain_prose_skips_the_render(text):
    assert helpers.plain_paragraph(text)


def _abstracts():
    rows = json.loads(DEMO.read_text(encoding="utf-8"))
    texts = [r.get("notes") or "" for r in (rows if isinstance(rows, list) else rows.get("entries", []))]
    if REAL.exists():  # the four provinces' portals (outside the repository; present on the team's machines)
        with gzip.open(REAL, "rt", encoding="utf-8") as f:
            for n, line in enumerate(f):
                if n >= 5000:
                    break
                texts.append(json.loads(line).get("notes") or "")
    return texts


def test_catalog_abstracts_extract_as_ckan_does():
    texts = _abstracts()
    assert len(texts) > 50
    assert sum(helpers.plain_paragraph(t) for t in texts) > len(texts) // 2  # the fast path is the usual one
    for text in texts:
        for length in (180, 0):
            assert _ours(text, length) == _core(text, length), text


@pytest.mark.usefixtures("with_request_context")
def test_templates_get_the_plain_path(monkeypatch):
    """``h.markdown_extract`` (what package_item.html calls) renders no Markdown for prose."""
    text = "柳州市常住人口基础信息，包括姓名、性别等内容。" * 10
    expected = _core(text, 60)
    rendered = []
    real = core_helpers.markdown
    monkeypatch.setattr(core_helpers, "markdown", lambda t, *a, **kw: rendered.append(t) or real(t, *a, **kw))
    assert tk.h.markdown_extract(text, extract_length=60) == expected
    assert rendered == []
    assert tk.h.markdown_extract("**粗体**", extract_length=0) == "粗体"
    assert rendered == ["**粗体**"]
