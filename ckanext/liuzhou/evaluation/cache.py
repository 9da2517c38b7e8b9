"""The aggregated figures of the evaluation (Art 34) kept between requests, in each web process.

The aggregated indicators change only when the scheduler's refresh commits new aggregates
(:func:`.queries.refresh`, their ``as_of``), so what the ranking and a department's trend read
from ``liuzhou_eval_agg`` is kept here under a key that holds everything it depends on: the
time of the aggregates, a fingerprint of the departments (names, titles, levels, parents: the
groups and labels of the rows), the grouping, the period, the scope and the indicators read
from the aggregates. A new refresh, a renamed or moved department, another period or another
scope is another key, so nothing has to be invalidated and a reader never gets rows computed
for another scope. The indicators without an aggregate (scenarios, the demand list, error
reports) are computed live on every call and merged in (:mod:`.queries`); the score, the labels
and their language are computed after the merge from the current weights.

Kept per process (a gunicorn worker computes a key once), at most 128 keys, the least recently
used dropped first. The rows kept are never handed out: callers get new dicts. The ranking's
table as rendered is kept the same way (:data:`tables`, keyed by the language and a digest of
its whole input: the figures, the grouping, the sort and the period).

The indicators without an aggregate are computed live, but kept too, for at most
``ckanext.liuzhou.evaluation.live_seconds`` (:data:`live`): a page shows them as they were at
the time they were computed (their ``as_of``), never older than that. A change committed by this
process to what they count (scenarios, demands, error reports, share requests, entries,
departments: :data:`LIVE_TABLES`) starts a new :func:`generation`, part of their key, so the
process that made a change shows it at once; another process shows it within the seconds set.
"""
from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from typing import Any, Hashable, Optional

import sqlalchemy as sa
from sqlalchemy import event

class Kept:
    """At most ``size`` values, the least recently used dropped first; safe across threads."""

    def __init__(self, size: int):
        self.size = size
        self._lock = threading.Lock()
        self._kept: "OrderedDict[Hashable, Any]" = OrderedDict()
        self.stats = {"hits": 0, "misses": 0}

    def get(self, key: Hashable) -> Any:
        with self._lock:
            value = self._kept.get(key)
            if value is None:
                self.stats["misses"] += 1
                return None
            self._kept.move_to_end(key)
            self.stats["hits"] += 1
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._kept[key] = value
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self.stats.update(hits=0, misses=0)


# the aggregated rows of a ranking or a trend (tuples of dicts nobody changes)
figures = Kept(128)
# the ranking's table as rendered (views.py), keyed by the language and a digest of everything
# the snippet reads: the same figures render the same table
tables = Kept(32)
stats = figures.stats
# the rows computed live, with the time they were computed (as_of): (rows, now)
live = Kept(64)

# the tables the live rows are computed from (their departments, entries and requests included)
LIVE_TABLES = frozenset({"liuzhou_scenario", "liuzhou_scenario_entry", "liuzhou_scenario_request",
                         "liuzhou_demand", "liuzhou_demand_event", "liuzhou_correction",
                         "liuzhou_share_request", "package", "group", "group_extra", "member"})
_FLAG = "liuzhou_eval_live_changed"
_counter = itertools.count(1)
_generation = 0


def generation() -> int:
    """Which generation of this process's live rows is current (a new one after each commit of
    a change to :data:`LIVE_TABLES`)."""
    return _generation


def _table(obj) -> Optional[str]:
    try:
        return sa.inspect(obj).mapper.local_table.name
    except (sa.exc.NoInspectionAvailable, AttributeError):
        return None


def _note_change(session, flush_context, instances) -> None:
    if not session.info.get(_FLAG) and any(_table(o) in LIVE_TABLES
                                           for o in (*session.new, *session.dirty, *session.deleted)):
        session.info[_FLAG] = True


def _after_commit(session) -> None:
    global _generation
    if session.info.pop(_FLAG, False):
        _generation = next(_counter)


def _after_rollback(session) -> None:
    session.info.pop(_FLAG, None)


event.listen(sa.orm.Session, "before_flush", _note_change)
event.listen(sa.orm.Session, "after_commit", _after_commit)
event.listen(sa.orm.Session, "after_rollback", _after_rollback)


def get(key: Hashable) -> Optional[tuple[dict, ...]]:
    return figures.get(key)


def put(key: Hashable, rows: list[dict[str, Any]]) -> None:
    figures.put(key, tuple(rows))


def clear() -> None:
    figures.clear()
    tables.clear()
    live.clear()
