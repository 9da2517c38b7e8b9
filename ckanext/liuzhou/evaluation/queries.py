"""Running the SQL of :mod:`.sql`: the period, the working-day calendar as arrays, the scope."""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Iterable, Optional

import sqlalchemy as sa

import ckan.model as model

from .. import config as lz_config
from ..calendar import store as cal
from ..formats import TZ
from . import aggregate, cache
from . import definitions as d
from . import score, sql

MAX_DAYS = 3 * 366  # longest period (the calendar is passed day by day)


@dataclass(frozen=True)
class Period:
    """Inclusive Shanghai dates."""
    start: dt.date
    end: dt.date

    def as_dict(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def today() -> dt.date:
    return cal.local_date(cal.utcnow())


def default_period(now: Optional[dt.date] = None) -> Period:
    """The current month and the five before it."""
    end = now or today()
    month = end.month - 5
    year = end.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return Period(dt.date(year, month, 1), end)


def last_week(now: Optional[dt.date] = None) -> Period:
    """Monday to Sunday of the week before this one (the Authority's weekly meeting)."""
    now = now or today()
    monday = now - dt.timedelta(days=now.weekday() + 7)
    return Period(monday, monday + dt.timedelta(days=6))


def trend_period(period: Period) -> Period:
    """Twelve months ending with the period's last month."""
    end = period.end
    month, year = end.month - 11, end.year
    if month < 1:
        month, year = month + 12, year - 1
    return Period(dt.date(year, month, 1), end)


def _utc(local_day: dt.date) -> dt.datetime:
    """Naive UTC of 00:00 Shanghai on that day."""
    return dt.datetime.combine(local_day, dt.time.min, tzinfo=TZ).astimezone(dt.timezone.utc).replace(tzinfo=None)


def calendar_arrays(first: dt.date, last: dt.date) -> dict:
    """date → working-day number (from ``first``) and working day or not, as three arrays.

    The same calendar as the workflows' deadlines: a day of a year nobody knows (no
    chinesecalendar data, not confirmed) counts provisionally on the statutory holidays.
    """
    calendar = cal.load()
    days, wdn, work = [], [], []
    n, day = 0, first
    while day <= last:
        w = calendar.is_workday(day)
        n += 1 if w else 0
        days.append(day)
        wdn.append(n)
        work.append(w)
        day += dt.timedelta(days=1)
    return {"cal_days": days, "cal_wdn": wdn, "cal_work": work}


def params(period: Period, scope: Optional[Iterable[str]], now: Optional[dt.datetime] = None,
           calendar: bool = True) -> dict:
    """``calendar=False``: a statement that counts no working day (the aggregates alone)."""
    now = now or cal.utcnow()
    local_now = cal.local_date(now)
    first = min(period.start, local_now - dt.timedelta(days=366)) - dt.timedelta(days=1)
    last = max(period.end, local_now) + dt.timedelta(days=1)
    stop = _utc(period.end + dt.timedelta(days=1))
    return {
        **(calendar_arrays(first, last) if calendar else {"cal_days": [], "cal_wdn": [], "cal_work": []}),
        "d_from": period.start, "d_to": period.end,
        "t_start": _utc(period.start), "t_stop": stop,
        "t_end": min(stop, now), "now": now,
        "scope": None if scope is None else sorted(scope),
    }


def _rows(statement: str, values: dict) -> list[dict]:
    # PostgreSQL's JIT would compile this one large statement for seconds (its cost passes
    # jit_optimize_above_cost) to save milliseconds: off for this transaction only.
    model.Session.execute(sa.text("SET LOCAL jit = off"))
    result = model.Session.execute(sa.text(statement), values)
    return [dict(r._mapping) for r in result]


def _plain(row: dict) -> dict:
    out = {}
    for k, v in row.items():
        if k in d.BY_KEY and d.BY_KEY[k].unit == "count":
            v = int(v or 0)
        elif v is not None and k in d.BY_KEY:
            v = float(v)
        elif isinstance(v, (dt.datetime, dt.date)):
            v = v.isoformat()
        out[k] = v
    return out


@dataclass(frozen=True)
class Source:
    """Where the figures of one call come from: the indicators read from the aggregates
    (``agg``, as they were at ``agg_as_of``) and the others computed live at ``now``."""
    agg: frozenset
    agg_as_of: Optional[dt.datetime]
    now: dt.datetime
    # which refresh wrote the aggregates (the transaction of ``liuzhou_eval_refresh``'s row):
    # part of the key of what is kept (:mod:`.cache`); None: nothing is kept
    agg_version: Optional[str] = None
    # when the live figures of this call were computed, if earlier than ``now`` (kept: :func:`_live`)
    live_at: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def as_of(self, key: str) -> dt.datetime:
        """The time of the data the figure ``key`` is computed from (naive UTC)."""
        return self.agg_as_of if key in self.agg and self.agg_as_of else self.live_at.get("at", self.now)

    def oldest(self) -> dt.datetime:
        return min(self.as_of(k) for k in d.KEYS)


def refreshed() -> Optional[dict]:
    """The last refresh of the aggregates: ``as_of``, ``took_ms``, ``row_count`` (None: never)."""
    row = model.Session.execute(sa.text(
        "SELECT as_of, took_ms, row_count, CAST(xmin AS text) AS version FROM liuzhou_eval_refresh WHERE id = 1")).first()
    return dict(row._mapping) if row else None


def source(now: Optional[dt.datetime] = None, live: bool = False) -> Source:
    """The aggregates are read when they are on and have been computed at least once."""
    now = now or cal.utcnow()
    if live or not lz_config.evaluation_aggregates():
        return Source(frozenset(), None, now)
    last = refreshed()
    if last is None:
        return Source(frozenset(), None, now)
    return Source(aggregate.aggregated_keys(), last["as_of"], now, last["version"])


def _with_aggregates(period: Period, values: dict, src: Source) -> dict:
    stop = _utc(period.end + dt.timedelta(days=1))
    t_end = min(stop, src.agg_as_of) if src.agg_as_of else stop
    epoch = (t_end - dt.datetime(1970, 1, 1)).total_seconds()
    return {**values, **aggregate.read_params(period.start, period.end, epoch)}


def _calendar_needed(agg: frozenset, skip=()) -> bool:
    """Whether a row set computed live counts working days (the calendar is passed day by day)."""
    return any(rows in sql.CALENDAR_ROWSETS for rows in aggregate.live_rowsets(agg, skip))


def _scope_key(scope: Optional[Iterable[str]]) -> Optional[tuple]:
    return None if scope is None else tuple(sorted(scope))


def _kept(key: tuple, statement: str, values: dict, src: Source, org_fp: Optional[str]) -> list[dict]:
    """The aggregated part of a ranking or trend: kept (:mod:`.cache`) under ``key`` + the time of
    the aggregates + the departments' fingerprint; computed when not kept, and kept when the
    statement read the same aggregates and departments as the key says."""
    full = (*key, src.agg, src.agg_as_of, src.agg_version, org_fp)
    rows = cache.get(full) if src.agg_version else None
    if rows is not None:
        return list(rows)
    raw = _rows(statement, values)
    same = all((r["agg_as_of"], r["agg_version"], r["org_fp"]) == (src.agg_as_of, src.agg_version, org_fp)
               for r in raw)
    rows = [_plain({k: v for k, v in r.items() if k not in ("agg_as_of", "agg_version", "org_fp")}) for r in raw]
    if raw and same and src.agg_version:
        cache.put(full, rows)
    return rows


def _live(key: tuple, statement: str, values: dict, src: Source) -> list[dict]:
    """The rows of the indicators computed live: kept (:data:`.cache.live`) for at most
    ``ckanext.liuzhou.evaluation.live_seconds`` of ``src.now``, under this process's
    :func:`.cache.generation` (a change it committed is shown at once); ``src.live_at`` gets the
    time they were computed."""
    seconds = lz_config.evaluation_live_seconds()
    if seconds <= 0 or not src.agg_version:
        return _rows(statement, values)
    full = (*key, src.agg, src.agg_as_of, src.agg_version, cache.generation())
    kept = cache.live.get(full)
    if kept is not None:
        rows, at = kept
        if dt.timedelta(0) <= src.now - at < dt.timedelta(seconds=seconds):
            src.live_at["at"] = min(at, src.live_at.get("at", at))
            return [dict(r) for r in rows]
    rows = _rows(statement, values)
    cache.live.put(full, (tuple(dict(r) for r in rows), src.now))
    return rows


def _order(rows: list[dict], sort: str, descending: bool) -> list[dict]:
    """``ORDER BY <sort> ASC|DESC NULLS LAST, label ASC`` as the statement orders, with the
    labels' order as PostgreSQL collates them (``label_rank``)."""
    def key(r):
        if sort == "name":
            rank = r["label_rank"]
            return (r["label"] is None, -rank if descending else rank, rank)
        v = r[sort]
        return (v is None, 0 if v is None else (-v if descending else v), r["label_rank"])
    return sorted(rows, key=key)


def ranking(period: Period, by: str = "department", scope: Optional[Iterable[str]] = None,
            sort: str = "name", descending: bool = False, now: Optional[dt.datetime] = None,
            src: Optional[Source] = None, kept: bool = True) -> list[dict]:
    """Every indicator for each department (level, county subtree) in ``scope`` (ids; None: all).

    With the aggregates, the aggregated indicators are kept between calls (:mod:`.cache`) and
    the others computed live on every call; ``kept=False``: one statement, nothing kept (the
    same figures)."""
    src = src or source(now)
    if not src.agg:
        values = params(period, scope, src.now)
        return [_plain(r) for r in _rows(sql.ranking_sql(by, sort, descending), values)]
    current = period.end >= cal.local_date(src.agg_as_of)
    values = _with_aggregates(period, params(period, scope, src.now, calendar=_calendar_needed(src.agg)), src)
    if not kept:
        statement = aggregate.ranking_sql(by, sort, descending, src.agg, current=current)
        return [_plain(r) for r in _rows(statement, values)]
    live = {r["key"]: r for r in _live(("ranking", by, sort, descending, period, current, _scope_key(scope)),
                                       aggregate.ranking_sql(by, sort, descending, src.agg, current, "live"),
                                       values, src)}
    org_fp = next(iter(live.values()))["org_fp"] if live else None
    stored = _kept(("ranking", by, period, current, _scope_key(scope)),
                   aggregate.ranking_sql(by, sort, descending, src.agg, current, "agg"), values, src, org_fp)
    merged = []
    for r in stored:
        other = live.get(r["key"], {})
        merged.append({"key": r["key"], "label": r["label"], "level": r["level"], "label_rank": r["label_rank"],
                       **{k: (r[k] if k in src.agg else _plain({k: other.get(k)})[k]) for k in d.KEYS}})
    out = _order(merged, sort, descending)
    for r in out:
        del r["label_rank"]
    return out


def trend(period: Period, scope: Iterable[str], now: Optional[dt.datetime] = None,
          src: Optional[Source] = None, kept: bool = True) -> list[dict]:
    """The flow indicators month by month for the departments in ``scope`` (``kept``: as
    :func:`ranking`)."""
    src = src or source(now)
    if not src.agg:
        values = params(period, scope, src.now)
        return [_plain(r) for r in _rows(sql.trend_sql(), values)]
    values = _with_aggregates(period, params(period, scope, src.now,
                                             calendar=_calendar_needed(src.agg, sql.STOCKS)), src)
    if not kept:
        return [_plain(r) for r in _rows(aggregate.trend_sql(src.agg), values)]
    live = {r["month"]: r for r in _live(("trend", period, _scope_key(scope)), aggregate.trend_sql(src.agg, "live"),
                                         values, src)}
    org_fp = next(iter(live.values()))["org_fp"] if live else None
    stored = _kept(("trend", period, _scope_key(scope)), aggregate.trend_sql(src.agg, "agg"), values, src, org_fp)
    flows = [k for rows, aggs in sql.AGGREGATES.items() if rows not in sql.STOCKS for k in aggs]
    return [{"month": r["month"], **{k: (r[k] if k in src.agg else _plain({k: live.get(r["month"], {}).get(k)})[k])
                                     for k in flows}} for r in stored]


_EARLIEST = """SELECT least(
  (SELECT min(created) FROM liuzhou_share_request), (SELECT min(raised_at) FROM liuzhou_quality_issue),
  (SELECT min(delivered_at) FROM liuzhou_delivery), (SELECT min(created) FROM liuzhou_account_request),
  (SELECT min(created) FROM liuzhou_resource_offline), (SELECT min(issued_at) FROM liuzhou_upkeep_notice),
  (SELECT min(created) FROM liuzhou_audit_log WHERE action = 'data.read'),
  (SELECT min(metadata_created) FROM package WHERE type = 'catalog'))"""


def refresh(now: Optional[dt.datetime] = None) -> dict:
    """Compute the aggregates again from the raw tables, in one transaction (readers see the
    old rows until it commits), as they are at ``now``; committed. Two refreshes at once wait
    for each other (an advisory lock)."""
    started = time.perf_counter()
    now = now or cal.utcnow()
    s = model.Session
    s.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('liuzhou_eval_refresh'))"))
    earliest = s.execute(sa.text(_EARLIEST)).scalar()
    today = cal.local_date(now)
    first = min(cal.local_date(earliest), today) if earliest else today
    values = params(Period(first - dt.timedelta(days=1), today), None, now)
    s.execute(sa.text("SET LOCAL jit = off"))
    for statement in aggregate.refresh_sql():
        s.execute(sa.text(statement), values)
    # the score by month, from the new rows (this transaction sees them)
    store_monthly_scores(Source(aggregate.aggregated_keys(), now, now), today)
    count = s.execute(sa.text(f"SELECT count(*) FROM {aggregate.TABLE}")).scalar()
    took = int((time.perf_counter() - started) * 1000)
    s.execute(sa.text(
        "INSERT INTO liuzhou_eval_refresh (id, as_of, took_ms, row_count) VALUES (1, :as_of, :took, :n) "
        "ON CONFLICT (id) DO UPDATE SET as_of = EXCLUDED.as_of, took_ms = EXCLUDED.took_ms, "
        "row_count = EXCLUDED.row_count"), {"as_of": now, "took": took, "n": count})
    s.commit()
    return {"as_of": now, "took_ms": took, "row_count": count}


def drill(period: Period, indicator: str, key: str, by: str = "department",
          scope: Optional[Iterable[str]] = None, limit: int = 500,
          now: Optional[dt.datetime] = None) -> list[dict]:
    """The requests, entries, reads or departments behind one number."""
    values = {**params(period, scope, now), "key": key}
    return [_plain(r) for r in _rows(sql.drill_sql(by, indicator, limit), values)]


# ---------------------------------------------------------------- the Art 34 score by month
def months_back(end: dt.date, n: int):
    """The ``n`` calendar months ending with the month of ``end`` (the last one up to ``end``)."""
    out = []
    year, month = end.year, end.month
    for _i in range(n):
        first = dt.date(year, month, 1)
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        out.append(Period(first, min(last, end)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(out))


def monthly_scores(end: dt.date, n: int, src) -> dict[str, dict[str, Optional[float]]]:
    """Month (YYYY-MM) → department id → score, each month compared with every department."""
    w = score.current_weights()
    out = {}
    for p in months_back(end, n):
        rows = ranking(p, by="department", scope=None, src=src, kept=False)
        score.add_scores(rows, w)
        out[p.start.strftime("%Y-%m")] = {r["key"]: r["score"] for r in rows}
    return out


STORED_MONTHS = 24


def store_monthly_scores(src, end: dt.date) -> None:
    """Keep the score of the last 24 months beside the aggregates (rows ``score``), computed at
    the refresh with the weights of that moment; the caller commits."""
    model.Session.execute(sa.text("DELETE FROM liuzhou_eval_agg WHERE rows = 'score'"))
    for month, scores in monthly_scores(end, STORED_MONTHS, src).items():
        for org_id, value in scores.items():
            model.Session.execute(sa.text(
                "INSERT INTO liuzhou_eval_agg (rows, org_id, grain, key, day, vals) "
                "VALUES ('score', :org, 'm', '', :day, :vals)"),
                {"org": org_id, "day": dt.date.fromisoformat(month + "-01"),
                 "vals": None if value is None else [value]})


def stored_monthly_scores(org_id: str, months: list[str], as_of: dt.datetime) -> Optional[dict[str, Optional[float]]]:
    """The stored scores of ``months`` (None when some month is not stored or the weights changed
    after the refresh: the caller computes them)."""
    changed = model.Session.execute(sa.text("SELECT max(modified) FROM liuzhou_eval_weight")).scalar()
    if changed is not None and changed > as_of:
        return None
    rows = {r.day.strftime("%Y-%m"): (r.vals[0] if r.vals else None) for r in model.Session.execute(sa.text(
        "SELECT day, vals FROM liuzhou_eval_agg WHERE rows = 'score' AND grain = 'm' AND org_id = :org "
        "AND day = ANY(CAST(:days AS date[]))"),
        {"org": org_id, "days": [dt.date.fromisoformat(m + "-01") for m in months]})}
    return rows if len(rows) == len(months) else None
