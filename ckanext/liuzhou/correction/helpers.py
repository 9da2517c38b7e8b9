"""Template helpers of the correction pages: the entry page's open reports, the overdue
reports beside the other overdue items, and the choices of the forms."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from .. import authz
from .. import config as lz_config
from ..web import action_context
from . import states


def liuzhou_correction_entry(pkg: dict) -> dict[str, Any]:
    """What the entry page shows: its open reports the user may see (``correction_list``), and
    whether the user may report an error on it (a user of another department); {} for visitors."""
    if not tk.current_user.is_authenticated:
        return {}
    context = action_context()
    try:
        result = tk.get_action("correction_list")(context, {"package_id": pkg["id"], "open": True, "limit": 20})
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError):
        return {}
    user = authz.user_obj(tk.current_user.name)
    may_report = bool(authz.memberships(user)) and not authz.is_member(pkg.get("owner_org"), user)
    return {"open": result["results"], "count": result["count"], "may_report": may_report}


def liuzhou_correction_overdue(limit: int = 50) -> dict[str, Any]:
    """The error reports past the provider's deadline the user may see (the overdue page)."""
    try:
        return tk.get_action("correction_list")(action_context(), {"overdue": True, "limit": limit})
    except tk.NotAuthorized:
        return {"count": 0, "results": []}


def liuzhou_correction_choices() -> dict[str, list[dict]]:
    """The labelled choices of the forms and filters."""
    def labelled(values, table):
        return [{"value": v, "text": states.label(table, v)} for v in values]
    return {"states": labelled(states.STATES, states.STATE_LABELS),
            "targets": labelled(states.TARGETS, states.TARGET_LABELS),
            "fields": labelled(states.FIELDS, states.FIELD_LABELS)}


def liuzhou_correction_workdays() -> int:
    """The providing department's working days to answer (the declared option)."""
    return states.respond_workdays()


def liuzhou_correction_evidence_mb() -> int:
    """The largest evidence file, in MB (the declared option)."""
    return lz_config.correction_evidence_max_mb()


def get_helpers() -> dict[str, Any]:
    return {
        "liuzhou_correction_evidence_mb": liuzhou_correction_evidence_mb,
        "liuzhou_correction_workdays": liuzhou_correction_workdays,
        "liuzhou_correction_entry": liuzhou_correction_entry,
        "liuzhou_correction_overdue": liuzhou_correction_overdue,
        "liuzhou_correction_choices": liuzhou_correction_choices,
    }
