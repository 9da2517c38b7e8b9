"""Lifecycle rows → API dicts (names instead of ids, times in UTC and Asia/Shanghai)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Optional

import ckan.model as model

from ..calendar import store as cal
from ..formats import Names, iso, local_iso
from . import notices, states
from .model import (AccountRequest, CatalogOffline, DuplicateWarning, InformationSystem, LifecycleEvent,
                    ResourceOffline, UpkeepNotice, UpkeepTarget, Violation)


def packages(ids: Iterable[Optional[str]]) -> dict[str, dict]:
    """id → {name, title, owner_org, state, private} for a page of results (one query)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = model.Session.query(model.Package.id, model.Package.name, model.Package.title,
                               model.Package.owner_org, model.Package.state, model.Package.private
                               ).filter(model.Package.id.in_(wanted))
    return {r.id: {"name": r.name, "title": r.title, "owner_org": r.owner_org, "state": r.state,
                   "private": r.private} for r in rows}


def _pkg(out: dict, pkgs: dict, package_id: Optional[str]) -> dict:
    p = pkgs.get(package_id) or {}
    out.update(package_id=package_id, package_name=p.get("name"), package_title=p.get("title"))
    return out


def _org(out: dict, names: Names, key: str, org_id: Optional[str]) -> dict:
    out[key] = names.org(org_id)
    out[f"{key}_title"] = names.org_title(org_id)
    return out


def event(ev: LifecycleEvent, names: Names) -> dict[str, Any]:
    return {"id": ev.id, "event": ev.event, "from_state": ev.from_state, "to_state": ev.to_state,
            "actor": names.user(ev.actor_id), "actor_role": ev.actor_role, "actor_org": names.org(ev.actor_org_id),
            "actor_org_title": names.org_title(ev.actor_org_id),
            "created": iso(ev.created), "created_local": local_iso(ev.created),
            "deadline": iso(ev.deadline), "deadline_local": local_iso(ev.deadline),
            "deadline_provisional": cal.provisional(ev.deadline),
            "detail": ev.detail or {}, "notify": ev.notify or []}


def timeline(evs: list[LifecycleEvent]) -> list[dict]:
    names = Names([e.actor_id for e in evs], [e.actor_org_id for e in evs])
    return [event(e, names) for e in evs]


def catalog_offline(app: CatalogOffline, names: Names, pkgs: dict) -> dict[str, Any]:
    out = {"id": app.id, "state": app.state, "reason": app.reason,
           "applicant": names.user(app.applicant_id), "attachment_name": app.attachment_name,
           "users": app.users, "reviewed_by": names.user(app.reviewed_by), "reviewed_at": iso(app.reviewed_at),
           "review_notes": app.review_notes, "meeting_date": iso(app.meeting_date),
           "participants": app.participants or [], "outcome": app.outcome, "outcome_notes": app.outcome_notes,
           "coordinated_by": names.user(app.coordinated_by), "coordinated_at": iso(app.coordinated_at),
           "filing_number": app.filing_number, "filed_at": iso(app.filed_at),
           "filed_at_local": local_iso(app.filed_at), "filed_by": names.user(app.filed_by),
           "created": iso(app.created), "created_local": local_iso(app.created),
           "state_changed_at": iso(app.state_changed_at), "state_changed_by": names.user(app.state_changed_by)}
    _pkg(out, pkgs, app.package_id)
    return _org(out, names, "provider_org", app.provider_org_id)


def catalog_offline_names(apps: list[CatalogOffline]) -> Names:
    return Names([u for a in apps for u in (a.applicant_id, a.reviewed_by, a.coordinated_by, a.filed_by,
                                            a.state_changed_by)], [a.provider_org_id for a in apps])


def is_overdue(deadline: Optional[dt.datetime], open_: bool, now: Optional[dt.datetime] = None) -> bool:
    now = now or cal.utcnow()
    return bool(open_ and deadline is not None and deadline < now)


def resource_offline(app: ResourceOffline, names: Names, pkgs: dict,
                     now: Optional[dt.datetime] = None) -> dict[str, Any]:
    now = now or cal.utcnow()
    out = {"id": app.id, "state": app.state, "resource_id": app.resource_id, "resource_name": app.resource_name,
           "reason": app.reason, "legal_basis": app.legal_basis, "applicant": names.user(app.applicant_id),
           "deadline": iso(app.deadline), "deadline_local": local_iso(app.deadline),
           "deadline_provisional": cal.provisional(app.deadline),
           "overdue": is_overdue(app.deadline, app.state == states.SUBMITTED, now),
           "decided_by": names.user(app.decided_by), "decided_at": iso(app.decided_at),
           "decision_on_time": app.decision_on_time, "decision_notes": app.decision_notes,
           "notice_starts": iso(app.notice_starts), "notice_starts_local": local_iso(app.notice_starts),
           "notice_ends": iso(app.notice_ends), "notice_ends_local": local_iso(app.notice_ends),
           "notice_ends_provisional": cal.provisional(app.notice_ends),
           "notice_showing": notices.showing(app, now), "notice_ended": notices.ended(app, now),
           "can_complete": app.state == states.NOTICE and notices.ended(app, now),
           "notified_orgs": list(app.notified_orgs or []),
           "completed_by": names.user(app.completed_by), "completed_at": iso(app.completed_at),
           "created": iso(app.created), "created_local": local_iso(app.created),
           "state_changed_at": iso(app.state_changed_at)}
    _pkg(out, pkgs, app.package_id)
    return _org(out, names, "provider_org", app.provider_org_id)


def resource_offline_names(apps: list[ResourceOffline]) -> Names:
    return Names([u for a in apps for u in (a.applicant_id, a.decided_by, a.completed_by)],
                 [a.provider_org_id for a in apps])


def upkeep_target(t: UpkeepTarget, names: Names, pkgs: dict, deadline: dt.datetime,
                  now: Optional[dt.datetime] = None) -> dict[str, Any]:
    out = {"id": t.id, "state": t.state, "done_by": names.user(t.done_by), "done_at": iso(t.done_at),
           "done_at_local": local_iso(t.done_at), "response": t.response, "on_time": t.on_time,
           "overdue": is_overdue(deadline, t.state == states.TARGET_OPEN, now)}
    _pkg(out, pkgs, t.package_id)
    return _org(out, names, "org", t.org_id)


def upkeep_notice(n: UpkeepNotice, names: Names, pkgs: dict, targets: Optional[list[UpkeepTarget]] = None,
                  now: Optional[dt.datetime] = None) -> dict[str, Any]:
    now = now or cal.utcnow()
    targets = n.targets if targets is None else targets
    rows = [upkeep_target(t, names, pkgs, n.deadline, now) for t in targets]
    return {"id": n.id, "title": n.title, "cause": n.cause, "basis": n.basis, "changed_on": iso(n.changed_on),
            "description": n.description, "issued_by": names.user(n.issued_by), "issued_at": iso(n.issued_at),
            "issued_at_local": local_iso(n.issued_at), "deadline": iso(n.deadline), "deadline_local": local_iso(n.deadline),
            "deadline_provisional": cal.provisional(n.deadline),
            "targets": rows, "open": sum(1 for r in rows if r["state"] == states.TARGET_OPEN),
            "overdue": sum(1 for r in rows if r["overdue"])}


def account_request(r: AccountRequest, names: Names, now: Optional[dt.datetime] = None) -> dict[str, Any]:
    out = {"id": r.id, "kind": r.kind, "state": r.state, "user_name": r.user_name, "fullname": r.fullname,
           "email": r.email, "role": r.role, "reason": r.reason, "requester": names.user(r.requester_id),
           "deadline": iso(r.deadline), "deadline_local": local_iso(r.deadline),
           "deadline_provisional": cal.provisional(r.deadline),
           "overdue": is_overdue(r.deadline, r.state == states.SUBMITTED, now),
           "decided_by": names.user(r.decided_by), "decided_at": iso(r.decided_at),
           "decision_on_time": r.decision_on_time, "decision_notes": r.decision_notes,
           "created": iso(r.created), "created_local": local_iso(r.created)}
    return _org(out, names, "org", r.org_id)


def information_system(s: InformationSystem, names: Names, pkgs: dict, issues: list[str]) -> dict[str, Any]:
    entries = []
    for e in sorted(s.entries, key=lambda e: (pkgs.get(e.package_id) or {}).get("title") or ""):
        p = pkgs.get(e.package_id) or {}
        entries.append({"package_id": e.package_id, "name": p.get("name"), "title": p.get("title"),
                        "published": bool(p.get("published"))})
    out = {"id": s.id, "name": s.name, "stage": s.stage, "project_code": s.project_code,
           "description": s.description, "entries": entries, "issues": issues,
           "created_by": names.user(s.created_by), "created": iso(s.created),
           "modified_by": names.user(s.modified_by), "modified": iso(s.modified)}
    return _org(out, names, "org", s.org_id)


def duplicate_warning(w: DuplicateWarning, names: Names, pkgs: dict) -> dict[str, Any]:
    other = pkgs.get(w.other_package_id) or {}
    out = {"id": w.id, "state": w.state, "shared": list(w.shared or []), "shared_count": w.shared_count,
           "item_count": w.item_count, "ratio": w.ratio, "first_detected": iso(w.first_detected),
           "last_detected": iso(w.last_detected), "last_detected_local": local_iso(w.last_detected),
           "detected_by": names.user(w.detected_by), "cleared_at": iso(w.cleared_at),
           "other_package_id": w.other_package_id, "other_package_name": other.get("name"),
           "other_package_title": other.get("title")}
    _pkg(out, pkgs, w.package_id)
    _org(out, names, "provider_org", w.provider_org_id)
    return _org(out, names, "other_org", w.other_org_id)


def violation(v: Violation, names: Names, pkgs: dict, resources: dict[str, str]) -> dict[str, Any]:
    out = {"id": v.id, "article": v.article, "kind": v.kind, "state": v.state, "resource_id": v.resource_id,
           "resource_name": resources.get(v.resource_id) if v.resource_id else None,
           "share_request_id": v.share_request_id, "actor": names.user(v.actor_id),
           "created": iso(v.created), "created_local": local_iso(v.created), "detail": v.detail or {},
           "reviewed_by": names.user(v.reviewed_by), "reviewed_at": iso(v.reviewed_at),
           "review_notes": v.review_notes}
    _pkg(out, pkgs, v.package_id)
    return _org(out, names, "provider_org", v.provider_org_id)
