"""Actions of the lifecycle rules (Art 12, 14, 16, 17, 20, 21, 33), one module per flow.

Each action: ``check_access`` → validate against :mod:`..schema` → work in the context's
session (every step writes its timeline event and audit row through :mod:`..events` in the
same transaction) → commit unless ``defer_commit`` → the object as a dict. The names are the
API contract (docs/lifecycle.md, the API reference); illegal transitions raise ValidationError (HTTP 409).

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

from typing import Any

from . import accounts, catalog_offline, duplicates, resource_offline, summary, systems, upkeep, violations
from .common import UPLOAD_FOLDER  # noqa: F401  (the views store the offlining forms there)


def get_actions() -> dict[str, Any]:
    """Every action of the flows, by name (a new flow's actions are added here; see
    docs/how-to-add-a-rule.md)."""
    return {
        "catalog_offline_apply": catalog_offline.catalog_offline_apply,
        "catalog_offline_list": catalog_offline.catalog_offline_list,
        "catalog_offline_review": catalog_offline.catalog_offline_review,
        "catalog_offline_show": catalog_offline.catalog_offline_show,
        "catalog_offline_attachment_show": catalog_offline.catalog_offline_attachment_show,
        "public_notice_list": resource_offline.public_notice_list,
        "resource_offline_apply": resource_offline.resource_offline_apply,
        "resource_offline_complete": resource_offline.resource_offline_complete,
        "resource_offline_decide": resource_offline.resource_offline_decide,
        "resource_offline_list": resource_offline.resource_offline_list,
        "resource_offline_show": resource_offline.resource_offline_show,
        "upkeep_notice_create": upkeep.upkeep_notice_create,
        "upkeep_notice_list": upkeep.upkeep_notice_list,
        "upkeep_notice_respond": upkeep.upkeep_notice_respond,
        "upkeep_notice_show": upkeep.upkeep_notice_show,
        "account_request_create": accounts.account_request_create,
        "account_request_decide": accounts.account_request_decide,
        "account_request_list": accounts.account_request_list,
        "account_request_show": accounts.account_request_show,
        "information_system_create": systems.information_system_create,
        "information_system_list": systems.information_system_list,
        "information_system_show": systems.information_system_show,
        "information_system_update": systems.information_system_update,
        "duplicate_check": duplicates.duplicate_check,
        "duplicate_warning_list": duplicates.duplicate_warning_list,
        "violation_list": violations.violation_list,
        "violation_review": violations.violation_review,
        "lifecycle_summary": summary.lifecycle_summary,
        "lifecycle_entry_show": summary.lifecycle_entry_show,
    }
