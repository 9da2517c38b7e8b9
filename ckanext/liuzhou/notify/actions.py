"""In-app notifications (通知): the timeline events of every registered source
(:mod:`.sources`: share requests, Art 26, 31, docs/sharing.md; the lifecycle workflows, Art 12,
14, 20, 21, 33, docs/lifecycle.md).

Every timeline event names the departments it notifies (``notify``, set by the step that
records it); one SQL union of the sources' tables makes the inbox. A signed-in user is
notified of every event that names a department they are a member of. What the user has read
is one timestamp kept in the CKAN user's ``plugin_extras``
(``{"liuzhou": {"notifications_seen_at": ISO}}``): events recorded after it are unread. No
table of its own.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import authz
from ..calendar import store as cal
from ..validation import validate_or_raise as _validate
from . import mail  # noqa: F401  (installs the after-commit hook that queues the e-mails)
from .sources import sources

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
    user = authz.context_user(context)
    if user is None:
        raise tk.NotAuthorized(_("Sign in first"))
    return user


def _seen_at(user: model.User) -> Optional[dt.datetime]:
    """When the user last marked their notifications read (naive UTC), or None."""
    raw = ((user.plugin_extras or {}).get(EXTRAS_KEY) or {}).get(SEEN_KEY)
    try:
        return dt.datetime.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        return None


def _department_names(user: model.User) -> list[str]:
    """Names of the active departments the user is a member of (in any capacity), from the
    memberships the request has already read (no query of its own)."""
    return sorted(authz.membership_names(user))


def _notifying(column, names: list[str]):
    """Events whose ``notify`` list names any of these departments (JSONB ``?|``)."""
    return column.has_any(sa.cast(names, postgresql.ARRAY(sa.UnicodeText)))


def _inbox(names: list[str]):
    """One union of the events of every source notifying ``names``: (source, id, created)."""
    return sa.union_all(*(
        sa.select(sa.literal(src.name).label("source"), src.model.id.label("id"),
                  src.model.created.label("created")).where(_notifying(src.model.notify, names))
        for src in sources())).subquery("inbox")


@tk.side_effect_free
def notification_list(context, data_dict) -> dict:
    """The signed-in user's notifications, newest first: the timeline events of share requests
    (Art 26 decisions and deliveries, Art 31 suspensions, overdue and expiry notices) and of
    the lifecycle workflows (Art 14 upkeep notices, Art 20 and 21 offlining, Art 12 accounts,
    Art 33.1 flags) that notify a department the user belongs to.

    :param limit: (default 20, at most 200; 0 for the counts only) :param offset:
    :param unread_only: only events recorded after the user last marked them read
    :returns: ``{"count", "unread", "seen_at", "departments", "results": [event + "source"
        (``share_request`` | ``lifecycle``), "label" (what happened, in the user's language),
        "title", "url" (the page to open), "unread", "departments" (the user's departments it
        notifies); a share request event has "share_request_id" and "share_request": {id,
        state, package_name, package_title, consumer_org, provider_org}; a lifecycle event
        "object_type", "object_id", "kind_label", "package_id", "provider_org"]}``
    """
    tk.check_access("notification_list", context, data_dict)
    data = _validate(data_dict, _schema(), context)
    user = _user(context)
    names = _department_names(user)
    seen = _seen_at(user)
    if not names:
        return {"count": 0, "unread": 0, "seen_at": None, "departments": [], "results": []}
    inbox = _inbox(names)
    fresh = inbox.c.created > seen if seen is not None else sa.true()
    count, unread = model.Session.execute(sa.select(
        sa.func.count(), sa.func.count().filter(fresh)).select_from(inbox)).one()
    if data["unread_only"]:
        count = unread
    page = []
    if data["limit"]:
        query = sa.select(inbox.c.source, inbox.c.id)
        if data["unread_only"]:
            query = query.where(fresh)
        page = model.Session.execute(
            query.order_by(inbox.c.created.desc(), inbox.c.source, inbox.c.id.desc())
            .limit(data["limit"]).offset(data["offset"])).all()
    wanted: dict[str, list] = {}
    for source, eid in page:
        wanted.setdefault(source, []).append(eid)
    mine = set(names)
    items: dict[str, dict] = {}
    created: dict[tuple[str, Any], Any] = {}
    for src in sources():
        if not wanted.get(src.name):
            continue
        rows = model.Session.query(src.model).filter(src.model.id.in_(wanted[src.name])).all()
        items[src.name] = src.items(rows, user)
        created.update({(src.name, e.id): e for e in rows})
    results = []
    for source, eid in page:
        item, ev = items.get(source, {}).get(eid), created.get((source, eid))
        if item is None:
            continue
        item.setdefault("source", source)
        item.setdefault("share_request_id", None)
        item["unread"] = seen is None or ev.created > seen
        item["departments"] = [n for n in ev.notify or [] if n in mine]
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
