"""One data, one source (Art 17): the read-only check and the recorded warnings (the check on
create and update is in :mod:`..hooks`).
"""
from __future__ import annotations

import json
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ... import authz
from ...formats import Names
from ...validation import validate_or_raise as _validate
from ... import config as lz_config
from .. import dictize, duplicates, schema
from ..model import DuplicateWarning
from ..normalize import normalized_names
from .common import actor_of, catalog_entry, error, filter_org, page

_ = tk._


def _items_arg(raw: Any) -> list[dict]:
    """Items as dicts from a list of dicts or names, JSON text, or comma-separated names."""
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("["):
            try:
                raw = json.loads(text)
            except ValueError:
                raise error("information_items", _("Not a valid JSON list"))
        else:
            raw = text.replace("\n", ",").split(",")
    if not isinstance(raw, (list, tuple)):
        raise error("information_items", _("Must be a list"))
    return [i if isinstance(i, dict) else {"name": str(i)} for i in raw if isinstance(i, (dict, str))]


@tk.side_effect_free
def duplicate_check(context, data_dict) -> dict:
    """Art 17 (一数一源): published entries of other providers whose information items overlap.

    :param information_items: a list (or JSON text) of items ``{name, …}`` or of names
    :param owner_org: the providing department (its own entries are not duplicates)
    :param package_id: an existing entry: its items and provider by default, itself left out
    :returns: ``{"threshold", "min_items", "common", "matches": [{package_id, name, title,
        provider_org, shared, shared_count, item_count, ratio, url}]}``; ``common`` are the
        names left out as identifiers many providers use; ``url`` is the entry's page, where
        its data is requested instead of collected again. Nothing is recorded.
    """
    tk.check_access("duplicate_check", context, data_dict)
    data = _validate(data_dict, schema.duplicate_check(), context)
    pkg = None
    if data.get("package_id"):
        pkg = catalog_entry(data["package_id"])
    raw = data.get("information_items")
    if raw in (None, "", []) and pkg is not None:
        raw = pkg.extras.get("information_items")
    items = _items_arg(raw)
    org_id = authz.org_id(data.get("owner_org")) if data.get("owner_org") else (pkg.owner_org if pkg else None)
    names = normalized_names(items)
    matches = duplicates.find(names, org_id, exclude_package_id=pkg.id if pkg else None)
    return {"threshold": lz_config.duplicate_threshold(), "min_items": lz_config.duplicate_min_items(),
            "common": sorted(names[k] for k in duplicates.common_names(names)), "matches": matches}


@tk.side_effect_free
def duplicate_warning_list(context, data_dict) -> dict:
    """Art 17: recorded one-data-one-source warnings (the Authority and the Operator: all; a
    department: those about its own entries), most recent first. :param state: open |
    cleared | all :param org: the department whose entry duplicates another's
    """
    tk.check_access("duplicate_warning_list", context, data_dict)
    data = _validate(data_dict, schema.duplicate_warning_list(), context)
    user = actor_of(context)
    query = (model.Session.query(DuplicateWarning)
             .join(model.Package, model.Package.id == DuplicateWarning.package_id)
             .filter(model.Package.state == "active"))
    if not (authz.oversees(user) or authz.is_sysadmin(user)):
        query = query.filter(DuplicateWarning.provider_org_id.in_(list(authz.memberships(user)) or [""]))
    if data["state"] != "all":
        query = query.filter(DuplicateWarning.state == data["state"])
    query = filter_org(query, DuplicateWarning.provider_org_id, data.get("org"))
    count = query.count()
    rows = page(query, data, DuplicateWarning.last_detected.desc(), DuplicateWarning.id)
    names = Names([r.detected_by for r in rows], [o for r in rows for o in (r.provider_org_id, r.other_org_id)])
    pkgs = dictize.packages([p for r in rows for p in (r.package_id, r.other_package_id)])
    return {"count": count, "results": [dictize.duplicate_warning(r, names, pkgs) for r in rows],
            "threshold": lz_config.duplicate_threshold()}
