"""A harvest source's configuration holds the regional platform's credentials: only sysadmins
and the Operator see it (in package_show, harvest_source_show and package_search), and CKAN's
activity records never hold it (the activity plugin stores a copy of the source as
``package_show`` gives it with ``ignore_auth``, readable by anyone who may read the source's,
its organization's or its creator's activity stream)."""
from __future__ import annotations

import copy
import json

import ckan.plugins.toolkit as tk

from ..activity_hooks import before_activity_insert
from .. import authz

HIDDEN = ("config",)


def _may_see(user_name: str | None) -> bool:
    user = authz.user_obj(user_name) if user_name else None
    return bool(user) and (user.sysadmin or authz.is_operator(user))


def _current_user_name() -> str | None:
    try:
        return tk.current_user.name if tk.current_user.is_authenticated else None
    except (AttributeError, RuntimeError):  # outside a request (commands, jobs): the caller's context decides
        return None


SECRET_WORDS = ("key", "token", "password", "secret", "auth")


def _blank(pkg_dict: dict) -> None:
    """The configuration, and the keys of it that the search index keeps at the top level
    (``api_key`` …), are blanked (in place)."""
    for key in HIDDEN:
        if key in pkg_dict:
            pkg_dict[key] = ""
    for key in [k for k in pkg_dict if any(w in k.lower() for w in SECRET_WORDS)]:
        pkg_dict.pop(key)
    if "extras" in pkg_dict:
        pkg_dict["extras"] = [e for e in pkg_dict.get("extras") or []
                              if not any(w in str(e.get("key", "")).lower() for w in SECRET_WORDS + HIDDEN)]


def harvest_source(pkg_dict: dict, user_name: str | None) -> None:
    """A harvest source's configuration, blanked for all but sysadmins and the Operator."""
    if pkg_dict.get("type") == "harvest" and not _may_see(user_name):
        _blank(pkg_dict)


def scrub_activity(data):
    """An activity's ``data`` without a harvest source's configuration (in place)."""
    package = data.get("package") if isinstance(data, dict) else None
    if isinstance(package, dict) and package.get("type") == "harvest":
        _blank(package)
    return data


def _before_insert(mapper, connection, target) -> None:
    package = target.data.get("package") if isinstance(target.data, dict) else None
    if isinstance(package, dict) and package.get("type") == "harvest":
        # a copy: the caller's dict (activity_create's data_dict) is left as it was
        target.data = scrub_activity(copy.deepcopy(target.data))


def scrub_stored_activities() -> int:
    """Blank the configuration in activities written before this listener (or by a process
    that ran older code); the number of activities changed. Run by the ``prune`` task."""
    import ckan.model as model
    try:
        from ckanext.activity.model.activity import Activity
    except ImportError:  # pragma: no cover - the activity plugin is not installed
        return 0
    changed = 0
    for activity in model.Session.query(Activity).filter(Activity.activity_type.in_(
            ("new package", "changed package", "deleted package"))):
        package = (activity.data or {}).get("package")
        if isinstance(package, dict) and package.get("type") == "harvest":
            before = json.dumps(package, sort_keys=True)
            data = scrub_activity(copy.deepcopy(activity.data))
            if json.dumps(data["package"], sort_keys=True) != before:
                activity.data = data
                changed += 1
    model.Session.commit()
    return changed


def install() -> bool:
    """Listen on the activity model (once; nothing to do without the activity plugin)."""
    return before_activity_insert(_before_insert)


# installed when the plugin's registry imports this module (every web, worker and CLI process)
install()


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

