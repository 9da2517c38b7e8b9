"""Actions of the cascade (Art 9, 23)."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import config as lz_config
from . import health, negative_list, upward
from .model import CascadeEntry


@tk.side_effect_free
def cascade_entry_show(context, data_dict):
    """Whether an entry is mirrored from the regional platform, and which fields it lacked."""
    tk.check_access("cascade_entry_show", context, data_dict)
    pkg = model.Package.get(data_dict.get("id") or "")
    entry = CascadeEntry.get(pkg.id) if pkg else None
    if entry is None:
        return {"regional": False}
    return {"regional": True, "remote_id": entry.remote_id, "remote_name": entry.remote_name,
            "remote_resource_code": entry.remote_resource_code, "missing_fields": entry.missing_fields,
            "harvested_at": entry.harvested_at.isoformat(), "source_id": entry.source_id}


@tk.side_effect_free
def cascade_health(context, data_dict):
    """Last run of each direction, counts and errors."""
    tk.check_access("cascade_health", context, data_dict)
    return health.report()


def negative_list_sync(context, data_dict):
    """Art 23: fetch the regional negative list; keep it when it changed; count the flags."""
    tk.check_access("negative_list_sync", context, data_dict)
    url = data_dict.get("url") or negative_list.configured_url()
    if not url:
        raise tk.ValidationError({"url": [tk._("No negative list URL is configured")]})
    try:
        doc = negative_list.fetch(url, lz_config.negative_list_api_key() or None)
    except Exception as e:  # a network or format error is the caller's answer, not a crash
        raise tk.ValidationError({"url": [str(e)]})
    new, current = negative_list.store(doc, url, context.get("user") or "")
    if not context.get("defer_commit"):
        model.Session.commit()
    return {"changed": new is not None, "version": negative_list.version_dict(current),
            "flags": len(negative_list.flags(current))}


@tk.side_effect_free
def negative_list_flags(context, data_dict):
    """Art 23: the city's conditional and not-shared entries the negative list does not cover,
    or that lack a legal basis — the list for the Authority."""
    tk.check_access("negative_list_flags", context, data_dict)
    return negative_list.flags()


@tk.side_effect_free
def negative_list_history(context, data_dict):
    tk.check_access("negative_list_history", context, data_dict)
    from .model import NegativeListVersion
    rows = model.Session.query(NegativeListVersion).order_by(NegativeListVersion.fetched_at.desc())
    return [negative_list.version_dict(v) for v in rows]


@tk.chained_action
@tk.side_effect_free
def harvest_source_list(original, context, data_dict):
    """ckanext-harvest's list of sources (with their configuration) checks no auth: here it
    checks ``harvest_source_list`` (sysadmins and the Operator)."""
    tk.check_access("harvest_source_list", context, data_dict)
    return original(context, data_dict)


@tk.side_effect_free
def scheduler_status(context, data_dict):
    """The platform's scheduled tasks (``cascade/schedule.py``: the cascade's, Art 9, 23, and the
    workflows' deadlines, Art 12, 14, 21, 26): for each, ``name``, ``last_run`` (UTC), ``ok`` and
    ``summary`` of that run, ``interval`` and ``interval_seconds``, ``next_due``, ``due`` and
    ``late`` (not run for more than twice its interval). The Operator, the Authority, sysadmins."""
    tk.check_access("scheduler_status", context, data_dict)
    from . import schedule
    return [{"name": s["name"], "last_run": s["last_run"], "ok": s["ok"], "summary": s["summary"],
             "interval": s["every"], "interval_seconds": s["interval_seconds"], "next_due": s["next_due"],
             "due": s["due"], "late": s["late"]} for s in schedule.status()]


def get_actions() -> dict[str, Any]:
    return {
        "cascade_entry_show": cascade_entry_show,
        "cascade_health": cascade_health,
        "negative_list_sync": negative_list_sync,
        "scheduler_status": scheduler_status,
        "negative_list_flags": negative_list_flags,
        "negative_list_history": negative_list_history,
        "harvest_source_list": harvest_source_list,
        "package_list": upward.package_list,
    }
