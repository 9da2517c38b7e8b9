"""Report rows → API dicts (names instead of ids, deadlines in UTC and Asia/Shanghai)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Optional

import ckan.model as model

from ..calendar import store as cal
from ..formats import Names, iso, local_iso
from . import states
from .model import CorrectionEvent, CorrectionReport


def is_overdue(report: CorrectionReport, now: Optional[dt.datetime] = None) -> bool:
    now = now or cal.utcnow()
    return report.state in states.CLOCKED and report.deadline is not None and report.deadline < now


def names_for(reports: Iterable[CorrectionReport]) -> Names:
    users: set = set()
    orgs: set = set()
    for r in reports:
        users.update({r.reporter_id, r.disputed_by, r.settled_by, r.corrected_by, r.state_changed_by})
        orgs.update({r.reporter_org_id, r.provider_org_id})
    return Names(users, orgs)


def packages(ids: Iterable[Optional[str]]) -> dict[str, tuple[str, str]]:
    """package id → (name, title), one query."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {i: (n, t) for i, n, t in model.Session.query(model.Package.id, model.Package.name, model.Package.title)
            .filter(model.Package.id.in_(wanted))}


def resources(ids: Iterable[Optional[str]]) -> dict[str, str]:
    """resource id → name, one query."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(model.Session.query(model.Resource.id, model.Resource.name).filter(model.Resource.id.in_(wanted)))


def report(r: CorrectionReport, names: Names, pkgs: dict, res: dict,
           now: Optional[dt.datetime] = None) -> dict[str, Any]:
    pkg_name, pkg_title = pkgs.get(r.package_id, (None, None))
    return {
        "id": r.id,
        "target": r.target,
        "target_label": states.label(states.TARGET_LABELS, r.target),
        "package_id": r.package_id,
        "package_name": pkg_name,
        "package_title": pkg_title,
        "resource_id": r.resource_id,
        "resource_name": res.get(r.resource_id) if r.resource_id else None,
        "provider_org": names.org(r.provider_org_id),
        "provider_org_title": names.org_title(r.provider_org_id),
        "reporter": names.user(r.reporter_id),
        "reporter_org": names.org(r.reporter_org_id),
        "reporter_org_title": names.org_title(r.reporter_org_id),
        "field": r.field,
        "field_label": states.label(states.FIELD_LABELS, r.field) if r.field else None,
        "rows": r.rows,
        "columns": list(r.columns or []),
        "description": r.description,
        "evidence_name": r.evidence_name,
        "state": r.state,
        "state_label": states.label(states.STATE_LABELS, r.state),
        "open": r.state in states.OPEN,
        "deadline": iso(r.deadline),
        "deadline_local": local_iso(r.deadline),
        "deadline_provisional": cal.provisional(r.deadline),
        "overdue": is_overdue(r, now),
        "dispute_reason": r.dispute_reason,
        "disputed_by": names.user(r.disputed_by),
        "disputed_at": iso(r.disputed_at),
        "outcome": r.outcome,
        "settlement": r.settlement,
        "settled_by": names.user(r.settled_by),
        "settled_at": iso(r.settled_at),
        "correction": r.correction,
        "corrected_by": names.user(r.corrected_by),
        "corrected_at": iso(r.corrected_at),
        "on_time": r.on_time,
        "created": iso(r.created),
        "created_local": local_iso(r.created),
    }


def event(ev: CorrectionEvent, names: Names) -> dict[str, Any]:
    return {"id": ev.id, "event": ev.event, "label": states.label(states.EVENT_LABELS, ev.event),
            "from_state": ev.from_state, "to_state": ev.to_state,
            "actor": names.user(ev.actor_id), "actor_role": ev.actor_role, "actor_org": names.org(ev.actor_org_id),
            "actor_org_title": names.org_title(ev.actor_org_id),
            "created": iso(ev.created), "created_local": local_iso(ev.created),
            "deadline": iso(ev.deadline), "deadline_local": local_iso(ev.deadline),
            "detail": ev.detail or {}, "notify": ev.notify or []}


def timeline(evs: list[CorrectionEvent]) -> list[dict]:
    names = Names([e.actor_id for e in evs], [e.actor_org_id for e in evs])
    return [event(e, names) for e in evs]
