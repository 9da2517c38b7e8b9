"""Template helpers of the cascade: what the entry page says about a regional entry and about
the negative list."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from . import negative_list
from .model import CascadeEntry
from .views import LABELS

FIELD_LABELS = {
    "notes": "Abstract", "classification": "Classification", "format_category": "Format category",
    "sharing_type": "Sharing type", "sharing_conditions": "Sharing conditions", "legal_basis": "Legal basis",
    "sharing_method": "Sharing method", "open_attribute": "Open attribute", "open_conditions": "Open conditions",
    "update_cycle": "Update cycle", "information_items": "Information items",
    "resources.resource_type": "Resource type",
}


def liuzhou_cascade_entry(package_id: str) -> dict | None:
    entry = CascadeEntry.get(package_id)
    if entry is None:
        return None
    return {"remote_name": entry.remote_name, "remote_resource_code": entry.remote_resource_code,
            "harvested_at": entry.harvested_at.isoformat(),
            "missing": [tk._(FIELD_LABELS.get(f, f)) for f in entry.missing_fields]}


def liuzhou_negative_list_flags(package_id: str) -> list[str]:
    return [tk._(LABELS[r]) for r in negative_list.flags_of(package_id)]


def get_helpers() -> dict[str, Any]:
    return {"liuzhou_cascade_entry": liuzhou_cascade_entry,
            "liuzhou_negative_list_flags": liuzhou_negative_list_flags}
