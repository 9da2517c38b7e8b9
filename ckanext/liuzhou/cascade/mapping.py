"""Regional entry → city catalog entry (Art 9, 23).

The regional platform publishes CKAN datasets; the catalog fields may come as top-level keys
(a regional platform with a catalog schema) or as extras (a stock CKAN). Each catalog field the
regional entry does not give (or gives with a value the catalog does not know) gets a marker
value that passes the catalog's rules and is named in ``missing``, so the entry's page says
what the region did not provide; a missing field never stops the harvest.
"""
from __future__ import annotations

from typing import Any

MARK = "【自治区目录未提供】"
REGIONAL_TAG = "自治区目录"
NAME_PREFIX = "gx-"

CHOICES = {
    "format_category": ("document", "spreadsheet", "database", "image", "media", "self_describing", "api"),
    "sharing_type": ("unconditional", "conditional", "not_shared"),
    "sharing_method": ("platform", "email", "media"),
    "sharing_method_type": ("database", "api", "file"),
    "open_attribute": ("open", "conditional_open", "not_open"),
    "update_cycle": ("realtime", "daily", "weekly", "monthly", "quarterly", "half_yearly", "yearly", "irregular"),
}
# What a missing choice becomes: the most restrictive reading (data only on request, not open).
DEFAULTS = {
    "format_category": "self_describing",
    "sharing_type": "conditional",
    "sharing_method": "platform",
    "open_attribute": "not_open",
    "update_cycle": "irregular",
}
TEXT_FIELDS = ("sharing_conditions", "legal_basis", "open_conditions", "source_system", "publish_date")
RESOURCE_KEYS = ("id", "name", "description", "format", "url", "resource_type", "online_status")


def local_name(remote_name: str) -> str:
    """A stable name: the same regional entry always gets the same name here."""
    return (NAME_PREFIX + remote_name)[:100]


def _fields(remote: dict) -> dict[str, Any]:
    values = {e["key"]: e.get("value") for e in remote.get("extras") or [] if e.get("key")}
    values.update({k: v for k, v in remote.items() if k != "extras"})
    return values


def to_catalog(remote: dict, owner_org: str) -> tuple[dict, list[str], str | None]:
    """The catalog entry for ``remote``; the names of the fields given a marker; the regional
    resource code (kept aside: the city assigns its own codes, Art 13)."""
    src = _fields(remote)
    missing: list[str] = []
    pkg: dict[str, Any] = {
        "id": remote["id"],
        "name": local_name(remote["name"]),
        "type": "catalog",
        "owner_org": owner_org,
        "private": False,
        "state": "active",  # an entry that comes back to the regional catalog comes back here
        "title": (src.get("title") or "").strip() or remote["name"],
        "notes": (src.get("notes") or "").strip(),
        # a regional base or theme catalog is led by a regional department: here it is the
        # regional provider's department catalog (Art 15 leads are city departments)
        "classification": "department",
        "subclass": "department",
        "groups": [],
    }
    if not pkg["notes"]:
        pkg["notes"] = MARK
        missing.append("notes")
    if src.get("classification") not in (None, "", "department"):
        missing.append("classification")
    for field, choices in CHOICES.items():
        value = src.get(field)
        if value in choices:
            pkg[field] = value
        elif field in DEFAULTS:
            pkg[field] = DEFAULTS[field]
            missing.append(field)
    for field in TEXT_FIELDS:
        if src.get(field):
            pkg[field] = str(src[field]).strip()
    if pkg["sharing_type"] == "conditional" and not pkg.get("sharing_conditions"):
        pkg["sharing_conditions"] = MARK
        missing.append("sharing_conditions")
    if pkg["sharing_type"] in ("conditional", "not_shared") and not pkg.get("legal_basis"):
        pkg["legal_basis"] = MARK
        missing.append("legal_basis")
    if pkg.get("open_attribute") == "conditional_open" and not pkg.get("open_conditions"):
        pkg["open_conditions"] = MARK
        missing.append("open_conditions")
    items = src.get("information_items")
    if isinstance(items, list) and items:
        pkg["information_items"] = items
    elif isinstance(items, str) and items.strip().startswith("["):
        pkg["information_items"] = items
    else:
        pkg["information_items"] = [{"name": MARK, "data_type": "M", "description": MARK}]
        missing.append("information_items")
    tags = [{"name": t["name"]} for t in remote.get("tags") or [] if t.get("name")]
    if REGIONAL_TAG not in {t["name"] for t in tags}:
        tags.append({"name": REGIONAL_TAG})
    pkg["tags"] = tags
    pkg["resources"] = []
    for res in remote.get("resources") or []:
        r = {k: res[k] for k in RESOURCE_KEYS if res.get(k) not in (None, "")}
        r.setdefault("name", res.get("id"))
        r.setdefault("url", "")
        if r.get("resource_type") not in CHOICES["sharing_method_type"]:
            r["resource_type"] = "api" if (res.get("format") or "").upper() in ("API", "WMS", "WFS") else "file"
            if "resources.resource_type" not in missing:
                missing.append("resources.resource_type")
        pkg["resources"].append(r)
    return pkg, missing, (src.get("resource_code") or None)


def is_marked(value: Any) -> bool:
    return isinstance(value, str) and MARK in value
