"""Template helpers of the demand pages: the labels of the workflow's codes (the one table
every page, the notices and the list filters read), the select options of the forms, and the
overdue needs for the overdue items page. Plain data; markup lives in the templates."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from .. import config as lz_config
from . import states

_ = tk._


def N_(msgid: str) -> str:
    """Marks a msgid for extraction; translated where it is shown."""
    return msgid


STATE_LABELS = {
    states.SUBMITTED: N_("Awaiting routing"),
    states.ROUTED: N_("Awaiting the department's answer"),
    states.DISPUTED: N_("Disputed: awaiting the Authority"),
    states.MET: N_("Met"),
    states.REFUSED: N_("Not provided"),
}

EVENT_LABELS = {
    "create": N_("Need filed"),
    "route": N_("Routed to a department"),
    "decide": N_("The Authority named the department"),
    "meet": N_("Met by a catalog entry"),
    "refuse": N_("Answered: cannot provide"),
    "disclaim": N_("Answered: not our duty"),
    "deadline_reminder": N_("Reminder: deadline in one working day"),
    "overdue_notice": N_("Overdue notice"),
    "deadline_recount": N_("Deadline counted again"),
}

REASON_LABELS = {
    states.NOT_OUR_DUTY: N_("Not within our department's duties"),
    "not_collected": N_("Our department does not collect this data"),
    "legal_prohibition": N_("Laws or administrative regulations forbid sharing it"),
    "security": N_("Involves state secrets or security"),
    "beyond_necessity": N_("Beyond what the duty needs"),
    "under_construction": N_("The data is still being built and cannot be shared yet"),
    "other": N_("Other"),
}

ROLE_LABELS = {
    "consumer": N_("Department that needs the data"), "provider": N_("Department routed to"),
    "operator": N_("Operator"), "authority": N_("Authority"), "system": N_("System"),
}


def _label(table: dict[str, str], code: Optional[str]) -> str:
    if not code:
        return ""
    return _(table[code]) if code in table else code


def liuzhou_demand_state_label(state: Optional[str]) -> str:
    return _label(STATE_LABELS, state)


def liuzhou_demand_event_label(event: Optional[str]) -> str:
    return _label(EVENT_LABELS, event)


def liuzhou_demand_reason_label(code: Optional[str]) -> str:
    return _label(REASON_LABELS, code)


def liuzhou_demand_role_label(role: Optional[str]) -> str:
    return _label(ROLE_LABELS, role)


STATE_CLASSES = {states.SUBMITTED: "bg-info text-dark", states.ROUTED: "bg-primary",
                 states.DISPUTED: "bg-warning text-dark", states.MET: "bg-success", states.REFUSED: "bg-danger"}


def liuzhou_demand_state_class(state: Optional[str]) -> str:
    """The badge colour of a state (Bootstrap classes)."""
    return STATE_CLASSES.get(state or "", "bg-secondary")


def liuzhou_demand_choices() -> dict[str, list[dict]]:
    """Select options (``{value, text}``) of the forms: states and reason codes."""
    return {
        "states": [{"value": s, "text": _(STATE_LABELS[s])} for s in states.STATES],
        "reasons": [{"value": r, "text": _(REASON_LABELS[r])} for r in states.REASONS],
    }


def liuzhou_demand_overdue(limit: int = 100) -> dict:
    """The overdue needs the current user may see (``demand_list`` with ``overdue``), for the
    overdue items page beside the share requests; empty for anonymous users."""
    user = tk.current_user
    if not user or not getattr(user, "is_authenticated", False):
        return {"count": 0, "results": []}
    return tk.get_action("demand_list")({"user": user.name, "auth_user_obj": user},
                                        {"overdue": True, "limit": limit})


def liuzhou_demand_answer_workdays() -> int:
    """Working days a department has to answer a need (``ckanext.liuzhou.demand.answer_workdays``)."""
    return lz_config.demand_answer_workdays()


def get_helpers() -> dict[str, Any]:
    return {
        "liuzhou_demand_answer_workdays": liuzhou_demand_answer_workdays,
        "liuzhou_demand_choices": liuzhou_demand_choices,
        "liuzhou_demand_event_label": liuzhou_demand_event_label,
        "liuzhou_demand_overdue": liuzhou_demand_overdue,
        "liuzhou_demand_reason_label": liuzhou_demand_reason_label,
        "liuzhou_demand_role_label": liuzhou_demand_role_label,
        "liuzhou_demand_state_class": liuzhou_demand_state_class,
        "liuzhou_demand_state_label": liuzhou_demand_state_label,
    }
