"""Actions of the lifecycle rules (Art 12, 14, 16, 17, 20, 21, 33), one module per flow.

Each action: ``check_access`` → validate against :mod:`..schema` → work in the context's
session (every step writes its timeline event and audit row through :mod:`..events` in the
same transaction) → commit unless ``defer_commit`` → the object as a dict. The names are the
API contract of issue 6; illegal transitions raise ValidationError (HTTP 409).

| module | rule | actions |
|---|---|---|
| :mod:`.catalog_offline` | Art 20 | ``catalog_offline_*`` |
| :mod:`.resource_offline` | Art 21 | ``resource_offline_*``, ``public_notice_list`` |
| :mod:`.upkeep` | Art 14 | ``upkeep_notice_*`` |
| :mod:`.accounts` | Art 12 | ``account_request_*`` |
| :mod:`.systems` | Art 16 | ``information_system_*`` |
| :mod:`.duplicates` | Art 17 | ``duplicate_check``, ``duplicate_warning_list`` |
| :mod:`.violations` | Art 33.1 | ``violation_list``, ``violation_review`` |
| :mod:`.summary` | the menus, an entry's page | ``lifecycle_summary`` (the counts, from the list actions above), ``lifecycle_entry_show`` |
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

from . import accounts, catalog_offline, duplicates, resource_offline, summary, systems, upkeep, violations
from .common import UPLOAD_FOLDER  # noqa: F401  (the views store the offlining forms there)

FLOWS: tuple[ModuleType, ...] = (catalog_offline, resource_offline, upkeep, accounts, systems, duplicates,
                                 violations, summary)
PREFIXES = ("catalog_offline_", "resource_offline_", "public_notice_", "upkeep_notice_", "account_request_",
            "information_system_", "duplicate_", "violation_", "lifecycle_summary", "lifecycle_entry_show")


def get_actions() -> dict[str, Any]:
    """Every action defined in a flow module (by its name's prefix)."""
    return {name: fn for module in FLOWS for name, fn in vars(module).items()
            if name.startswith(PREFIXES) and callable(fn) and getattr(fn, "__module__", None) == module.__name__
            and not name.endswith("_dict")}
