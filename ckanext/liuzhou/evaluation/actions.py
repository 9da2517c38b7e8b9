"""Actions of the evaluation (Art 34: data quality, degree of sharing, efficiency of scheduling,
support for applications): the ranking, one department's figures and trend, the rows behind a
number, and the Art 34 score with its weights. Every figure is computed in SQL (:mod:`.sql`),
read from the aggregates the scheduler keeps (:mod:`.aggregate`) where the indicator has one,
and carries ``as_of``: the time of the data it is computed from (Beijing time, ISO 8601).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import audit, authz
from ..calendar import store as cal
from ..formats import local_iso
from ..validation import acting_user, commit_unless_deferred
from ..validation import validate_or_raise as _validate
from . import definitions as d
from . import dashboard, queries, scope, sql
from . import score as sc

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


def _groups_as_of(src: queries.Source) -> list[dict]:
    groups = d.groups()
    for g in groups:
        for ind in g["indicators"]:
            ind["as_of"] = local_iso(src.as_of(ind["key"]))
            ind["aggregated"] = ind["key"] in src.agg
    return groups


def _weights() -> dict[str, float]:
    return {k: v["weight"] for k, v in sc.weights().items()}


def _scored_departments(period: queries.Period, src: queries.Source, sort: str = "name",
                        descending: bool = False, weights: Optional[dict[str, float]] = None) -> list[dict]:
    """Every department of the city with its score (compared with all of them)."""
    rows = queries.ranking(period, by="department", scope=None, sort=sort, descending=descending, src=src)
    sc.add_scores(rows, _weights() if weights is None else weights)
    return rows


@tk.side_effect_free
def evaluation_ranking(context, data_dict) -> dict[str, Any]:
    """Every indicator of Art 34 and the Art 34 score for each department, level (市/县区/乡镇/村)
    or county subtree over a period, sorted on the server by any indicator or the score.

    :param by: department (default) | level | county
    :param from: ISO date (default: the first day of the month five months ago)
    :param to: ISO date (default: today, Asia/Shanghai)
    :param sort: an indicator key, ``score`` or ``name`` (default)
    :param order: asc | desc (default: desc for an indicator or the score, asc for the name)
    The Authority sees every department, a county authority the departments of its county.
    Each row has ``score`` (0–100, :mod:`.score`) and ``as_of``; ``groups`` gives each
    indicator's ``as_of``, ``formula`` the weights of the score.
    """
    tk.check_access("evaluation_ranking", context, data_dict)
    data = _validate(data_dict, {**_period_schema(),
                                 "by": [v("default")("department"), _one_of(d.BY)],
                                 "sort": [v("default")("name"), _one_of(("name", "score", *d.KEYS))],
                                 "order": [v("ignore_missing"), _one_of(("asc", "desc"))]}, context)
    period = _period_of(data)
    by, sort = data["by"], data["sort"]
    order = data.get("order") or ("asc" if sort == "name" else "desc")
    allowed = scope.ranking_scope(authz.context_user(context))
    src = queries.source()
    sql_sort = "name" if sort == "score" else sort
    weights = _weights()
    if by == "department":
        rows = sc.in_scope(_scored_departments(period, src, sql_sort, order == "desc", weights), allowed)
    else:
        rows = queries.ranking(period, by=by, scope=allowed, sort=sql_sort, descending=order == "desc", src=src)
        sc.add_scores(rows, weights)
    if sort == "score":
        scored = sorted((r for r in rows if r["score"] is not None), key=lambda r: r["score"],
                        reverse=order == "desc")
        rows = scored + [r for r in rows if r["score"] is None]
    as_of = local_iso(src.oldest())
    for row in rows:
        row["label"] = _label(row, by)
        row["key"] = row["key"] or "-"
        row["as_of"] = as_of
    return {"period": period.as_dict(), "by": by, "sort": sort, "order": order, "as_of": as_of,
            "groups": _groups_as_of(src), "formula": sc.formula(weights), "rows": rows}


def _department(ref: str) -> model.Group:
    # the reference as the auth function resolved it (remembered for the transaction)
    gid = authz.org_id(ref) if ref else None
    group = model.Session.get(model.Group, gid) if gid else None
    if group is None or not group.is_organization or group.state != "active":
        raise tk.ObjectNotFound(_("Department not found"))
    return group


@tk.side_effect_free
def evaluation_show(context, data_dict) -> dict[str, Any]:
    """One department's indicators of Art 34 and its Art 34 score over a period, with their
    definitions, and the monthly trend of its flows (requests, handling time, on-time rates,
    quality, use) over the twelve months ending with the period.

    :param id: the department (id or name)
    :param from: :param to: ISO dates (as ``evaluation_ranking``)
    The Authority, the department's county authority and the department's own users see it.
    The score is compared with every department of the city (:mod:`.score`); every figure
    carries ``as_of``.
    """
    tk.check_access("evaluation_show", context, data_dict)
    data = _validate(data_dict, {"id": [v("not_empty"), v("unicode_safe")], **_period_schema()}, context)
    group = _department(data["id"])
    period = _period_of(data)
    src = queries.source()
    figures = next((r for r in _scored_departments(period, src) if r["key"] == group.id), {})
    trend_period = queries.trend_period(period)
    months = queries.trend(trend_period, {group.id}, src=src)
    groups = _groups_as_of(src)  # after both: the time of the live figures they read
    for g in groups:
        for ind in g["indicators"]:
            ind["value"] = figures.get(ind["key"])
    as_of = local_iso(src.oldest())
    return {"department": {"id": group.id, "name": group.name, "title": group.title,
                           "level": figures["level"] if "level" in figures else group.extras.get("level")},
            "period": period.as_dict(), "as_of": as_of, "groups": groups,
            "figures": {k: figures.get(k) for k in d.KEYS},
            "score": {"value": figures.get("score"), "as_of": as_of},
            "trend": {"period": trend_period.as_dict(), "as_of": as_of, "months": months}}


@tk.side_effect_free
def evaluation_score_history(context, data_dict) -> dict[str, Any]:
    """A department's Art 34 score month by month (each month compared with every department of
    the city in that month, with today's weights).

    :param id: the department (id or name)
    :param to: ISO date (default today): the last month
    :param months: how many months (1–24, default 12)
    Who may see the department's evaluation may see it.
    """
    tk.check_access("evaluation_score_history", context, data_dict)
    data = _validate(data_dict, {"id": [v("not_empty"), v("unicode_safe")],
                                 "to": [v("ignore_missing"), v("isodate")],
                                 "months": [v("default")(12), v("natural_number_validator"),
                                            _one_of(range(1, 25))]}, context)
    group = _department(data["id"])
    end = _date(data.get("to")) or queries.today()
    src = queries.source()
    periods = queries.months_back(end, int(data["months"]))
    months = [p.start.strftime("%Y-%m") for p in periods]
    stored = None
    if src.agg and src.agg_as_of and end <= cal.local_date(src.agg_as_of):
        stored = queries.stored_monthly_scores(group.id, months, src.agg_as_of)  # kept by the refresh
    if stored is None:
        stored = {m: scores.get(group.id) for m, scores in queries.monthly_scores(end, len(months), src).items()}
    history = [{"month": m, "period": p.as_dict(), "score": stored.get(m)} for m, p in zip(months, periods)]
    return {"department": {"id": group.id, "name": group.name, "title": group.title},
            "as_of": local_iso(src.oldest()), "months": history}


@tk.side_effect_free
def evaluation_weights_show(context, data_dict) -> dict[str, Any]:
    """The weights of the Art 34 score, each with its default and who set it when, and the
    formula (:mod:`.score`). Whoever may see the ranking may see them."""
    tk.check_access("evaluation_weights_show", context, data_dict)
    w = sc.weights()
    plain = {k: x["weight"] for k, x in w.items()}
    return {"weights": [{"key": i.key, "label": _(i.label), "group": i.group, "unit": i.unit,
                         "higher_is_better": i.higher_is_better, "weight": w[i.key]["weight"],
                         "default": w[i.key]["default"], "modified": local_iso(w[i.key]["modified"]),
                         "modified_by": w[i.key]["modified_by"]} for i in d.INDICATORS],
            "formula": sc.formula(plain), "max_weight": sc.MAX_WEIGHT}


def evaluation_weights_update(context, data_dict) -> dict[str, Any]:
    """Set weights of the Art 34 score (the Authority, Art 34: it evaluates the departments).

    :param weights: {indicator key: number 0–100}; indicators not named keep their weight. At
        least one weight must stay above 0. Each change is an audit row
        (``evaluation.weights_update``, the weights before and after).
    """
    tk.check_access("evaluation_weights_update", context, data_dict)
    user = acting_user(context)
    raw = (data_dict or {}).get("weights")
    if isinstance(raw, str):
        import json
        try:
            raw = json.loads(raw)
        except ValueError:
            raise tk.ValidationError({"weights": [_("Give the weights as {indicator: number}")]})
    new, errors = sc.check(raw)
    if errors:
        raise tk.ValidationError({k: [_(m) for m in msgs] for k, msgs in errors.items()})
    before = {k: x["weight"] for k, x in sc.weights().items()}
    if sc.total_after(before, new) <= 0:
        raise tk.ValidationError({"weights": [_("At least one weight must be above 0")]})
    changed = {k: w for k, w in new.items() if before.get(k) != w}
    if changed:
        sc.save(changed, user.name, cal.utcnow())
        audit.record("evaluation.weights_update", user, object_type="evaluation_weights", object_id="score",
                     detail={"before": {k: before[k] for k in changed}, "after": changed})
        commit_unless_deferred(context)
    result = evaluation_weights_show({**context, "ignore_auth": True}, {})
    result["changed"] = sorted(changed)
    return result


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
            "as_of": local_iso(cal.utcnow()),  # the rows are listed live
            "indicator": d.BY_KEY[data["indicator"]].as_dict(),
            "kind": ROW_KINDS[sql.DRILL[data["indicator"]][0]], "rows": rows}


# what a drill-down row links to, by row set
ROW_KINDS = {"entries": "entry", "upkeep": "entry", "used": "entry", "reads": "entry",
             "received": "request", "made": "request", "overdue": "request", "issues": "request",
             "consumers": "department", "accounts": "account", "res_offline": "resource_offline",
             "scenarios": "scenario", "demands": "demand",
             "corrections": "entry"}


def get_actions() -> dict:
    return {"evaluation_ranking": evaluation_ranking, "evaluation_show": evaluation_show,
            "evaluation_detail": evaluation_detail, "evaluation_score_history": evaluation_score_history,
            "evaluation_weights_show": evaluation_weights_show,
            "evaluation_weights_update": evaluation_weights_update,
            "evaluation_dashboard": dashboard.evaluation_dashboard}
