"""Auth of the notification actions (:mod:`.actions`): each user reads and marks only
their own notifications, so being signed in is enough."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from .. import authz


def _signed_in(context) -> dict:
    if authz.context_user(context) is None:
        return {"success": False, "msg": tk._("Sign in first")}
    return {"success": True}


@tk.auth_disallow_anonymous_access
def notification_list(context, data_dict) -> dict:
    """Any signed-in user: the action lists only the notifications of the user's departments."""
    return _signed_in(context)


@tk.auth_disallow_anonymous_access
def notification_mark_read(context, data_dict) -> dict:
    """Any signed-in user, for their own notifications."""
    return _signed_in(context)


def get_auth_functions() -> dict[str, Any]:
    return {"notification_list": notification_list, "notification_mark_read": notification_mark_read}
