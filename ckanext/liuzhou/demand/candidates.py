"""Departments suggested to answer a need, for whoever routes it (the Operator, or the
Authority for a dispute): the demand route of 《政务数据共享条例》 reaches the department that
holds the data.

Two sources, each saying why it suggests a department:

- the catalog: the need's title and items searched in Solr over the catalog entries (as the
  router may see them, through ``package_search``: the search capability's query
  understanding), grouped by providing department, with the entries found;
- the departments' duties: the lead departments of the base catalogs (Liuzhou Art 15: the
  ``lead:<sub-class>`` roles the departments carry, as the city's list of departments gives them,
  and ``ckanext.liuzhou.lead_departments``) whose domain the need names, and the departments
  whose duties (部门职责简介, the department's description) name the data asked for.

The department that needs the data is never suggested; those that have said "not our duty" are
marked (the Authority may still name one of them).
"""
from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import config as lz_config
from .model import Demand

ROWS = 30
LIMIT = 8


def _search(context: dict, q: str) -> list[dict]:
    if not q.strip():
        return []
    try:
        return tk.get_action("package_search")(dict(context), {
            "q": q, "fq": "+dataset_type:catalog", "rows": ROWS, "include_private": True})["results"]
    except (tk.ValidationError, tk.NotAuthorized):
        return []
    except Exception:  # Solr down: the Operator still routes by hand
        return []


def _lead_labels() -> dict[str, str]:
    """sub-class code → its Chinese name, from the department schema's ``lead:<code>`` roles
    (人口基础信息牵头部门 → 人口基础信息), whatever the user's language."""
    schema = tk.h.scheming_get_organization_schema("organization") or {}
    field = next((f for f in schema.get("fields") or [] if f.get("field_name") == "roles"), {})
    out = {}
    for choice in field.get("choices") or []:
        value, label = str(choice.get("value") or ""), choice.get("label")
        zh = label.get("zh_Hans_CN") if isinstance(label, dict) else label
        if value.startswith("lead:") and zh:
            out[value[5:]] = zh.replace("牵头部门", "")
    return out


def _leads() -> dict[str, set[str]]:
    """sub-class code → the departments (ids) that lead it: their ``lead:<code>`` roles, and the
    ``ckanext.liuzhou.lead_departments`` option."""
    out: dict[str, set[str]] = {}
    rows = (model.Session.query(model.Group.id, model.GroupExtra.value)
            .join(model.GroupExtra, model.GroupExtra.group_id == model.Group.id)
            .filter(model.Group.is_organization.is_(True), model.Group.state == "active",
                    model.GroupExtra.key == "roles", model.GroupExtra.state == "active",
                    model.GroupExtra.value.contains("lead:")))
    for org_id, raw in rows:
        for code in re.findall(r"lead:([a-z_]+)", raw or ""):
            out.setdefault(code, set()).add(org_id)
    for code, names in lz_config.lead_departments().items():
        for name in names:
            org = model.Group.get(name)
            if org is not None and org.state == "active":
                out.setdefault(code, set()).add(org.id)
    return out


def suggest(d: Demand, context: dict) -> list[dict[str, Any]]:
    """``[{org, org_title, score, entries: [{name, title}], leads: [label], duty: bool,
    disclaimed: bool}]``, the strongest first, at most :data:`LIMIT`."""
    text = " ".join([d.title, d.description or "", " ".join(d.information_items or [])])
    found: dict[str, dict] = {}

    def slot(org_id: str) -> dict:
        return found.setdefault(org_id, {"entries": [], "leads": [], "duty": False})

    seen: set[str] = set()
    for q in (d.title, " OR ".join(f'"{i}"' for i in (d.information_items or []) if '"' not in i)):
        for pkg in _search(context, q):
            if pkg["id"] in seen or not pkg.get("owner_org"):
                continue
            seen.add(pkg["id"])
            slot(pkg["owner_org"])["entries"].append({"name": pkg["name"], "title": pkg["title"]})

    leads = _leads()
    for code, label in _lead_labels().items():
        word = label.replace("基础信息", "")
        halves = [w for w in word.split("和") if len(w) >= 2] if "和" in word else []
        if word and any(w in text for w in [word, *halves]):
            for org_id in leads.get(code, ()):
                if label not in slot(org_id)["leads"]:
                    slot(org_id)["leads"].append(label)

    words = [w for w in [d.title, *(d.information_items or [])] if len(w) >= 3]
    if words:
        rows = (model.Session.query(model.Group.id)
                .filter(model.Group.is_organization.is_(True), model.Group.state == "active",
                        sa.or_(*(model.Group.description.contains(w) for w in words))).limit(50))
        for (org_id,) in rows:
            slot(org_id)["duty"] = True

    found.pop(d.consumer_org_id, None)
    groups = {g.id: g for g in model.Session.query(model.Group).filter(model.Group.id.in_(list(found)))} \
        if found else {}
    out = []
    for org_id, why in found.items():
        g = groups.get(org_id)
        if g is None or g.state != "active":
            continue
        score = len(why["entries"]) + 3 * len(why["leads"]) + (2 if why["duty"] else 0)
        out.append({"org": g.name, "org_title": g.title, "score": score, "entries": why["entries"][:5],
                    "entry_count": len(why["entries"]), "leads": why["leads"], "duty": why["duty"],
                    "disclaimed": org_id in (d.disclaimed or [])})
    out.sort(key=lambda c: (c["disclaimed"], -c["score"], c["org_title"] or ""))
    return out[:LIMIT]
