"""Running the SQL of :mod:`.sql`: the period, the working-day calendar as arrays, the scope."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Optional

import sqlalchemy as sa

import ckan.model as model

from ..calendar import store as cal
from ..formats import TZ
from . import definitions as d
from . import sql

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


def params(period: Period, scope: Optional[Iterable[str]], now: Optional[dt.datetime] = None) -> dict:
    now = now or cal.utcnow()
    local_now = cal.local_date(now)
    first = min(period.start, local_now - dt.timedelta(days=366)) - dt.timedelta(days=1)
    last = max(period.end, local_now) + dt.timedelta(days=1)
    stop = _utc(period.end + dt.timedelta(days=1))
    return {
        **calendar_arrays(first, last),
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


def ranking(period: Period, by: str = "department", scope: Optional[Iterable[str]] = None,
            sort: str = "name", descending: bool = False, now: Optional[dt.datetime] = None) -> list[dict]:
    """Every indicator for each department (level, county subtree) in ``scope`` (ids; None: all)."""
    return [_plain(r) for r in _rows(sql.ranking_sql(by, sort, descending), params(period, scope, now))]


def trend(period: Period, scope: Iterable[str], now: Optional[dt.datetime] = None) -> list[dict]:
    """The flow indicators month by month for the departments in ``scope``."""
    return [_plain(r) for r in _rows(sql.trend_sql(), params(period, scope, now))]


def drill(period: Period, indicator: str, key: str, by: str = "department",
          scope: Optional[Iterable[str]] = None, limit: int = 500,
          now: Optional[dt.datetime] = None) -> list[dict]:
    """The requests, entries, reads or departments behind one number."""
    values = {**params(period, scope, now), "key": key}
    return [_plain(r) for r in _rows(sql.drill_sql(by, indicator, limit), values)]
