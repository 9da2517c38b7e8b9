"""Pages of the application scenarios (blueprint ``liuzhou_scenario`` under /scenario): the
list (a department's, or every one the user may see), a scenario's page, and the form to
register or change one. The pages call the actions; state changes are POST only."""
from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, request

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import authz
from ..web import action_context

_ = tk._
scenario = Blueprint("liuzhou_scenario", __name__, url_prefix="/scenario")
PAGE_SIZE = 25
LABELS = {"org": "Department", "name": "Scenario name", "serves": "What it serves",
          "entries": "Catalog entries it relies on", "requests": "Share requests it relies on"}


def _call(action: str, data: dict) -> Any:
    return tk.get_action(action)(action_context(), data)


def _guard(fn: Callable) -> Callable:
    """Visitors → the sign-in page; NotAuthorized → 403; NotFound → 404."""
    def wrapper(*args, **kwargs):
        if not tk.current_user.is_authenticated:
            return tk.redirect_to("user.login", came_from=request.full_path)
        try:
            return fn(*args, **kwargs)
        except tk.NotAuthorized as e:
            return tk.abort(403, str(e) or _("Not authorized to see this page"))
        except tk.ObjectNotFound:
            return tk.abort(404, _("Not found"))
    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def _page() -> int:
    try:
        return max(int(request.args.get("page", 1)), 1)
    except ValueError:
        return 1


def _form() -> dict:
    form = request.form
    entries = [*form.getlist("entries"), *(form.get("entries_more") or "").replace("，", ",").split("\n")]
    return {"org": form.get("org") or None, "name": form.get("name", ""), "serves": form.get("serves", ""),
            "entries": [e.strip() for e in entries if e.strip()],
            "requests": [r for r in form.getlist("requests") if r.strip()],
            "idempotency_key": form.get("idempotency_key") or None}


def _errors(e: tk.ValidationError) -> tuple[dict, dict]:
    errors = e.error_dict if isinstance(e.error_dict, dict) else {"": [str(e)]}
    return errors, {k: (v[0] if isinstance(v, list) and v else v) for k, v in errors.items()}


def _choices(org_ids: list[str]) -> dict:
    """What the form offers: the departments the user writes for, the share requests they are
    party to and the entries of those requests (other entries are typed in)."""
    requests = _call("share_request_list", {"limit": 200})["results"]
    names = {authz.org_name(i) for i in org_ids}
    party = [r for r in requests if {r.get("consumer_org"), r.get("provider_org")} & names]
    entries = {}
    for r in party:
        if r.get("package_id") and r["package_id"] not in entries:
            entries[r["package_id"]] = r.get("package_title") or r.get("package_name") or r["package_id"]
    return {"requests": party, "entries": entries}


def _writer_orgs() -> list:
    user = authz.user_obj(tk.current_user.name)
    ids = [gid for gid, cap in authz.memberships(user).items() if cap in ("admin", "editor")]
    groups = [g for g in (model.Group.get(i) for i in ids) if g is not None]
    return sorted(groups, key=lambda g: g.title or g.name)


def _render_form(data: dict, scenario_dict: dict | None = None, errors=None, summary=None) -> str:
    orgs = _writer_orgs()
    own = [scenario_dict["org"]["id"]] if scenario_dict else [g.id for g in orgs]
    return tk.render("liuzhou/scenario/form.html", extra_vars={
        "data": data, "scenario": scenario_dict, "orgs": orgs, "choices": _choices(own),
        "errors": errors or {}, "error_summary": summary or {}, "labels": {k: _(v) for k, v in LABELS.items()}})


@_guard
def index():
    """应用场景: the scenarios the user may see; ?org= one department's, ?provider= those using a
    department's data."""
    page = _page()
    args = {k: request.args[k] for k in ("org", "provider") if request.args.get(k)}
    result = _call("scenario_list", {**args, "limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE})
    return tk.render("liuzhou/scenario/list.html", extra_vars={
        "result": result, "page": page, "pages": max(1, -(-result["count"] // PAGE_SIZE)), "args": args,
        "may_create": bool(_writer_orgs())})


@_guard
def new():
    """Register a scenario."""
    tk.check_access("scenario_create", action_context(), {})
    if request.method == "POST":
        data = _form()
        try:
            made = _call("scenario_create", data)
        except tk.ValidationError as e:
            errors, summary = _errors(e)
            return _render_form(data, errors=errors, summary=summary)
        tk.h.flash_success(_("The scenario is registered."))
        return tk.redirect_to("liuzhou_scenario.read", id=made["id"])
    return _render_form({"org": request.args.get("org")})


@_guard
def read(id: str):
    row = _call("scenario_show", {"id": id})
    context = action_context()
    try:
        tk.check_access("scenario_update", context, {"id": id})
        may_edit = True
    except tk.NotAuthorized:
        may_edit = False
    return tk.render("liuzhou/scenario/read.html", extra_vars={"scenario": row, "may_edit": may_edit})


@_guard
def edit(id: str):
    row = _call("scenario_show", {"id": id})
    tk.check_access("scenario_update", action_context(), {"id": id})
    if request.method == "POST":
        data = {**_form(), "id": id}
        data.pop("org", None)
        data.pop("idempotency_key", None)
        try:
            _call("scenario_update", data)
        except tk.ValidationError as e:
            errors, summary = _errors(e)
            return _render_form(data, row, errors, summary)
        tk.h.flash_success(_("The scenario is saved."))
        return tk.redirect_to("liuzhou_scenario.read", id=id)
    data = {"name": row["name"], "serves": row["serves"], "entries": [e["id"] for e in row["entries"]],
            "requests": [r["id"] for r in row["requests"]]}
    return _render_form(data, row)


@_guard
def delete(id: str):
    row = _call("scenario_show", {"id": id})
    _call("scenario_delete", {"id": id})
    tk.h.flash_success(_("The scenario is withdrawn."))
    return tk.redirect_to("liuzhou_scenario.index", org=row["org"]["name"])


scenario.add_url_rule("/", view_func=index, endpoint="index")
scenario.add_url_rule("/new", view_func=new, methods=["GET", "POST"])
scenario.add_url_rule("/<id>", view_func=read)
scenario.add_url_rule("/<id>/edit", view_func=edit, methods=["GET", "POST"])
scenario.add_url_rule("/<id>/delete", view_func=delete, methods=["POST"])


def get_blueprints() -> list:
    return [scenario]
