"""Auth of ckanext-dcat's actions: signed-in users only.

ckanext-dcat lets everyone call its actions; the platform shows its catalog to signed-in users
only (Art 10–11: the platform is the channel, and it knows who reads), so each DCAT action is
chained here to refuse visitors, whatever ``ckanext.liuzhou.anonymous_access`` says. A
signed-in user then gets what ``package_show`` and ``package_search`` give them: their checks
(private and offline entries, Art 20) and the redaction of resource locations run inside.
"""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk

from .. import authz

#: The actions of ckanext-dcat's ``dcat`` plugin, and of its ``dcat_json_interface`` plugin.
DCAT_ACTIONS = ("dcat_dataset_show", "dcat_catalog_show", "dcat_catalog_search")
DCAT_JSON_ACTIONS = ("dcat_datasets_list",)


def _signed_in_only(name: str) -> Callable:
    @tk.chained_auth_function
    @tk.auth_disallow_anonymous_access
    def guard(next_auth, context, data_dict):
        if authz.context_user(context) is None:
            return {"success": False, "msg": tk._("Please sign in to use the data sharing platform")}
        return next_auth(context, data_dict)

    guard.__name__ = name
    guard.__doc__ = f"``{name}`` (ckanext-dcat): signed-in users only (Art 10–11)."
    return guard


def dcat_action_names() -> tuple[str, ...]:
    """The DCAT actions this site has (each exists only with its plugin)."""
    names: tuple[str, ...] = ()
    if plugins.plugin_loaded("dcat"):
        names += DCAT_ACTIONS
    if plugins.plugin_loaded("dcat_json_interface"):
        names += DCAT_JSON_ACTIONS
    return names


def get_auth_functions() -> dict[str, Any]:
    return {name: _signed_in_only(name) for name in dcat_action_names()}
