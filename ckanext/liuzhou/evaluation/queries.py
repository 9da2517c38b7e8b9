"""Running the SQL of :mod:`.sql`: the period, the working-day calendar as arrays, the scope."""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Iterable, Optional

import sqlalchemy as sa

import ckan.model as model

from .. import config as lz_config
from ..calendar import store as cal
from ..formats import TZ
from . import aggregate
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

    def as_of(self, key: str) -> dt.datetime:
        """The time of the data the figure ``key`` is computed from (naive UTC)."""
        return self.agg_as_of if key in self.agg and self.agg_as_of else self.now

    def oldest(self) -> dt.datetime:
        return min(self.as_of(k) for k in d.KEYS)


def refreshed() -> Optional[dict]:
    """The last refresh of the aggregates: ``as_of``, ``took_ms``, ``row_count`` (None: never)."""
    row = model.Session.execute(sa.text(
        "SELECT as_of, took_ms, row_count FROM liuzhou_eval_refresh WHERE id = 1")).first()
    return dict(row._mapping) if row else None


def source(now: Optional[dt.datetime] = None, live: bool = False) -> Source:
    """The aggregates are read when they are on and have been computed at least once."""
    now = now or cal.utcnow()
    if live or not lz_config.evaluation_aggregates():
        return Source(frozenset(), None, now)
    last = refreshed()
    if last is None:
        return Source(frozenset(), None, now)
    return Source(aggregate.aggregated_keys(), last["as_of"], now)


def _with_aggregates(period: Period, values: dict, src: Source) -> dict:
    stop = _utc(period.end + dt.timedelta(days=1))
    t_end = min(stop, src.agg_as_of) if src.agg_as_of else stop
    epoch = (t_end - dt.datetime(1970, 1, 1)).total_seconds()
    return {**values, **aggregate.read_params(period.start, period.end, epoch)}


def ranking(period: Period, by: str = "department", scope: Optional[Iterable[str]] = None,
            sort: str = "name", descending: bool = False, now: Optional[dt.datetime] = None,
            src: Optional[Source] = None) -> list[dict]:
    """Every indicator for each department (level, county subtree) in ``scope`` (ids; None: all)."""
    src = src or source(now)
    values = params(period, scope, src.now, calendar=len(src.agg) < len(d.KEYS))
    if not src.agg:
        return [_plain(r) for r in _rows(sql.ranking_sql(by, sort, descending), values)]
    current = period.end >= cal.local_date(src.agg_as_of)
    statement = aggregate.ranking_sql(by, sort, descending, src.agg, current=current)
    return [_plain(r) for r in _rows(statement, _with_aggregates(period, values, src))]


def trend(period: Period, scope: Iterable[str], now: Optional[dt.datetime] = None,
          src: Optional[Source] = None) -> list[dict]:
    """The flow indicators month by month for the departments in ``scope``."""
    src = src or source(now)
    values = params(period, scope, src.now, calendar=len(src.agg) < len(d.KEYS))
    if not src.agg:
        return [_plain(r) for r in _rows(sql.trend_sql(), values)]
    return [_plain(r) for r in _rows(aggregate.trend_sql(src.agg), _with_aggregates(period, values, src))]


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
        rows = ranking(p, by="department", scope=None, src=src)
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
