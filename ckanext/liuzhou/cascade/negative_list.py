"""The regional negative list (负面清单, Art 23) and the city entries it flags.

Format (published by the regional platform, as a JSON resource of a dataset or an API
endpoint; ``ckanext.liuzhou.cascade.negative_list_url``)::

    {"version": "2026-1",
     "items": [{"id": "GX-NL-001", "name": "不动产登记信息", "keywords": ["不动产", "房产"],
                "sharing_type": "conditional", "legal_basis": "《不动产登记暂行条例》"}]}

An item covers a city entry when one of its keywords (or its name) occurs in the entry's
title. A city entry shared conditionally or not at all is flagged when no item covers it
(``not_covered``), when it has no legal basis (``no_legal_basis``; a marker of a missing field
counts as none), or when it is less shared than its item allows (``beyond_list``: not shared
where the list says conditional).
"""
from __future__ import annotations

import hashlib
import json

import requests
import sqlalchemy as sa

import ckan.model as model

from .. import config as lz_config
from . import mapping
from .model import CascadeEntry, NegativeListVersion, utcnow

RESTRICTIVE = ("conditional", "not_shared")


def fetch(url: str, api_key: str | None = None, timeout: float = 30) -> dict:
    headers = {"Authorization": api_key} if api_key else {}
    response = requests.get(url, headers=headers, timeout=timeout)
    response.raise_for_status()
    doc = response.json()
    if isinstance(doc, dict) and "result" in doc and "items" not in doc:
        doc = doc["result"]  # an action API endpoint wraps its answer
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise ValueError("the negative list is not {\"items\": [...]}")
    for item in doc["items"]:
        if not isinstance(item, dict) or not item.get("id") or not item.get("name"):
            raise ValueError(f"a negative list item needs an id and a name: {item!r}")
    return doc


def latest() -> NegativeListVersion | None:
    return (model.Session.query(NegativeListVersion)
            .order_by(NegativeListVersion.fetched_at.desc()).first())


def store(doc: dict, url: str, user: str) -> tuple[NegativeListVersion | None, NegativeListVersion]:
    """Keep the list when it changed; returns (new version or None, current version)."""
    items = sorted(doc["items"], key=lambda i: i["id"])
    digest = hashlib.sha256(json.dumps(items, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    current = latest()
    if current is not None and current.sha256 == digest:
        return None, current
    before = {i["id"] for i in (current.items if current else [])}
    after = {i["id"] for i in items}
    version = NegativeListVersion(fetched_by=user, source_url=url, sha256=digest, items=items,
                                  added=sorted(after - before), removed=sorted(before - after),
                                  fetched_at=utcnow())
    model.Session.add(version)
    return version, version


def _entries(package_id: str | None = None) -> list[dict]:
    """Active city catalog entries shared conditionally or not at all (regional ones excluded)."""
    pe = model.PackageExtra
    st = sa.orm.aliased(pe)
    lb = sa.orm.aliased(pe)
    rows = (model.Session.query(model.Package.id, model.Package.name, model.Package.title,
                                model.Package.owner_org, st.value, lb.value)
            .join(st, sa.and_(st.package_id == model.Package.id, st.key == "sharing_type"))
            .outerjoin(lb, sa.and_(lb.package_id == model.Package.id, lb.key == "legal_basis"))
            .outerjoin(CascadeEntry, CascadeEntry.package_id == model.Package.id)
            .filter(model.Package.state == "active", model.Package.type == "catalog",
                    st.value.in_(RESTRICTIVE), CascadeEntry.package_id.is_(None))
            .order_by(model.Package.name))
    if package_id:
        rows = rows.filter(model.Package.id == package_id)
    return [{"id": r[0], "name": r[1], "title": r[2], "owner_org": r[3], "sharing_type": r[4],
             "legal_basis": r[5] or ""} for r in rows]


def covering(items: list[dict], title: str) -> dict | None:
    for item in items:
        words = [item["name"], *(item.get("keywords") or [])]
        if any(w and w in (title or "") for w in words):
            return item
    return None


def flags(version: NegativeListVersion | None = None, package_id: str | None = None) -> list[dict]:
    version = version or latest()
    items = version.items if version else []
    result = []
    for e in _entries(package_id):
        reasons = []
        item = covering(items, e["title"])
        if item is None:
            reasons.append("not_covered")
        elif item.get("sharing_type") == "conditional" and e["sharing_type"] == "not_shared":
            reasons.append("beyond_list")
        if not e["legal_basis"].strip() or mapping.is_marked(e["legal_basis"]):
            reasons.append("no_legal_basis")
        if reasons:
            result.append({**e, "reasons": reasons, "item": item["id"] if item else None})
    return result


def flags_of(package_id: str) -> list[str]:
    """The reasons one entry is flagged (none before the list was first synced)."""
    version = latest()
    if version is None:
        return []
    return next((f["reasons"] for f in flags(version, package_id)), [])


def version_dict(v: NegativeListVersion) -> dict:
    return {"id": v.id, "fetched_at": v.fetched_at.isoformat(), "fetched_by": v.fetched_by,
            "source_url": v.source_url, "sha256": v.sha256, "items": len(v.items),
            "added": v.added, "removed": v.removed}


def configured_url() -> str:
    return lz_config.negative_list_url()
