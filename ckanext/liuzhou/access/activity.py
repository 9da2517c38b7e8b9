"""Activity records never hold a resource's location.

CKAN's activity plugin stores a copy of the whole entry in each activity, readable by anyone
who may see the entry's activity stream, and diffs them. Rather than redacting every activity
action on the way out, the copy is cleaned on the way in: resource locations are blanked
before the row is written. (The provider sees the current location on the resource's edit
page; its history is in the audit log of decisions, not here.) Share requests and their
access lists are never copied into activities: the sharing capability writes none.
"""
from __future__ import annotations

from typing import Any

from ..activity_hooks import before_activity_insert
from .redact import redact_resource


def scrub(data: Any) -> Any:
    """Blank resource locations in an activity's ``data`` (in place)."""
    if not isinstance(data, dict):
        return data
    package = data.get("package")
    resources = list(package.get("resources") or []) if isinstance(package, dict) else []
    resources.append(data.get("resource"))
    for resource in resources:
        if isinstance(resource, dict):
            redact_resource(resource, readable=False)
    return data


def _before_insert(mapper, connection, target) -> None:
    target.data = scrub(target.data)


def install() -> bool:
    """Listen on the activity model (once; nothing to do without the activity plugin)."""
    return before_activity_insert(_before_insert)
