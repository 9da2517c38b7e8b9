"""What every page of the extension does the same way: run an action as the signed-in user
(or anonymously) and turn the action's refusals into HTTP answers."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

_ = tk._


def action_context() -> dict:
    """The context in which a page runs an action: the current user, or anonymous."""
    signed_in = tk.current_user.is_authenticated
    return {"user": tk.current_user.name if signed_in else "",
            "auth_user_obj": tk.current_user if signed_in else None}


def call_or_abort(action: str, data: dict, *, invalid_is_400: bool = False) -> Any:
    """Run ``action`` as the current user: NotAuthorized → 403, ObjectNotFound → 404 and,
    when the page has no form to show the messages in, ValidationError → 400 with them."""
    try:
        return tk.get_action(action)(action_context(), data)
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e) or _("Not authorized to see this page"))
    except tk.ObjectNotFound as e:
        return tk.abort(404, str(e) or _("Not found"))
    except tk.ValidationError as e:
        if not invalid_is_400:
            raise
        msgs = [str(m) for ms in (e.error_dict or {}).values()
                for m in (ms if isinstance(ms, list) else [ms])]
        return tk.abort(400, "; ".join(msgs) or _("Invalid request"))
