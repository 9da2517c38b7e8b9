"""Pages of the cascade (blueprint ``liuzhou_cascade`` under /cascade): its health, the
negative list's flags for the Authority and the list's history, and the last run of every
scheduled task (``scheduler_status``); a sync is a POST."""
from __future__ import annotations

from flask import Blueprint, request

import ckan.plugins.toolkit as tk

from ..web import action_context

_ = tk._
cascade = Blueprint("liuzhou_cascade", __name__, url_prefix="/cascade")

LABELS = {"not_covered": "Not covered by the negative list",
          "beyond_list": "Less shared than the negative list allows",
          "no_legal_basis": "No legal basis"}

# the scheduled tasks (cascade/schedule.py), shown on this page
TASK_LABELS = {"harvest": "Harvest runs", "negative_list": "Negative list sync",
               "prune": "Pruning of harvest records",
               "deadlines": "Expiry, expiry notices and overdue share requests",
               "reminders": "Deadline reminders and overdue notices",
               "mail_retry": "E-mail notices not yet sent"}


def index():
    try:
        health = tk.get_action("cascade_health")(action_context(), {})
    except tk.NotAuthorized:
        if not tk.current_user.is_authenticated:
            return tk.redirect_to("user.login", came_from=request.full_path)
        return tk.abort(403, _("Only the Authority and the Operator see the cascade"))
    flags = tk.get_action("negative_list_flags")(action_context(), {})
    history = tk.get_action("negative_list_history")(action_context(), {})
    scheduled = tk.get_action("scheduler_status")(action_context(), {})
    return tk.render("liuzhou/cascade/index.html", {
        "health": health, "flags": flags, "history": history, "scheduled": scheduled,
        "task_labels": {k: _(v) for k, v in TASK_LABELS.items()},
        "reason_labels": {k: _(v) for k, v in LABELS.items()},
        "sync_error": request.args.get("sync_error"), "synced": request.args.get("synced")})


def sync():
    try:
        r = tk.get_action("negative_list_sync")(action_context(), {})
    except tk.NotAuthorized:
        return tk.abort(403, _("Only the Authority and the Operator see the cascade"))
    except tk.ValidationError as e:
        msg = "; ".join(str(m) for msgs in e.error_dict.values() for m in msgs) if isinstance(e.error_dict, dict) else str(e)
        return tk.redirect_to("liuzhou_cascade.index", sync_error=msg)
    return tk.redirect_to("liuzhou_cascade.index", synced="changed" if r["changed"] else "unchanged")


HARVEST_PAGES = ("/harvest", "/dataset/harvest_object/")
STATE_CHANGES = ("/harvest/refresh/", "/harvest/clear/")


def harvest_pages_gate():
    """ckanext-harvest's pages show harvest sources (the regional platform's address), their
    jobs and harvested objects: sysadmins and the Operator only; everyone else gets 403.
    Reharvesting and clearing a source change state: POST only (its buttons post)."""
    path = request.path
    if not (path == "/harvest" or path.startswith("/harvest/") or path.startswith(HARVEST_PAGES[1])):
        return None
    if path.startswith(STATE_CHANGES) and request.method != "POST":
        return tk.abort(405, _("This action needs a POST request"))
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=request.full_path)
    from .auth import NOT_HARVEST_MANAGER, may_manage_harvest
    if not may_manage_harvest({"user": tk.current_user.name, "auth_user_obj": tk.current_user}):
        return tk.abort(403, _(NOT_HARVEST_MANAGER))
    return None


cascade.before_app_request(harvest_pages_gate)
cascade.add_url_rule("/", view_func=index, methods=["GET"])
cascade.add_url_rule("/negative-list/sync", view_func=sync, methods=["POST"])


def get_blueprints() -> list:
    return [cascade]
