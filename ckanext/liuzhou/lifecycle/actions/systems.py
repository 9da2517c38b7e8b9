"""Information systems (Art 16): the registry, and the report of systems whose stage and
entries disagree.
"""
from __future__ import annotations

from typing import Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ...calendar import store as cal
from ... import authz, idempotency
from ...formats import Names
from ...validation import validate_or_raise as _validate
from .. import dictize, events, schema
from ..model import InformationSystem, InformationSystemEntry, OfflineEntry
from .common import actor_of, commit, error, filter_org, load, page

_ = tk._


def _published():
    """SQL: a catalog entry that is active, public and online."""
    offline = model.Session.query(OfflineEntry.package_id)
    return sa.and_(model.Package.state == "active", model.Package.type == "catalog",
                   model.Package.private.is_(False), model.Package.id.notin_(offline))


def _entry_counts():
    linked = sa.and_(InformationSystemEntry.system_id == InformationSystem.id,
                     model.Package.id == InformationSystemEntry.package_id)
    total = (sa.select(sa.func.count()).select_from(InformationSystemEntry).join(
        model.Package, model.Package.id == InformationSystemEntry.package_id)
        .where(linked, model.Package.state == "active").correlate(InformationSystem).scalar_subquery())
    published = (sa.select(sa.func.count()).select_from(InformationSystemEntry).join(
        model.Package, model.Package.id == InformationSystemEntry.package_id)
        .where(linked, _published()).correlate(InformationSystem).scalar_subquery())
    return total, published


def _mismatch():
    """SQL: Art 16 disagreements: no registered entry, or accepted without a published one."""
    total, published = _entry_counts()
    return sa.or_(total == 0, sa.and_(InformationSystem.stage == "acceptance", published == 0))


def _system_dicts(systems: list[InformationSystem]) -> list[dict]:
    ids = {e.package_id for s in systems for e in s.entries}
    pkgs = dictize.packages(ids)
    published = {pid for (pid,) in model.Session.query(model.Package.id).filter(
        model.Package.id.in_(ids or {""}), _published())}
    for pid, p in pkgs.items():
        p["published"] = pid in published
    names = Names([u for s in systems for u in (s.created_by, s.modified_by)], [s.org_id for s in systems])
    out = []
    for s in systems:
        active = [e for e in s.entries if (pkgs.get(e.package_id) or {}).get("state") == "active"]
        issues = []
        if not active:
            issues.append("no_entries")
        if s.stage == "acceptance" and not any(pkgs[e.package_id]["published"] for e in active):
            issues.append("accepted_without_published")
        out.append(dictize.information_system(s, names, pkgs, issues))
    return out


def _system_entries(org_id: str, refs: list[str]) -> list[str]:
    ids, bad = [], []
    for ref in refs:
        pkg = model.Package.get(ref)
        if pkg is None or pkg.state != "active" or pkg.type != "catalog" or pkg.owner_org != org_id:
            bad.append(ref)
        elif pkg.id not in ids:
            ids.append(pkg.id)
    if bad:
        raise error("package_ids", _("Not a catalog entry of this department: {names}").format(names=", ".join(bad)))
    return ids


def _check_acceptance(stage: str, package_ids: list[str]) -> None:
    if stage != "acceptance":
        return
    if not package_ids or not model.Session.query(model.Package.id).filter(
            model.Package.id.in_(package_ids), _published()).first():
        raise error("stage", _("A system can only be accepted once its data is published in the catalog (Art 16)"))


def _system_org(actor: model.User, ref: Optional[str]) -> str:
    editable = authz.orgs_with(actor, "admin", "editor")
    if ref:
        oid = authz.org_id(ref)
        if oid is None or oid not in editable:
            raise error("org", _("Only an editor or admin of the department can register its systems"))
        return oid
    if len(editable) == 1:
        return next(iter(editable))
    raise error("org", _("Say which department the system belongs to"))


def information_system_create(context, data_dict) -> dict:
    """Art 16: a department registers an information system at project approval (立项) with
    the catalog entries it plans; it cannot be accepted (验收) before one of them is published.

    :param name: :param org: the department (default: the one the user edits for)
    :param stage: approval | construction | acceptance (default approval)
    :param project_code: :param description: :param package_ids: the department's entries
    """
    tk.check_access("information_system_create", context, data_dict)
    data = _validate(data_dict, schema.information_system_create(), context)
    actor = actor_of(context)
    key = data.get(idempotency.FIELD)
    if made := idempotency.claim(context, actor.id, "information_system_create", key):
        return _information_system_dict(load(InformationSystem, made))
    org_id = _system_org(actor, data.get("org"))
    package_ids = _system_entries(org_id, data.get("package_ids") or [])
    _check_acceptance(data["stage"], package_ids)
    if model.Session.query(InformationSystem.id).filter_by(org_id=org_id, name=data["name"]).first():
        raise error("name", _("This department already registered a system of that name"))
    now = cal.utcnow()
    system = InformationSystem(name=data["name"], org_id=org_id, stage=data["stage"],
                               project_code=data.get("project_code") or "",
                               description=data.get("description") or "", created_by=actor.id, created=now,
                               modified_by=actor.id, modified=now)
    system.entries = [InformationSystemEntry(package_id=pid) for pid in package_ids]
    model.Session.add(system)
    model.Session.flush()
    idempotency.bind(actor.id, "information_system_create", key, system.id)
    events.record("information_system", system, "register", actor, "provider", actor_org_id=org_id,
                  to_state=system.stage, now=now, provider_org_id=org_id,
                  detail={"name": system.name, "package_ids": package_ids})
    commit(context)
    return _information_system_dict(system)


def _information_system_dict(system: InformationSystem, full: bool = True) -> dict:
    out = _system_dicts([system])[0]
    if full:
        out["events"] = dictize.timeline(events.history("information_system", system.id))
    return out


def information_system_update(context, data_dict) -> dict:
    """Art 16: change a system's stage, entries or description; moving it to acceptance
    (验收) is refused while none of its entries is published.

    :param id: :param name: :param stage: :param project_code: :param description:
    :param package_ids: replaces the linked entries
    """
    tk.check_access("information_system_update", context, data_dict)
    data = _validate(data_dict, schema.information_system_update(), context)
    actor = actor_of(context)
    system = load(InformationSystem, data["id"], lock=True)
    package_ids = ([e.package_id for e in system.entries] if "package_ids" not in data
                   else _system_entries(system.org_id, data["package_ids"]))
    stage = data.get("stage") or system.stage
    _check_acceptance(stage, package_ids)
    if data.get("name") and data["name"] != system.name and model.Session.query(InformationSystem.id).filter_by(
            org_id=system.org_id, name=data["name"]).first():
        raise error("name", _("This department already registered a system of that name"))
    from_stage = system.stage
    for field in ("name", "project_code", "description"):
        if field in data:
            setattr(system, field, data[field] or ("" if field != "name" else system.name))
    system.stage = stage
    if "package_ids" in data:
        system.entries = [InformationSystemEntry(package_id=pid) for pid in package_ids]
    now = cal.utcnow()
    system.modified_by, system.modified = actor.id, now
    model.Session.flush()
    events.record("information_system", system, "stage_change" if stage != from_stage else "update", actor,
                  "provider", actor_org_id=system.org_id, from_state=from_stage, to_state=stage, now=now,
                  provider_org_id=system.org_id, detail={"package_ids": package_ids, "name": system.name})
    commit(context)
    return _information_system_dict(system)


@tk.side_effect_free
def information_system_show(context, data_dict) -> dict:
    tk.check_access("information_system_show", context, data_dict)
    data = _validate(data_dict, schema.show(), context)
    return _information_system_dict(load(InformationSystem, data["id"]))


@tk.side_effect_free
def information_system_list(context, data_dict) -> dict:
    """Art 16: the registry of information systems, each with its entries and its
    ``issues`` (``no_entries``, ``accepted_without_published``). ``mismatched=true`` is the
    report of systems whose stage and entries disagree.

    :param org: :param stage: :param mismatched: :param limit: :param offset:
    """
    tk.check_access("information_system_list", context, data_dict)
    data = _validate(data_dict, schema.information_system_list(), context)
    query = model.Session.query(InformationSystem)
    query = filter_org(query, InformationSystem.org_id, data.get("org"))
    if data.get("stage"):
        query = query.filter(InformationSystem.stage == data["stage"])
    if data["mismatched"]:
        query = query.filter(_mismatch())
    count = query.count()
    rows = page(query, data, InformationSystem.modified.desc(), InformationSystem.id)
    return {"count": count, "results": _system_dicts(rows)}
