"""E-mail notices sent once, and never lost (docs/resilience.md, "When a service fails").

The mail job (:mod:`.mail`) queues through Redis, which keeps no data across a restart
here, and its worker can die in the middle of a job. So each mail sent is written down in
PostgreSQL — one ``notification.mailed`` row of the audit log per (event, recipient), in its
own transaction right after the SMTP server accepted it — and:

* ``send_once`` sends only to recipients with no such row, holding a per-event advisory lock
  so that two jobs for the same event (a rerun beside the original) never both send;
* ``ckan liuzhou mail-retry`` (:func:`.mail.requeue`; the scheduler's ``mail_retry`` task,
  every 10 minutes) finds the recent events that still have recipients without a row — the job was never queued because
  Redis was down, was lost with Redis, died with its worker, or the mail server refused — and
  queues them again.

The one window left: a worker killed after the SMTP server accepted a mail and before its row
committed sends that one mail again on the rerun (at least once, never lost).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any, Callable

import sqlalchemy as sa

import ckan.model as model

from .. import audit
from ..audit.model import AuditLog
from .recipients import recipients
from .sources import sources

log = logging.getLogger(__name__)

ACTION = "notification.mailed"


def _kind(ev: Any) -> str:
    return ev.__tablename__


def _lock(ev: Any) -> None:
    key = int.from_bytes(hashlib.sha256(f"mail:{_kind(ev)}:{ev.id}".encode()).digest()[:8], "big") >> 1
    model.Session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def mailed(kind: str, event_ids: list) -> dict[str, set[str]]:
    """event id (text) → ids of the users already mailed about it."""
    out: dict[str, set[str]] = {}
    if not event_ids:
        return out
    rows = (model.Session.query(AuditLog.object_id, AuditLog.detail)
            .filter(AuditLog.action == ACTION, AuditLog.object_type == kind,
                    AuditLog.object_id.in_([str(i) for i in event_ids])))
    for object_id, detail in rows:
        out.setdefault(object_id, set()).add((detail or {}).get("user_id"))
    return out


def send_once(ev: Any, user: model.User, send: Callable[[], Any]) -> bool:
    """Call ``send`` unless ``user`` was already mailed about ``ev``; then record it and commit.

    Returns False when it was already sent. A failed ``send`` rolls back (releasing the lock)
    and raises: the recipient stays pending for the next run.
    """
    try:
        _lock(ev)
        if user.id in mailed(_kind(ev), [ev.id]).get(str(ev.id), set()):
            model.Session.rollback()
            return False
        send()
        audit.record(ACTION, None, object_type=_kind(ev), object_id=str(ev.id),
                     share_request_id=getattr(ev, "share_request_id", None),
                     detail={"user_id": user.id, "user": user.name, "event": ev.event})
        model.Session.commit()
        return True
    except Exception:
        model.Session.rollback()
        raise


def pending(min_age: dt.timedelta, max_age: dt.timedelta, now: dt.datetime | None = None) -> dict[str, list]:
    """Events created between ``max_age`` and ``min_age`` ago with a recipient not yet mailed,
    by table name."""
    now = now or dt.datetime.utcnow()
    out: dict[str, list] = {}
    for cls in (source.model for source in sources()):
        events = (model.Session.query(cls)
                  .filter(cls.created >= now - max_age, cls.created <= now - min_age)
                  .order_by(cls.id).all())
        events = [e for e in events if e.notify]
        done = mailed(cls.__tablename__, [e.id for e in events])
        for ev in events:
            want = {u.id for _d, u in recipients(list(ev.notify), exclude=ev.actor_id)}
            if want - done.get(str(ev.id), set()):
                out.setdefault(cls.__tablename__, []).append(ev.id)
    return out
