"""ckanext-dcat's actions, in the platform's profile only.

ckanext-dcat lets a caller choose the profiles (``profiles``) that serialise the entries; other
profiles render resource fields the access layer does not know (``access_url``,
``download_url``), and expect a ``dataset`` schema this portal does not have. Here the
``profiles`` of a call are dropped, so every serialisation is the ``liuzhou`` profile of
:mod:`.profile` (``ckanext.dcat.rdf.profiles``), which gives a resource's location only to a
reader who may read it (Art 10–11).
"""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins.toolkit as tk

from . import auth

#: The reads that ckanext-dcat marks free of side effects (callable by GET).
_SIDE_EFFECT_FREE = {"dcat_catalog_show", "dcat_catalog_search"}


def _platform_profile(name: str) -> Callable:
    def action(up_func, context, data_dict):
        data = {k: v for k, v in (data_dict or {}).items() if k != "profiles"}
        return up_func(context, data)

    action.__name__ = name
    action.__doc__ = (f"``{name}`` of ckanext-dcat, serialised with the platform's profile only "
                      "(the ``profiles`` parameter is ignored): a resource's location only for a "
                      "reader who may read it (Art 10–11); signed-in users only.")
    if name in _SIDE_EFFECT_FREE:
        action = tk.side_effect_free(action)
    return tk.chained_action(action)


def get_actions() -> dict[str, Any]:
    return {name: _platform_profile(name) for name in auth.dcat_action_names()
            if name in auth.DCAT_ACTIONS}
