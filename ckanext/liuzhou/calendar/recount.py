"""Every open deadline counted again after a year's confirmation changes (deadlines of Art 12,
14, 21, 26): the sharing and lifecycle workflows each count their own items
(:mod:`..sharing.recount`, :mod:`..lifecycle.recount`) and put the change on each item's
timeline, in the caller's transaction."""
from __future__ import annotations

import datetime as dt

import ckan.model as model

from .. import config as lz_config
from .. import authz
from . import store


def recount_open_deadlines(year: int, actor: model.User, confirmed: bool,
                           reason: str = "confirm") -> dict[str, int]:
    """Count again the open deadlines reaching ``year``. ``reason``: ``confirm`` / ``unconfirm``
    (every item reaching the year gets an event) or ``override`` (a single day of a known year
    changed: only the items whose deadline moved get one)."""
    from ..lifecycle import recount as lifecycle_recount
    from ..sharing import recount as sharing_recount

    calendar = store.load()
    now = store.utcnow()
    org = authz.org_id(lz_config.operator_org())
    how = {"confirmed": confirmed, "reason": reason, "only_changed": reason == "override"}
    return {"share_requests": sharing_recount.recount(year, calendar, actor, org, now=now, **how),
            "lifecycle": lifecycle_recount.recount(year, calendar, actor, org, now=now, **how)}


def unknown_years_ahead(today: dt.date, days: int, calendar=None) -> list[int]:
    """Years from ``today`` to ``today + days`` whose arrangement the platform does not know."""
    calendar = calendar or store.load()
    return [y for y in range(today.year, (today + dt.timedelta(days=days)).year + 1)
            if not calendar.knows(y)]
