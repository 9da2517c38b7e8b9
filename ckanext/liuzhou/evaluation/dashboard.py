"""The Authority's dashboard (Art 34: "evaluate the data sharing of every department"): the
city's sharing at a glance, as one action, ``evaluation_dashboard``, that the page
``/evaluation/dashboard`` draws with ECharts.

Every figure comes from the evaluation's own row sets and queries, so the dashboard, the
ranking and the drill-downs never disagree:

- requests by month and the on-time rates by month: :func:`.queries.trend` (the monthly
  figures of the department page, for the whole scope);
- the slowest departments and the open overdue items per department: :func:`.queries.ranking`;
- requests by state now, the most-used entries and the catalog's growth: three small
  statements below over the row sets of :func:`.sql.base_ctes` (``used``, ``entries``) and the
  requests a user of the scope may see (the share-request list's own rule).

Each figure carries ``as_of``, the time of the data it is computed from (the rows' own
``as_of`` where a query gives one, else the moment the statement ran).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import authz
from ..calendar import store as cal
from ..validation import validate_or_raise as _validate
from . import queries, scope, sql

v = tk.get_validator
_ = tk._

TOP = 10  # bars in the "slowest departments" and "most-used entries" charts
ONTIME_KEYS = ("ontime_decision", "quality_fixed_ontime", "ontime_account", "ontime_resource_offline")

# requests a user of the scope may see, by state (the rule of the share-request list: the
# requests a department of the scope made or provides)
BY_STATE_SQL = """
SELECT r.state, count(*) AS n FROM liuzhou_share_request r
WHERE CAST(:scope AS text[]) IS NULL
   OR r.provider_org_id = ANY(CAST(:scope AS text[])) OR r.consumer_org_id = ANY(CAST(:scope AS text[]))
GROUP BY r.state
"""


def _most_used_sql(limit: int) -> str:
    """The entries of the scope's providers other departments used most in the period
    (deliveries and reads by another department: the ``used`` rows of ``entries_used``)."""
    return (f"WITH RECURSIVE {sql.base_ctes('department')}\n"
            "SELECT p.name, p.title, o.title AS org_title, count(*) AS uses, "
            "count(DISTINCT x.package_id) AS n\n"
            "FROM used x JOIN package p ON p.id = x.package_id JOIN \"group\" o ON o.id = x.org_id\n"
            f"GROUP BY p.name, p.title, o.title ORDER BY uses DESC, p.title LIMIT {int(limit)}")


def _growth_sql() -> str:
    """Active catalog entries of the scope by the month they were created (the ``entries``
    rows of the ``entries`` indicator: offline entries left out)."""
    return (f"WITH RECURSIVE {sql.base_ctes('department')}\n"
            f"SELECT CASE WHEN x.at < CAST(:t_start AS timestamp) THEN '' ELSE {sql.MONTH} END AS month, "
            "count(*) AS n FROM entries x GROUP BY 1")


def _rows(statement: str, values: dict) -> list[dict]:
    model.Session.execute(sa.text("SET LOCAL jit = off"))
    return [dict(r._mapping) for r in model.Session.execute(sa.text(statement), values)]


def _iso(when: dt.datetime) -> str:
    """Naive UTC, as CKAN stores times (pages show them in Asia/Shanghai)."""
    return when.replace(microsecond=0, tzinfo=None).isoformat()


def _as_of(rows: Iterable[dict], now: dt.datetime) -> str:
    """The oldest ``as_of`` the rows carry (figures kept as aggregates), else ``now``."""
    found = sorted(str(r["as_of"]) for r in rows if r.get("as_of"))
    return found[0] if found else _iso(now)


def _months(period: queries.Period) -> list[str]:
    out, y, m = [], period.start.year, period.start.month
    while (y, m) <= (period.end.year, period.end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _month_bounds(month: str) -> dict:
    y, m = int(month[:4]), int(month[5:])
    first = dt.date(y, m, 1)
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1))
    return {"from": first.isoformat(), "to": last.isoformat()}


def _scope_label(allowed: Optional[set[str]]) -> str:
    if allowed is None:
        return _("Liuzhou city")
    county = (model.Session.query(model.Group).filter(model.Group.id.in_(sorted(allowed)))
              .join(model.GroupExtra, model.GroupExtra.group_id == model.Group.id)
              .filter(model.GroupExtra.key == "level", model.GroupExtra.value == "county",
                      model.GroupExtra.state == "active")
              .order_by(model.Group.title).first())
    return county.title if county is not None else _("Your county")


def _period_schema() -> dict:
    return {"from": [v("ignore_missing"), v("isodate")], "to": [v("ignore_missing"), v("isodate")]}


def _period(data: dict) -> queries.Period:
    """Twelve months ending with ``to`` (default today) unless ``from`` is given; at most three years."""
    end = _date(data.get("to")) or queries.today()
    start = _date(data.get("from")) or queries.trend_period(queries.Period(end, end)).start
    if start > end:
        raise tk.ValidationError({"from": [_("The period ends before it starts")]})
    if (end - start).days > queries.MAX_DAYS:
        raise tk.ValidationError({"from": [_("The period may be at most three years long")]})
    return queries.Period(start, end)


def _date(value) -> Optional[dt.date]:
    if value is None or value == "":
        return None
    return value.date() if isinstance(value, dt.datetime) else value


@tk.side_effect_free
def evaluation_dashboard(context, data_dict) -> dict[str, Any]:
    """The city's sharing at a glance for the Authority's evaluation (Art 34), and a county
    authority's for its county (Art 34 read with Art 7: the county authority supervises its
    county): requests by state and by month, the on-time rates by month (Art 26.2 decisions in
    3 working days, Art 26.5 quality fixes in 2, Art 12 accounts, Art 21 offlining), the
    slowest departments, the most-used entries, the catalog's growth and the open overdue items.

    :param from: :param to: ISO dates (default: the twelve months ending today, Asia/Shanghai)
    Each figure is a dict with its rows and ``as_of``; ``links`` of the page are built from
    the keys given (department names, entry names, states, months).
    """
    tk.check_access("evaluation_dashboard", context, data_dict)
    data = _validate(data_dict, _period_schema(), context)
    period = _period(data)
    allowed = scope.ranking_scope(authz.context_user(context))
    now = cal.utcnow()
    values = queries.params(period, allowed, now)
    ids = None if allowed is None else sorted(allowed)

    ranking = queries.ranking(period, scope=allowed, sort="name", now=now)
    trend = queries.trend(period, allowed, now=now)
    ranking_as_of, trend_as_of = _as_of(ranking, now), _as_of(trend, now)

    states_rows = _rows(BY_STATE_SQL, {"scope": ids})
    counted = {r["state"]: int(r["n"]) for r in states_rows}
    by_state = [{"state": s, "count": n}
                for s, n in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))]

    used = _rows(_most_used_sql(TOP), values)
    growth_rows = {r["month"]: int(r["n"]) for r in _rows(_growth_sql(), values)}
    total = growth_rows.pop("", 0)
    growth = []
    for month in _months(period):
        total += growth_rows.get(month, 0)
        growth.append({"month": month, "new": growth_rows.get(month, 0), "total": total, **_month_bounds(month)})

    slow = sorted((r for r in ranking if r.get("handling_median_wd") is not None),
                  key=lambda r: (-r["handling_median_wd"], -(r.get("handling_p90_wd") or 0), r["label"] or ""))[:TOP]
    overdue = sorted((r for r in ranking if r.get("overdue_now")),
                     key=lambda r: (-r["overdue_now"], r["label"] or ""))
    months = [{**m, **_month_bounds(m["month"])} for m in trend]

    def dept(r: dict, *keys: str) -> dict:
        return {"id": r["key"], "title": r["label"],
                **{k: r.get(k) for k in keys}}

    return {
        "scope": {"label": _scope_label(allowed), "city": allowed is None},
        "period": period.as_dict(),
        "as_of": _iso(now),
        "totals": {
            "as_of": ranking_as_of,
            "entries": sum(int(r.get("entries") or 0) for r in ranking),
            "departments": len(ranking),
            "requests_received": sum(int(m.get("requests_received") or 0) for m in trend),
            "overdue_now": sum(int(r.get("overdue_now") or 0) for r in ranking),
            "data_reads": sum(int(m.get("data_reads") or 0) for m in trend),
        },
        "by_state": {"as_of": _iso(now), "rows": by_state},
        "by_month": {"as_of": trend_as_of, "months": [
            {k: m[k] for k in ("month", "from", "to", "requests_received", "requests_made")} for m in months]},
        "ontime": {"as_of": trend_as_of, "keys": list(ONTIME_KEYS), "months": [
            {k: m.get(k) for k in ("month", "from", "to", *ONTIME_KEYS)} for m in months]},
        "slowest": {"as_of": ranking_as_of, "rows": [
            dept(r, "handling_median_wd", "handling_p90_wd", "requests_received") for r in slow]},
        "most_used": {"as_of": _iso(now), "rows": [
            {"name": r["name"], "title": r["title"], "org_title": r["org_title"], "uses": int(r["uses"])}
            for r in used]},
        "growth": {"as_of": _iso(now), "months": growth},
        "overdue": {"as_of": ranking_as_of, "total": sum(r["overdue_now"] for r in overdue),
                    "rows": [dept(r, "overdue_now") for r in overdue]},
    }

