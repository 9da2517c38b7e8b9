"""Auth of grading: every signed-in user reads the list of grades; the Operator changes it."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from .. import authz


def data_grade_list(context, data_dict=None) -> dict:
    if authz.context_user(context) is not None:
        return {"success": True}
    return {"success": False, "msg": tk._("Sign in first")}


def data_grade_list_update(context, data_dict=None) -> dict:
    if authz.is_operator(authz.context_user(context)):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the platform Operator can change the list of data grades")}


def get_auth_functions() -> dict[str, Any]:
    return {"data_grade_list": data_grade_list, "data_grade_list_update": data_grade_list_update}
