"""Template helpers of the sharing pages: labels of the workflow's codes, deadlines in working
days, the request button of a catalog entry and the unread-notification count.

Markup lives in the templates; these return plain data. Rules stay in the actions and auth
functions: the helpers only ask them (``check_access``) or read the calendar to say how many
working days remain.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..calendar import store as cal
from .. import authz, formats
from . import states

_ = tk._


def N_(msgid: str) -> str:
    """Marks a msgid for extraction; translated where it is shown."""
    return msgid


STATE_LABELS = {
    states.SUBMITTED: N_("Awaiting decision"),
    states.APPROVED: N_("Approved, awaiting delivery"),
    states.REJECTED: N_("Rejected"),
    states.WITHDRAWN: N_("Withdrawn"),
    states.COORDINATING: N_("In coordination"),
    states.DELIVERED: N_("Delivered"),
    states.QUALITY_ISSUE: N_("Quality issue being fixed"),
    states.FIXED: N_("Fixed, awaiting new delivery"),
    states.SUSPENDED: N_("Suspended"),
    states.TERMINATED: N_("Terminated"),
    states.EXPIRED: N_("Expired"),
    states.AUTHORITY_REVIEW: N_("Awaiting the Authority's approval"),
}

EVENT_LABELS = {
    "create": N_("Request submitted"),
    "approve": N_("Request approved"),
    "reject": N_("Rejected"),
    "withdraw": N_("Withdrawn"),
    "coordination_open": N_("Coordination requested"),
    "coordination_close": N_("Coordination concluded"),
    "deliver": N_("Delivered"),
    "quality_issue": N_("Quality issue reported"),
    "resolve": N_("Quality issue fixed"),
    "suspend": N_("Service suspended"),
    "resume": N_("Service resumed"),
    "terminate": N_("Service terminated"),
    "expire": N_("Validity ended"),
    "authority_approve": N_("Approved by the Authority"),
    "authority_reject": N_("Refused by the Authority"),
    "expiry_notice": N_("Validity ending soon"),
    "overdue_notice": N_("Overdue notice"),
    "deadline_recount": N_("Deadline counted again"),
    "deadline_reminder": N_("Reminder: deadline in one working day"),
    # recorded by the lifecycle rules on the requests they affect (Art 20, 21)
    "resource_offline_notice": N_("Resource going offline: public notice"),
    "resource_offline_completed": N_("Resource taken offline"),
    "entry_offline": N_("Entry taken offline"),
}

REASON_LABELS = {
    "no_legal_basis": N_("Insufficient legal or business basis"),
    "outside_duties": N_("Outside the requesting department's duties"),
    "scope_too_broad": N_("Items or scope of knowledge broader than needed"),
    "conditions_not_met": N_("Sharing conditions not met"),
    "data_unavailable": N_("Data not yet available for sharing"),
    "security": N_("Involves state secrets or security"),
    "incomplete_request": N_("Incomplete request"),
    "other": N_("Other"),
}

OUTCOME_LABELS = {
    "approved": N_("Agreed to share: the Operator delivers"),
    "rejected": N_("Request stays rejected"),
    "continue": N_("Continue where the request was"),
    "withdrawn": N_("Request withdrawn"),
    "terminated": N_("Service terminated"),
}

ROLE_LABELS = {
    "consumer": N_("Requesting department"),
    "provider": N_("Providing department"),
    "operator": N_("Platform Operator"),
    "authority": N_("Authority"),
    "county_authority": N_("County authority"),
    "system": N_("Platform (scheduled)"),
}

KIND_LABELS = {"share": N_("Share request"), "negotiation": N_("Negotiation request")}

def _label(table: dict[str, str], code: Optional[str]) -> str:
    if not code:
        return ""
    return _(table[code]) if code in table else code


def liuzhou_share_state_label(state: Optional[str]) -> str:
    return _label(STATE_LABELS, state)


def liuzhou_share_event_label(event: Optional[str]) -> str:
    return _label(EVENT_LABELS, event)


def liuzhou_share_reason_label(code: Optional[str]) -> str:
    return _label(REASON_LABELS, code)


def liuzhou_share_outcome_label(code: Optional[str]) -> str:
    return _label(OUTCOME_LABELS, code)


def liuzhou_share_role_label(role: Optional[str]) -> str:
    return _label(ROLE_LABELS, role)


def liuzhou_share_kind_label(kind: Optional[str]) -> str:
    return _label(KIND_LABELS, kind)


def liuzhou_share_method_label(method: Optional[str]) -> str:
    """共享平台 / 邮件 / 介质, from the catalog schema's sharing_method choices."""
    return tk.h.liuzhou_choice_label("sharing_method", method) if method else ""


def liuzhou_share_choices() -> dict[str, list[dict]]:
    """Select options (``{value, text}``, as CKAN's form macros take them) of the forms:
    states, rejection reasons, coordination outcomes, sharing methods."""
    def opts(codes, table):
        return [{"value": c, "text": _(table[c])} for c in codes]
    return {
        "states": opts(states.STATES, STATE_LABELS),
        "reasons": opts(states.REJECTION_REASONS, REASON_LABELS),
        "outcomes": opts(states.COORDINATION_OUTCOMES, OUTCOME_LABELS),
        "methods": [{"value": m, "text": liuzhou_share_method_label(m)} for m in states.SHARING_METHODS],
    }


def _parse(value: Any) -> Optional[dt.datetime]:
    if not value:
        return None
    if isinstance(value, dt.datetime):
        return cal.to_utc_naive(value)
    return cal.to_utc_naive(dt.datetime.fromisoformat(str(value)))


def liuzhou_local_time(value: Any) -> str:
    """A stored (naive UTC) time as ``YYYY-MM-DD HH:MM`` in Asia/Shanghai."""
    return formats.local_time(_parse(value))


def liuzhou_deadline_info(deadline: Any, now: Optional[dt.datetime] = None) -> Optional[dict]:
    """How a deadline stands in working days: ``{local, overdue, left, late, unknown_year, provisional}``.

    A deadline in a year whose arrangement nobody has entered is counted on the statutory
    holidays: ``provisional`` (暂定) is then true and ``unknown_year`` names the year.
    """
    moment = _parse(deadline)
    if moment is None:
        return None
    now = now or cal.utcnow()
    info = {"local": liuzhou_local_time(moment), "overdue": moment < now, "left": None, "late": None,
            "unknown_year": None}
    calendar = cal.load()
    if info["overdue"]:
        info["late"] = calendar.workdays_between(moment, now)
    else:
        info["left"] = calendar.workdays_between(now, moment)
    info["provisional"] = not calendar.knows(cal.local_date(moment).year)
    if info["provisional"]:
        info["unknown_year"] = cal.local_date(moment).year
    return info


def liuzhou_user_label(name: Optional[str]) -> str:
    """A user's display name (full name, else the user name) for the pages."""
    if not name:
        return ""
    user = model.User.get(name)
    return user.display_name if user is not None else name


def liuzhou_request_button(pkg: dict) -> Optional[str]:
    """What the entry page offers the current user: ``share`` (申请共享), ``negotiation``
    (协商申请), ``direct`` (可直接使用), or None (anonymous, provider's own users, or no
    department)."""
    user = tk.current_user
    if not user or not getattr(user, "is_authenticated", False) or not pkg:
        return None
    sharing_type = pkg.get("sharing_type")
    if sharing_type == "unconditional":
        return "direct"
    if authz.is_member(pkg.get("owner_org"), user.name):
        return None
    if sharing_type == "not_shared" and authz.is_authority(user.name):
        return None
    if sharing_type not in ("conditional", "not_shared"):
        return None
    if not tk.h.check_access("share_request_create", {}):
        return None
    return "share" if sharing_type == "conditional" else "negotiation"


def liuzhou_sharing_roles() -> dict[str, bool]:
    """Which sharing pages the current user's roles make useful (for the navigation)."""
    user = tk.current_user
    if not user or not getattr(user, "is_authenticated", False):
        return {}
    return {
        "supervisor": bool(tk.h.check_access("share_request_suspension_list", {})),
        "operator": bool(tk.h.check_access("holiday_override_set", {})),
    }


def liuzhou_unread_notifications() -> int:
    """The current user's unread notifications (0 for anonymous users or on any error)."""
    user = tk.current_user
    if not user or not getattr(user, "is_authenticated", False):
        return 0
    try:
        result = tk.get_action("notification_list")(
            {"user": user.name, "auth_user_obj": user}, {"limit": 0})
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError):
        return 0
    return result["unread"]


def get_helpers() -> dict[str, Any]:
    return {
        "liuzhou_deadline_info": liuzhou_deadline_info,
        "liuzhou_local_time": liuzhou_local_time,
        "liuzhou_request_button": liuzhou_request_button,
        "liuzhou_share_choices": liuzhou_share_choices,
        "liuzhou_share_event_label": liuzhou_share_event_label,
        "liuzhou_share_kind_label": liuzhou_share_kind_label,
        "liuzhou_share_method_label": liuzhou_share_method_label,
        "liuzhou_share_outcome_label": liuzhou_share_outcome_label,
        "liuzhou_share_reason_label": liuzhou_share_reason_label,
        "liuzhou_share_role_label": liuzhou_share_role_label,
        "liuzhou_share_state_label": liuzhou_share_state_label,
        "liuzhou_sharing_roles": liuzhou_sharing_roles,
        "liuzhou_unread_notifications": liuzhou_unread_notifications,
        "liuzhou_user_label": liuzhou_user_label,
    }
