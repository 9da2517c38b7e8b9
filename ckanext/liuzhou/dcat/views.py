"""ckanext-dcat's routes for signed-in users only.

ckanext-dcat serves ``/catalog.<format>`` and ``/dataset/<id>.<format>`` (and, with content
negotiation on, ``/`` and ``/dataset/<id>`` by their ``Accept`` header) to anyone. The access
layer's gate already sends visitors to the sign-in page; when
``ckanext.liuzhou.anonymous_access`` opens the catalog's pages to them, the DCAT routes stay
closed all the same: a visitor gets 403 before ckanext-dcat's view runs (its catalog view would
otherwise meet the refusal of :mod:`.auth` as an error).
"""
from __future__ import annotations

import flask
from flask import Blueprint

import ckan.plugins.toolkit as tk
from ckanext.dcat.utils import check_access_header

dcat = Blueprint("liuzhou_dcat", __name__)

#: ckanext-dcat's blueprints whose every route is a DCAT serialisation.
DCAT_BLUEPRINTS = ("dcat", "dcat_json_interface", "croissant")


def is_dcat_request() -> bool:
    """A request for a DCAT serialisation, on ckanext-dcat's routes or by content negotiation."""
    endpoint = flask.request.endpoint or ""
    if endpoint.split(".")[0] not in DCAT_BLUEPRINTS:
        return False
    if (flask.request.view_args or {}).get("_format") or endpoint.split(".")[0] != "dcat":
        return True
    return bool(check_access_header())   # ckanext-dcat's own reading of the Accept header


def signed_in_only():
    """Before every request: a visitor asking for DCAT gets 403."""
    if not tk.current_user.is_authenticated and is_dcat_request():
        return tk.abort(403, tk._("Please sign in to use the data sharing platform"))
    return None


dcat.before_app_request(signed_in_only)


def get_blueprints() -> list[Blueprint]:
    return [dcat]
