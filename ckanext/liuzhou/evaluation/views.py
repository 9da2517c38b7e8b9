"""Pages of the evaluation (blueprint ``liuzhou_evaluation`` under /evaluation, Art 34): the
ranking table (sorted on the server by any indicator or the score, the score's formula under
it), a department's page with its score, the score by month and its monthly trend as inline
SVG charts, the rows behind any number, the weights of the score (the Authority sets them), and
every table as CSV or XLSX (``?format=csv`` / ``xlsx``). Every page shows the time of its
figures. Figures come from the actions; nothing is computed here."""
from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint, Response, request

import ckan.plugins.toolkit as tk

from .. import authz
from ..web import action_context, call_or_abort
from . import cache, charts, dashboard_page, export, scope
from . import definitions as d

_ = tk._
evaluation = Blueprint("liuzhou_evaluation", __name__, url_prefix="/evaluation")


def _call(action: str, data: dict) -> Any:
    return call_or_abort(action, data, invalid_is_400=True)


def _period_args() -> dict:
    return {k: request.args[k] for k in ("from", "to") if request.args.get(k)}


def _sort_args() -> dict:
    """``?sort=<indicator> desc`` (CKAN's own form of a sort) → the action's sort and order."""
    parts = (request.args.get("sort") or "").split()
    if not parts:
        return {}
    return {"sort": parts[0], **({"order": parts[1].lower()} if len(parts) > 1 else {})}


def _format() -> str | None:
    fmt = request.args.get("format")
    if fmt and fmt not in export.FORMATS:
        return tk.abort(400, _("Unknown format"))
    return fmt


def _download(fmt: str, name: str, *tables: export.Table) -> Response:
    body = export.render(fmt, *tables)
    return Response(body, mimetype=export.MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


def _signed_in() -> Any:
    if not tk.current_user.is_authenticated:
        return tk.redirect_to(tk.h.url_for("user.login", came_from=request.full_path))
    return None


def ranking():
    """The ranking of departments, levels or county subtrees; a department's users go to their page."""
    if (login := _signed_in()) is not None:
        return login
    if _refused("evaluation_ranking"):
        own = scope.own_departments(authz.user_obj(tk.current_user.name))
        if own:
            return tk.redirect_to("liuzhou_evaluation.department", id=own[0].name, **_period_args())
        return tk.abort(403, _("Only the Authority and county authorities see the evaluation of departments"))
    data = {**_period_args(), **_sort_args(), **{k: request.args[k] for k in ("by",) if request.args.get(k)}}
    result = _call("evaluation_ranking", data)
    if fmt := _format():
        return _download(fmt, f"evaluation-{result['by']}-{result['period']['from']}-{result['period']['to']}",
                         export.ranking_table(result))
    by_labels = {k: _(v) for k, v in d.BY_LABELS.items()}
    return tk.render("liuzhou/evaluation/ranking.html", {
        "result": result, "by_labels": by_labels, "table": _ranking_table(result, by_labels),
        "labels": {i.key: _(i.label) for i in d.INDICATORS}})


def _ranking_table(result: dict, by_labels: dict) -> str:
    """The ranking's table (snippets/ranking_table.html, 36 rows × 30 figures: most of the page's
    CPU), rendered once per process for the same input. The snippet gets exactly what the key
    digests — the rows with their figures, scores and labels, the indicators' labels and
    definitions, the grouping, sort and period — and the key holds the language and the
    application root its links are built with, so equal keys render equal tables."""
    groups = [{"label": g["label"], "indicators": [{k: i[k] for k in ("key", "label", "definition", "unit")}
                                                   for i in g["indicators"]]} for g in result["groups"]]
    args = {"result": {**{k: result[k] for k in ("by", "sort", "order", "period", "rows")}, "groups": groups},
            "by_labels": by_labels,
            "columns": [(i["key"], i["unit"]) for g in groups for i in g["indicators"]]}
    digest = hashlib.sha256(json.dumps(args, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
    key = (tk.h.lang(), request.script_root, digest)
    html = cache.tables.get(key)
    if html is None:
        html = tk.render_snippet("liuzhou/evaluation/snippets/ranking_table.html", args)  # markup already
        cache.tables.put(key, html)
    return html


def _refused(action: str) -> bool:
    """Whether the auth function of ``action`` refuses the current user."""
    try:
        tk.check_access(action, action_context())
        return False
    except tk.NotAuthorized:
        return True


def department(id: str):
    """A department's figures with their definitions, and its monthly trend as charts."""
    if (login := _signed_in()) is not None:
        return login
    result = _call("evaluation_show", {"id": id, **_period_args()})
    if fmt := _format():
        p = result["period"]
        return _download(fmt, f"evaluation-{result['department']['name']}-{p['from']}-{p['to']}",
                         export.figures_table(result), export.trend_table(result))
    labels = {i.key: (_(i.label), i.unit) for i in d.INDICATORS}
    history = _call("evaluation_score_history", {"id": id, **({"to": request.args["to"]} if request.args.get("to") else {})})
    score_chart = charts.build("score", _("Art 34 score by month"), "score", "line", history["months"])
    return tk.render("liuzhou/evaluation/department.html", {
        "result": result, "charts": charts.trend_charts(result["trend"]["months"], labels),
        "history": history, "score_chart": score_chart,
        "may_rank": not _refused("evaluation_ranking"),
        "level_label": _(d.LEVELS.get(result["department"]["level"] or "", "")) if result["department"]["level"] else ""})


def detail(by: str, id: str, indicator: str):
    """The requests, entries, reads or departments behind one number."""
    if (login := _signed_in()) is not None:
        return login
    if by not in d.BY or indicator not in d.KEYS:
        return tk.abort(404, _("Not found"))
    result = _call("evaluation_detail", {"id": id, "by": by, "indicator": indicator, **_period_args()})
    if fmt := _format():
        p = result["period"]
        return _download(fmt, f"evaluation-{indicator}-{p['from']}-{p['to']}", export.detail_table(result))
    return tk.render("liuzhou/evaluation/detail.html", {"result": result})


def weights():
    """The weights of the Art 34 score: a form for the Authority, read-only for other readers."""
    if (login := _signed_in()) is not None:
        return login
    errors: dict = {}
    may_edit = not _refused("evaluation_weights_update")
    if request.method == "POST":
        if not may_edit:
            return tk.abort(403, _("Only the Authority sets the weights of the score"))
        values = {i.key: request.form.get(f"w-{i.key}", "") for i in d.INDICATORS}
        try:
            tk.get_action("evaluation_weights_update")(action_context(), {"weights": values})
            tk.h.flash_success(_("The weights of the score are saved."))
            return tk.redirect_to("liuzhou_evaluation.weights")
        except tk.ValidationError as e:
            errors = e.error_dict
    result = _call("evaluation_weights_show", {})
    return tk.render("liuzhou/evaluation/weights.html", {
        "result": result, "may_edit": may_edit, "errors": errors,
        "posted": request.form if request.method == "POST" else {}})


def dashboard():
    """大屏: the city's sharing at a glance (evaluation_dashboard), drawn with ECharts; every
    chart links to the list behind it."""
    if (login := _signed_in()) is not None:
        return login
    result = _call("evaluation_dashboard", _period_args())
    return tk.render("liuzhou/evaluation/dashboard.html", {
        "result": result, "charts": dashboard_page.charts(result)})


evaluation.add_url_rule("/", view_func=ranking, methods=["GET"])
evaluation.add_url_rule("/weights", view_func=weights, methods=["GET", "POST"])
evaluation.add_url_rule("/dashboard", view_func=dashboard, methods=["GET"])
evaluation.add_url_rule("/department/<id>", view_func=department, methods=["GET"])
evaluation.add_url_rule("/<by>/<id>/<indicator>", view_func=detail, methods=["GET"])


def get_blueprints() -> list:
    return [evaluation]
