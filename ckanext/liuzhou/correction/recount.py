"""Counting the open deadlines of error reports again when a calendar year is confirmed or its
confirmation withdrawn (national regulation Art 26: the provider's working days). Each report
touched gets a ``deadline_recount`` event in its history."""
from __future__ import annotations

import datetime as dt

import ckan.model as model

from ..calendar import recount as calendar_recount
from ..calendar import store as cal
from ..calendar.workdays import Calendar
from . import events, states
from .model import CorrectionReport


def recount(year: int, calendar: Calendar, actor: model.User, actor_org_id: str, *, confirmed: bool,
            now: dt.datetime, reason: str = "confirm", only_changed: bool = False) -> int:
    since = dt.datetime(year - 1, 12, 31, 16, 0)  # 1 January, 00:00 in Shanghai
    touched = 0
    rows = (model.Session.query(CorrectionReport)
            .filter(CorrectionReport.state.in_(list(states.CLOCKED)), CorrectionReport.deadline >= since).all())
    for report in rows:
        before = report.deadline
        after = cal.deadline(report.state_changed_at, states.respond_workdays(), calendar)
        if only_changed and before == after:
            continue
        touched += 1
        report.deadline = after
        events.record(report, "deadline_recount", actor, "operator", actor_org_id=actor_org_id,
                      from_state=report.state, to_state=report.state, now=now, notify=[],
                      detail={"year": year, "confirmed": confirmed, "reason": reason, "before": before,
                              "after": after, "changed": before != after,
                              "provisional": cal.provisional(after, calendar.confirmed_years)})
    return touched


calendar_recount.register("corrections", recount)
