"""Need rows → API dicts (names instead of ids, deadlines in UTC and Asia/Shanghai)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import ckan.model as model

from ..calendar import store as cal
from ..formats import Names, iso, local_iso
from . import states
from .model import Demand, DemandEvent


def is_overdue(demand: Demand, now: Optional[dt.datetime] = None) -> bool:
    now = now or cal.utcnow()
    return demand.state == states.ROUTED and demand.deadline is not None and demand.deadline < now


def names_for(rows: list[Demand], events: list[DemandEvent] = ()) -> Names:
    users: set[Optional[str]] = set()
    orgs: set[Optional[str]] = set()
    for d in rows:
        users.update({d.requester_id, d.answered_by, d.routed_by})
        orgs.update({d.consumer_org_id, d.provider_org_id, *(d.disclaimed or [])})
    for e in events:
        users.add(e.actor_id)
        orgs.add(e.actor_org_id)
    return Names(users, orgs)


def packages_for(rows: list[Demand]) -> dict[str, tuple[str, str]]:
    ids = {d.package_id for d in rows if d.package_id}
    if not ids:
        return {}
    return {pid: (name, title) for pid, name, title in model.Session.query(
        model.Package.id, model.Package.name, model.Package.title).filter(model.Package.id.in_(ids))}


def demand(d: Demand, names: Names, packages: dict[str, tuple[str, str]],
           now: Optional[dt.datetime] = None) -> dict[str, Any]:
    pkg_name, pkg_title = packages.get(d.package_id, (None, None)) if d.package_id else (None, None)
    return {
        "id": d.id,
        "title": d.title,
        "description": d.description,
        "duty": d.duty,
        "basis": d.basis,
        "information_items": list(d.information_items or []),
        "needed_by": iso(d.needed_by),
        "valid_until": iso(d.valid_until),
        "consumer_org": names.org(d.consumer_org_id),
        "consumer_org_title": names.org_title(d.consumer_org_id),
        "requester": names.user(d.requester_id),
        "state": d.state,
        "provider_org": names.org(d.provider_org_id),
        "provider_org_title": names.org_title(d.provider_org_id),
        "assigned": bool(d.assigned),
        "disclaimed": [names.org(o) for o in d.disclaimed or []],
        "disclaimed_titles": [names.org_title(o) for o in d.disclaimed or []],
        "deadline": iso(d.deadline),
        "deadline_local": local_iso(d.deadline),
        "deadline_provisional": cal.provisional(d.deadline),
        "overdue": is_overdue(d, now),
        "routed_at": iso(d.routed_at),
        "routed_by": names.user(d.routed_by),
        "answer": d.answer,
        "reason_code": d.reason_code,
        "reason": d.reason,
        "package_id": d.package_id,
        "package_name": pkg_name,
        "package_title": pkg_title,
        "share_request_id": d.share_request_id,
        "answered_by": names.user(d.answered_by),
        "answered_at": iso(d.answered_at),
        "answered_on_time": d.answered_on_time,
        "created": iso(d.created),
        "modified": iso(d.modified),
    }


def event(e: DemandEvent, names: Names) -> dict[str, Any]:
    return {
        "id": e.id,
        "demand_id": e.demand_id,
        "event": e.event,
        "from_state": e.from_state,
        "to_state": e.to_state,
        "actor": names.user(e.actor_id),
        "actor_role": e.actor_role,
        "actor_org": names.org(e.actor_org_id),
        "actor_org_title": names.org_title(e.actor_org_id),
        "created": iso(e.created),
        "deadline": iso(e.deadline),
        "detail": dict(e.detail or {}),
        "notify": list(e.notify or []),
    }
