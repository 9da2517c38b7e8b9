"""One step of a lifecycle workflow = its row's change + a timeline event + an audit row, in
the caller's transaction (the audit append comes last: it holds the chain lock until commit)."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any, Optional

import ckan.model as model

from .. import audit
from .. import config as lz_config
from ..calendar import ahead
from ..calendar import store as cal
from .. import authz
from ..formats import jsonable
from ..sharing import workflow as share_workflow
from .model import LifecycleEvent


def record(object_type: str, obj: Any, event: str, actor: Optional[model.User], role: str, *,
           actor_org_id: Optional[str], from_state: Optional[str] = None,
           to_state: Optional[str] = None, detail: Optional[dict] = None,
           notify: Optional[list[str]] = None, now: Optional[dt.datetime] = None,
           deadline: Optional[dt.datetime] = None, package_id: Optional[str] = None,
           resource_id: Optional[str] = None, share_request_id: Optional[str] = None,
           provider_org_id: Optional[str] = None) -> LifecycleEvent:
    now = now or cal.utcnow()
    detail = jsonable({k: v for k, v in (detail or {}).items() if v is not None})
    notify = [n for n in dict.fromkeys(notify or []) if n]
    ev = LifecycleEvent(object_type=object_type, object_id=obj.id, event=event, from_state=from_state,
                        to_state=to_state, actor_id=actor.id if actor else None, actor_role=role,
                        actor_org_id=actor_org_id, created=now, deadline=deadline, detail=detail,
                        notify=notify)
    model.Session.add(ev)
    model.Session.flush()
    audit.record(f"{object_type}.{event}", actor, actor_org=authz.org_name(actor_org_id),
                 package=package_id, resource_id=resource_id, share_request_id=share_request_id,
                 object_type=object_type, object_id=obj.id,
                 provider_org=authz.org_name(provider_org_id) if provider_org_id else None,
                 detail={"from_state": from_state, "to_state": to_state, "event_id": ev.id,
                         "deadline": jsonable(deadline), "notify": notify, **detail})
    return ev


def history(object_type: str, object_id: str) -> list[LifecycleEvent]:
    return (model.Session.query(LifecycleEvent)
            .filter_by(object_type=object_type, object_id=object_id)
            .order_by(LifecycleEvent.id).all())


@share_workflow.deadlines_run.connect
def notify_operator_of_unknown_years(today: Optional[dt.date] = None) -> list[str]:
    """Record one notice per unknown year ahead to the Operator (once per year, ever); run by
    the deadlines task (the sharing workflow's ``deadlines_run`` signal)."""
    report = []
    for year in ahead.years(today):
        sent = (model.Session.query(LifecycleEvent.id)
                .filter(LifecycleEvent.object_type == "calendar_year", LifecycleEvent.object_id == str(year),
                        LifecycleEvent.event == ahead.NOTICE_EVENT).first())
        if sent:
            continue
        record("calendar_year", SimpleNamespace(id=str(year)), ahead.NOTICE_EVENT, None, "system",
               actor_org_id=None, notify=[lz_config.operator_org()],
               detail={"year": year, "days": lz_config.calendar_warn_days()})
        model.repo.commit()
        report.append(f"calendar notice: the holiday arrangement of {year} is not entered")
    return report
