"""Request rows → API dicts (names instead of ids, deadlines in UTC and Asia/Shanghai)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Optional

import ckan.model as model

from ..calendar import store as cal
from ..formats import Names, iso, local_iso
from . import states
from .model import Coordination, Delivery, QualityIssue, ShareRequest, ShareRequestEvent


def is_overdue(req: ShareRequest, now: Optional[dt.datetime] = None) -> bool:
    now = now or cal.utcnow()
    return req.state in states.DEADLINE_WORKDAYS and req.deadline is not None and req.deadline < now


def names_for(reqs: list[ShareRequest], extra_users: Iterable[str] = ()) -> Names:
    users: set[str] = set(extra_users)
    orgs: set[str] = set()
    for r in reqs:
        users.update({r.requester_id, r.decided_by, r.state_changed_by, r.authority_decided_by})
        users.update(s.user_id for s in r.scope)
        orgs.update({r.provider_org_id, r.consumer_org_id})
    return Names(users, orgs)


def request(req: ShareRequest, names: Names, packages: dict[str, tuple[str, str]],
            now: Optional[dt.datetime] = None) -> dict[str, Any]:
    pkg_name, pkg_title = packages.get(req.package_id, (None, None))
    return {
        "id": req.id,
        "kind": req.kind,
        "state": req.state,
        "previous_state": req.previous_state,
        "package_id": req.package_id,
        "package_name": pkg_name,
        "package_title": pkg_title,
        "provider_org": names.org(req.provider_org_id),
        "provider_org_title": names.org_title(req.provider_org_id),
        "consumer_org": names.org(req.consumer_org_id),
        "consumer_org_title": names.org_title(req.consumer_org_id),
        "requester": names.user(req.requester_id),
        "resource_ids": list(req.resource_ids or []),
        "information_items": list(req.information_items or []),
        "purpose": req.purpose,
        "basis": req.basis,
        "scope_users": sorted(names.user(s.user_id) for s in req.scope),
        "valid_from": iso(req.valid_from),
        "valid_until": iso(req.valid_until),
        "sharing_method": req.sharing_method,
        "renews": req.renews_id,
        "deadline": iso(req.deadline),
        "deadline_local": local_iso(req.deadline),
        "deadline_provisional": cal.provisional(req.deadline),
        "overdue": is_overdue(req, now),
        "access_active": states.has_access(req.state, req.previous_state),
        "decided_by": names.user(req.decided_by),
        "decided_at": iso(req.decided_at),
        "decision_on_time": req.decision_on_time,
        "reason_code": req.reason_code,
        "reason": req.reason,
        "data_grade": req.data_grade or "general",
        "personal_items": list(req.personal_items or []),
        "authority_decided_by": names.user(req.authority_decided_by),
        "authority_decided_at": iso(req.authority_decided_at),
        "state_changed_at": iso(req.state_changed_at),
        "state_changed_by": names.user(req.state_changed_by),
        "created": iso(req.created),
        "modified": iso(req.modified),
    }


def packages_for(reqs: list[ShareRequest]) -> dict[str, tuple[str, str]]:
    ids = {r.package_id for r in reqs}
    if not ids:
        return {}
    return {pid: (name, title) for pid, name, title in
            model.Session.query(model.Package.id, model.Package.name, model.Package.title)
            .filter(model.Package.id.in_(ids))}


def event(ev: ShareRequestEvent, names: Names) -> dict[str, Any]:
    return {
        "id": ev.id,
        "event": ev.event,
        "from_state": ev.from_state,
        "to_state": ev.to_state,
        "actor": names.user(ev.actor_id),
        "actor_role": ev.actor_role,
        "actor_org": names.org(ev.actor_org_id),
        "created": iso(ev.created),
        "created_local": local_iso(ev.created),
        "deadline": iso(ev.deadline),
        "deadline_local": local_iso(ev.deadline),
        "deadline_provisional": cal.provisional(ev.deadline),
        "detail": ev.detail or {},
        "notify": ev.notify or [],
    }


def coordination(c: Coordination, names: Names) -> dict[str, Any]:
    return {
        "id": c.id, "state": c.state, "arbiter": c.arbiter, "previous_state": c.previous_state,
        "opened_by": names.user(c.opened_by), "opened_at": iso(c.opened_at),
        "request_reason": c.request_reason, "closed_by": names.user(c.closed_by),
        "closed_at": iso(c.closed_at), "meeting_date": iso(c.meeting_date),
        "participants": c.participants or [], "outcome": c.outcome, "notes": c.outcome_notes,
    }


def delivery(d: Delivery, names: Names) -> dict[str, Any]:
    return {
        "id": d.id, "number": d.number, "delivered_by": names.user(d.delivered_by),
        "delivered_at": iso(d.delivered_at), "method": d.method,
        "resource_ids": list(d.resource_ids or []), "notes": d.notes,
        "quality_window_ends": iso(d.quality_window_ends),
        "quality_window_ends_local": local_iso(d.quality_window_ends),
        "quality_window_ends_provisional": cal.provisional(d.quality_window_ends),
    }


def quality_issue(q: QualityIssue, names: Names, now: Optional[dt.datetime] = None) -> dict[str, Any]:
    now = now or cal.utcnow()
    return {
        "id": q.id, "delivery_id": q.delivery_id, "state": q.state,
        "raised_by": names.user(q.raised_by), "raised_at": iso(q.raised_at),
        "description": q.description, "information_items": list(q.information_items or []),
        "deadline": iso(q.deadline), "deadline_local": local_iso(q.deadline),
        "deadline_provisional": cal.provisional(q.deadline),
        "overdue": q.state == "open" and q.deadline < now,
        "responsible": q.responsible, "resolved_by": names.user(q.resolved_by),
        "resolved_at": iso(q.resolved_at), "resolution": q.resolution, "on_time": q.on_time,
    }
