"""Who reads the audit log (Art 25, 31): the Authority and the Operator all of it, a county
authority its county's, a provider's admins the rows about their own data."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ..sharing import roles


def _user(context):
    return roles.context_user(context)


@tk.auth_disallow_anonymous_access
def audit_log_list(context, data_dict) -> dict:
    user = _user(context)
    if (roles.is_authority(user) or roles.is_operator(user) or roles.county_jurisdiction(user)
            or any(cap == "admin" for cap in roles.memberships(user).values())):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the Authority, the Operator and providers' admins can read the audit log")}


@tk.auth_disallow_anonymous_access
def audit_log_verify(context, data_dict) -> dict:
    user = _user(context)
    if roles.is_authority(user) or roles.is_operator(user):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the Authority and the Operator can verify the audit log")}


def get_auth_functions() -> dict:
    return {"audit_log_list": audit_log_list, "audit_log_verify": audit_log_verify}
