"""Auth functions of the correction capability: who may report, answer, settle and see an
error report (校核纠错, national regulation Art 26; disputes: the sharing authority).

Each decides from the user and the report (loaded once and kept in the context); roles come
from organization membership (:mod:`..authz`), never from Solr. Whether the reporter may read
the entry or the data reported on is the action's check (it needs the entry named in the data).
"""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import authz
from . import events, states
from .model import CorrectionReport


def _ok() -> dict:
    return {"success": True}


def _no(msg: str) -> dict:
    return {"success": False, "msg": msg}


def report_of(context, data_dict) -> CorrectionReport:
    """The report named by ``id`` (NotFound if none), cached in the context for the action."""
    report_id = tk.get_or_bust(data_dict or {}, "id")
    cached = context.get("liuzhou_correction")
    if cached is not None and cached.id == report_id:
        return cached
    report = events.load(report_id)
    context["liuzhou_correction"] = report
    return report


def reads_entry(user: model.User, package_id: str) -> bool:
    """Whether the user may see the entry (its metadata: every department user, but an
    offline entry only its provider and the overseers)."""
    try:
        tk.check_access("package_show", {"user": user.name, "auth_user_obj": user}, {"id": package_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


def concerned(user, report: CorrectionReport) -> bool:
    """The reporting and the providing departments, the Authority, the Operator, the county
    authority of either department, and sysadmins."""
    if user is None:
        return False
    if authz.is_sysadmin(user) or authz.oversees(user):
        return True
    if authz.is_member(report.reporter_org_id, user) or authz.is_member(report.provider_org_id, user):
        return True
    return bool(authz.county_jurisdiction(user) & {report.reporter_org_id, report.provider_org_id})


def can_view(user, report: CorrectionReport) -> bool:
    """The departments concerned; and a report on an entry (not on delivered data, whose rows
    may name people) to every reader of the entry, as its page shows open reports."""
    if concerned(user, report):
        return True
    return user is not None and report.target == states.ENTRY and reads_entry(user, report.package_id)


def can_answer(user, report: CorrectionReport) -> bool:
    """The providing department's editors and admins: they keep its catalog and its data."""
    return authz.is_sysadmin(user) or authz.provider_editor(user, report.provider_org_id)


def can_settle(user, report: CorrectionReport) -> bool:
    """The Authority; for a county department's report, also that county's authority."""
    return (authz.is_sysadmin(user) or authz.authority_admin(user)
            or report.provider_org_id in authz.county_jurisdiction(user))


@tk.auth_disallow_anonymous_access
def correction_create(context, data_dict) -> dict:
    """Any user of a department (the action checks that the user may read what is reported)."""
    user = authz.context_user(context)
    org = (data_dict or {}).get("reporter_org")
    if isinstance(org, str) and org:
        if authz.is_member(authz.org_id(org), user):
            return _ok()
        return _no(tk._("You can only report for a department you belong to"))
    if authz.memberships(user) or authz.is_sysadmin(user):
        return _ok()
    return _no(tk._("Only a department's users can report an error"))


@tk.auth_disallow_anonymous_access
def correction_show(context, data_dict) -> dict:
    if can_view(authz.context_user(context), report_of(context, data_dict)):
        return _ok()
    return _no(tk._("Only the departments concerned, the Authority and the Operator can see this report"))


@tk.auth_disallow_anonymous_access
def correction_list(context, data_dict) -> dict:
    """Any signed-in user; the action lists only what the user may see."""
    return _ok() if authz.context_user(context) is not None else _no(tk._("Sign in first"))


@tk.auth_disallow_anonymous_access
def correction_respond(context, data_dict) -> dict:
    if can_answer(authz.context_user(context), report_of(context, data_dict)):
        return _ok()
    return _no(tk._("Only an editor or admin of the providing department can answer an error report"))


@tk.auth_disallow_anonymous_access
def correction_settle(context, data_dict) -> dict:
    if can_settle(authz.context_user(context), report_of(context, data_dict)):
        return _ok()
    return _no(tk._("Only the Authority settles a disputed error report"))


def get_auth_functions() -> dict[str, Any]:
    return {
        "correction_create": correction_create,
        "correction_show": correction_show,
        "correction_list": correction_list,
        "correction_respond": correction_respond,
        "correction_settle": correction_settle,
    }
