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

Kept per process (a gunicorn worker computes a key once), at most :data:`SIZE` keys, the least
recently used dropped first. The rows kept are never handed out: callers get new dicts.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Hashable, Optional

SIZE = 128

_lock = threading.Lock()
_kept: "OrderedDict[Hashable, tuple[dict, ...]]" = OrderedDict()
stats = {"hits": 0, "misses": 0}


def get(key: Hashable) -> Optional[tuple[dict, ...]]:
    with _lock:
        rows = _kept.get(key)
        if rows is None:
            stats["misses"] += 1
            return None
        _kept.move_to_end(key)
        stats["hits"] += 1
        return rows


def put(key: Hashable, rows: list[dict[str, Any]]) -> None:
    with _lock:
        _kept[key] = tuple(rows)
        _kept.move_to_end(key)
        while len(_kept) > SIZE:
            _kept.popitem(last=False)


def clear() -> None:
    with _lock:
        _kept.clear()
        stats.update(hits=0, misses=0)
