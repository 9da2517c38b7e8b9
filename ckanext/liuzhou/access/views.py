"""The platform's data channel and its gate (Art 10–11: all sharing goes through the platform).

- ``GET /data/<resource_id>``: the only download route. It checks ``resource_data_read``,
  writes the read (or the refusal) to the audit log, and then streams the data: an uploaded
  file from the platform's storage, or a linked resource fetched by the platform
  (see :mod:`.fetch`). The real location never reaches the browser.
- CKAN's own download routes (``/catalog/<id>/resource/<rid>/download[/<file>]``) are served
  by the same function, so uploads cannot be fetched around the check.
- Anonymous visitors are sent to the sign-in page (API calls get 403 from the auth chain),
  unless ``ckanext.liuzhou.anonymous_access`` is true.
- Offline data (Art 20 entry, Art 21 resource) is refused with its reason and an audit row on
  every route, the DataStore dump included; a grant reads only the resources its request
  delivered, and a DataStore table only through the dump, projected on the delivered
  information items (Art 25, 26.4).
"""
from __future__ import annotations

from typing import Optional

import flask
from flask import Blueprint

import ckan.lib.uploader as uploader
import ckan.model as model
import ckan.plugins.toolkit as tk

from ..web import action_context
from . import auth as access_auth
from . import columns, fetch

access = Blueprint("liuzhou_access", __name__)

# Endpoints an anonymous visitor may reach: signing in and what the sign-in page needs.
_OPEN_ENDPOINTS = {
    "user.login", "user.logout", "user.logged_out", "user.logged_out_page",
    "user.request_reset", "user.perform_reset", "static", "webassets.index",
    "api.i18n_js_translations", "util.internal_redirect", "api.action", "api.get_api",
}


def download(resource_id: str, filename: Optional[str] = None):
    resource = model.Resource.get(resource_id)
    if resource is None or resource.state != "active":
        return tk.abort(404, tk._("Resource not found"))
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=flask.request.full_path)
    try:   # decides, and records the read or the refusal (Art 25)
        opened = tk.get_action("resource_data_open")(
            action_context(), {"id": resource_id, "path": flask.request.endpoint})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Resource not found"))
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e) or tk._("You may not read this data"))
    if opened["via"] == "dump":
        # Art 25, 26.4: only the delivered information items of a table, i.e. the DataStore
        # dump (projected and recorded by the chained datastore_search)
        return tk.redirect_to("datastore.dump", resource_id=resource_id)
    if opened["via"] == "file":
        return _send_upload(resource, filename)
    return fetch.stream(resource.url, resource.name or resource.id)


def _send_upload(resource: model.Resource, filename: Optional[str]):
    upload = uploader.get_resource_uploader({"id": resource.id, "url": resource.url,
                                             "url_type": resource.url_type})
    path = upload.get_path(resource.id)
    name = filename or (resource.url or "").rsplit("/", 1)[-1] or resource.id
    try:
        response = flask.send_file(path, download_name=name, as_attachment=True)
    except FileNotFoundError:
        return tk.abort(404, tk._("The file of this resource is missing from storage"))
    if resource.mimetype:
        response.headers["Content-Type"] = resource.mimetype
    return response


def dump_gate(resource_id: str):
    """The DataStore dump (``/datastore/dump/<id>``) answers a refusal with 404 "not found";
    here it gets the reason (offline, not delivered) as a 403 and an audit row (Art 20, 21,
    25–26). What it reads is then projected by the chained ``datastore_search``."""
    resource = model.Resource.get(resource_id)
    if resource is None or not tk.current_user.is_authenticated:
        return None
    context = action_context()
    try:   # a refusal is recorded by the action (Art 25)
        tk.get_action("resource_data_open")(context, {"id": resource_id, "route": "datastore.dump"})
    except tk.ObjectNotFound:
        return None
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e))
    allowed = access_auth.restriction(context, resource_id)
    if allowed is not None:   # Art 25, 26.4: the dump's own fields, filters, q and sort
        try:
            columns.restrict_search(flask.request.args.to_dict(), allowed, [])
        except tk.NotAuthorized as e:
            return tk.abort(403, str(e))   # nothing read: an input error, as in datastore_search
    return None


def gate():
    """Before every request: anonymous visitors sign in first; CKAN's download routes are ours."""
    endpoint = flask.request.endpoint or ""
    if endpoint.endswith("resource.download"):
        args = flask.request.view_args or {}
        return download(args.get("resource_id", ""), args.get("filename"))
    if endpoint == "datastore.dump":
        return dump_gate((flask.request.view_args or {}).get("resource_id", ""))
    if tk.current_user.is_authenticated or access_auth.anonymous_allowed():
        return None
    if not endpoint or endpoint in _OPEN_ENDPOINTS or endpoint.endswith(".static") \
            or endpoint.startswith("_debug"):
        return None
    return tk.redirect_to("user.login", came_from=flask.request.full_path.rstrip("?"))


access.add_url_rule("/data/<resource_id>", view_func=download, endpoint="download")
access.before_app_request(gate)


def get_blueprints() -> list[Blueprint]:
    return [access]
