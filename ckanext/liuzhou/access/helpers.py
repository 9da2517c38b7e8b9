"""Template helpers of the access layer."""
from __future__ import annotations

from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from . import auth as access_auth


def liuzhou_data_url(resource_id: str) -> Optional[str]:
    """The platform route of a resource's data when the current user may read it, else None."""
    user = tk.current_user if tk.current_user.is_authenticated else None
    context = {"user": user.name if user else "", "auth_user_obj": user}
    if not access_auth.decision_for(context, model.Resource.get(resource_id)).readable:
        return None
    return tk.h.url_for("liuzhou_access.download", resource_id=resource_id)


def get_helpers() -> dict[str, Any]:
    return {"liuzhou_data_url": liuzhou_data_url}
