"""The weekly report: the ranking by department, level and county, and a short summary."""
from __future__ import annotations

import datetime as dt

import ckan.plugins.toolkit as tk

from . import definitions as d
from . import export

_ = tk._


def build(user: str, start: dt.date, end: dt.date) -> dict:
    context = {"user": user, "ignore_auth": True}
    period = {"from": start.isoformat(), "to": end.isoformat()}
    return {by: tk.get_action("evaluation_ranking")(dict(context), {**period, "by": by}) for by in d.BY}


def tables(figures: dict) -> list[export.Table]:
    out = [export.ranking_table(figures[by]) for by in d.BY]
    definitions = export.Table(_("Definitions"), [_("Indicator"), _("Definition")],
                               [[_(i.label), _(i.definition)] for i in d.INDICATORS])
    return [*out, definitions]


def _fmt(value, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}%" if unit == "pct" else (f"{value:.1f}" if unit == "wd" else str(value))


def summary(figures: dict) -> str:
    """A few lines for the meeting: totals by level, who is late, who is best and worst on time."""
    deps = figures["department"]
    p = deps["period"]
    lines = [_("Evaluation of departments {start} – {end}").format(start=p["from"], end=p["to"]), ""]
    for row in figures["level"]["rows"]:
        lines.append("{label}: {entries} {e_l}, {recv} {r_l}, {ontime} {o_l}, {reads} {d_l}".format(
            label=row["label"], entries=row["entries"], e_l=_("Catalog entries provided"),
            recv=row["requests_received"], r_l=_("Requests received"),
            ontime=_fmt(row["ontime_decision"], "pct"), o_l=_("Decisions on time"),
            reads=row["data_reads"], d_l=_("Data reads")))
    rows = deps["rows"]
    overdue = sorted((r for r in rows if r["overdue_now"]), key=lambda r: -r["overdue_now"])
    lines.append("")
    lines.append(_("Overdue now") + ": " + ("、".join(f"{r['label']} {r['overdue_now']}" for r in overdue) or "—"))
    timed = [r for r in rows if r["ontime_decision"] is not None]
    if timed:
        worst = sorted(timed, key=lambda r: (r["ontime_decision"], -(r["requests_received"] or 0)))[:5]
        lines.append(_("Lowest on-time decision rate") + ": " +
                     "、".join(f"{r['label']} {_fmt(r['ontime_decision'], 'pct')}" for r in worst))
    handled = [r for r in rows if r["handling_median_wd"] is not None]
    if handled:
        slow = sorted(handled, key=lambda r: -r["handling_p90_wd"])[:5]
        lines.append(_("Longest handling time (90th percentile)") + ": " +
                     "、".join(f"{r['label']} {_fmt(r['handling_p90_wd'], 'wd')}" for r in slow))
    issues = [r for r in rows if r["quality_issues"]]
    if issues:
        lines.append(_("Quality issues") + ": " + "、".join(
            f"{r['label']} {r['quality_issues']} ({_('fixed on time')} {_fmt(r['quality_fixed_ontime'], 'pct')})"
            for r in sorted(issues, key=lambda r: -r["quality_issues"])[:5]))
    # the deadlines of the Operator (Art 12, all levels) and of each level's authority (Art 21)
    for key, by in (("ontime_account", "level"), ("ontime_resource_offline", "county")):
        rated = [r for r in figures[by]["rows"] if r[key] is not None]
        if rated:
            lines.append(_(d.BY_KEY[key].label) + ": " + "、".join(f"{r['label']} {_fmt(r[key], 'pct')}" for r in rated))
    return "\n".join(lines)
