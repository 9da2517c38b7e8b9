"""The data grades of catalog entries (分级分类, 《政务数据共享条例》 security duties): the
codes, their labels and which grades need the Authority's approval before sharing.

The contract codes are ``general`` (一般), ``important`` (重要) and ``core`` (核心); the
Operator may relabel them, add grades and say which need the Authority's approval
(``data_grade_list_update``). An entry saved before grading existed has no ``data_grade``
and reads as ``general`` (no rewrite of the stored entries).
"""
from __future__ import annotations

from typing import Optional

import ckan.model as model

from .model import DataGrade

GENERAL, IMPORTANT, CORE = "general", "important", "core"
CONTRACT = (GENERAL, IMPORTANT, CORE)
DEFAULTS: list[dict] = [
    {"value": GENERAL, "label_zh": "一般", "label_en": "General", "authority_approval": False},
    {"value": IMPORTANT, "label_zh": "重要", "label_en": "Important", "authority_approval": True},
    {"value": CORE, "label_zh": "核心", "label_en": "Core", "authority_approval": True},
]


def grades() -> list[dict]:
    """The list in order: the Operator's when saved, else the shipped defaults."""
    rows = model.Session.query(DataGrade).order_by(DataGrade.position).all()
    if not rows:
        return [dict(g) for g in DEFAULTS]
    return [{"value": r.value, "label_zh": r.label_zh, "label_en": r.label_en,
             "authority_approval": bool(r.authority_approval)} for r in rows]


def values() -> list[str]:
    return [g["value"] for g in grades()]


def of(value: Optional[str]) -> str:
    """The grade an entry reads as: its own, or ``general`` when it has none."""
    return value or GENERAL


def needs_authority(value: Optional[str]) -> bool:
    """Whether sharing an entry of this grade needs the Authority's approval (重要, 核心 by default)."""
    grade = of(value)
    return any(g["value"] == grade and g["authority_approval"] for g in grades())


def fill_default(pkg_dict: dict) -> dict:
    """A catalog entry's dict as shown (``package_show``, search results): an entry stored
    without a grade reads as ``general``; nothing is written."""
    if not isinstance(pkg_dict, dict) or pkg_dict.get("type") != "catalog" or pkg_dict.get("data_grade"):
        return pkg_dict
    extras = pkg_dict.get("extras")
    if isinstance(extras, list) and any(isinstance(e, dict) and e.get("key") == "data_grade" for e in extras):
        return pkg_dict   # an unvalidated dict (the indexer's): the grade is in its extras
    pkg_dict["data_grade"] = GENERAL
    return pkg_dict


def label(value: Optional[str], lang: str = "zh_Hans_CN") -> str:
    grade = of(value)
    for g in grades():
        if g["value"] == grade:
            return g["label_en"] if lang.startswith("en") else g["label_zh"]
    return grade


def labels(lang: str = "zh_Hans_CN") -> dict[str, str]:
    return {g["value"]: (g["label_en"] if lang.startswith("en") else g["label_zh"]) for g in grades()}
