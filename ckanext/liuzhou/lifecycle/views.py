"""Pages of the lifecycle rules (Flask blueprint ``liuzhou_lifecycle`` under /lifecycle).

Views call the actions and render templates; no rule lives here. State changes are POST
forms with CSRF; a refused form is shown again with its errors and nothing saved.
"""
from __future__ import annotations

import csv
import io
import os
from typing import Any, Callable, Optional

from flask import Blueprint, Response, request, send_file

import ckan.plugins.toolkit as tk
from ckan.lib.uploader import get_uploader
from ..web import action_context

from . import actions

_ = tk._
lifecycle = Blueprint("liuzhou_lifecycle", __name__, url_prefix="/lifecycle")


# ---------------------------------------------------------------- plumbing

def _call(action: str, data: dict) -> Any:
    return tk.get_action(action)(action_context(), data)


def _guard(fn: Callable) -> Callable:
    """NotAuthorized → 403 (or the sign-in page), NotFound → 404."""
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except tk.NotAuthorized as e:
            if not tk.current_user.is_authenticated:
                return tk.redirect_to("user.login", came_from=request.full_path)
            return tk.abort(403, str(e) or _("Not authorized to see this page"))
        except tk.ObjectNotFound:
            return tk.abort(404, _("Not found"))
    wrapper.__name__ = fn.__name__
    return wrapper


def _form() -> dict:
    data = {k: v for k, v in request.form.items() if k not in ("_csrf_token", "save")}
    for key in request.form:
        values = request.form.getlist(key)
        if len(values) > 1:
            data[key] = values
    return data


def _errors(e: tk.ValidationError) -> tuple[dict, dict]:
    errors = e.error_dict if isinstance(e.error_dict, dict) else {"": [str(e)]}
    summary = {k: (v[0] if isinstance(v, list) and v else v) for k, v in errors.items()}
    return errors, summary


def _render(template: str, **extra) -> str:
    extra.setdefault("errors", {})
    extra.setdefault("error_summary", {})
    extra.setdefault("data", {})
    return tk.render(f"liuzhou/lifecycle/{template}", extra_vars=extra)


def _args(*names: str) -> dict:
    return {n: request.args[n] for n in names if request.args.get(n)}


def _paging(per_page: int = 50) -> dict:
    try:
        page = max(int(request.args.get("page", 1)), 1)
    except ValueError:
        page = 1
    return {"limit": per_page, "offset": (page - 1) * per_page}


def _rule(path: str, endpoint: str, view: Callable, methods=("GET",)) -> None:
    lifecycle.add_url_rule(path, endpoint=endpoint, view_func=_guard(view), methods=list(methods))


# ---------------------------------------------------------------- hub

def index():
    return _render("index.html")


# ---------------------------------------------------------------- Art 20

def catalog_offline_index():
    data = {**_args("state", "org", "package_id"), **_paging()}
    filed = request.args.get("filed") == "true"
    result = _call("catalog_offline_list", {**data, "filed": filed})
    return _render("catalog_offline_list.html", result=result, filed=filed, state=data.get("state"))


def catalog_offline_new():
    data: dict = _args("package_id")
    if request.method == "POST":
        data = _form()
        data["attachment_upload"] = request.files.get("attachment_upload")
        try:
            app = _call("catalog_offline_apply", data)
        except tk.ValidationError as e:
            errors, summary = _errors(e)
            data.pop("attachment_upload", None)
            return _render("catalog_offline_new.html", data=data, errors=errors, error_summary=summary)
        tk.h.flash_success(_("Your application has been sent to the Operator for review."))
        return tk.redirect_to("liuzhou_lifecycle.catalog_offline_read", id=app["id"])
    tk.check_access("catalog_offline_apply", action_context(), data)
    return _render("catalog_offline_new.html", data=data)


def catalog_offline_read(id: str):
    app = _call("catalog_offline_show", {"id": id})
    errors, summary, data = {}, {}, {}
    if request.method == "POST":
        data = _form()
        try:
            app = _call("catalog_offline_review", {**data, "id": id})
        except tk.ValidationError as e:
            errors, summary = _errors(e)
        else:
            tk.h.flash_success(_("The review has been recorded."))
            return tk.redirect_to("liuzhou_lifecycle.catalog_offline_read", id=id)
    can_review = tk.h.check_access("catalog_offline_review", {"id": id})
    return _render("catalog_offline_read.html", app=app, can_review=can_review, data=data, errors=errors,
                   error_summary=summary)


def catalog_offline_attachment(id: str):
    app = _call("catalog_offline_attachment_show", {"id": id})
    uploader = get_uploader(actions.UPLOAD_FOLDER)
    path = os.path.join(uploader.storage_path or "", app["attachment"] or "")
    if not uploader.storage_path or not app["attachment"] or not os.path.isfile(path):
        return tk.abort(404, _("The attachment is missing"))
    return send_file(path, as_attachment=True, download_name=app["attachment_name"])


def catalog_offline_filings():
    """The filing records (备案) as CSV, for the Operator's archive."""
    rows, offset = [], 0
    while True:
        page = _call("catalog_offline_list", {"filed": True, "limit": 1000, "offset": offset})
        rows += page["results"]
        offset += 1000
        if offset >= page["count"]:
            break
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Filing number"), _("Filed at"), _("Catalog entry"), _("Provider"), _("Result"),
                     _("Reason"), _("Departments concerned"), _("Meeting date"), _("Participants"),
                     _("Outcome notes"), _("Applicant"), _("Applied at")])
    label, titles = tk.h.liuzhou_lifecycle_label, tk.h.liuzhou_lifecycle_org_titles
    for r in rows:
        writer.writerow([r["filing_number"], r["filed_at_local"], r["package_title"], r["provider_org_title"],
                         label("catalog_offline", r["state"]), r["reason"],
                         "、".join(titles((r.get("users") or {}).get("departments", []))), r["meeting_date"] or "",
                         "、".join(r["participants"]), r["outcome_notes"] or r["review_notes"] or "",
                         r["applicant"], r["created_local"]])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=catalog-offline-filings.csv"})


# ---------------------------------------------------------------- Art 21

def resource_offline_index():
    data = {**_args("state", "org", "package_id"), **_paging()}
    data["to_review"] = request.args.get("to_review") == "true"
    data["overdue"] = request.args.get("overdue") == "true"
    result = _call("resource_offline_list", data)
    return _render("resource_offline_list.html", result=result, query=data)


def resource_offline_new():
    data: dict = _args("package_id", "resource_id")
    pkg = None
    if data.get("package_id"):
        pkg = _call("package_show", {"id": data["package_id"]})
    if request.method == "POST":
        data = _form()
        try:
            app = _call("resource_offline_apply", data)
        except tk.ValidationError as e:
            errors, summary = _errors(e)
            if data.get("package_id") and pkg is None:
                pkg = _call("package_show", {"id": data["package_id"]})
            return _render("resource_offline_new.html", data=data, pkg=pkg, errors=errors, error_summary=summary)
        tk.h.flash_success(_("Your application has been sent to the Authority, which decides within 3 working days."))
        return tk.redirect_to("liuzhou_lifecycle.resource_offline_read", id=app["id"])
    tk.check_access("resource_offline_apply", action_context(), data)
    return _render("resource_offline_new.html", data=data, pkg=pkg)


def resource_offline_read(id: str):
    app = _call("resource_offline_show", {"id": id})
    errors, summary, data = {}, {}, {}
    if request.method == "POST":
        data = _form()
        action = "resource_offline_complete" if data.get("step") == "complete" else "resource_offline_decide"
        try:
            _call(action, {**data, "id": id})
        except tk.ValidationError as e:
            errors, summary = _errors(e)
        else:
            tk.h.flash_success(_("The offlining has been completed.") if action == "resource_offline_complete"
                               else _("The decision has been recorded."))
            return tk.redirect_to("liuzhou_lifecycle.resource_offline_read", id=id)
    return _render("resource_offline_read.html", app=app, data=data, errors=errors, error_summary=summary,
                   can_decide=tk.h.check_access("resource_offline_decide", {"id": id}),
                   can_complete=tk.h.check_access("resource_offline_complete", {"id": id}))


def notices():
    include_ended = request.args.get("include_ended") == "true"
    result = _call("public_notice_list", {"include_ended": include_ended, **_paging()})
    return _render("notices.html", result=result, include_ended=include_ended)


# ---------------------------------------------------------------- Art 14

def upkeep_index():
    data = {**_args("org"), "status": request.args.get("status") or "all", **_paging()}
    result = _call("upkeep_notice_list", data)
    return _render("upkeep_list.html", result=result, query=data,
                   can_create=tk.h.check_access("upkeep_notice_create", {}))


def upkeep_new():
    data: dict = {"packages": request.args.get("package", "")}
    if request.method == "POST":
        data = _form()
        try:
            notice = _call("upkeep_notice_create", data)
        except tk.ValidationError as e:
            errors, summary = _errors(e)
            return _render("upkeep_new.html", data=data, errors=errors, error_summary=summary)
        tk.h.flash_success(_("The upkeep notice has been issued."))
        return tk.redirect_to("liuzhou_lifecycle.upkeep_read", id=notice["id"])
    tk.check_access("upkeep_notice_create", action_context(), {})
    return _render("upkeep_new.html", data=data)


def upkeep_read(id: str):
    notice = _call("upkeep_notice_show", {"id": id})
    errors, summary, data = {}, {}, {}
    if request.method == "POST":
        data = _form()
        try:
            _call("upkeep_notice_respond", data)
        except tk.ValidationError as e:
            errors, summary = _errors(e)
        else:
            tk.h.flash_success(_("The update has been reported."))
            return tk.redirect_to("liuzhou_lifecycle.upkeep_read", id=id)
    can_respond = {t["id"]: t["state"] == "open" and tk.h.check_access("upkeep_notice_respond", {"target_id": t["id"]})
                   for t in notice["targets"]}
    return _render("upkeep_read.html", notice=notice, can_respond=can_respond, data=data, errors=errors,
                   error_summary=summary)


# ---------------------------------------------------------------- Art 12

def account_index():
    data = {**_args("state", "org"), **_paging()}
    data["overdue"] = request.args.get("overdue") == "true"
    result = _call("account_request_list", data)
    return _render("account_list.html", result=result, query=data,
                   can_create=tk.h.check_access("account_request_create", {}))


def account_new():
    data: dict = {"kind": request.args.get("kind", "create"), "user_name": request.args.get("user_name", "")}
    if request.method == "POST":
        data = _form()
        try:
            req = _call("account_request_create", data)
        except tk.ValidationError as e:
            errors, summary = _errors(e)
            return _render("account_new.html", data=data, errors=errors, error_summary=summary)
        tk.h.flash_success(_("Your request has been sent to the Operator, who handles it within 2 working days."))
        return tk.redirect_to("liuzhou_lifecycle.account_read", id=req["id"])
    tk.check_access("account_request_create", action_context(), {})
    return _render("account_new.html", data=data)


def account_read(id: str):
    req = _call("account_request_show", {"id": id})
    errors, summary, data, password = {}, {}, {}, None
    if request.method == "POST":
        data = _form()
        try:
            req = _call("account_request_decide", {**data, "id": id})
        except tk.ValidationError as e:
            errors, summary = _errors(e)
        else:
            password = req.pop("initial_password", None)
            if not password:
                tk.h.flash_success(_("The decision has been recorded."))
                return tk.redirect_to("liuzhou_lifecycle.account_read", id=id)
    return _render("account_read.html", req=req, data=data, errors=errors, error_summary=summary,
                   initial_password=password, can_decide=tk.h.check_access("account_request_decide", {"id": id}))


# ---------------------------------------------------------------- Art 16

def system_index():
    data = {**_args("org", "stage"), **_paging()}
    data["mismatched"] = request.args.get("mismatched") == "true"
    result = _call("information_system_list", data)
    return _render("system_list.html", result=result, query=data,
                   can_create=tk.h.check_access("information_system_create", {}))


def _system_form(data: dict) -> dict:
    if "package_ids" in data and isinstance(data["package_ids"], str):
        data["package_ids"] = [data["package_ids"]]
    data.setdefault("package_ids", [])
    return data


def system_new():
    data: dict = {"stage": "approval", "package_ids": []}
    if request.method == "POST":
        data = _system_form(_form())
        try:
            system = _call("information_system_create", data)
        except tk.ValidationError as e:
            errors, summary = _errors(e)
            return _render("system_form.html", data=data, errors=errors, error_summary=summary, system=None)
        tk.h.flash_success(_("The information system has been registered."))
        return tk.redirect_to("liuzhou_lifecycle.system_edit", id=system["id"])
    tk.check_access("information_system_create", action_context(), {})
    return _render("system_form.html", data=data, system=None)


def system_edit(id: str):
    system = _call("information_system_show", {"id": id})
    can_edit = tk.h.check_access("information_system_update", {"id": id})
    data = {**system, "package_ids": [e["package_id"] for e in system["entries"]]}
    if request.method == "POST":
        data = _system_form(_form())
        try:
            _call("information_system_update", {**data, "id": id})
        except tk.ValidationError as e:
            errors, summary = _errors(e)
            return _render("system_form.html", data=data, errors=errors, error_summary=summary, system=system,
                           can_edit=can_edit)
        tk.h.flash_success(_("The information system has been saved."))
        return tk.redirect_to("liuzhou_lifecycle.system_edit", id=id)
    return _render("system_form.html", data=data, system=system, can_edit=can_edit)


# ---------------------------------------------------------------- Art 17, 33

def duplicate_index():
    data = {**_args("org"), "state": request.args.get("state") or "open", **_paging()}
    result = _call("duplicate_warning_list", data)
    return _render("duplicates.html", result=result, query=data)


def violation_index():
    data = {**_args("state", "kind", "org"), **_paging()}
    errors, summary, form = {}, {}, {}
    if request.method == "POST":
        form = _form()
        try:
            _call("violation_review", form)
        except tk.ValidationError as e:
            errors, summary = _errors(e)
        else:
            tk.h.flash_success(_("The review has been recorded."))
            return tk.redirect_to("liuzhou_lifecycle.violation_index", **_args("state", "kind", "org"))
    result = _call("violation_list", data)
    return _render("violations.html", result=result, query=data, data=form, errors=errors, error_summary=summary)


_rule("/", "index", index)
_rule("/catalog-offline", "catalog_offline_index", catalog_offline_index)
_rule("/catalog-offline/new", "catalog_offline_new", catalog_offline_new, ("GET", "POST"))
_rule("/catalog-offline/filings.csv", "catalog_offline_filings", catalog_offline_filings)
_rule("/catalog-offline/<id>", "catalog_offline_read", catalog_offline_read, ("GET", "POST"))
_rule("/catalog-offline/<id>/attachment", "catalog_offline_attachment", catalog_offline_attachment)
_rule("/resource-offline", "resource_offline_index", resource_offline_index)
_rule("/resource-offline/new", "resource_offline_new", resource_offline_new, ("GET", "POST"))
_rule("/resource-offline/<id>", "resource_offline_read", resource_offline_read, ("GET", "POST"))
_rule("/notices", "notices", notices)
_rule("/upkeep", "upkeep_index", upkeep_index)
_rule("/upkeep/new", "upkeep_new", upkeep_new, ("GET", "POST"))
_rule("/upkeep/<id>", "upkeep_read", upkeep_read, ("GET", "POST"))
_rule("/accounts", "account_index", account_index)
_rule("/accounts/new", "account_new", account_new, ("GET", "POST"))
_rule("/accounts/<id>", "account_read", account_read, ("GET", "POST"))
_rule("/systems", "system_index", system_index)
_rule("/systems/new", "system_new", system_new, ("GET", "POST"))
_rule("/systems/<id>", "system_edit", system_edit, ("GET", "POST"))
_rule("/duplicates", "duplicate_index", duplicate_index)
_rule("/violations", "violation_index", violation_index, ("GET", "POST"))


def get_blueprints() -> list[Blueprint]:
    return [lifecycle]
