"""CKAN's dataset permission labels, with a user's labels worked out once per transaction.

The labels are CKAN's own (:class:`ckan.lib.plugins.DefaultPermissionLabels`: ``public``,
``creator-<user>``, ``member-<department>``, collaborators when enabled); only the user's list
is remembered. A search page asks for it three times (``package_search``, the ``access``
facet's count in ``search.py``, the activity count in the header), two queries each. The memo
is the roles memo (``sharing/roles.py``): it goes when the transaction ends or a membership,
department or user changes in the session.
"""
from __future__ import annotations

from typing import Any

from ckan.lib.plugins import DefaultPermissionLabels

from ..sharing import roles

_DEFAULT = DefaultPermissionLabels()


def get_dataset_labels(dataset_obj: Any) -> list[str]:
    return _DEFAULT.get_dataset_labels(dataset_obj)


def get_user_dataset_labels(user_obj: Any) -> list[str]:
    if not user_obj or getattr(user_obj, "is_anonymous", False) or not getattr(user_obj, "id", None):
        return _DEFAULT.get_user_dataset_labels(user_obj)
    labels = roles.memoized("labels", user_obj.id, lambda: tuple(_DEFAULT.get_user_dataset_labels(user_obj)))
    return list(labels)
