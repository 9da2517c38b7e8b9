"""Validators of the catalog's ``data_grade`` field (分级分类)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import missing

from . import grades


def liuzhou_data_grade(value: Any, context) -> str:
    """A grade of the Operator's list; an entry saved without one is ``general`` (一般)."""
    if value is missing or value is None or (isinstance(value, str) and not value.strip()):
        return grades.GENERAL
    if not isinstance(value, str) or value.strip() not in grades.values():
        raise tk.Invalid(tk._("Not a data grade of the list: {value}").format(value=str(value)[:40]))
    return value.strip()


def liuzhou_data_grade_output(value: Any) -> str:
    """An entry stored before grading existed reads as ``general`` (no rewrite of the entries)."""
    if value is missing or not value:
        return grades.GENERAL
    return value


def get_validators() -> dict[str, Any]:
    return {"liuzhou_data_grade": liuzhou_data_grade,
            "liuzhou_data_grade_output": liuzhou_data_grade_output}
