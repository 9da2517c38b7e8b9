"""One state change of a need = the new state + a timeline event + an audit row, in one
transaction (the caller commits)."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import audit, authz
from .. import config as lz_config
from ..calendar import store as cal
from ..formats import jsonable
from .model import Demand, DemandEvent


def load(demand_id: str, lock: bool = False) -> Demand:
    """The need, optionally locked FOR UPDATE (racing answers serialize on it)."""
    if not isinstance(demand_id, str):
        raise tk.ObjectNotFound(tk._("Need not found"))
    query = model.Session.query(Demand).filter(Demand.id == demand_id)
    if lock:
        query = query.with_for_update().populate_existing()
    found = query.one_or_none()
    if found is None:
        raise tk.ObjectNotFound(tk._("Need not found"))
    return found


def answer_deadline(start: dt.datetime) -> dt.datetime:
    """The provider's answer is due ``ckanext.liuzhou.demand.answer_workdays`` working days after
    ``start`` (day 0), counted by the calendar like the share requests' deadlines."""
    return cal.deadline(start, lz_config.demand_answer_workdays())


def record_event(demand: Demand, event: str, actor: Optional[model.User], role: str, *,
                 actor_org_id: Optional[str], from_state: Optional[str], to_state: Optional[str],
                 detail: Optional[dict] = None, notify: Optional[list[Optional[str]]] = None,
                 now: Optional[dt.datetime] = None) -> DemandEvent:
    """Timeline event + audit row (``demand.<event>``), in the caller's transaction."""
    now = now or cal.utcnow()
    detail = {k: v for k, v in (detail or {}).items() if v is not None}
    ev = DemandEvent(demand_id=demand.id, event=event, from_state=from_state, to_state=to_state,
                     actor_id=actor.id if actor else None, actor_role=role, actor_org_id=actor_org_id,
                     created=now, deadline=demand.deadline, detail=jsonable(detail),
                     notify=[n for n in (notify or []) if n])
    model.Session.add(ev)
    model.Session.flush()
    audit.record(f"demand.{event}", actor, actor_org=authz.org_name(actor_org_id),
                 package=demand.package_id, share_request_id=demand.share_request_id,
                 object_type="demand", object_id=demand.id,
                 purpose=demand.duty if event == "create" else None,
                 provider_org=authz.org_name(demand.provider_org_id),
                 detail={"from_state": from_state, "to_state": to_state, "event_id": ev.id,
                         "deadline": demand.deadline, **detail})
    return ev


def move(demand: Demand, event: str, to_state: str, actor: model.User, role: str, *,
         actor_org_id: Optional[str], now: dt.datetime, deadline: Optional[dt.datetime] = None,
         detail: Optional[dict] = None, notify: Optional[list[Optional[str]]] = None) -> DemandEvent:
    """Set the new state and deadline, then record the event and the audit row."""
    from_state = demand.state
    demand.state, demand.deadline = to_state, deadline
    demand.state_changed_at, demand.state_changed_by, demand.modified = now, actor.id, now
    return record_event(demand, event, actor, role, actor_org_id=actor_org_id, from_state=from_state,
                        to_state=to_state, detail=detail, notify=notify, now=now)
