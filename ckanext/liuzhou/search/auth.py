"""Auth of the search actions: suggestions for everyone (anonymous visitors get an empty list
from the action), the vocabulary read by signed-in users and changed by the Operator."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from .. import authz


@tk.auth_allow_anonymous_access
def search_suggest(context, data_dict=None) -> dict:
    return {"success": True}


def search_synonyms_show(context, data_dict=None) -> dict:
    user = authz.context_user(context)
    return {"success": user is not None, "msg": tk._("Sign in first")}


def search_synonyms_update(context, data_dict=None) -> dict:
    if authz.is_operator(authz.context_user(context)):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the platform Operator can change the search vocabulary")}


def get_auth_functions() -> dict:
    return {"search_suggest": search_suggest, "search_synonyms_show": search_synonyms_show,
            "search_synonyms_update": search_synonyms_update}
