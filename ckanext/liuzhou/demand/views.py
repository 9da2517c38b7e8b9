"""Pages of the demand list (docs/demand.md): the form that files a need, the lists (our
needs, to handle, all I may see), and a need's page with its timeline, the routing form with
the suggested departments (the Operator; the Authority for a dispute) and the answer form
(the department routed to). The overdue needs show on the overdue items page of the share
requests (``h.liuzhou_demand_overdue``).

Every page calls the actions (rules, visibility and auth live there). State changes are POST
only (CKAN checks the CSRF token); a refused step shows the page again with the action's
messages and changes nothing.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from flask import Blueprint

import ckan.plugins.toolkit as tk
from ckan.common import request

from .. import idempotency
from ..web import action_context, call_or_abort
from . import states
from .helpers import N_

_ = tk._
demand = Blueprint("liuzhou_demand", __name__)

PAGE_SIZE = 25

FIELD_LABELS = {
    "title": N_("Data needed"), "description": N_("Description"), "duty": N_("Duty the data serves"),
    "basis": N_("Legal basis"), "information_items": N_("Information items wanted"),
    "needed_by": N_("Needed by"), "valid_until": N_("Use until"), "consumer_org": N_("Department that needs the data"),
    "provider_org": N_("Department to answer"), "note": N_("Note"), "answer": N_("Answer"),
    "package_id": N_("Catalog entry"), "reason_code": N_("Reason code"), "reason": N_("Reason"),
    "state": N_("State"), "idempotency_key": N_("Form"), "scope_users": N_("Scope of knowledge"),
}


def _signed_in(view: Callable) -> Callable:
    """Anonymous visitors are sent to the sign-in page, then back here."""
    def wrapped(*args, **kwargs):
        if not tk.current_user.is_authenticated:
            return tk.redirect_to(tk.h.url_for("user.login", came_from=request.full_path))
        return view(*args, **kwargs)
    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _error_summary(errors: dict) -> dict[str, str]:
    """field label → its messages on a line (for the errors snippet)."""
    out = {}
    for key, value in (errors or {}).items():
        msgs = [str(m) for m in (value if isinstance(value, list) else [value]) if m and not isinstance(m, dict)]
        if msgs:
            label = FIELD_LABELS.get(key)
            out[_(label) if label else key] = "；".join(msgs)
    return out


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


# ---------------------------------------------------------------- lists

LISTS = {
    "mine": (N_("Our needs"), {"mine": True}),
    "review": (N_("Needs to handle"), {"to_review": True}),
    "all": (N_("All needs I may see"), {}),
}


def _list(which: str):
    title, spec = LISTS[which]
    state = request.args.get("state") or None
    overdue = request.args.get("overdue") in ("1", "true", "on")
    page = _page()
    query = dict(spec, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    if state in states.STATES:
        query["state"] = state
    if overdue:
        query["overdue"] = True
    result = call_or_abort("demand_list", query)
    return tk.render("liuzhou/demand/list.html", extra_vars={
        "which": which, "active_tab": "demand", "title": _(title), "result": result, "state": state,
        "overdue": overdue, "page": page, "pages": max(1, -(-result["count"] // PAGE_SIZE)),
        "can_file": tk.h.check_access("demand_create", {}),
    })


@_signed_in
def mine():
    """我们的需求: the needs of the user's departments."""
    return _list("mine")


@_signed_in
def review():
    """待我处理: needs to route (Operator), to decide (Authority), to answer (the department's admins)."""
    return _list("review")


@_signed_in
def all_():
    """All the needs the user may see."""
    return _list("all")


# ---------------------------------------------------------------- file a need

def _orgs() -> list[dict]:
    return tk.get_action("organization_list_for_user")(action_context(), {"permission": "read"})


@_signed_in
def new():
    """提出共享需求: what data, for which duty, legal basis, items, by when."""
    try:
        tk.check_access("demand_create", action_context(), {})
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e))
    orgs = _orgs()
    errors: dict = {}
    data: dict[str, Any] = {}
    if request.method == "POST":
        data = {f: request.form.get(f, "").strip() for f in
                ("title", "description", "duty", "basis", "needed_by", "valid_until", "consumer_org",
                 idempotency.FIELD)}
        data["information_items"] = [line.strip() for line in
                                     request.form.get("information_items", "").replace("，", "\n")
                                     .replace(",", "\n").splitlines() if line.strip()]
        context = action_context()
        try:
            made = tk.get_action("demand_create")(context, {k: v for k, v in data.items() if v not in ("", [])})
        except tk.ValidationError as e:
            errors = e.error_dict
        else:
            if not context.get(idempotency.REPLAYED):
                tk.h.flash_success(_("Your need has been filed: the platform Operator routes it to the "
                                     "department that holds the data."))
            return tk.redirect_to("liuzhou_demand.read", id=made["id"])
    return tk.render("liuzhou/demand/new.html", extra_vars={
        "active_tab": "demand", "data": data, "errors": errors, "error_summary": _error_summary(errors),
        "orgs": orgs, "labels": {k: _(v) for k, v in FIELD_LABELS.items()},
    })


# ---------------------------------------------------------------- a need and its steps

def _render(demand_id: str, errors: Optional[dict] = None, step: Optional[str] = None,
            form: Optional[dict] = None, status: int = 200):
    call_or_abort("demand_show", {"id": demand_id})  # 404 / 403 before anything else
    may_route = tk.h.check_access("demand_route", {"id": demand_id})
    found = call_or_abort("demand_show", {"id": demand_id, "include_candidates": may_route})
    open_route = may_route and found["state"] in (states.SUBMITTED, states.DISPUTED)
    may_answer = found["state"] == states.ROUTED and tk.h.check_access("demand_answer", {"id": demand_id})
    entries: list[dict] = []
    if may_answer:  # the department's own entries to point to (the form's choices)
        try:
            entries = tk.get_action("package_search")(action_context(), {
                "fq": f'+dataset_type:catalog +organization:"{found["provider_org"]}"'
                      if found.get("provider_org") else "+dataset_type:catalog",
                "rows": 200, "include_private": True, "sort": "title_string asc"})["results"]
        except Exception:  # Solr down: the form takes the entry's name typed in
            entries = []
    return tk.render("liuzhou/demand/read.html", extra_vars={
        "d": found, "history": list(reversed(found.get("history") or [])), "active_tab": "demand",
        "may_route": open_route, "may_answer": may_answer, "entries": entries,
        "orgs": tk.h.liuzhou_department_choices() if open_route else [],
        "step": step, "errors": errors or {}, "error_summary": _error_summary(errors or {}),
        "form": form or {}, "deadline": tk.h.liuzhou_deadline_info(found.get("deadline")),
    }), status


@_signed_in
def read(id: str):
    """A need: what, why, by when, its state and deadline, its timeline, and the step forms."""
    return _render(id)


STEPS = {"route": ("demand_route", ("provider_org", "note")),
         "answer": ("demand_answer", ("answer", "package_id", "reason_code", "reason"))}
DONE = {"route": N_("The need has been routed; the department is notified."),
        "answer": N_("Your answer has been recorded.")}


@_signed_in
def act(id: str, step: str):
    """Route (or decide) and answer (POST only)."""
    if step not in STEPS:
        return tk.abort(404, _("Not found"))
    action, fields = STEPS[step]
    data: dict[str, Any] = {"id": id}
    for field in fields:
        value = request.form.get(field, "").strip()
        if value:
            data[field] = value
    items = [v for v in request.form.getlist("information_items") if v.strip()]
    if step == "answer" and items:
        data["information_items"] = items
    try:
        result = tk.get_action(action)(action_context(), data)
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e) or _("Not authorized to see this page"))
    except tk.ObjectNotFound as e:
        return tk.abort(404, str(e) or _("Not found"))
    except tk.ValidationError as e:
        return _render(id, e.error_dict, step, data)
    tk.h.flash_success(_(DONE[step]))
    if step == "answer" and result.get("share_request_id"):
        tk.h.flash_success(_("A share request on the entry has been filed for the department that needs the data."))
    return tk.redirect_to("liuzhou_demand.read", id=id)


demand.add_url_rule("/demand/", view_func=mine, endpoint="index")
demand.add_url_rule("/demand/review", view_func=review)
demand.add_url_rule("/demand/all", view_func=all_, endpoint="all")
demand.add_url_rule("/demand/new", view_func=new, methods=["GET", "POST"])
demand.add_url_rule("/demand/<id>", view_func=read)
demand.add_url_rule("/demand/<id>/<step>", view_func=act, methods=["POST"])


def get_blueprints() -> list[Blueprint]:
    return [demand]
