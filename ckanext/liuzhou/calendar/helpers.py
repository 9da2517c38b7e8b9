"""Template helpers of the working-day calendar (deadlines of Art 12, 14, 21, 26)."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from .. import authz


def liuzhou_calendar_warning() -> Optional[dict]:
    """For the Operator and the Authority (and sysadmins): ``{"years", "days"}`` when a year
    within ``ckanext.liuzhou.calendar.warn_days`` has no known holiday arrangement, else None."""
    user = tk.current_user
    if not user or not getattr(user, "is_authenticated", False):
        return None
    obj = getattr(user, "_get_current_object", lambda: user)()
    if not (obj.sysadmin or authz.is_operator(obj) or authz.is_authority(obj)):
        return None
    try:
        result = tk.get_action("calendar_unknown_years")({"user": obj.name, "auth_user_obj": obj}, {})
    except (tk.NotAuthorized, tk.ValidationError):
        return None
    return result if result["years"] else None


def liuzhou_calendar_can_edit() -> bool:
    """Whether the current user may change the calendar (the Operator)."""
    user = tk.current_user
    if not user or not getattr(user, "is_authenticated", False):
        return False
    try:
        obj = getattr(user, "_get_current_object", lambda: user)()
        tk.check_access("holiday_override_set", {"user": obj.name, "auth_user_obj": obj}, {})
        return True
    except tk.NotAuthorized:
        return False


def get_helpers() -> dict[str, Any]:
    return {"liuzhou_calendar_warning": liuzhou_calendar_warning,
            "liuzhou_calendar_can_edit": liuzhou_calendar_can_edit}
