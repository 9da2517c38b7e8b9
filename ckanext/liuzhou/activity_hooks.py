"""One way to clean what CKAN's activity plugin stores, for every capability that needs it.

The activity plugin keeps a copy of the whole entry in each activity row. A capability that
must keep something out of those copies (resource locations, a harvest source's credentials)
registers a function that runs before the row is written.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import event


def before_activity_insert(fn: Callable) -> bool:
    """Run ``fn(mapper, connection, activity)`` before each activity row is inserted.

    Registering the same function again does nothing. False when the activity plugin is not
    installed (nothing to clean)."""
    try:
        from ckanext.activity.model.activity import Activity
    except ImportError:  # pragma: no cover - the activity plugin is not installed
        return False
    if not event.contains(Activity, "before_insert", fn):
        event.listen(Activity, "before_insert", fn)
    return True
