"""Reminders one working day before every deadline, and overdue notices (the scheduler's
``reminders`` task, ``cascade/schedule.py``).

The deadlines the rules set, and who is responsible for each:

| deadline | rule | reminded / told it is overdue |
|---|---|---|
| a share request's decision (3 WD) | Art 26.2 | the providing department |
| a quality fix (2 WD) | Art 26.5 | the providing department and the Operator |
| an account request's handling (2 WD) | Art 12 | the Operator |
| a resource offlining decision (3 WD) | Art 21 | the Authority |
| an upkeep notice's updates (10 WD) | Art 14 | each named department not done yet |
| a need's answer (10 WD, configurable) | Decree 809, the demand route | the department it is routed to |
| an error report's answer or correction (5 WD, configurable) | national Art 26 | the providing department |

Delivery (Art 26.4) and catalog offlining (Art 20) have no deadline in the rules: nothing to
remind. The overdue notices of share requests are the ``deadlines`` task's
(:func:`..sharing.overdue.run_deadlines`); this task sends the others.

A reminder goes when the deadline is at most one working day away (the working day before it,
or on the last day when the clock started late) and not yet passed; an overdue notice once the
deadline has passed. Each is a timeline event naming the departments it notifies, so it shows
in their 通知 inbox and is e-mailed to their admins (``notify/mail.py``, once per recipient:
``notify/ledger.py``). Each is sent once: a ``liuzhou_deadline_notice`` row (object, kind,
deadline) is inserted in the same transaction as the event, and a second inserter — another
node, a rerun — finds the row and sends nothing. A new deadline (a request back in a state
with a clock) gets its own reminder.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Callable, Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import config as lz_config
from ..calendar import store as cal
from ..calendar.workdays import UnknownCalendarYear
from .model import DeadlineNotice

log = logging.getLogger(__name__)

REMINDER, OVERDUE = "reminder", "overdue"
EVENTS = {REMINDER: "deadline_reminder", OVERDUE: "overdue_notice"}
REMIND_WORKDAYS = 1


@dataclass
class Due:
    """One open deadline: the object, who answers for it, and how to record a notice on it."""
    object_type: str
    object_id: str
    deadline: dt.datetime
    notify: list[str]
    record: Callable[[str, model.User, dt.datetime], int]   # (event, actor, now) → event id


def reminder_due(deadline: dt.datetime, now: dt.datetime, calendar=None) -> bool:
    """At most one working day before ``deadline`` and not past it. An unknown calendar year
    counts calendar days (two, to warn early rather than late)."""
    if now > deadline:
        return False
    calendar = calendar or cal.load()
    try:
        return calendar.workdays_between(now, deadline) <= REMIND_WORKDAYS
    except UnknownCalendarYear:
        return (cal.local_date(deadline) - cal.local_date(now)).days <= 2


# ---------------------------------------------------------------- the deadlines

def _share_requests() -> Iterator[Due]:
    """Share decisions (Art 26.2) and quality fixes (Art 26.5)."""
    from .. import authz
    from ..sharing import states, workflow
    from ..sharing.model import ShareRequest

    rows = (model.Session.query(ShareRequest)
            .filter(ShareRequest.state.in_(list(states.DEADLINE_WORKDAYS)), ShareRequest.deadline.isnot(None))
            .order_by(ShareRequest.deadline).all())
    for req in rows:
        notify = [authz.org_name(req.provider_org_id)]
        if req.state == states.QUALITY_ISSUE:
            notify.append(lz_config.operator_org())
        if req.state == states.AUTHORITY_REVIEW:   # graded data: the Authority approves
            notify = [lz_config.authority_org()]

        def record(event, actor, now, req=req, notify=notify):
            ev = workflow.record_event(req, event, actor, "system", actor_org_id=None, from_state=req.state,
                                       to_state=req.state, detail={"state": req.state}, notify=notify, now=now)
            return ev.id
        yield Due("share_request", req.id, req.deadline, notify, record)


def _lifecycle_record(object_type: str, obj, notify: list[str], **kw) -> Callable:
    from ..lifecycle import events

    def record(event, actor, now):
        ev = events.record(object_type, obj, event, actor, "system", actor_org_id=None,
                           from_state=getattr(obj, "state", None), to_state=getattr(obj, "state", None),
                           notify=notify, now=now, deadline=obj.deadline, **kw)
        return ev.id
    return record


def _account_requests() -> Iterator[Due]:
    """Account requests, handled by the Operator within 2 WD (Art 12)."""
    from ..lifecycle import states
    from ..lifecycle.model import AccountRequest

    rows = (model.Session.query(AccountRequest)
            .filter(AccountRequest.state == states.SUBMITTED, AccountRequest.deadline.isnot(None)).all())
    for app in rows:
        notify = [lz_config.operator_org()]
        yield Due("account_request", app.id, app.deadline, notify,
                  _lifecycle_record("account_request", app, notify, provider_org_id=app.org_id))


def _resource_offlining() -> Iterator[Due]:
    """Resource offlining applications, decided by the Authority within 3 WD (Art 21)."""
    from ..lifecycle import states
    from ..lifecycle.model import ResourceOffline

    rows = (model.Session.query(ResourceOffline)
            .filter(ResourceOffline.state == states.SUBMITTED, ResourceOffline.deadline.isnot(None)).all())
    for app in rows:
        notify = [lz_config.authority_org()]
        yield Due("resource_offline", app.id, app.deadline, notify,
                  _lifecycle_record("resource_offline", app, notify, package_id=app.package_id,
                                    resource_id=app.resource_id, provider_org_id=app.provider_org_id))


def _upkeep() -> Iterator[Due]:
    """Upkeep notices: each named department updates its entries within 10 WD (Art 14); those
    not done yet are reminded and told."""
    from ..lifecycle import states
    from ..lifecycle.model import UpkeepNotice, UpkeepTarget
    from .. import authz

    rows = (model.Session.query(UpkeepNotice)
            .filter(sa.exists().where(UpkeepTarget.notice_id == UpkeepNotice.id,
                                      UpkeepTarget.state == states.TARGET_OPEN)).all())
    for notice in rows:
        notify = sorted({authz.org_name(t.org_id) for t in notice.targets if t.state == states.TARGET_OPEN} - {None})
        if notify:
            yield Due("upkeep_notice", notice.id, notice.deadline, notify,
                      _lifecycle_record("upkeep_notice", notice, notify))


def _demands() -> Iterator[Due]:
    """Needs routed to a department, answered within the configured working days (the demand
    route of 《政务数据共享条例》, ``ckanext.liuzhou.demand.answer_workdays``)."""
    from .. import authz
    from ..demand import states, workflow
    from ..demand.model import Demand

    rows = (model.Session.query(Demand)
            .filter(Demand.state == states.ROUTED, Demand.deadline.isnot(None)).all())
    for d in rows:
        notify = [authz.org_name(d.provider_org_id)]

        def record(event, actor, now, d=d, notify=notify):
            return workflow.record_event(d, event, actor, "system", actor_org_id=None, from_state=d.state,
                                         to_state=d.state, detail={"state": d.state}, notify=notify,
                                         now=now).id
        yield Due("demand", d.id, d.deadline, notify, record)


def _corrections() -> Iterator[Due]:
    """Error reports, answered (or corrected, once upheld) by the providing department within
    its working days (national regulation Art 26)."""
    from .. import authz
    from ..correction import events, states
    from ..correction.model import CorrectionReport

    rows = (model.Session.query(CorrectionReport)
            .filter(CorrectionReport.state.in_(list(states.CLOCKED)), CorrectionReport.deadline.isnot(None)).all())
    for report in rows:
        notify = [authz.org_name(report.provider_org_id)]

        def record(event, actor, now, report=report, notify=notify):
            return events.record(report, event, actor, "system", actor_org_id=None, from_state=report.state,
                                 to_state=report.state, notify=notify, now=now).id
        yield Due("correction", report.id, report.deadline, notify, record)


SOURCES: tuple[Callable[[], Iterator[Due]], ...] = (_share_requests, _account_requests, _resource_offlining, _upkeep,
                                                    _demands, _corrections)


# ---------------------------------------------------------------- sending once

def _claim(due: Due, kind: str, now: dt.datetime) -> bool:
    """Insert the record of this notice; False when it exists (sent before, or being sent by
    another node: the insert waits for that transaction and then finds the row)."""
    stmt = (insert(DeadlineNotice.__table__)
            .values(object_type=due.object_type, object_id=due.object_id, kind=kind, deadline=due.deadline,
                    sent_at=now, notified=",".join(due.notify))
            .on_conflict_do_nothing())
    return model.Session.execute(stmt).rowcount == 1


def send(due: Due, kind: str, actor: model.User, now: dt.datetime) -> bool:
    """Record the notice (its event, hence the inbox and the e-mail) once; True when sent now."""
    if not _claim(due, kind, now):
        model.Session.rollback()
        return False
    event_id = due.record(EVENTS[kind], actor, now)
    model.Session.execute(sa.update(DeadlineNotice.__table__).where(
        DeadlineNotice.object_type == due.object_type, DeadlineNotice.object_id == due.object_id,
        DeadlineNotice.kind == kind, DeadlineNotice.deadline == due.deadline).values(event_id=event_id))
    model.repo.commit()
    return True


def run(now: Optional[dt.datetime] = None) -> dict:
    """Send what is due: ``{"reminders": n, "overdue": n, "sent": [...], "errors": [...]}``."""
    now = now or cal.utcnow()
    actor = model.User.get(tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"])
    calendar = cal.load()
    out: dict = {"reminders": 0, "overdue": 0, "sent": [], "errors": []}
    todo: list[tuple[Due, str]] = []
    for source in SOURCES:
        for due in source():
            if due.deadline < now:
                if due.object_type == "share_request":
                    continue  # the deadlines task's overdue notice (sharing/overdue.py)
                todo.append((due, OVERDUE))
            elif reminder_due(due.deadline, now, calendar):
                todo.append((due, REMINDER))
    done = _recorded({d.object_id for d, _k in todo})
    for due, kind in todo:
        if (due.object_type, due.object_id, kind, due.deadline) in done:
            continue  # sent by an earlier run (checked again under the key when sending)
        try:
            if send(due, kind, actor, now):
                out["reminders" if kind == REMINDER else "overdue"] += 1
                out["sent"].append(f"{kind} {due.object_type} {due.object_id} to {', '.join(due.notify)}")
        except Exception as e:  # one object's failure does not stop the others
            model.Session.rollback()
            log.exception("could not send the %s of %s %s", kind, due.object_type, due.object_id)
            out["errors"].append(f"{due.object_type} {due.object_id}: {type(e).__name__}: {e}")
    return out


def _recorded(object_ids: set[str]) -> set[tuple]:
    """(object type, id, kind, deadline) of the notices already sent about these objects."""
    ids, out = sorted(object_ids), set()
    for i in range(0, len(ids), 1000):
        out.update(tuple(r) for r in model.Session.query(
            DeadlineNotice.object_type, DeadlineNotice.object_id, DeadlineNotice.kind, DeadlineNotice.deadline)
            .filter(DeadlineNotice.object_id.in_(ids[i:i + 1000])))
    return out
