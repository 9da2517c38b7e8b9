"""Pages of the sharing workflow (Art 25–26, 31; docs/sharing.md): the request form from a
catalog entry, "my requests", "to review", a request's page with its timeline and the forms
of the steps the user may take, the Authority's views of suspensions and overdue items, the
user's notifications and the Operator's working-day calendar.

Every page calls the actions (rules, visibility and auth live there); a step's form is shown
when the state machine allows the step and the user passes its auth function. State changes
are POST only (CKAN checks the CSRF token); a refused step re-renders the page with the
action's messages and changes nothing.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any, Callable, Optional

from flask import Blueprint

import ckan.plugins.toolkit as tk
from ckan.common import request

from .. import idempotency
from ..calendar import store as cal
from ..web import action_context, call_or_abort
from . import overdue as overdue_rules
from . import states
from .helpers import N_

_ = tk._
sharing = Blueprint("liuzhou_sharing", __name__)

PAGE_SIZE = 25


# ---------------------------------------------------------------- plumbing

def _signed_in(view: Callable) -> Callable:
    """Anonymous visitors are sent to the sign-in page, then back here."""
    def wrapped(*args, **kwargs):
        if not tk.current_user.is_authenticated:
            return tk.redirect_to(tk.h.url_for("user.login", came_from=request.full_path))
        return view(*args, **kwargs)
    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


_call = call_or_abort


def _form_list(name: str) -> list[str]:
    return [v for v in request.form.getlist(name) if v.strip()]


# labels of the fields the actions may name in a ValidationError (the rest speak for themselves)
FIELD_LABELS = {
    "package_id": N_("Catalog entry"), "consumer_org": N_("Requesting department"),
    "resource_ids": N_("Resources wanted"), "information_items": N_("Information items wanted"),
    "purpose": N_("Purpose"), "basis": N_("Legal or business basis"), "scope_users": N_("Scope of knowledge"),
    "valid_from": N_("Valid from"), "valid_until": N_("Valid until"), "sharing_method": N_("Sharing method"),
    "renews": N_("Renews"), "decision": N_("Decision"), "reason_code": N_("Reason code (to reject)"),
    "reason": N_("Reason"), "meeting_date": N_("Meeting date"), "participants": N_("Participants"),
    "outcome": N_("Outcome"), "notes": N_("Recorded result"), "method": N_("Sharing method"),
    "description": N_("What is wrong"), "resolution": N_("What was fixed"), "deadline": N_("Deadline"),
    "quality_window_ends": N_("Quality window ends"), "day": N_("Calendar day"), "workday": N_("The day is"),
    "year": N_("Year"), "note": N_("Note"),
}


def _error_summary(errors: dict) -> list[str]:
    """Messages of a ValidationError as lines, each with its field's label (the field shows
    its own message too)."""
    out = []
    for key, value in (errors or {}).items():
        msgs = value if isinstance(value, list) else [value]
        for m in msgs:
            if not m or isinstance(m, dict):
                continue
            label = FIELD_LABELS.get(key)
            out.append(_("{field}: {error}").format(field=_(label), error=m) if label else str(m))
    return out


def _today() -> dt.date:
    return cal.local_date(cal.utcnow())


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


# ---------------------------------------------------------------- the request form

def _entry(package_id: str) -> dict:
    pkg = _call("package_show", {"id": package_id})
    if pkg.get("type") != "catalog":
        return tk.abort(404, _("Catalog entry not found"))
    return pkg


def _consumer_orgs(pkg: dict) -> list[dict]:
    """The departments the user may request for: their own, except the entry's provider."""
    orgs = tk.get_action("organization_list_for_user")(action_context(), {"permission": "read"})
    return [o for o in orgs if o["id"] != pkg.get("owner_org")]


def _department_users(org: str) -> list[dict]:
    """The users of a department, for the scope of knowledge (知悉范围)."""
    found = tk.get_action("organization_show")(
        action_context(), {"id": org, "include_users": True, "include_datasets": False,
                     "include_extras": False, "include_groups": False, "include_followers": False})
    site_user = tk.config.get("ckan.site_id")
    users = [{"name": u["name"], "label": u.get("display_name") or u.get("fullname") or u["name"],
              "capacity": u.get("capacity")} for u in found.get("users") or []
             if not u.get("sysadmin") and u["name"] != site_user]  # operations accounts are no one's staff
    return sorted(users, key=lambda u: u["name"])


def _form_data() -> dict:
    return {
        "consumer_org": request.form.get("consumer_org", ""),
        "resource_ids": _form_list("resource_ids"),
        "information_items": _form_list("information_items"),
        "purpose": request.form.get("purpose", ""),
        "basis": request.form.get("basis", ""),
        "scope_users": _form_list("scope_users"),
        "valid_from": request.form.get("valid_from", ""),
        "valid_until": request.form.get("valid_until", ""),
        "sharing_method": request.form.get("sharing_method", ""),
        "renews": request.form.get("renews", ""),
    }


def _renewal_defaults(renews: str, pkg: dict) -> dict:
    """A renewal starts from the earlier request's answers (the user may change any)."""
    old = _call("share_request_show", {"id": renews})
    if old["package_id"] != pkg["id"]:
        return tk.abort(400, _("A renewal must follow a request of the same department for the same entry"))
    start = dt.date.fromisoformat(old["valid_until"]) + dt.timedelta(days=1)
    return {
        "consumer_org": old["consumer_org"], "resource_ids": old["resource_ids"],
        "information_items": old["information_items"], "purpose": old["purpose"],
        "basis": old["basis"], "scope_users": old["scope_users"],
        "valid_from": max(start, _today()).isoformat(), "valid_until": "",
        "sharing_method": old["sharing_method"], "renews": old["id"], "renews_request": old,
    }


FORM_TOKEN = re.compile(r"[0-9a-f]{32}")


@_signed_in
def new(package_id: str):
    """共享申请 / 协商申请 of a catalog entry (Art 25, 26.1)."""
    pkg = _entry(package_id)
    kind = tk.h.liuzhou_request_button(pkg)
    if kind == "direct":  # unconditional: read it directly, no request (Art 25)
        return tk.render("liuzhou/sharing/no_request.html", extra_vars={"pkg": pkg})
    if kind is None:
        return tk.abort(403, _("You cannot request this entry: it is your own department's, "
                               "or you belong to no department"))
    try:
        tk.check_access("share_request_create", action_context(), {})
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e))
    orgs = _consumer_orgs(pkg)
    if not orgs:
        return tk.abort(403, _("Only a department's users can request data"))

    errors: dict = {}
    if request.method == "POST":
        data = _form_data()
        token = request.form.get("form_token", "")
        token = token if FORM_TOKEN.fullmatch(token) else ""
        # one rendered form makes one request, however often it is sent: its token is the
        # create action's idempotency key (a resent form lands on the request it made)
        context = action_context()
        req = None
        try:
            req = tk.get_action("share_request_create")(context, {
                "package_id": pkg["id"], **{k: v for k, v in data.items() if v not in ("", [])},
                **({"idempotency_key": token} if token else {})})
        except tk.ValidationError as e:
            errors = e.error_dict
        if req and context.get(idempotency.REPLAYED):
            return tk.redirect_to("liuzhou_sharing.read", id=req["id"])
        data["form_token"] = token
        if req:
            tk.h.flash_success(_("Your request has been submitted to {provider}.").format(
                provider=req.get("provider_org_title") or req["provider_org"]))
            return tk.redirect_to("liuzhou_sharing.read", id=req["id"])
    elif request.args.get("renews"):
        data = _renewal_defaults(request.args["renews"], pkg)
    else:
        data = {"valid_from": _today().isoformat(), "sharing_method": pkg.get("sharing_method") or "platform",
                "consumer_org": request.args.get("consumer_org", "")}
    data["form_token"] = data.get("form_token") or uuid.uuid4().hex
    names = {o["name"] for o in orgs} | {o["id"] for o in orgs}
    if data.get("consumer_org") not in names:
        data["consumer_org"] = orgs[0]["name"]
    consumer = next(o for o in orgs if data["consumer_org"] in (o["name"], o["id"]))
    renewed = data.get("renews_request")
    if data.get("renews") and not renewed:
        renewed = _call("share_request_show", {"id": data["renews"]})
    return tk.render("liuzhou/sharing/new.html", extra_vars={
        "active_tab": None, "pkg": pkg, "kind": kind, "data": data, "errors": errors,
        "error_summary": _error_summary(errors), "orgs": orgs, "consumer": consumer,
        "users": _department_users(consumer["id"]), "renewed": renewed,
        "items": pkg.get("information_items") or [], "resources": pkg.get("resources") or [],
    })


# ---------------------------------------------------------------- lists

LISTS = {
    "mine": {"title": N_("My requests"), "filter": {"mine": True}},
    "review": {"title": N_("To review"), "filter": {"to_review": True}},
    "overdue": {"title": N_("Overdue items"), "filter": {"overdue": True}},
    "all": {"title": N_("All requests"), "filter": {}},
}


def _list(which: str):
    spec = LISTS[which]
    state = request.args.get("state") or None
    overdue = which == "overdue" or request.args.get("overdue") in ("1", "true", "on")
    page = _page()
    query = dict(spec["filter"], limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    if state in states.STATES:
        query["state"] = state
    if overdue:
        query["overdue"] = True
    result = _call("share_request_list", query)
    return tk.render("liuzhou/sharing/list.html", extra_vars={
        "which": which, "active_tab": which, "title": _(spec["title"]), "result": result, "state": state,
        "overdue": overdue, "page": page, "pages": max(1, -(-result["count"] // PAGE_SIZE)),
    })


@_signed_in
def mine():
    """我的申请: the requests of the user's departments."""
    return _list("mine")


@_signed_in
def review():
    """待我处理: decisions, deliveries, coordinations and quality fixes waiting for the user."""
    return _list("review")


@_signed_in
def overdue():
    """逾期事项: open requests past their working-day deadline (all of them for the Authority and
    the Operator; the user's own departments' otherwise)."""
    return _list("overdue")


@_signed_in
def all_requests():
    """全部申请: every request the user may see (all of them for the Authority and the Operator,
    a county authority's county's; the dashboard's charts of requests by state link here)."""
    return _list("all")


@_signed_in
def suspensions():
    """暂停记录: every suspension a provider made (Art 31, 33), for the Authority."""
    page = _page()
    result = _call("share_request_suspension_list", {"limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE})
    return tk.render("liuzhou/sharing/suspensions.html", extra_vars={
        "result": result, "page": page, "pages": max(1, -(-result["count"] // PAGE_SIZE)),
        "active_tab": "suspensions"})


# ---------------------------------------------------------------- a request and its steps

# step → (action, events of the state machine it performs, fields of its form)
STEPS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "decide": ("share_request_decide", ("approve", "reject"), ("decision", "reason_code", "reason", "personal_items")),
    "authority_decide": ("share_request_authority_decide", ("authority_approve", "authority_reject"),
                         ("decision", "reason_code", "reason")),
    "withdraw": ("share_request_withdraw", ("withdraw",), ("reason",)),
    "coordination_open": ("share_request_coordination_open", ("coordination_open",), ("reason",)),
    "coordination_close": ("share_request_coordination_close", ("coordination_close",),
                           ("meeting_date", "participants", "outcome", "notes")),
    "deliver": ("share_request_deliver", ("deliver",), ("method", "resource_ids", "notes")),
    "quality_issue": ("quality_issue_create", ("quality_issue",), ("description", "information_items")),
    "resolve": ("quality_issue_resolve", ("resolve",), ("resolution",)),
    "suspend": ("share_request_suspend", ("suspend",), ("reason",)),
    "resume": ("share_request_resume", ("resume",), ("reason",)),
    "terminate": ("share_request_terminate", ("terminate",), ("reason",)),
}
LIST_FIELDS = {"resource_ids", "information_items", "personal_items"}

DONE = {
    "decide": N_("Your decision has been recorded."),
    "authority_decide": N_("The Authority's decision has been recorded."),
    "withdraw": N_("The request has been withdrawn."),
    "coordination_open": N_("Coordination has been requested."),
    "coordination_close": N_("The coordination's outcome has been recorded."),
    "deliver": N_("The delivery has been recorded: the scope of knowledge can now read the data."),
    "quality_issue": N_("The quality issue has been reported."),
    "resolve": N_("The quality issue has been marked fixed."),
    "suspend": N_("The service has been suspended."),
    "resume": N_("The service has been resumed."),
    "terminate": N_("The service has been terminated."),
}


def allowed_steps(req: dict) -> list[str]:
    """The steps the current user may take on this request now: the state machine allows the
    event and the user passes the action's auth function."""
    out = []
    for step, (action, events, _fields) in STEPS.items():
        if not any(req["state"] in states.TRANSITIONS[e][0] for e in events):
            continue
        if tk.h.check_access(action, {"id": req["id"]}):
            out.append(step)
    return out


def _entry_labels(req: dict) -> tuple[Optional[dict], dict, dict]:
    """The entry (as the user may see it) and names of its resources and information items."""
    try:
        pkg = tk.get_action("package_show")(action_context(), {"id": req["package_id"]})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None, {}, {}
    resources = {r["id"]: r.get("name") or r["id"] for r in pkg.get("resources") or []}
    items = {}
    for item in pkg.get("information_items") or []:
        key = item.get("identifier") or item.get("name")
        items[key] = item.get("name") or key
    return pkg, resources, items


def _renewable(req: dict, history: list[dict]) -> bool:
    """Offer a renewal when the request has expired or is about to (its expiry notice was
    sent, or its validity ends within the notice period)."""
    if req["state"] == states.EXPIRED:
        return True
    if not req["access_active"]:
        return False
    if any(e["event"] == "expiry_notice" for e in history):
        return True
    until = dt.date.fromisoformat(req["valid_until"])
    left = cal.load().workdays_between(cal.utcnow(), dt.datetime.combine(until, dt.time(4)))
    return left <= overdue_rules.expiry_notice_workdays()


def _render_request(req_id: str, step_errors: Optional[dict] = None, step: Optional[str] = None,
                    step_data: Optional[dict] = None, status: int = 200):
    req = _call("share_request_show", {"id": req_id})
    history = _call("share_request_history", {"id": req_id})
    pkg, resource_names, item_names = _entry_labels(req)
    can_renew = (_renewable(req, history)
                 and tk.h.check_access("share_request_create", {"consumer_org": req["consumer_org"]}))
    return tk.render("liuzhou/sharing/read.html", extra_vars={
        "req": req, "history": list(reversed(history)), "pkg": pkg,
        "resource_names": resource_names, "item_names": item_names,
        "steps": allowed_steps(req), "step": step, "step_errors": step_errors or {},
        "step_error_summary": _error_summary(step_errors or {}), "step_data": step_data or {},
        "can_renew": can_renew, "deadline": tk.h.liuzhou_deadline_info(req.get("deadline")),
    }), status


@_signed_in
def read(id: str):
    """A request: its fields, state, deadline in working days, timeline, coordinations,
    deliveries, quality issues, and the forms of the steps the user may take."""
    return _render_request(id)


@_signed_in
def act(id: str, step: str):
    """One step of the workflow (POST only; CKAN checks the CSRF token)."""
    if step not in STEPS:
        return tk.abort(404, _("Not found"))
    action, _events, fields = STEPS[step]
    data: dict[str, Any] = {"id": id}
    for field in fields:
        if field in LIST_FIELDS:
            data[field] = _form_list(field)
        else:
            value = request.form.get(field, "").strip()
            if value:
                data[field] = value
    try:
        tk.get_action(action)(action_context(), data)
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e) or _("Not authorized to see this page"))
    except tk.ObjectNotFound as e:
        return tk.abort(404, str(e) or _("Not found"))
    except tk.ValidationError as e:
        if step not in allowed_steps(_call("share_request_show", {"id": id})):
            # The request moved on meanwhile (another user's step, or this form sent twice):
            # its form is gone from the page, so the reason is said at the top of it.
            for message in _error_summary(e.error_dict):
                tk.h.flash_error(message)
            return tk.redirect_to("liuzhou_sharing.read", id=id)
        return _render_request(id, e.error_dict, step, data)
    tk.h.flash_success(_(DONE[step]))
    return tk.redirect_to("liuzhou_sharing.read", id=id)


# ---------------------------------------------------------------- notifications

@_signed_in
def notifications():
    """通知: events of the user's departments' requests, newest first, unread ones marked."""
    page = _page()
    unread_only = request.args.get("unread") in ("1", "true", "on")
    result = _call("notification_list", {"limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE,
                                         "unread_only": unread_only})
    return tk.render("liuzhou/sharing/notifications.html", extra_vars={
        "result": result, "page": page, "pages": max(1, -(-result["count"] // PAGE_SIZE)),
        "unread_only": unread_only, "active_tab": "notifications"})


@_signed_in
def notifications_read():
    """Mark every notification read (POST)."""
    _call("notification_mark_read", {})
    tk.h.flash_success(_("All notifications are marked read."))
    return tk.redirect_to("liuzhou_sharing.notifications")


# ---------------------------------------------------------------- the Operator's calendar

def _calendar_page(errors: Optional[dict] = None, data: Optional[dict] = None, form: Optional[str] = None,
                   preview: Optional[dict] = None):
    try:
        tk.check_access("holiday_override_set", action_context(), {})
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e))
    from ..calendar import notice as notice_text, store as cal_store

    year = request.args.get("year", "")
    if preview is not None and preview.get("year"):
        year = str(preview["year"])
    query = {"year": year} if year.isdigit() else {}
    grid, grid_year = None, None
    if preview is not None and preview.get("year"):
        # the year as the notice would make it: its days over the plain weekday rule
        entries = {dt.date.fromisoformat(d): False for d in preview["days_off"]}
        entries |= {dt.date.fromisoformat(d): True for d in preview["workdays"]}
        grid_year = int(preview["year"])
        grid = notice_text.month_grid(grid_year, lambda d: entries.get(d, d.weekday() < 5), entries)
    elif year.isdigit() and 1900 < int(year) < 2200:
        calendar = cal_store.load()
        grid_year = int(year)
        grid = notice_text.month_grid(grid_year, calendar.is_workday, calendar.overrides)
    years = _call("calendar_year_list", {})
    return tk.render("liuzhou/sharing/calendar.html", extra_vars={
        "overrides": _call("holiday_override_list", query), "years": years,
        "year": year if year.isdigit() else "", "errors": errors or {}, "form": form,
        "error_summary": _error_summary(errors or {}), "data": data or {}, "active_tab": "calendar",
        "preview": preview, "grid": grid, "grid_year": grid_year,
        # the template imports the form macros as ``form``: the notice form gets its own names
        "notice_data": (data or {}) if form == "notice" else {},
        "notice_errors": (errors or {}) if form == "notice" else {},
        "grid_status": next((y for y in years if str(y["year"]) == str(grid_year)), None),
    })


@_signed_in
def calendar():
    """工作日日历: the Operator's holiday overrides and year confirmations (Art 12, 14, 21, 26)."""
    return _calendar_page()


CALENDAR_FORMS = {
    "override": ("holiday_override_set", ("day", "workday", "note"), N_("The day has been set.")),
    "override_delete": ("holiday_override_delete", ("day",), N_("The override has been removed.")),
    "year": ("calendar_year_confirm", ("year", "confirmed", "note"), N_("The year's calendar has been updated.")),
}


@_signed_in
def calendar_change(form: str):
    """A change to the calendar (POST only)."""
    if form not in CALENDAR_FORMS:
        return tk.abort(404, _("Not found"))
    action, fields, done = CALENDAR_FORMS[form]
    data = {f: request.form.get(f, "").strip() for f in fields if request.form.get(f, "").strip() != ""}
    try:
        tk.get_action(action)(action_context(), data)
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e))
    except tk.ObjectNotFound as e:
        return _calendar_page({"day": [str(e)]}, data, form)
    except tk.ValidationError as e:
        return _calendar_page(e.error_dict, data, form)
    tk.h.flash_success(_(done))
    return tk.redirect_to("liuzhou_sharing.calendar")


@_signed_in
def calendar_notice():
    """The State Council's notice pasted by the Operator (POST): ``preview`` shows the year month
    by month with the check of a confirmation; ``confirm`` enters and confirms it (Art 26)."""
    data = {f: request.form.get(f, "").strip() for f in ("text", "year", "note") if request.form.get(f, "").strip()}
    step = request.form.get("step", "preview")
    try:
        if step == "confirm":
            result = tk.get_action("calendar_notice_apply")(action_context(), dict(data, confirm=True))
        else:
            preview = tk.get_action("calendar_notice_parse")(action_context(), data)
            return _calendar_page(data=data, form="notice", preview=preview)
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e))
    except tk.ValidationError as e:
        preview = None
        if step == "confirm" and "text" not in e.error_dict and "year" not in e.error_dict:
            preview = tk.get_action("calendar_notice_parse")(action_context(), data)
        return _calendar_page(e.error_dict, data, "notice", preview)
    recounted = result["status"].get("recounted") or {}
    tk.h.flash_success(_("The calendar of {year} is confirmed; {n} open deadlines were counted again.").format(
        year=result["year"], n=sum(recounted.values())))
    return tk.redirect_to("liuzhou_sharing.calendar", year=result["year"])


# ---------------------------------------------------------------- routes

sharing.add_url_rule("/sharing/new/<package_id>", view_func=new, methods=["GET", "POST"])
sharing.add_url_rule("/sharing/", view_func=mine, endpoint="index")
sharing.add_url_rule("/sharing/mine", view_func=mine)
sharing.add_url_rule("/sharing/review", view_func=review)
sharing.add_url_rule("/sharing/overdue", view_func=overdue)
sharing.add_url_rule("/sharing/all", view_func=all_requests)
sharing.add_url_rule("/sharing/suspensions", view_func=suspensions)
sharing.add_url_rule("/sharing/request/<id>", view_func=read)
sharing.add_url_rule("/sharing/request/<id>/<step>", view_func=act, methods=["POST"])
sharing.add_url_rule("/sharing/notifications", view_func=notifications)
sharing.add_url_rule("/sharing/notifications/read", view_func=notifications_read, methods=["POST"])
sharing.add_url_rule("/calendar/", view_func=calendar)
sharing.add_url_rule("/calendar/notice", view_func=calendar_notice, methods=["POST"])
sharing.add_url_rule("/calendar/<form>", view_func=calendar_change, methods=["POST"])


def get_blueprints() -> list[Blueprint]:
    return [sharing]
