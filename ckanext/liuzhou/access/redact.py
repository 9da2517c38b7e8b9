"""What a user who does not own an entry sees of its resources.

A resource's real location (``url``) is shown to the provider's own users and sysadmins only.
Everyone else gets the platform's download route (``/data/<resource id>``) when they may read
the data — the platform is the only channel (Art 10–11) and records the read (Art 25) — and
an empty ``url`` when they may not. The entry says which, and why, in ``liuzhou_access``;
``liuzhou_access.resources`` says it of each resource: a share request opens only the
resources it delivered and of those only the approved information items (Art 25, 26.4), and
a resource taken offline (Art 21) is closed to all but the provider, Authority and Operator.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from . import columns
from .policy import Decision, Reader

ACCESS_KEY = "liuzhou_access"
# Resource keys that can carry a location or a copy of the data.
_LOCATION_KEYS = ("url", "cache_url", "original_url")
# Any other resource field a client may add (CKAN keeps unknown resource fields as extras:
# ``download_url``, ``access_url``, ``endpoint`` …) is a location when its name ends so or its
# value is one (``scheme://…``, ``jdbc:…://``).
_LOCATION_SUFFIXES = ("url", "uri")
_LOCATION_VALUE = re.compile(r"^\s*[a-z][a-z0-9+.-]*:(?:[a-z0-9+.-]+:)*//", re.I)
# The fields the rule reads; a search with ``fl`` may leave them out (then read from the database).
_RULE_FIELDS = {"id", "owner_org", "sharing_type"}


def platform_url(resource_id: str) -> str:
    return "%s/data/%s" % (tk.config.get("ckan.site_url", "").rstrip("/"), resource_id)


def _is_location(key: str, value: Any) -> bool:
    if key in _LOCATION_KEYS or str(key).lower().endswith(_LOCATION_SUFFIXES):
        return True
    return isinstance(value, str) and bool(_LOCATION_VALUE.match(value))


def redact_resource(resource: dict, readable: bool) -> dict:
    for key in [k for k, v in resource.items() if _is_location(k, v)]:
        resource[key] = ""
    if readable and resource.get("id"):
        resource["url"] = platform_url(resource["id"])
    return resource


def redact_package(pkg_dict: dict, reader: Reader, facts: Optional[tuple] = None) -> dict:
    """Redact in place (and return) one entry's dict for this reader.

    ``facts`` = (id, owner_org, sharing_type) from the database, for a dict that lacks the
    fields the rule reads (a ``package_search`` with ``fl``); without them the dict's own."""
    if not isinstance(pkg_dict, dict):
        return pkg_dict
    pid, owner, sharing = facts or (pkg_dict.get("id"), pkg_dict.get("owner_org"),
                                    pkg_dict.get("sharing_type"))
    if reader.owns(owner):
        return pkg_dict
    decision = reader.decide(pid, owner, sharing)
    opened: dict[str, dict] = {}
    for resource in pkg_dict.get("resources") or []:
        if isinstance(resource, dict):
            one = resource_decision(reader, resource, pid, owner, sharing)
            redact_resource(resource, one.readable)
            if resource.get("id"):
                opened[resource["id"]] = resource_access(one, pkg_dict.get("information_items"))
    pkg_dict[ACCESS_KEY] = dict(decision.as_dict(), resources=opened)
    return pkg_dict


def resource_decision(reader: Reader, resource: dict, pid, owner, sharing) -> Decision:
    """One resource's decision for a dict of it: a grant opens only the delivered resources
    (Art 25–26), an offline resource (Art 21) only for the provider, Authority and Operator."""
    return reader.decide_resource(resource.get("id"), pid, owner, sharing,
                                  resource_offline=resource.get("online_status") == "offline")


def resource_access(decision: Decision, entry_items: Any) -> dict:
    """What ``liuzhou_access.resources`` says of one resource: readable, why, by which request,
    and the information items delivered when a grant opens only some (None: all)."""
    allowed = columns.allowed_columns(entry_items, decision.items) if decision.via == "grant" else None
    return {"readable": decision.readable, "via": decision.via,
            "share_request_id": decision.share_request_id,
            "information_items": sorted(decision.items) if allowed is not None else None}


def _facts(pkg_dicts: list[dict]) -> dict[int, Optional[tuple]]:
    """(id, owner_org, sharing_type) of the entries whose dicts lack the rule's fields (one
    query for the page), keyed by ``id(dict)``; None when the dict names no entry."""
    partial = [p for p in pkg_dicts if not _RULE_FIELDS <= p.keys()]
    if not partial:
        return {}
    refs = {str(p.get(k)) for p in partial for k in ("id", "name") if p.get(k)}
    rows = (model.Session.query(model.Package.id, model.Package.name, model.Package.owner_org,
                                model.PackageExtra.value)
            .outerjoin(model.PackageExtra, sa.and_(model.PackageExtra.package_id == model.Package.id,
                                                   model.PackageExtra.key == "sharing_type",
                                                   model.PackageExtra.state == "active"))
            .filter(sa.or_(model.Package.id.in_(refs), model.Package.name.in_(refs))).all()) if refs else []
    by_ref = {ref: (pid, owner, sharing) for pid, name, owner, sharing in rows for ref in (pid, name)}
    return {id(p): by_ref.get(str(p.get("id") or p.get("name"))) for p in partial}


def redact_packages(pkg_dicts: Iterable[Any], reader: Reader) -> None:
    dicts = [p for p in pkg_dicts if isinstance(p, dict)]
    facts = _facts(dicts)
    for pkg_dict in dicts:
        if id(pkg_dict) in facts and facts[id(pkg_dict)] is None:
            continue  # fields that name no entry (no id, no name): no resources, nothing to say
        redact_package(pkg_dict, reader, facts.get(id(pkg_dict)))
