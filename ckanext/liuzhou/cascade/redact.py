"""A harvest source's configuration holds the regional platform's credentials: only sysadmins
and the Operator see it (in package_show, harvest_source_show and package_search)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ..sharing import roles

HIDDEN = ("config",)


def _may_see(user_name: str | None) -> bool:
    user = roles.user_obj(user_name) if user_name else None
    return bool(user) and (user.sysadmin or roles.is_operator(user))


def _current_user_name() -> str | None:
    try:
        return tk.current_user.name if tk.current_user.is_authenticated else None
    except (AttributeError, RuntimeError):  # outside a request (commands, jobs): the caller's context decides
        return None


SECRET_WORDS = ("key", "token", "password", "secret", "auth")


def harvest_source(pkg_dict: dict, user_name: str | None) -> None:
    """The configuration, and the keys of it that the search index keeps at the top level
    (``api_key`` …), are blanked."""
    if pkg_dict.get("type") == "harvest" and not _may_see(user_name):
        for key in HIDDEN:
            if key in pkg_dict:
                pkg_dict[key] = ""
        for key in [k for k in pkg_dict if any(w in k.lower() for w in SECRET_WORDS)]:
            pkg_dict.pop(key)
        pkg_dict["extras"] = [e for e in pkg_dict.get("extras") or []
                              if not any(w in str(e.get("key", "")).lower() for w in SECRET_WORDS + HIDDEN)]


def after_show(context: dict, pkg_dict: dict) -> None:
    from .upward import refuse_show
    refuse_show(context, pkg_dict)  # regional entries do not go back up to the region
    if pkg_dict.get("type") == "harvest" and not context.get("ignore_auth"):
        harvest_source(pkg_dict, context.get("user") or _current_user_name())


def after_search(search_results: dict) -> None:
    user = _current_user_name()
    for pkg in search_results.get("results") or []:
        if isinstance(pkg, dict):
            harvest_source(pkg, user)

