"""Who reads the audit log (Art 25, 31): the Authority and the Operator all of it, a county
authority its county's, a provider's admins the rows about their own data."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from .. import authz
from . import reads


def _user(context):
    return authz.context_user(context)


@tk.auth_disallow_anonymous_access
def audit_log_list(context, data_dict) -> dict:
    user = _user(context)
    if (authz.is_authority(user) or authz.is_operator(user) or authz.county_jurisdiction(user)
            or any(cap == "admin" for cap in authz.memberships(user).values())):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the Authority, the Operator and providers' admins can read the audit log")}


@tk.auth_disallow_anonymous_access
def audit_log_verify(context, data_dict) -> dict:
    user = _user(context)
    if authz.is_authority(user) or authz.is_operator(user):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the Authority and the Operator can verify the audit log")}


@tk.auth_disallow_anonymous_access
def audit_read_list(context, data_dict) -> dict:
    """Art 25, 28: the reads of a department's data for its admins, its county authority and
    the Authority; anyone's own reads (``mine``) for them. An unknown department passes here
    and is refused by the action's validation."""
    data_dict = data_dict or {}
    if reads.wants_mine(data_dict.get("mine")):
        return {"success": True}
    scope = reads.provider_scope(_user(context))
    if scope is not None and not scope:
        return {"success": False, "msg": tk._(
            "Only a department's admins, county authorities and the Authority see who read departments' data")}
    ref = data_dict.get("department")
    if scope is not None and isinstance(ref, str) and ref:
        try:
            name = reads.department_name(reads.plain_text(ref, context), context)
        except tk.Invalid:
            return {"success": True}  # the action's validation names the problem
        if name and name not in scope:
            return {"success": False, "msg": tk._("You may not see the reads of this department's data")}
    return {"success": True}


def get_auth_functions() -> dict:
    return {"audit_log_list": audit_log_list, "audit_log_verify": audit_log_verify,
            "audit_read_list": audit_read_list}
