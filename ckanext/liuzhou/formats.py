"""How stored values are written out, the same way in every capability: dates and naive UTC
times as ISO strings, times in Beijing time (Asia/Shanghai, the time of the rules' deadlines),
timeline details made JSON-safe, and user and department ids as names (:class:`Names`)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Optional
from zoneinfo import ZoneInfo

import ckan.model as model

TZ = ZoneInfo("Asia/Shanghai")


def iso(value: Optional[dt.date]) -> Optional[str]:
    """A date or a (naive UTC) time as ISO 8601; None stays None."""
    return value.isoformat() if value is not None else None


def local_iso(value: Optional[dt.datetime]) -> Optional[str]:
    """A stored (naive UTC) time as ISO 8601 in Beijing time, to the second; None stays None."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.timezone.utc).astimezone(TZ).isoformat(timespec="seconds")


def local_time(value: Optional[dt.datetime]) -> str:
    """A stored (naive UTC) time as ``YYYY-MM-DD HH:MM`` in Beijing time ("" for None)."""
    if value is None:
        return ""
    return value.replace(tzinfo=dt.timezone.utc).astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def jsonable(value: Any) -> Any:
    """``value`` with dates and times as ISO strings and tuples and sets as lists, at any depth."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


class Names:
    """Batch lookups of user and organization names for a page of results."""

    def __init__(self, user_ids: Iterable[Optional[str]] = (), org_ids: Iterable[Optional[str]] = ()):
        uids = {u for u in user_ids if u}
        oids = {o for o in org_ids if o}
        self.users = dict(model.Session.query(model.User.id, model.User.name)
                          .filter(model.User.id.in_(uids))) if uids else {}
        self.orgs = {gid: (name, title) for gid, name, title in
                     model.Session.query(model.Group.id, model.Group.name, model.Group.title)
                     .filter(model.Group.id.in_(oids))} if oids else {}

    def user(self, uid: Optional[str]) -> Optional[str]:
        return self.users.get(uid, uid) if uid else None

    def org(self, oid: Optional[str]) -> Optional[str]:
        return self.orgs.get(oid, (oid, None))[0] if oid else None

    def org_title(self, oid: Optional[str]) -> Optional[str]:
        return self.orgs.get(oid, (None, None))[1] if oid else None
