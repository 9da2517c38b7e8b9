"""Actions of the evaluation (Art 34: data quality, degree of sharing, efficiency of scheduling,
support for applications): the ranking, one department's figures and trend, and the rows
behind a number. Read-only; every figure is computed in SQL by :mod:`.sql`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import authz
from ..validation import validate_or_raise as _validate
from . import definitions as d
from . import queries, scope, sql

v = tk.get_validator
_ = tk._


def _period_schema() -> dict:
    return {"from": [v("ignore_missing"), v("isodate")], "to": [v("ignore_missing"), v("isodate")]}


def _date(value) -> Optional[dt.date]:
    if value is None or value == "":
        return None
    return value.date() if isinstance(value, dt.datetime) else value


def _period_of(data: dict) -> queries.Period:
    """The period asked for (default: this month and the five before), checked."""
    default = queries.default_period()
    start, end = _date(data.get("from")), _date(data.get("to"))
    end = end or default.end
    start = start or queries.default_period(end).start
    if start > end:
        raise tk.ValidationError({"from": [_("The period ends before it starts")]})
    if (end - start).days > queries.MAX_DAYS:
        raise tk.ValidationError({"from": [_("The period may be at most three years long")]})
    return queries.Period(start, end)


def _one_of(values):
    return v("one_of")(list(values))


def _label(row: dict, by: str) -> str:
    if by == "level":
        return _(d.LEVELS.get(row["key"], row["key"] or ""))
    if by == "county" and not row["key"]:
        return _(d.CITY_ITSELF)
    return row.get("label") or row["key"]


@tk.side_effect_free
def evaluation_ranking(context, data_dict) -> dict[str, Any]:
    """Every indicator of Art 34 for each department, level (市/县区/乡镇/村) or county subtree
    over a period, sorted on the server by any indicator.

    :param by: department (default) | level | county
    :param from: ISO date (default: the first day of the month five months ago)
    :param to: ISO date (default: today, Asia/Shanghai)
    :param sort: an indicator key or ``name`` (default)
    :param order: asc | desc (default: desc for an indicator, asc for the name)
    The Authority sees every department, a county authority the departments of its county.
    """
    tk.check_access("evaluation_ranking", context, data_dict)
    data = _validate(data_dict, {**_period_schema(),
                                 "by": [v("default")("department"), _one_of(d.BY)],
                                 "sort": [v("default")("name"), _one_of(("name", *d.KEYS))],
                                 "order": [v("ignore_missing"), _one_of(("asc", "desc"))]}, context)
    period = _period_of(data)
    by, sort = data["by"], data["sort"]
    order = data.get("order") or ("asc" if sort == "name" else "desc")
    allowed = scope.ranking_scope(authz.context_user(context))
    rows = queries.ranking(period, by=by, scope=allowed, sort=sort, descending=order == "desc")
    for row in rows:
        row["label"] = _label(row, by)
        row["key"] = row["key"] or "-"
    return {"period": period.as_dict(), "by": by, "sort": sort, "order": order,
            "groups": d.groups(), "rows": rows}


def _department(ref: str) -> model.Group:
    group = model.Group.get(ref) if ref else None
    if group is None or not group.is_organization or group.state != "active":
        raise tk.ObjectNotFound(_("Department not found"))
    return group


@tk.side_effect_free
def evaluation_show(context, data_dict) -> dict[str, Any]:
    """One department's indicators of Art 34 over a period, with their definitions, and the
    monthly trend of its flows (requests, handling time, on-time rates, quality, use) over the
    twelve months ending with the period.

    :param id: the department (id or name)
    :param from: :param to: ISO dates (as ``evaluation_ranking``)
    The Authority, the department's county authority and the department's own users see it.
    """
    tk.check_access("evaluation_show", context, data_dict)
    data = _validate(data_dict, {"id": [v("not_empty"), v("unicode_safe")], **_period_schema()}, context)
    group = _department(data["id"])
    period = _period_of(data)
    row = queries.ranking(period, scope={group.id})
    figures = row[0] if row else {}
    groups = d.groups()
    for g in groups:
        for ind in g["indicators"]:
            ind["value"] = figures.get(ind["key"])
    trend_period = queries.trend_period(period)
    return {"department": {"id": group.id, "name": group.name, "title": group.title,
                           "level": group.extras.get("level")},
            "period": period.as_dict(), "groups": groups,
            "figures": {k: figures.get(k) for k in d.KEYS},
            "trend": {"period": trend_period.as_dict(), "months": queries.trend(trend_period, {group.id})}}


@tk.side_effect_free
def evaluation_detail(context, data_dict) -> dict[str, Any]:
    """The requests, entries, reads or departments behind one figure (drill-down, Art 34).

    :param id: the group: a department (id or name), a level (``city`` …), a county's
        department (id or name) or ``-`` (city departments in no county)
    :param by: department (default) | level | county
    :param indicator: an indicator key
    :param from: :param to: ISO dates
    :param limit: at most this many rows (default 500)
    """
    tk.check_access("evaluation_detail", context, data_dict)
    data = _validate(data_dict, {"id": [v("not_empty"), v("unicode_safe")], **_period_schema(),
                                 "by": [v("default")("department"), _one_of(d.BY)],
                                 "indicator": [v("not_empty"), _one_of(d.KEYS)],
                                 "limit": [v("default")(500), v("natural_number_validator")]}, context)
    period = _period_of(data)
    by, key = data["by"], data["id"]
    if by == "department":
        group = _department(key)
        key, allowed, label = group.id, {group.id}, group.title
    else:
        allowed = scope.ranking_scope(authz.context_user(context))
        if by == "county":
            if key == "-":
                key, label = "", _(d.CITY_ITSELF)
            else:
                group = _department(key)
                key, label = group.id, group.title
        else:
            if key not in d.LEVELS:
                raise tk.ObjectNotFound(_("No such level"))
            label = _(d.LEVELS[key])
    rows = queries.drill(period, data["indicator"], key, by=by, scope=allowed, limit=int(data["limit"]))
    return {"id": data["id"], "by": by, "label": label, "period": period.as_dict(),
            "indicator": d.BY_KEY[data["indicator"]].as_dict(),
            "kind": ROW_KINDS[sql.DRILL[data["indicator"]][0]], "rows": rows}


# what a drill-down row links to, by row set
ROW_KINDS = {"entries": "entry", "upkeep": "entry", "used": "entry", "reads": "entry",
             "received": "request", "made": "request", "overdue": "request", "issues": "request",
             "consumers": "department", "accounts": "account", "res_offline": "resource_offline",
             "corrections": "entry"}


def get_actions() -> dict:
    return {"evaluation_ranking": evaluation_ranking, "evaluation_show": evaluation_show,
            "evaluation_detail": evaluation_detail}
