"""Auth of the calendar actions: the Operator corrects the calendar; any signed-in user reads it."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from .. import authz


def _operator(context, data_dict=None) -> dict:
    user = authz.context_user(context)
    if authz.is_operator(user):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the platform Operator can change the working-day calendar")}


def _signed_in(context, data_dict=None) -> dict:
    user = authz.context_user(context)
    return {"success": user is not None, "msg": tk._("Sign in first")}


holiday_override_set = tk.auth_disallow_anonymous_access(_operator)
holiday_override_delete = tk.auth_disallow_anonymous_access(_operator)
calendar_year_confirm = tk.auth_disallow_anonymous_access(_operator)
holiday_override_list = tk.auth_disallow_anonymous_access(_signed_in)
calendar_year_list = tk.auth_disallow_anonymous_access(_signed_in)
calendar_notice_parse = tk.auth_disallow_anonymous_access(_operator)
calendar_notice_apply = tk.auth_disallow_anonymous_access(_operator)
calendar_unknown_years = tk.auth_disallow_anonymous_access(_signed_in)


def get_auth_functions() -> dict:
    return {
        "holiday_override_set": holiday_override_set,
        "holiday_override_delete": holiday_override_delete,
        "holiday_override_list": holiday_override_list,
        "calendar_year_confirm": calendar_year_confirm,
        "calendar_year_list": calendar_year_list,
        "calendar_notice_parse": calendar_notice_parse,
        "calendar_notice_apply": calendar_notice_apply,
        "calendar_unknown_years": calendar_unknown_years,
    }
