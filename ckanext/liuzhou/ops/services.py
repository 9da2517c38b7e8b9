"""When a service is down (docs/resilience.md, "When a service fails").

* PostgreSQL unreachable or restarted: any request that needs it gets a 503 — a short page in
  the site's language, or CKAN's JSON error for the API — with ``Retry-After``, never a
  traceback page. A transaction that did not commit left nothing behind (every state change is
  one transaction), and the next request gets a fresh connection (``pool_pre_ping``): the
  portal recovers without a restart.
* Solr unreachable: searches answer 503 the same way ("search is unavailable"); entries that
  are created or edited meanwhile are still saved in PostgreSQL (the failed index update is
  logged, not raised) and reach the index with ``ckan liuzhou reindex`` once Solr is back.
"""
from __future__ import annotations

import json
import logging
import time
from typing import Any

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
from flask import Blueprint, Response, g, has_app_context, request
from markupsafe import escape
from werkzeug.exceptions import InternalServerError

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchError, SearchIndexError, SolrConnectionError

log = logging.getLogger(__name__)

RETRY_AFTER = "30"
_UNREACHABLE = ("Failed to connect", "Could not connect", "Connection refused", "timed out",
                "Max retries exceeded", "Connection aborted", "RemoteDisconnected")


def solr_unreachable(error: BaseException) -> bool:
    """True when the error says Solr could not be reached (not that it refused a document)."""
    text = " ".join(str(a) for a in getattr(error, "args", ()) or (str(error),))
    return isinstance(error, SolrConnectionError) or any(marker in text for marker in _UNREACHABLE)


# ---------------------------------------------------------------- index updates while Solr is down

def install_index_guard() -> None:
    """Let writes commit while Solr is unreachable: CKAN's synchronous indexer raises
    SearchIndexError inside the commit, which would lose the write; log it instead.

    With ``ckanext.liuzhou.search.index_retry_seconds`` > 0 the update is first tried again
    for that long (SolrCloud: a shard whose leader died answers again once ZooKeeper has
    elected the other replica, docs/cluster-solr.md)."""
    from ckan.lib.search import SynchronousSearchPlugin

    from .. import config as lz_config

    if getattr(SynchronousSearchPlugin.notify, "_liuzhou_guard", False):
        return
    original = SynchronousSearchPlugin.notify

    def notify(self, entity: Any, operation: str) -> None:
        deadline = time.monotonic() + lz_config.search_index_retry_seconds()
        pause = 0.25
        while True:
            try:
                original(self, entity, operation)
                return
            except SearchIndexError as e:
                if not solr_unreachable(e):
                    raise
                if time.monotonic() + pause >= deadline:
                    log.warning("Solr is unreachable: %s %s saved, not indexed; run `ckan liuzhou "
                                "reindex` when Solr is back (%s)", getattr(entity, "name", entity),
                                operation, e)
                    return
                log.info("Solr unreachable, index update of %s tried again in %.2f s (%s)",
                         getattr(entity, "name", entity), pause, e)
                time.sleep(pause)
                pause = min(2.0, pause * 2)
    notify._liuzhou_guard = True
    SynchronousSearchPlugin.notify = notify


# ---------------------------------------------------------------- 503 pages

PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f5f7fa;margin:0}}
main{{max-width:40rem;margin:12vh auto;background:#fff;border:1px solid #dde3ea;border-radius:6px;padding:2rem 2.5rem}}
h1{{font-size:1.4rem;color:#b42318;margin-top:0}}p{{color:#333;line-height:1.7}}a{{color:#1d5fa8}}</style>
</head><body><main class="liuzhou-unavailable" data-service="{service}">
<h1>{title}</h1><p>{message}</p><p><a href="{back}">{again}</a></p></main></body></html>
"""


def _texts(service: str) -> tuple[str, str]:
    _ = tk._
    if service == "search":
        return (_("Search is temporarily unavailable"),
                _("The search service of the platform cannot be reached at the moment. Nothing you "
                  "saved is lost. Please try again in a few minutes."))
    return (_("The platform is temporarily unavailable"),
            _("The platform's database cannot be reached at the moment; nothing was changed by "
              "this request. Please try again in a few minutes."))


def unavailable(service: str) -> Response:
    """A 503 for ``service`` ("database" or "search"): JSON under /api, else a short page."""
    try:
        model.Session.remove()  # give the connection back; the next request starts afresh
    except Exception:  # noqa: BLE001 - the database may be gone: nothing more to release
        log.debug("session release failed", exc_info=True)
    try:
        title, message = _texts(service)
        lang = tk.h.lang() or "zh_Hans_CN"
    except Exception:  # noqa: BLE001 - no translations reachable: say it in the site's language
        title, message, lang = ("服务暂时不可用", "请稍后再试。", "zh_Hans_CN")
    if request.path.startswith("/api/"):
        body = json.dumps({"success": False, "help": request.url,
                                "error": {"__type": "Service Unavailable", "service": service,
                                          "message": message}}, ensure_ascii=False)
        response = Response(body, status=503, mimetype="application/json")
    else:
        try:
            again = tk._("Try again")
        except Exception:  # noqa: BLE001
            again = "重试"
        html = PAGE.format(lang=escape(lang.replace("_", "-")), title=escape(title), message=escape(message),
                           service=service, back=escape(request.full_path.rstrip("?")), again=escape(again))
        response = Response(html, status=503, mimetype="text/html")
    response.headers["Retry-After"] = RETRY_AFTER
    return response


ops = Blueprint("liuzhou_ops", __name__)


@ops.app_errorhandler(sa_exc.OperationalError)
@ops.app_errorhandler(sa_exc.InterfaceError)
@ops.app_errorhandler(sa_exc.DisconnectionError)
@ops.app_errorhandler(sa_exc.PendingRollbackError)
def _database_down(error):
    log.error("database unavailable: %s", str(error).splitlines()[0] if str(error) else error)
    return unavailable("database")


@ops.app_errorhandler(SearchError)
@ops.app_errorhandler(SolrConnectionError)
@ops.app_errorhandler(SearchIndexError)
def _search_down(error):
    if isinstance(error, SearchIndexError) and not solr_unreachable(error):
        raise error
    log.error("search unavailable: %s", error)
    return unavailable("search")


@sa.event.listens_for(sa.engine.Engine, "handle_error")
def _note_database_down(context) -> None:
    """Remember, for this web request, that the database could not be reached: the API view
    turns every exception into a JSON 500, which ``_api_unavailable`` then makes a 503."""
    if context.is_disconnect or isinstance(context.sqlalchemy_exception, sa_exc.OperationalError):
        if has_app_context():
            g.liuzhou_down = "database"


@ops.after_app_request
def _api_unavailable(response: Response) -> Response:
    if response.status_code != 500 or not request.path.startswith("/api/"):
        return response
    service = g.get("liuzhou_down")
    if service is None and b"Search Connection Error" in response.get_data():
        service = "search"
    return unavailable(service) if service else response


@ops.record_once
def _wrap_ckan_500(state) -> None:
    """CKAN's dataset search turns an unreachable Solr into ``abort(500)``; CKAN registers its
    own 500 page after the plugins' blueprints, so the wrapper is put in front of it on the
    first request."""
    app = state.app
    done: list[bool] = []

    def wrap() -> None:
        if done:
            return
        done.append(True)
        # Flask refuses register_error_handler once serving: put the wrapper in its table
        spec = app.error_handler_spec.setdefault(None, {}).setdefault(500, {})
        ckan_handler = spec.get(InternalServerError)

        def handler(error):
            if "Solr" in str(getattr(error, "description", "") or ""):  # abort(500, "…Solr…")
                return unavailable("search")
            return ckan_handler(error) if ckan_handler else error
        spec[InternalServerError] = handler
    app.before_request_funcs.setdefault(None, []).insert(0, wrap)
