"""What the dashboard's charts draw (``assets/js/evaluation-dashboard.js``): the figures of
``evaluation_dashboard`` with their translated labels and, for every bar, slice and point, the
address of the list behind it. Presentation only: nothing is counted here."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from . import definitions as d

_ = tk._


def _url(endpoint: str, **args: Any) -> str:
    return tk.h.url_for(endpoint, **{k: v for k, v in args.items() if v not in (None, "")})


def _ranking(month: dict, sort: str) -> str:
    """The ranking of departments over one month, sorted by the figure charted."""
    return _url("liuzhou_evaluation.ranking", sort=sort, **{"from": month["from"], "to": month["to"]})


def _detail(dept_id: str, indicator: str, period: dict) -> str:
    return _url("liuzhou_evaluation.detail", by="department", id=dept_id, indicator=indicator,
                **{"from": period["from"], "to": period["to"]})


def _short(months: list[str]) -> list[str]:
    """Axis labels of the months: "3月" (the full YYYY-MM is in the tooltip)."""
    return [_("month {month}").format(month=int(m[5:7])) for m in months]


def _label(key: str) -> str:
    return _(d.BY_KEY[key].label)


def charts(result: dict) -> dict:
    """One entry per chart: ``title``, ``as_of``, ``list`` (the list behind the whole chart) and
    the series to draw with one ``url`` per data point."""
    period = result["period"]
    months = result["by_month"]["months"]
    ontime = result["ontime"]["months"]
    growth = result["growth"]["months"]
    return {
        "by_state": {
            "title": _("Share requests by state"), "as_of": result["by_state"]["as_of"],
            "list": _url("liuzhou_sharing.all_requests"),
            "kind": "pie", "name": _("Requests"),
            "points": [{"name": tk.h.liuzhou_share_state_label(r["state"]), "value": r["count"],
                        "url": _url("liuzhou_sharing.all_requests", state=r["state"])}
                       for r in result["by_state"]["rows"]],
        },
        "by_month": {
            "title": _("Share requests by month"), "as_of": result["by_month"]["as_of"],
            "list": _url("liuzhou_evaluation.ranking", sort="requests_received desc",
                         **{"from": period["from"], "to": period["to"]}),
            "kind": "bar", "categories": [m["month"] for m in months], "short": _short([m["month"] for m in months]),
            "series": [{"name": _label("requests_received"), "data": [m["requests_received"] for m in months]}],
            "urls": [_ranking(m, "requests_received desc") for m in months],
        },
        "ontime": {
            "title": _("On-time rates by month"), "as_of": result["ontime"]["as_of"],
            "list": _url("liuzhou_evaluation.ranking", sort="ontime_decision asc",
                         **{"from": period["from"], "to": period["to"]}),
            "kind": "line", "unit": "%", "max": 100, "categories": [m["month"] for m in ontime],
            "short": _short([m["month"] for m in ontime]),
            "series": [{"name": _label(k), "data": [m.get(k) for m in ontime]} for k in result["ontime"]["keys"]],
            "urls": [_ranking(m, "ontime_decision asc") for m in ontime],
        },
        "slowest": {
            "title": _("Slowest departments (working days to decide)"), "as_of": result["slowest"]["as_of"],
            "list": _url("liuzhou_evaluation.ranking", sort="handling_median_wd desc",
                         **{"from": period["from"], "to": period["to"]}),
            "kind": "hbar", "unit": _("working days"),
            "categories": [r["title"] for r in result["slowest"]["rows"]],
            "series": [{"name": _label("handling_median_wd"), "data": [r["handling_median_wd"] for r in result["slowest"]["rows"]]},
                       {"name": _label("handling_p90_wd"), "data": [r["handling_p90_wd"] for r in result["slowest"]["rows"]]}],
            "urls": [_detail(r["id"], "handling_median_wd", period) for r in result["slowest"]["rows"]],
        },
        "most_used": {
            "title": _("Most-used catalog entries"), "as_of": result["most_used"]["as_of"],
            "list": _url("liuzhou_evaluation.ranking", sort="entries_used desc",
                         **{"from": period["from"], "to": period["to"]}),
            "kind": "hbar", "unit": _("uses"),
            "categories": [r["title"] for r in result["most_used"]["rows"]],
            "series": [{"name": _("Deliveries and reads by other departments"),
                        "data": [r["uses"] for r in result["most_used"]["rows"]]}],
            "urls": [_url("catalog.read", id=r["name"]) for r in result["most_used"]["rows"]],
        },
        "growth": {
            "title": _("Catalog growth"), "as_of": result["growth"]["as_of"],
            "list": _url("catalog.search", sort="metadata_created desc"),
            "kind": "growth", "categories": [m["month"] for m in growth], "short": _short([m["month"] for m in growth]),
            "series": [{"name": _("New entries"), "data": [m["new"] for m in growth]},
                       {"name": _("Entries in the catalog"), "data": [m["total"] for m in growth]}],
            "urls": [_url("catalog.search", sort="metadata_created desc") for m in growth],
        },
        "overdue": {
            "title": _("Open overdue items by department"), "as_of": result["overdue"]["as_of"],
            "list": _url("liuzhou_sharing.overdue"),
            "kind": "hbar", "unit": _("items"),
            "categories": [r["title"] for r in result["overdue"]["rows"]],
            "series": [{"name": _label("overdue_now"), "data": [r["overdue_now"] for r in result["overdue"]["rows"]]}],
            "urls": [_detail(r["id"], "overdue_now", period) for r in result["overdue"]["rows"]],
        },
    }
