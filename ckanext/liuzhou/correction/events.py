"""One step of an error report = its row's change + a history event + an audit row, in the
caller's transaction (the audit append comes last: it holds the chain lock until commit)."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import audit, authz
from ..calendar import store as cal
from ..formats import jsonable
from . import states
from .model import CorrectionEvent, CorrectionReport


def load(report_id, lock: bool = False) -> CorrectionReport:
    """The report, optionally locked FOR UPDATE (racing answers serialize on it)."""
    if not isinstance(report_id, str):  # a number or a list is no id
        raise tk.ObjectNotFound(tk._("Error report not found"))
    query = model.Session.query(CorrectionReport).filter(CorrectionReport.id == report_id)
    if lock:
        query = query.with_for_update().populate_existing()
    report = query.one_or_none()
    if report is None:
        raise tk.ObjectNotFound(tk._("Error report not found"))
    return report


def deadline_from(start: dt.datetime) -> dt.datetime:
    """The end of the providing department's working days from ``start`` (day 0)."""
    return cal.deadline(start, states.respond_workdays())


def record(report: CorrectionReport, event: str, actor: Optional[model.User], role: str, *,
           actor_org_id: Optional[str], from_state: Optional[str], to_state: Optional[str],
           detail: Optional[dict] = None, notify: Optional[list[str]] = None,
           now: Optional[dt.datetime] = None) -> CorrectionEvent:
    """History event + audit row (``correction.<event>``)."""
    now = now or cal.utcnow()
    detail = jsonable({k: v for k, v in (detail or {}).items() if v is not None})
    notify = [n for n in dict.fromkeys(notify or []) if n]
    ev = CorrectionEvent(correction_id=report.id, event=event, from_state=from_state, to_state=to_state,
                         actor_id=actor.id if actor else None, actor_role=role, actor_org_id=actor_org_id,
                         created=now, deadline=report.deadline, detail=detail, notify=notify)
    model.Session.add(ev)
    model.Session.flush()
    audit.record(f"correction.{event}", actor, actor_org=authz.org_name(actor_org_id),
                 package=report.package_id, resource_id=report.resource_id, object_type="correction",
                 object_id=report.id, provider_org=authz.org_name(report.provider_org_id),
                 detail={"from_state": from_state, "to_state": to_state, "event_id": ev.id,
                         "deadline": jsonable(report.deadline), "notify": notify, **detail})
    return ev


def move(report: CorrectionReport, event: str, to_state: str, actor: model.User, role: str, *,
         actor_org_id: Optional[str], detail: Optional[dict] = None, notify: Optional[list[str]] = None,
         now: Optional[dt.datetime] = None, history_event: Optional[str] = None) -> CorrectionEvent:
    """Move ``report`` (loaded with ``lock=True``) along ``event``; the deadline restarts in a
    clocked state and ends otherwise."""
    states.check(event, report.state)
    now = now or cal.utcnow()
    from_state = report.state
    report.state = to_state
    report.deadline = deadline_from(now) if to_state in states.CLOCKED else None
    report.state_changed_at = now
    report.state_changed_by = actor.id
    report.modified = now
    return record(report, history_event or event, actor, role, actor_org_id=actor_org_id,
                  from_state=from_state, to_state=to_state, detail=detail, notify=notify, now=now)


def history(report_id: str) -> list[CorrectionEvent]:
    return (model.Session.query(CorrectionEvent).filter(CorrectionEvent.correction_id == report_id)
            .order_by(CorrectionEvent.id).all())
