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
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Hashable, Optional

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


def get(key: Hashable) -> Optional[tuple[dict, ...]]:
    return figures.get(key)


def put(key: Hashable, rows: list[dict[str, Any]]) -> None:
    figures.put(key, tuple(rows))


def clear() -> None:
    figures.clear()
    tables.clear()
