"""The information items (信息项) of a catalog entry (Art 13): what a share request asks for,
the provider approves, and a grant opens of the entry's DataStore tables (Art 25, 26.4)."""
from __future__ import annotations

import json
from typing import Any, Iterable

import ckan.model as model


def entry_items(package_or_items: Any) -> list[dict]:
    """The information items of an entry (a package, or its stored / dictized value)."""
    raw = package_or_items
    if isinstance(package_or_items, model.Package):
        raw = package_or_items.extras.get("information_items")
    try:
        items = json.loads(raw) if isinstance(raw, str) and raw else (raw or [])
    except ValueError:
        items = []
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def key(item: dict) -> str:
    """An item's key: its identifier, or its name where it has none."""
    return str(item.get("identifier") or item.get("name"))


def covers_every_item(package_or_items: Any, approved: Iterable[str]) -> bool:
    """Whether the ``approved`` item keys are every item of the entry (a grant of them reads
    the whole table)."""
    return {key(i) for i in entry_items(package_or_items)} <= set(approved)
