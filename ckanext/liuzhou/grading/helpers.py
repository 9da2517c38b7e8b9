"""Template helpers of grading: the grade choices of the form and the labels of grades and
personal-information marks (markup stays in the templates)."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from .. import masking
from . import grades


def _lang() -> str:
    try:
        return tk.h.lang() or "zh_Hans_CN"
    except (RuntimeError, TypeError, AttributeError):
        return tk.config.get("ckan.locale_default") or "zh_Hans_CN"


def liuzhou_data_grade_choices(field: Optional[dict] = None) -> list[dict]:
    """The Operator's list as scheming choices (labels in Chinese and English)."""
    return [{"value": g["value"], "label": {"zh_Hans_CN": g["label_zh"], "en": g["label_en"]}}
            for g in grades.grades()]


def liuzhou_data_grade_label(value: Optional[str]) -> str:
    return grades.label(value, _lang())


def liuzhou_data_grade_needs_authority(value: Optional[str]) -> bool:
    return grades.needs_authority(value)


def liuzhou_personal_items(items: Any) -> list[dict]:
    """The personal items of an entry's information items, each with its mark and kind."""
    return [dict(i, personal_information=masking.mark(i), masking_kind=masking.kind_of(i))
            for i in items or [] if isinstance(i, dict) and masking.is_personal(i)]


def get_helpers() -> dict[str, Any]:
    return {
        "liuzhou_data_grade_choices": liuzhou_data_grade_choices,
        "liuzhou_data_grade_label": liuzhou_data_grade_label,
        "liuzhou_data_grade_needs_authority": liuzhou_data_grade_needs_authority,
        "liuzhou_personal_items": liuzhou_personal_items,
    }
