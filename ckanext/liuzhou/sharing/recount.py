"""Counting the open deadlines of share requests again when a calendar year is confirmed or its
confirmation withdrawn (Art 26: 3 WD to decide; Art 26 quality issues: 2 WD to fix, 2 WD window).

Each request whose deadline or quality window reaches the year gets a ``deadline_recount``
event on its timeline (before, after, provisional or not), changed or not, so everyone sees
that the date is now final (or provisional again).
"""
from __future__ import annotations

import datetime as dt

import ckan.model as model

from ..calendar import recount as calendar_recount
from ..calendar import store as cal
from ..calendar.workdays import Calendar
from .. import authz
from . import states, workflow
from .model import Delivery, QualityIssue, ShareRequest


def _from(year: int) -> dt.datetime:
    """Naive UTC of 1 January ``year``, 00:00 in Shanghai."""
    return dt.datetime(year - 1, 12, 31, 16, 0)


def recount(year: int, calendar: Calendar, actor: model.User, actor_org_id: str, *, confirmed: bool,
            now: dt.datetime, reason: str = "confirm", only_changed: bool = False) -> int:
    """Count again every open deadline from ``year`` on; returns the requests touched."""
    since = _from(year)
    changes: dict[str, list[dict]] = {}

    def note(req_id: str, what: str, before: dt.datetime, after: dt.datetime) -> None:
        changes.setdefault(req_id, []).append({"what": what, "before": before, "after": after})

    for req in (model.Session.query(ShareRequest)
                .filter(ShareRequest.state.in_(states.DECISIONS), ShareRequest.deadline >= since)):
        note(req.id, "decision", req.deadline,
             cal.deadline(req.state_changed_at, states.DEADLINE_WORKDAYS[req.state], calendar))
    for issue in (model.Session.query(QualityIssue)
                  .filter(QualityIssue.state == "open", QualityIssue.deadline >= since)):
        after = cal.deadline(issue.raised_at, states.DEADLINE_WORKDAYS[states.QUALITY_ISSUE], calendar)
        note(issue.share_request_id, "quality_issue", issue.deadline, after)
        issue.deadline = after
    for delivery in (model.Session.query(Delivery)
                     .filter(Delivery.quality_window_ends >= since, Delivery.quality_window_ends >= now)):
        after = cal.deadline(delivery.delivered_at, states.QUALITY_WINDOW_WORKDAYS, calendar)
        note(delivery.share_request_id, "quality_window", delivery.quality_window_ends, after)
        delivery.quality_window_ends = after

    touched = 0
    for req_id, items in changes.items():
        if only_changed and all(i["before"] == i["after"] for i in items):
            continue
        touched += 1
        req = workflow.load(req_id, lock=True)
        decision = next((i for i in items if i["what"] == "decision"), None)
        issue = next((i for i in items if i["what"] == "quality_issue"), None)
        if decision and req.state in states.DECISIONS:
            req.deadline = decision["after"]
        elif issue and req.state == states.QUALITY_ISSUE and req.deadline == issue["before"]:
            req.deadline = issue["after"]
        changed = any(i["before"] != i["after"] for i in items)
        notify = [authz.org_name(req.provider_org_id), authz.org_name(req.consumer_org_id)] if changed else []
        workflow.record_event(
            req, "deadline_recount", actor, "operator", actor_org_id=actor_org_id, from_state=req.state,
            to_state=req.state, now=now, notify=[n for n in notify if n],
            detail={"year": year, "confirmed": confirmed, "reason": reason, "changed": changed,
                    "provisional": cal.provisional(req.deadline, calendar.confirmed_years),
                    "changes": [{"what": i["what"], "before": i["before"], "after": i["after"]} for i in items]})
    return touched


calendar_recount.register("share_requests", recount)
