"""The Art 34 score: one weighted total per department (level, county subtree) from the
indicators, with the weights the Authority sets (``liuzhou_eval_weight``, migration 0014).

Each indicator is first brought to 0–1 (1 is best):

* a rate (``pct``): its value / 100;
* a count or a number of working days: its place between the lowest and the highest value of
  the rows it is compared with, ``(v - min) / (max - min)``, turned round
  (``(max - v) / (max - min)``) where less is better (handling time, overdue, open upkeep,
  quality issues); all rows equal: 1.

The score is ``100 × Σ wᵢ·sᵢ / Σ wᵢ`` over the indicators with a weight above 0 that have a value
for the row (a rate with nothing to measure, e.g. no request received, is left out rather than
counted as 0); no such indicator: no score. Departments are compared with every department of
the city whatever the reader's scope, so a department has the same score on every page; levels
and county subtrees with the rows of their ranking.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any, Iterable, Optional

import sqlalchemy as sa

import ckan.model as model

from . import definitions as d

MAX_WEIGHT = 100.0

# Weights until the Authority sets its own: the rates and the handling times, which the rules
# fix (Art 14, 19, 22, 23, 26), count 2; what measures use and backlog counts 1; plain volumes
# (entries, requests made and received, reads, issues raised) count 0: they describe a
# department's size more than its work.
DEFAULT_WEIGHTS: dict[str, float] = {
    "entries": 0, "completeness": 2, "mounting_rate": 2, "freshness": 2, "upkeep_open": 1,
    "ontime_upkeep": 2, "unconditional_share": 2, "negative_list_compliance": 2, "requests_received": 0,
    "requests_made": 0, "handling_median_wd": 1, "handling_p90_wd": 1, "ontime_decision": 2,
    "overdue_now": 1, "quality_issues": 0, "quality_fixed_ontime": 2, "consumers_served": 1,
    "data_reads": 0, "entries_used": 1, "ontime_account": 0, "ontime_resource_offline": 0,
    # application support (应用支撑) beside the reads; the national regulation's demand route and
    # correction (Art 26) answered in time; the grades are a breakdown, not a performance
    "scenarios_supported": 1, "scenario_departments": 0, "demands_received": 0, "demands_ontime": 1,
    "demands_met": 0, "corrections_received": 0, "corrections_fixed_ontime": 1, "entries_general": 0,
    "entries_important": 0, "entries_core": 0,
}


def weights() -> dict[str, dict[str, Any]]:
    """Every indicator's weight, with when and by whom it was last set (None: the default)."""
    rows = {r.indicator: r for r in model.Session.execute(sa.text(
        "SELECT indicator, weight, modified, modified_by FROM liuzhou_eval_weight"))}
    out = {}
    for key in d.KEYS:
        r = rows.get(key)
        out[key] = {"weight": float(r.weight) if r else float(DEFAULT_WEIGHTS.get(key, 0)),
                    "default": float(DEFAULT_WEIGHTS.get(key, 0)),
                    "modified": r.modified if r else None, "modified_by": r.modified_by if r else None}
    return out


def save(new: dict[str, float], user_name: str, now: dt.datetime) -> None:
    """Store the weights (the caller validated them and commits)."""
    for key, value in new.items():
        model.Session.execute(sa.text(
            "INSERT INTO liuzhou_eval_weight (indicator, weight, modified, modified_by) "
            "VALUES (:k, :w, :now, :user) ON CONFLICT (indicator) DO UPDATE SET weight = EXCLUDED.weight, "
            "modified = EXCLUDED.modified, modified_by = EXCLUDED.modified_by"),
            {"k": key, "w": float(value), "now": now, "user": user_name})


def _normalised(key: str, value: Optional[float], lo: Optional[float], hi: Optional[float]) -> Optional[float]:
    ind = d.BY_KEY[key]
    if value is None:
        return None
    if ind.unit == "pct":
        s = value / 100.0
        return s if ind.higher_is_better else 1.0 - s
    if lo is None or hi is None or hi == lo:
        return 1.0
    s = (value - lo) / (hi - lo)
    return s if ind.higher_is_better else 1.0 - s


def add_scores(rows: list[dict], w: dict[str, float]) -> None:
    """Put ``score`` (0–100, one decimal, or None) in every row, compared among ``rows``."""
    keys = [k for k in d.KEYS if w.get(k, 0) > 0]
    bounds = {}
    for k in keys:
        values = [r[k] for r in rows if r.get(k) is not None]
        bounds[k] = (min(values), max(values)) if values else (None, None)
    for r in rows:
        total = weight = 0.0
        for k in keys:
            s = _normalised(k, r.get(k), *bounds[k])
            if s is None:
                continue
            total += w[k] * s
            weight += w[k]
        r["score"] = round(100.0 * total / weight, 1) if weight > 0 else None


def formula(w: dict[str, float]) -> list[dict]:
    """The terms of the formula shown under the ranking: indicator, weight, its share and how it
    is brought to 0–1."""
    total = sum(v for v in w.values() if v > 0)
    out = []
    for i in d.INDICATORS:
        if w.get(i.key, 0) > 0:
            how = "rate" if i.unit == "pct" else ("minmax" if i.higher_is_better else "minmax_inverted")
            out.append({"key": i.key, "weight": w[i.key], "share": round(100.0 * w[i.key] / total, 1),
                        "normalised": how})
    return out


def check(values: dict) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Validated weights from untrusted input: numbers 0–100 (``MAX_WEIGHT``), finite, known
    indicators; the messages are msgids the action translates."""
    out, errors = {}, {}
    if not isinstance(values, dict) or not values:
        return {}, {"weights": ["Give at least one weight"]}
    for key, raw in values.items():
        if key not in d.BY_KEY:
            errors["weights"] = ["Unknown indicator"]
            continue
        if isinstance(raw, bool):
            errors[key] = ["Not a number"]
            continue
        try:
            value = float(str(raw).strip()) if isinstance(raw, str) else float(raw)
        except (TypeError, ValueError, OverflowError):
            errors[key] = ["Not a number"]
            continue
        if not math.isfinite(value):
            errors[key] = ["Not a number"]
        elif value < 0 or value > MAX_WEIGHT:
            errors[key] = ["A weight is between 0 and 100"]
        else:
            out[key] = round(value, 3)
    return out, errors


def total_after(current: dict[str, float], new: dict[str, float]) -> float:
    return sum({**current, **new}.values())


def current_weights() -> dict[str, float]:
    return {k: v["weight"] for k, v in weights().items()}


def in_scope(rows: Iterable[dict], allowed: Optional[set[str]]) -> list[dict]:
    return [r for r in rows if allowed is None or r["key"] in allowed]
