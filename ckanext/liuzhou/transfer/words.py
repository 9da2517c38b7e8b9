"""The words departments write in their workbooks, mapped onto the catalog's codes.

A code list of the catalog schema (``schemas/catalog.yaml``: 更新周期, 共享类型, 开放属性 …) is
the vocabulary of the form; the national template is filled in by hand, in each department's
own wording (每日 / 每天 / 日更新, 有条件 / 有条件共享, 字符 / 字符型 / varchar …). Each field
accepts its codes, its Chinese labels and the variants below; a value that maps to nothing is
reported on its row (column, value, the accepted words), never guessed (Art 13: the catalog's
core metadata is the department's own statement).

The variants come from the words the provincial portals publish (``update_cycle``, ``open`` and
``format`` of ``../shared/data/real-catalog/``): 每年 / 年 / 不定时 / 即时 / 小时级 /
"每月(更新说明:…)" / 电子表格-xlsx / 数据库:mysql / 03,0310 …
"""
from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Optional

import yaml

SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "catalog.yaml"

#: field → {written word: code}; the schema's codes and Chinese labels are added by :func:`table`
VARIANTS: dict[str, dict[str, str]] = {
    "classification": {
        "基础": "base", "基础类": "base", "基础资源": "base", "1": "base",
        "主题": "theme", "主题类": "theme", "主题资源": "theme", "2": "theme",
        "部门": "department", "部门类": "department", "部门资源": "department", "3": "department",
    },
    "update_cycle": {
        "实时更新": "realtime", "即时": "realtime", "实时": "realtime", "分钟级": "realtime",
        "小时级": "realtime", "每小时": "realtime",
        "每天": "daily", "日更新": "daily", "日": "daily", "天": "daily", "按日": "daily",
        "每日更新": "daily", "每天更新": "daily", "日报": "daily",
        "周": "weekly", "每周更新": "weekly", "周更新": "weekly", "按周": "weekly",
        "月": "monthly", "每月更新": "monthly", "月更新": "monthly", "按月": "monthly",
        "季度": "quarterly", "每季": "quarterly", "季": "quarterly", "季度更新": "quarterly",
        "按季度": "quarterly", "每季度更新": "quarterly",
        "半年": "half_yearly", "每半年更新": "half_yearly", "半年度": "half_yearly",
        "年": "yearly", "每年更新": "yearly", "年度": "yearly", "年更新": "yearly",
        "按年": "yearly", "每年度": "yearly",
        "不定时": "irregular", "不定期更新": "irregular", "不定时更新": "irregular",
        "不更新": "irregular", "静态数据": "irregular",
        "按需": "irregular", "按需更新": "irregular",
    },
    "sharing_type": {
        "无条件": "unconditional", "无条件共享类": "unconditional",
        "有条件": "conditional", "有条件共享类": "conditional",
        "不予共享类": "not_shared", "不共享": "not_shared", "不予": "not_shared",
    },
    "sharing_method": {
        "平台": "platform", "共享交换平台": "platform", "共享平台方式": "platform",
        "数据共享交换平台": "platform", "政务数据共享平台": "platform", "在线": "platform",
        "电子邮件": "email", "邮箱": "email", "电子邮箱": "email",
        "介质交换": "media", "光盘": "media", "移动介质": "media", "存储介质": "media",
    },
    "sharing_method_type": {
        "数据库": "database", "库表交换": "database", "数据库表": "database",
        "服务接口": "api", "api": "api", "接口服务": "api",
        "文件下载": "file", "文件交换": "file",
    },
    "open_attribute": {
        "开放": "open", "无条件开放": "open", "完全开放": "open", "可开放": "open",
        "向社会开放": "open", "社会开放": "open", "无条件": "open", "开放网站": "open",
        "开放数据平台": "open", "数据开放": "open", "开放网站开放": "open", "数据开放平台下载": "open",
        "浙江省数据开放平台开放": "open",
        "依申请开放": "conditional_open", "申请开放": "conditional_open", "登录开放": "conditional_open",
        "受限开放": "conditional_open", "申请后开放": "conditional_open", "需申请": "conditional_open",
        "需申请开放": "conditional_open", "实名制开放": "conditional_open",
        "有条件": "conditional_open", "开放条件": "conditional_open", "开放网站申请": "conditional_open",
        "用户注册": "conditional_open", "用户申请": "conditional_open", "受限申请": "conditional_open",
        "不开放": "not_open", "不予": "not_open", "禁止开放": "not_open", "不可开放": "not_open",
    },
    "format_category": {
        "文件": "document", "电子文档": "document", "文档": "document", "doc": "document",
        "docx": "document", "pdf": "document", "txt": "document", "wps": "document",
        "ofd": "document", "file": "document", "zip": "document", "rar": "document",
        "表格": "spreadsheet", "excel": "spreadsheet", "xls": "spreadsheet", "xlsx": "spreadsheet",
        "et": "spreadsheet", "csv": "spreadsheet", "excl": "spreadsheet",
        "库表": "database", "mysql": "database", "oracle": "database", "sqlserver": "database",
        "impala": "database", "greenplum": "database", "mongodb": "database", "db2": "database",
        "table": "database", "达梦": "database", "postgresql": "database",
        "图片": "image", "图像": "image", "jpg": "image", "jpeg": "image", "png": "image",
        "视频": "media", "音频": "media", "mp4": "media",
        "json": "self_describing", "xml": "self_describing", "rdf": "self_describing",
        "接口": "api", "api": "api", "webservice": "api",
    },
    "data_grade": {"一般数据": "general", "重要数据": "important", "核心数据": "core"},
    "personal_information": {"否": "none", "不是": "none", "非个人信息": "none", "是": "personal",
                             "个人": "personal", "敏感": "sensitive", "敏感信息": "sensitive"},
    "data_type": {
        "字符": "C", "字符型": "C", "字符串": "C", "文本": "C", "varchar": "C", "varchar2": "C",
        "char": "C", "string": "C", "nvarchar": "C", "text": "C",
        "数值": "N", "数值型": "N", "数字": "N", "number": "N", "numeric": "N", "decimal": "N",
        "货币": "Y", "货币型": "Y", "money": "Y",
        "日期": "D", "日期型": "D", "date": "D",
        "日期时间": "T", "日期时间型": "T", "时间": "T", "datetime": "T", "timestamp": "T",
        "逻辑": "L", "逻辑型": "L", "布尔": "L", "boolean": "L", "bool": "L",
        "备注": "M", "备注型": "M", "clob": "M", "longtext": "M",
        "通用": "G", "通用型": "G", "blob": "G", "二进制": "G",
        "双精度": "B", "双精度型": "B", "double": "B",
        "整型": "I", "整数": "I", "int": "I", "integer": "I", "bigint": "I",
        "浮点": "F", "浮点型": "F", "float": "F", "real": "F",
    },
}

# "每月(更新说明:暂无新业务数据产生)": the word before a bracketed remark
_REMARK = re.compile(r"[(（\[【].*$")
# "电子表格-xlsx", "数据库:mysql", "数据库/其他": a category, then a detail
_SPLIT = re.compile(r"[-/:：]")


def norm(value) -> str:
    """A written word as compared: NFKC (full-width to half-width), no spaces, lower case."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"\s+", "", text).lower()


@functools.lru_cache(maxsize=None)
def _schema_fields() -> dict[str, dict]:
    doc = yaml.safe_load(SCHEMA.read_text("utf-8"))
    fields = {f["field_name"]: f for f in doc["dataset_fields"]}
    for f in doc["dataset_fields"]:
        for sub in f.get("repeating_subfields") or []:
            fields[sub["field_name"] if sub["field_name"] != "data_type" else "data_type"] = sub
    return fields


def choices(field: str) -> list[tuple[str, str]]:
    """(code, Chinese label) of a field's choices, as the schema lists them."""
    if field == "subclass":
        from ..catalog import vocab
        return [(code, label) for rows in vocab.SUBCLASSES.values() for code, label, _ in rows]
    if field == "data_grade":   # the Operator's list (grades.py), not the schema's
        from ..grading import grades
        return [(g["value"], g["label_zh"]) for g in grades.grades()]
    spec = _schema_fields().get(field) or {}
    return [(c["value"], c["label"]["zh_Hans_CN"]) for c in spec.get("choices") or []]


def label(field: str, code: Optional[str]) -> str:
    """The Chinese label the export writes for a code ("" for none; the code if unknown)."""
    if not code:
        return ""
    return dict(choices(field)).get(code, code)


@functools.lru_cache(maxsize=None)
def table(field: str) -> dict[str, str]:
    """{normalised word: code} for one field: codes, labels, the label without its code
    letter (``C 字符型`` → ``字符型``) and the variants."""
    out: dict[str, str] = {}
    for code, zh in choices(field):
        out[norm(code)] = code
        out[norm(zh)] = code
        if field == "data_type":
            out[norm(zh.split(" ", 1)[-1])] = code
    if field == "subclass":
        for code, zh in choices(field):
            out[norm(zh.removesuffix("基础信息"))] = code  # 人口基础信息 → 人口
    for word, code in VARIANTS.get(field, {}).items():
        out.setdefault(norm(word), code)
    return out


def to_code(field: str, value) -> Optional[str]:
    """The code a written value means, or None when it maps to nothing.

    Tries the whole word, then the word without a bracketed remark ("每年(更新说明:…)"), then
    the category before a separator ("电子表格-xlsx", "数据库:impala") and the detail after
    it; a classification code like ``03,0310`` (the portal's 类,项) is not a format and maps to
    nothing."""
    words = table(field)
    text = norm(value)
    if not text:
        return None
    for candidate in (text, _REMARK.sub("", text)):
        if candidate in words:
            return words[candidate]
    head = _REMARK.sub("", text)
    parts = [p for p in _SPLIT.split(head) if p]
    for part in parts:
        if part in words:
            return words[part]
    return None


def accepted(field: str) -> list[str]:
    """The words shown to a clerk for a field: the Chinese labels, then the common variants."""
    labels = [zh for _, zh in choices(field)]
    extra = [w for w in VARIANTS.get(field, {}) if not w.isdigit() and w not in labels]
    return labels + extra[:8]
