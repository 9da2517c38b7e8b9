"""ckanext-dcat's actions, in the platform's profile only, and safe to call with any input.

- ckanext-dcat lets a caller choose the profiles (``profiles``) that serialise the entries;
  other profiles render resource fields the access layer does not know (``access_url``,
  ``download_url``) and expect a ``dataset`` schema this portal does not have. Here the
  ``profiles`` of a call are dropped, so every serialisation is the ``liuzhou`` profile of
  :mod:`.profile` (``ckanext.dcat.rdf.profiles``), which gives a resource's location only to a
  reader who may read it (Art 10–11).
- An unknown ``format`` is refused with a field message (ckanext-dcat would fail in rdflib:
  a 500 on ``/catalog.foo``, a 409 from its views now).
- The catalog's paging links read the request's path: outside a web request (a command, a
  job) the actions run in CKAN's own stand-in request, as ``h.url_for`` does.
"""
from __future__ import annotations

from typing import Any, Callable

import ckan.lib.helpers as ckan_helpers
import ckan.plugins.toolkit as tk

from . import auth

#: The formats of ckanext-dcat's routes (``/catalog.<format>``, ``/dataset/<id>.<format>``).
FORMATS = ("xml", "rdf", "ttl", "n3", "jsonld")
#: The reads that ckanext-dcat marks free of side effects (callable by GET).
_SIDE_EFFECT_FREE = {"dcat_catalog_show", "dcat_catalog_search"}


def _platform_profile(name: str) -> Callable:
    def action(up_func, context, data_dict):
        data = {k: v for k, v in (data_dict or {}).items() if k != "profiles"}
        if data.get("format") not in (None, "", *FORMATS):
            raise tk.ValidationError({"format": [tk._("Unknown format: use one of %s") % ", ".join(FORMATS)]})
        stand_in = ckan_helpers._get_auto_flask_context()  # None inside a web request
        if stand_in is None:
            return up_func(context, data)
        with stand_in:
            return up_func(context, data)

    action.__name__ = name
    action.__doc__ = (f"``{name}`` of ckanext-dcat, serialised with the platform's profile only "
                      "(the ``profiles`` parameter is ignored; ``format``: one of "
                      f"{', '.join(FORMATS)}): a resource's location only for a reader who may "
                      "read it (Art 10–11); signed-in users only.")
    if name in _SIDE_EFFECT_FREE:
        action = tk.side_effect_free(action)
    return tk.chained_action(action)


def get_actions() -> dict[str, Any]:
    return {name: _platform_profile(name) for name in auth.dcat_action_names()
            if name in auth.DCAT_ACTIONS}
