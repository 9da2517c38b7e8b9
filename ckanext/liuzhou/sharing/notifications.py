"""In-app notifications of the sharing workflow (Art 26, 31; issue 5 item 6).

Every timeline event names the departments it notifies (``notify``, set by the action that
records it, :func:`.workflow.record_event`). A signed-in user is notified of every event that
names a department they are a member of. What the user has read is one timestamp kept in the
CKAN user's ``plugin_extras`` (``{"liuzhou": {"notifications_seen_at": ISO}}``): events
recorded after it are unread. No table of its own.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..calendar import store as cal
from ..validation import validate_or_raise as _validate
from . import dictize, roles
from . import mail  # noqa: F401  (installs the after-commit hook that queues the e-mails)
from .model import ShareRequest, ShareRequestEvent

_ = tk._
v = tk.get_validator

EXTRAS_KEY = "liuzhou"
SEEN_KEY = "notifications_seen_at"


def _limit(value: Any, context) -> int:
    return max(0, min(int(value), 200))


def _schema() -> dict:
    return {
        "limit": [v("default")(20), v("natural_number_validator"), _limit],
        "offset": [v("default")(0), v("natural_number_validator")],
        "unread_only": [v("default")(False), v("boolean_validator")],
    }


def _user(context) -> model.User:
    user = roles.context_user(context)
    if user is None:
        raise tk.NotAuthorized(_("Sign in first"))
    return user


def seen_at(user: model.User) -> Optional[dt.datetime]:
    """When the user last marked their notifications read (naive UTC), or None."""
    raw = ((user.plugin_extras or {}).get(EXTRAS_KEY) or {}).get(SEEN_KEY)
    try:
        return dt.datetime.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        return None


def department_names(user: model.User) -> list[str]:
    """Names of the active departments the user is a member of (in any capacity)."""
    ids = list(roles.memberships(user))
    if not ids:
        return []
    return sorted(name for (name,) in model.Session.query(model.Group.name).filter(model.Group.id.in_(ids)))


def _notifying(names: list[str]):
    """Events whose ``notify`` list names any of these departments (JSONB ``?|``)."""
    return ShareRequestEvent.notify.has_any(sa.cast(names, postgresql.ARRAY(sa.UnicodeText)))


@tk.side_effect_free
def notification_list(context, data_dict) -> dict:
    """The signed-in user's notifications, newest first: the timeline events of share requests
    that notify a department the user belongs to (Art 26 decisions and deliveries, Art 31
    suspensions, overdue and expiry notices).

    :param limit: (default 20, at most 200; 0 for the counts only) :param offset:
    :param unread_only: only events recorded after the user last marked them read
    :returns: ``{"count", "unread", "seen_at", "departments", "results": [event + "unread",
        "departments" (the user's departments it notifies), "share_request": {id, state,
        package_name, package_title, consumer_org, provider_org}]}``
    """
    tk.check_access("notification_list", context, data_dict)
    data = _validate(data_dict, _schema(), context)
    user = _user(context)
    names = department_names(user)
    seen = seen_at(user)
    if not names:
        return {"count": 0, "unread": 0, "seen_at": None, "departments": [], "results": []}
    query = model.Session.query(ShareRequestEvent).filter(_notifying(names))
    unread_query = query.filter(ShareRequestEvent.created > seen) if seen else query
    count, unread = query.count(), unread_query.count()
    if data["unread_only"]:
        query, count = unread_query, unread
    rows = []
    if data["limit"]:
        rows = (query.order_by(ShareRequestEvent.created.desc(), ShareRequestEvent.id.desc())
                .limit(data["limit"]).offset(data["offset"]).all())
    reqs = {r.id: r for r in model.Session.query(ShareRequest).filter(
        ShareRequest.id.in_({e.share_request_id for e in rows}))} if rows else {}
    lookup = dictize.Names([e.actor_id for e in rows],
                           [e.actor_org_id for e in rows]
                           + [o for r in reqs.values() for o in (r.consumer_org_id, r.provider_org_id)])
    packages = dictize.packages_for(list(reqs.values()))
    mine = set(names)
    results = []
    for ev in rows:
        item = dictize.event(ev, lookup)
        req = reqs.get(ev.share_request_id)
        pkg_name, pkg_title = packages.get(req.package_id, (None, None)) if req else (None, None)
        item.update({
            "share_request_id": ev.share_request_id,
            "unread": seen is None or ev.created > seen,
            "departments": [n for n in ev.notify or [] if n in mine],
            "share_request": None if req is None else {
                "id": req.id, "kind": req.kind, "state": req.state,
                "package_name": pkg_name, "package_title": pkg_title,
                "consumer_org": lookup.org(req.consumer_org_id),
                "consumer_org_title": lookup.org_title(req.consumer_org_id),
                "provider_org": lookup.org(req.provider_org_id),
                "provider_org_title": lookup.org_title(req.provider_org_id),
            },
        })
        results.append(item)
    return {"count": count, "unread": unread, "seen_at": seen.isoformat() if seen else None,
            "departments": names, "results": results}


def notification_mark_read(context, data_dict) -> dict:
    """Mark every notification of the signed-in user read (up to now).

    Stores the time in the user's ``plugin_extras``; returns ``{"seen_at", "unread": 0}``.
    """
    tk.check_access("notification_mark_read", context, data_dict)
    user = _user(context)
    now = cal.utcnow()
    extras = dict(user.plugin_extras or {})
    mine = dict(extras.get(EXTRAS_KEY) or {})
    mine[SEEN_KEY] = now.isoformat()
    extras[EXTRAS_KEY] = mine
    user.plugin_extras = extras  # a new dict, so SQLAlchemy sees the change
    model.Session.add(user)
    if not context.get("defer_commit"):
        model.repo.commit()
    return {"seen_at": now.isoformat(), "unread": 0}


def get_actions() -> dict[str, Any]:
    return {"notification_list": notification_list, "notification_mark_read": notification_mark_read}
