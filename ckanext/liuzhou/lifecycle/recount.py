"""Counting the open lifecycle deadlines again when a calendar year is confirmed or its
confirmation withdrawn: the Authority's 3 WD on a resource offlining (Art 21), its 10-WD public
notice (Art 21), the 10 WD of an upkeep notice (Art 14), the Operator's 2 WD on an account
request (Art 12). Each object touched gets a ``deadline_recount`` event on its timeline.
"""
from __future__ import annotations

import datetime as dt

import ckan.model as model

from ..calendar import recount as calendar_recount
from ..calendar import store as cal
from ..calendar.workdays import Calendar
from . import events, states
from .model import AccountRequest, ResourceOffline, UpkeepNotice, UpkeepTarget


def recount(year: int, calendar: Calendar, actor: model.User, actor_org_id: str, *, confirmed: bool,
            now: dt.datetime, reason: str = "confirm", only_changed: bool = False) -> int:
    since = dt.datetime(year - 1, 12, 31, 16, 0)  # 1 January, 00:00 in Shanghai
    touched = 0

    def log(kind: str, obj, field: str, before: dt.datetime, after: dt.datetime, **ids) -> None:
        nonlocal touched
        if only_changed and before == after:
            return
        touched += 1
        setattr(obj, field, after)
        events.record(kind, obj, "deadline_recount", actor, "operator", actor_org_id=actor_org_id,
                      from_state=getattr(obj, "state", None), to_state=getattr(obj, "state", None),
                      now=now, deadline=after, notify=[],
                      detail={"year": year, "confirmed": confirmed, "reason": reason, "field": field,
                              "before": before, "after": after, "changed": before != after,
                              "provisional": cal.provisional(after, calendar.confirmed_years)}, **ids)

    for app in model.Session.query(ResourceOffline).filter(ResourceOffline.state == states.SUBMITTED,
                                                           ResourceOffline.deadline >= since):
        log("resource_offline", app, "deadline", app.deadline,
            cal.deadline(app.created, states.DECISION_WORKDAYS, calendar),
            package_id=app.package_id, resource_id=app.resource_id, provider_org_id=app.provider_org_id)
    for app in model.Session.query(ResourceOffline).filter(ResourceOffline.state == states.NOTICE,
                                                           ResourceOffline.notice_ends >= since):
        log("resource_offline", app, "notice_ends", app.notice_ends,
            cal.deadline(app.notice_starts, states.NOTICE_WORKDAYS, calendar),
            package_id=app.package_id, resource_id=app.resource_id, provider_org_id=app.provider_org_id)
    open_notices = (model.Session.query(UpkeepNotice).filter(UpkeepNotice.deadline >= since)
                    .filter(UpkeepNotice.id.in_(model.Session.query(UpkeepTarget.notice_id)
                                                .filter(UpkeepTarget.state == states.TARGET_OPEN))))
    for notice in open_notices:
        start = dt.datetime.combine(notice.changed_on, dt.time(4, 0))  # as upkeep_notice_create counts
        log("upkeep_notice", notice, "deadline", notice.deadline,
            cal.deadline(start, states.UPKEEP_WORKDAYS, calendar))
    for req in model.Session.query(AccountRequest).filter(AccountRequest.state == states.SUBMITTED,
                                                          AccountRequest.deadline >= since):
        log("account_request", req, "deadline", req.deadline,
            cal.deadline(req.created, states.ACCOUNT_WORKDAYS, calendar), provider_org_id=req.org_id)
    return touched


calendar_recount.register("lifecycle", recount)
