"""Overdue requests and the scheduled deadline run (Art 26 deadlines; Art 34 on-time rates)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..calendar import store as cal
from .. import config as lz_config
from .. import authz, formats
from . import dictize, queries, states, workflow
from .model import ShareRequest, ShareRequestEvent


def expiry_notice_workdays() -> int:
    """Working days before the end of validity when the consumer is told (declared option)."""
    return lz_config.expiry_notice_workdays()


@dataclass
class OverdueItem:
    request_id: str
    state: str
    package_title: str
    responsible: str
    consumer: str
    deadline: dt.datetime
    workdays_late: Optional[int]

    def line(self) -> str:
        late = "?" if self.workdays_late is None else str(self.workdays_late)
        what = {"submitted": "decision", "quality_issue": "quality fix",
                "authority_review": "approval"}.get(self.state, self.state)
        return (f"{self.request_id}  {what:<11} due {formats.local_iso(self.deadline)}  "
                f"{late} WD late  responsible: {self.responsible}  consumer: {self.consumer}  "
                f"entry: {self.package_title}")


def overdue_requests(now: Optional[dt.datetime] = None) -> list[ShareRequest]:
    now = now or cal.utcnow()
    return (model.Session.query(ShareRequest).filter(queries.overdue(now))
            .order_by(ShareRequest.deadline).all())


def overdue_items(now: Optional[dt.datetime] = None) -> list[OverdueItem]:
    now = now or cal.utcnow()
    reqs = overdue_requests(now)
    names, packages = dictize.names_for(reqs), dictize.packages_for(reqs)
    calendar = cal.load()
    out = []
    for r in reqs:
        late = calendar.workdays_between(r.deadline, now)
        out.append(OverdueItem(r.id, r.state, packages.get(r.package_id, (r.package_id, r.package_id))[1],
                               names.org(r.provider_org_id), names.org(r.consumer_org_id), r.deadline, late))
    return out


def _notice(req: ShareRequest, event: str, actor: model.User, notify: list[str], detail: dict) -> None:
    workflow.record_event(req, event, actor, "system", actor_org_id=None, from_state=req.state,
                          to_state=req.state, detail=detail, notify=notify)


def run_deadlines(context: dict) -> list[str]:
    """Expire, warn before expiry, and notify overdue departments; one transaction per request."""
    actor = model.User.get(context["user"])
    now = cal.utcnow()
    today = cal.local_date(now)
    report: list[str] = []

    due = [rid for (rid,) in model.Session.query(ShareRequest.id).filter(
        ShareRequest.state.in_(list(states.OPEN)), ShareRequest.valid_until < today)]
    for rid in due:
        try:
            tk.get_action("share_request_expire")(dict(context), {"id": rid})
            report.append(f"expired {rid}")
        except tk.ValidationError as e:
            model.Session.rollback()
            report.append(f"could not expire {rid}: {e.error_summary}")

    horizon = expiry_notice_workdays()
    calendar = cal.load()
    soon = (model.Session.query(ShareRequest)
            .filter(queries.giving_access(), ShareRequest.expiry_notice_at.is_(None),
                    ShareRequest.valid_until >= today).all())
    for req in soon:
        left = calendar.workdays_between(now, dt.datetime.combine(req.valid_until, dt.time(12)))
        if left > horizon:
            continue
        workflow.load(req.id, lock=True)
        req.expiry_notice_at = now
        _notice(req, "expiry_notice", actor, [authz.org_name(req.consumer_org_id)],
                {"valid_until": req.valid_until, "workdays_left": left})
        model.repo.commit()
        report.append(f"expiry notice {req.id} (valid until {req.valid_until}, {left} WD left)")

    for req in overdue_requests(now):
        # locked first, then checked: a second run (another node, cron beside the scheduler)
        # waits here and then finds the notice already recorded
        req = workflow.load(req.id, lock=True)
        sent = (model.Session.query(ShareRequestEvent.id)
                .filter(ShareRequestEvent.share_request_id == req.id,
                        ShareRequestEvent.event == "overdue_notice",
                        ShareRequestEvent.deadline == req.deadline).first())
        if sent or req.deadline is None or req.deadline >= now:
            model.Session.rollback()
            continue
        responsible = [authz.org_name(req.provider_org_id)]
        if req.state == states.QUALITY_ISSUE:
            responsible.append(lz_config.operator_org())
        if req.state == states.AUTHORITY_REVIEW:   # graded data: the Authority approves
            responsible = [lz_config.authority_org()]
        _notice(req, "overdue_notice", actor, responsible, {"state": req.state})
        model.repo.commit()
        report.append(f"overdue notice {req.id} ({req.state}) to {', '.join(responsible)}")
    for _receiver, lines in workflow.deadlines_run.send(today):  # the calendar's notice (lifecycle.events)
        report.extend(lines or [])
    report.append(f"{len(due)} due for expiry, {sum(1 for r in report if r.startswith('expiry notice'))} "
                  f"expiry notices, {sum(1 for r in report if r.startswith('overdue notice'))} overdue notices")
    return report
