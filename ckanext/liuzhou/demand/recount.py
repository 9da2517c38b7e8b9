"""Counting the answer deadlines of routed needs again when a calendar year is confirmed or its
confirmation withdrawn, like the share requests' (:mod:`..calendar.recount`): each need whose
deadline reaches the year gets a ``deadline_recount`` event on its timeline (before, after,
provisional or not), changed or not, so that everyone sees the date is now final."""
from __future__ import annotations

import datetime as dt

import ckan.model as model

from .. import authz
from .. import config as lz_config
from ..calendar import recount as calendar_recount
from ..calendar import store as cal
from ..calendar.workdays import Calendar
from . import states, workflow
from .model import Demand


def _from(year: int) -> dt.datetime:
    """Naive UTC of 1 January ``year``, 00:00 in Shanghai."""
    return dt.datetime(year - 1, 12, 31, 16, 0)


def recount(year: int, calendar: Calendar, actor: model.User, actor_org_id: str, *, confirmed: bool,
            now: dt.datetime, reason: str = "confirm", only_changed: bool = False) -> int:
    """Count again every routed need's deadline from ``year`` on; returns the needs touched."""
    touched = 0
    ids = [i for (i,) in model.Session.query(Demand.id).filter(
        Demand.state == states.ROUTED, Demand.deadline >= _from(year), Demand.routed_at.isnot(None))]
    for demand_id in ids:
        d = workflow.load(demand_id, lock=True)
        before = d.deadline
        after = cal.deadline(d.routed_at, lz_config.demand_answer_workdays(), calendar)
        if only_changed and before == after:
            continue
        touched += 1
        d.deadline = after
        changed = before != after
        workflow.record_event(
            d, "deadline_recount", actor, "operator", actor_org_id=actor_org_id, from_state=d.state,
            to_state=d.state, now=now,
            notify=[authz.org_name(d.provider_org_id), authz.org_name(d.consumer_org_id)] if changed else [],
            detail={"year": year, "confirmed": confirmed, "reason": reason, "changed": changed,
                    "before": before, "after": after,
                    "provisional": cal.provisional(after, calendar.confirmed_years)})
    return touched


calendar_recount.register("demands", recount)
