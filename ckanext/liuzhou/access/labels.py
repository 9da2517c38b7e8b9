"""CKAN's dataset permission labels, with a user's labels worked out once per transaction.

The labels are CKAN's own (:class:`ckan.lib.plugins.DefaultPermissionLabels`: ``public``,
``creator-<user>``, ``member-<department>``, collaborators when enabled); only the user's list
is remembered. A search page asks for it three times (``package_search``, the ``access``
facet's count in ``search.py``, the activity count in the header), two queries each. The memo
is the roles memo (``sharing/authz.py``): it goes when the transaction ends or a membership,
department or user changes in the session.

For a user whose roles do not cascade to sub-departments (``ckan.auth.roles_that_cascade_to_sub_groups``,
CKAN's default: admin) the ``member-`` labels come from the memberships the request reads
anyway (``authz.member_rows``) instead of ``organization_list_for_user``, which checks access,
looks the user up again and dictizes every department: the same labels, no query of their
own. Sysadmins, cascading roles and dataset collaborators keep CKAN's way.
"""
from __future__ import annotations

from typing import Any

from ckan import authz as ckan_authz
from ckan.lib.plugins import DefaultPermissionLabels

from .. import authz

_DEFAULT = DefaultPermissionLabels()


def get_dataset_labels(dataset_obj: Any) -> list[str]:
    return _DEFAULT.get_dataset_labels(dataset_obj)


def get_user_dataset_labels(user_obj: Any) -> list[str]:
    if not user_obj or getattr(user_obj, "is_anonymous", False) or not getattr(user_obj, "id", None):
        return _DEFAULT.get_user_dataset_labels(user_obj)
    labels = authz.memoized("labels", user_obj.id, lambda: _labels(user_obj))
    return list(labels)


def _labels(user_obj: Any) -> tuple[str, ...]:
    if getattr(user_obj, "sysadmin", False) or ckan_authz.check_config_permission("allow_dataset_collaborators"):
        return tuple(_DEFAULT.get_user_dataset_labels(user_obj))
    rows = authz.member_rows(user_obj.id)
    cascading = set(ckan_authz.check_config_permission("roles_that_cascade_to_sub_groups") or ())
    if any(cap in cascading for cap, _active, _name in rows.values()):
        return tuple(_DEFAULT.get_user_dataset_labels(user_obj))
    readers = set(ckan_authz.get_roles_with_permission("read"))
    return ("public", f"creator-{user_obj.id}",
            *(f"member-{gid}" for gid, (cap, active_org, _name) in rows.items() if active_org and cap in readers))
