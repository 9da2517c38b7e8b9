"""Every open deadline counted again after a year's confirmation changes (deadlines of Art 12,
14, 21, 26): each workflow with deadlines registers a counter (:func:`register`; the sharing
and lifecycle workflows, :mod:`..sharing.recount`, :mod:`..lifecycle.recount`), which counts
its own items again and puts the change on each item's timeline, in the caller's transaction."""
from __future__ import annotations

import datetime as dt
from typing import Callable

import ckan.model as model

from .. import config as lz_config
from .. import authz
from . import store


# name → counter(year, calendar, actor, actor_org_id, *, confirmed, reason, only_changed, now)
# returning how many items it counted again
_COUNTERS: dict[str, Callable[..., int]] = {}


def register(name: str, counter: Callable[..., int]) -> None:
    """Add a workflow's counter of open deadlines; a second counter under a taken name raises
    ``ValueError`` (the same function registered again, as on a module reload, replaces it)."""
    other = _COUNTERS.get(name)
    if other is not None and (other.__module__, other.__qualname__) != (counter.__module__, counter.__qualname__):
        raise ValueError(f"calendar: a deadline counter named {name!r} is already registered")
    _COUNTERS[name] = counter


def recount_open_deadlines(year: int, actor: model.User, confirmed: bool,
                           reason: str = "confirm") -> dict[str, int]:
    """Count again the open deadlines reaching ``year``. ``reason``: ``confirm`` / ``unconfirm``
    (every item reaching the year gets an event) or ``override`` (a single day of a known year
    changed: only the items whose deadline moved get one). Returns the count of each counter."""
    calendar = store.load()
    now = store.utcnow()
    org = authz.org_id(lz_config.operator_org())
    how = {"confirmed": confirmed, "reason": reason, "only_changed": reason == "override"}
    return {name: counter(year, calendar, actor, org, now=now, **how) for name, counter in _COUNTERS.items()}


def unknown_years_ahead(today: dt.date, days: int, calendar=None) -> list[int]:
    """Years from ``today`` to ``today + days`` whose arrangement the platform does not know."""
    calendar = calendar or store.load()
    return [y for y in range(today.year, (today + dt.timedelta(days=days)).year + 1)
            if not calendar.knows(y)]
