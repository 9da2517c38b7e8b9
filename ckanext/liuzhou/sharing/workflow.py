"""One state change = the new state + a timeline event + an audit row, in one transaction."""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import audit
from ..calendar import store as cal
from .. import authz
from ..formats import jsonable
from . import states
from .model import ShareRequest, ShareRequestEvent

# What the sharing workflow tells the other capabilities (CKAN's blinker signals, ``tk.signals``):
# they subscribe, so that sharing imports none of them.
provider_stopped = tk.signals.ckanext.signal("liuzhou_share_request_provider_stopped")
"""Sent by ``share_request_suspend`` / ``share_request_terminate`` in the stop's transaction,
before it commits (Art 31, 33.1): sender the request, ``event`` ("suspend" | "terminate") and
``actor``."""
deadlines_run = tk.signals.ckanext.signal("liuzhou_deadlines_run")
"""Sent by the deadlines task (``ckan liuzhou deadlines``) after the share requests' notices:
sender the local date; each receiver records its own notices and returns their report lines."""


def load(request_id: str, lock: bool = False) -> ShareRequest:
    """The request, optionally locked FOR UPDATE (so racing transitions serialize on it)."""
    if not isinstance(request_id, str):  # docs/security.md: a number or a list is no id (was a server error)
        raise tk.ObjectNotFound(tk._("Share request not found"))
    query = model.Session.query(ShareRequest).filter(ShareRequest.id == request_id)
    if lock:
        query = query.with_for_update().populate_existing()
    req = query.one_or_none()
    if req is None:
        raise tk.ObjectNotFound(tk._("Share request not found"))
    return req


def deadline_for(state: str, start: dt.datetime) -> Optional[dt.datetime]:
    days = states.DEADLINE_WORKDAYS.get(state)
    return None if days is None else cal.deadline_or_error(start, days)


def record_event(req: ShareRequest, event: str, actor: model.User, role: str, *,
                 actor_org_id: Optional[str], from_state: Optional[str], to_state: Optional[str],
                 detail: Optional[dict] = None, notify: Optional[list[str]] = None,
                 now: Optional[dt.datetime] = None) -> ShareRequestEvent:
    """Timeline event + audit row (the audit row is written, under the chain lock, when the caller commits)."""
    now = now or cal.utcnow()
    detail = {k: v for k, v in (detail or {}).items() if v is not None}
    ev = ShareRequestEvent(share_request_id=req.id, event=event, from_state=from_state,
                           to_state=to_state, actor_id=actor.id if actor else None, actor_role=role,
                           actor_org_id=actor_org_id, created=now, deadline=req.deadline,
                           detail=jsonable(detail), notify=notify or [])
    model.Session.add(ev)
    model.Session.flush()
    audit.record(f"share_request.{event}", actor, actor_org=authz.org_name(actor_org_id),
                 package=req.package_id, share_request_id=req.id, object_type="share_request",
                 object_id=req.id, purpose=req.purpose if event == "create" else None,
                 provider_org=authz.org_name(req.provider_org_id),
                 detail={"from_state": from_state, "to_state": to_state, "event_id": ev.id,
                         "deadline": req.deadline, **detail})
    return ev


DEFAULT_DEADLINE = object()


def transition(req: ShareRequest, event: str, actor: model.User, role: str, *,
               actor_org_id: Optional[str], to_state: Optional[str] = None,
               detail: Optional[dict] = None, notify: Optional[list[str]] = None,
               now: Optional[dt.datetime] = None, deadline: Any = DEFAULT_DEADLINE) -> ShareRequestEvent:
    """Move ``req`` (loaded with ``lock=True``) along ``event``; refuse an illegal move.

    The new deadline (by default: the one the new state sets, counted from now) is computed
    before anything changes; in a year nobody has entered it is provisional (暂定), and is
    counted again when the Operator confirms that year (:mod:`..calendar.recount`).
    """
    states.check(event, req.state)
    now = now or cal.utcnow()
    new_state = to_state or states.target(event)
    if new_state not in states.STATES:
        raise ValueError(f"unknown share request state {new_state!r}")
    new_deadline = deadline_for(new_state, now) if deadline is DEFAULT_DEADLINE else deadline
    from_state = req.state
    if new_state in (states.SUSPENDED, states.COORDINATING):
        req.previous_state = from_state
    req.state = new_state
    req.deadline = new_deadline
    req.state_changed_at = now
    req.state_changed_by = actor.id
    req.modified = now
    return record_event(req, event, actor, role, actor_org_id=actor_org_id, from_state=from_state,
                        to_state=new_state, detail=detail, notify=notify, now=now)


