"""Many catalog entries validated and saved at once: the path of imports and harvests.

:func:`save_many` is the one entry point. Each entry is a ``package_create`` data dict (type
``catalog``, ``owner_org``) or, with ``id``, a ``package_update`` one. Every entry is validated
by the schema and the rules of the form (scheming's catalog schema: Art 13, 15, 17, 22, credit
codes); a refused entry comes back with CKAN's field errors and is not saved. With ``dry_run``
nothing is written and no resource code is taken.

This first version saves each entry with ``package_create`` / ``package_update``; the fast
version (writes and Solr indexing in batches) keeps the same signature and results.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable, Optional

import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins.toolkit as tk

from . import validators

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"

#: context flag: validation only (``assign_resource_code`` takes no number)
DRY_RUN = "liuzhou_dry_run"


@dataclasses.dataclass
class Outcome:
    """What happened (or, in a dry run, would happen) to one entry of the input."""
    index: int                      # its position in the input list
    action: str                     # CREATE, UPDATE, UNCHANGED or REFUSED
    id: Optional[str] = None        # the entry's id (None for a create in a dry run)
    name: Optional[str] = None
    resource_code: Optional[str] = None
    errors: dict = dataclasses.field(default_factory=dict)   # CKAN's error dict when REFUSED
    duplicate_warnings: list = dataclasses.field(default_factory=list)  # Art 17


def _context(context: dict, **extra) -> dict:
    base = {"model": model, "session": model.Session, "user": context.get("user"),
            "auth_user_obj": context.get("auth_user_obj")}
    base.update(extra)
    return base


def validate(context: dict, entry: dict) -> tuple[dict, dict]:
    """The entry as the form's schema leaves it, and its errors (empty when valid)."""
    entry = validators.information_items_from_text(dict(entry, type="catalog"))
    plugin = lib_plugins.lookup_package_plugin("catalog")
    pkg = model.Package.get(entry["id"]) if entry.get("id") else None
    ctx = _context(context, **{DRY_RUN: True})
    if pkg is not None:
        ctx["package"] = pkg
        schema, action = plugin.update_package_schema(), "package_update"
    else:
        schema, action = plugin.create_package_schema(), "package_create"
    return lib_plugins.plugin_validate(plugin, ctx, entry, schema, action)


def save_many(context: dict, entries: list[dict], *, dry_run: bool = False,
              progress: Optional[Callable[[int, int], Any]] = None) -> list[Outcome]:
    """Validate every entry; unless ``dry_run``, save the valid ones. One Outcome per entry,
    in input order. ``progress(done, total)`` is called as entries are handled."""
    outcomes: list[Outcome] = []
    total = len(entries)
    for index, entry in enumerate(entries):
        pkg = model.Package.get(entry["id"]) if entry.get("id") else None
        try:
            data, errors = validate(context, entry)
        except tk.ValidationError as e:
            data, errors = {}, e.error_dict
        if errors:
            outcomes.append(Outcome(index, REFUSED, id=pkg.id if pkg else None, errors=errors))
        elif dry_run:
            outcomes.append(Outcome(index, UPDATE if pkg else CREATE, id=pkg.id if pkg else None,
                                    name=data.get("name"),
                                    resource_code=data.get("resource_code")))
        else:
            action = "package_update" if pkg else "package_create"
            try:
                result = tk.get_action(action)(_context(context), dict(entry, type="catalog"))
            except tk.ValidationError as e:
                outcomes.append(Outcome(index, REFUSED, id=pkg.id if pkg else None, errors=e.error_dict))
            else:
                outcomes.append(Outcome(index, UPDATE if pkg else CREATE, id=result["id"],
                                        name=result["name"], resource_code=result.get("resource_code"),
                                        duplicate_warnings=result.get("duplicate_warnings") or []))
        if progress is not None:
            progress(index + 1, total)
    return outcomes
