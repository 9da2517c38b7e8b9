"""What a user who does not own an entry sees of its resources.

A resource's real location (``url``) is shown to the provider's own users and sysadmins only.
Everyone else gets the platform's download route (``/data/<resource id>``) when they may read
the data — the platform is the only channel (Art 10–11) and records the read (Art 25) — and
an empty ``url`` when they may not. The entry says which, and why, in ``liuzhou_access``.
"""
from __future__ import annotations

from typing import Any, Iterable

import ckan.plugins.toolkit as tk

from .policy import Reader

ACCESS_KEY = "liuzhou_access"
# Resource keys that can carry a location or a copy of the data.
_LOCATION_KEYS = ("url", "cache_url", "original_url")


def platform_url(resource_id: str) -> str:
    return "%s/data/%s" % (tk.config.get("ckan.site_url", "").rstrip("/"), resource_id)


def redact_resource(resource: dict, readable: bool) -> dict:
    for key in _LOCATION_KEYS:
        if key in resource:
            resource[key] = ""
    if readable and resource.get("id"):
        resource["url"] = platform_url(resource["id"])
    return resource


def redact_package(pkg_dict: dict, reader: Reader) -> dict:
    """Redact in place (and return) one entry's dict for this reader."""
    if not isinstance(pkg_dict, dict) or reader.owns(pkg_dict.get("owner_org")):
        return pkg_dict
    decision = reader.decide_dict(pkg_dict)
    for resource in pkg_dict.get("resources") or []:
        if isinstance(resource, dict):
            redact_resource(resource, decision.readable)
    pkg_dict[ACCESS_KEY] = decision.as_dict()
    return pkg_dict


def redact_packages(pkg_dicts: Iterable[Any], reader: Reader) -> None:
    for pkg_dict in pkg_dicts:
        redact_package(pkg_dict, reader)
