"""Actions of the application scenarios (应用场景). Art 34 has the Authority evaluate each
department's "support for applications" (应用支撑); a scenario is the evidence: a department
registers a business scenario that uses shared data, with the catalog entries and the share
requests it relies on, and the evaluation counts, for each providing department, the
scenarios of other departments its data supports (``scenarios_supported``,
``scenario_departments`` in evaluation/definitions.py).

=====================  =================================================================
``scenario_create``    a department's editor or admin registers a scenario
``scenario_update``    the department's editor or admin changes it
``scenario_delete``    the department's editor or admin withdraws it (kept, state deleted)
``scenario_show``      one scenario, with its entries and requests
``scenario_list``      the scenarios the user may see (a department's, or all of them)
=====================  =================================================================

What a scenario may cite (Art 25–26: data is used as shared): entries its department may read
(by the portal's one rule of reading, access/policy.py, through that department: its own
entries, unconditional ones, or those a request of the department delivered) and requests
its department is party to (as consumer or provider). Every change writes an audit row
(``scenario.create`` / ``scenario.update`` / ``scenario.delete``) in the same transaction.
"""
from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import audit, authz, formats, idempotency
from .. import config as lz_config
from ..access import policy
from ..calendar import store as cal
from ..sharing.model import ShareRequest
from ..validation import acting_user, commit_unless_deferred
from ..validation import validate_or_raise as _validate
from . import schema
from .auth import WRITERS
from .model import ACTIVE, DELETED, Scenario, ScenarioEntry, ScenarioRequest

_ = tk._
MAX_CITED = 200                # entries or requests one scenario may cite


def _utcnow():
    return cal.utcnow()


def _error(field: str, message: str) -> tk.ValidationError:
    return tk.ValidationError({field: [message]})


def _load(scenario_id: str, lock: bool = False) -> Scenario:
    query = model.Session.query(Scenario).filter(Scenario.id == scenario_id, Scenario.state == ACTIVE)
    if lock:
        query = query.with_for_update().populate_existing()
    row = query.one_or_none()
    if row is None:
        raise tk.ObjectNotFound(_("Scenario not found"))
    return row


def _owner_org(actor: model.User, ref: Optional[str]) -> str:
    """The department the scenario is for: the one named (the actor must write for it), or the
    only one the actor writes for."""
    writes = {gid for gid, cap in authz.memberships(actor).items() if cap in WRITERS}
    if ref:
        oid = authz.org_id(ref)
        if oid is None:
            raise _error("org", _("Unknown department: {names}").format(names=ref))
        if oid not in writes:
            raise tk.NotAuthorized(_("Only an editor or admin of the department registers its scenarios"))
        return oid
    if len(writes) == 1:
        return next(iter(writes))
    raise _error("org", _("Say which department the scenario is for"))


def _entries(actor: model.User, org_id: str, refs: list[str]) -> list[model.Package]:
    """The cited catalog entries, each one the department may read (Art 25–26)."""
    reader = policy.reader_for(actor)
    out, unknown, unreadable = [], [], []
    for ref in refs:
        pkg = model.Package.get(ref)
        if pkg is None or pkg.state != "active" or pkg.type != "catalog":
            unknown.append(ref)
            continue
        decision = reader.decide_package(pkg)
        # read through this department, not another of the actor's departments
        through_it = decision.readable and (
            decision.via in ("sysadmin", "unconditional")
            or (decision.via == "owner" and pkg.owner_org == org_id)
            or (decision.via == "authority" and org_id == authz.org_id(lz_config.authority_org()))
            or (decision.via == "grant" and _consumer_of(decision.share_request_id) == org_id))
        if not through_it and pkg.owner_org != org_id:
            unreadable.append(pkg.title or pkg.name)
        else:
            out.append(pkg)
    if unknown:
        raise _error("entries", _("Unknown catalog entry: {names}").format(names=", ".join(unknown)))
    if unreadable:
        raise _error("entries", _("The department may not read these entries: {names}").format(
            names="、".join(unreadable)))
    return list({p.id: p for p in out}.values())


def _consumer_of(share_request_id: Optional[str]) -> Optional[str]:
    row = model.Session.get(ShareRequest, share_request_id) if share_request_id else None
    return row.consumer_org_id if row is not None else None


def _requests(org_id: str, ids: list[str]) -> list[ShareRequest]:
    """The cited share requests, each one the department is party to."""
    rows = {r.id: r for r in model.Session.query(ShareRequest).filter(ShareRequest.id.in_(ids or [""]))}
    unknown = [i for i in ids if i not in rows]
    if unknown:
        raise _error("requests", _("Unknown share request: {names}").format(names=", ".join(unknown)))
    foreign = [i for i in ids if org_id not in (rows[i].consumer_org_id, rows[i].provider_org_id)]
    if foreign:
        raise _error("requests", _("The department is not party to these requests: {names}").format(
            names=", ".join(foreign)))
    return [rows[i] for i in dict.fromkeys(ids)]


def _check_sizes(data: dict) -> None:
    for field in ("entries", "requests"):
        if len(data.get(field) or []) > MAX_CITED:
            raise _error(field, _("At most {n} may be cited").format(n=MAX_CITED))


def _cite(row: Scenario, entries: list[model.Package], requests: list[ShareRequest]) -> None:
    row.entries = [ScenarioEntry(package_id=p.id) for p in entries]
    row.requests = [ScenarioRequest(share_request_id=r.id) for r in requests]


def _audit(event: str, actor: model.User, row: Scenario, detail: dict) -> None:
    audit.record(f"scenario.{event}", actor, actor_org=authz.org_name(row.org_id), object_type="scenario",
                 object_id=row.id, detail=detail)


def _dict(row: Scenario) -> dict[str, Any]:
    pkgs = {p.id: p for p in model.Session.query(model.Package).filter(
        model.Package.id.in_([e.package_id for e in row.entries] or [""]))}
    reqs = {r.id: r for r in model.Session.query(ShareRequest).filter(
        ShareRequest.id.in_([r.share_request_id for r in row.requests] or [""]))}
    org_ids = {row.org_id} | {p.owner_org for p in pkgs.values() if p.owner_org} | {
        o for r in reqs.values() for o in (r.consumer_org_id, r.provider_org_id)}
    orgs = {g.id: g for g in model.Session.query(model.Group).filter(model.Group.id.in_(sorted(org_ids)))}

    def org(oid: Optional[str]) -> dict:
        g = orgs.get(oid or "")
        return {"id": oid, "name": g.name if g else None, "title": g.title if g else None}

    entries = [{"id": e.package_id, "name": p.name if p else None, "title": p.title if p else None,
                "provider": org(p.owner_org if p else None)}
               for e in row.entries for p in [pkgs.get(e.package_id)]]
    requests = [{"id": r.share_request_id, "state": q.state if q else None,
                 "title": (pkgs.get(q.package_id).title if q and q.package_id in pkgs else None)
                 or (model.Package.get(q.package_id).title if q and model.Package.get(q.package_id) else None),
                 "provider": org(q.provider_org_id if q else None), "consumer": org(q.consumer_org_id if q else None)}
                for r in row.requests for q in [reqs.get(r.share_request_id)]]
    providers = {e["provider"]["id"] for e in entries} | {r["provider"]["id"] for r in requests}
    return {"id": row.id, "name": row.name, "serves": row.serves, "state": row.state,
            "org": org(row.org_id), "entries": entries, "requests": requests,
            "providers": [org(o) for o in sorted(p for p in providers if p)],
            "created": formats.iso(row.created), "modified": formats.iso(row.modified)}


def scenario_create(context, data_dict) -> dict:
    """Register an application scenario (Art 34 support for applications) of a department.

    :param org: the department (default: the one the user edits for)
    :param name: :param serves: what the scenario serves (the business, the public it helps)
    :param entries: catalog entries (names or ids) it relies on: the department must be able to
        read each (Art 25–26) :param requests: ids of share requests it relies on: the
        department must be party to each
    """
    tk.check_access("scenario_create", context, data_dict)
    data = _validate(data_dict, schema.create(), context)
    actor = acting_user(context)
    key = data.get(idempotency.FIELD)
    if made := idempotency.claim(context, actor.id, "scenario_create", key):
        return _dict(_load(made))
    _check_sizes(data)
    org_id = _owner_org(actor, data.get("org"))
    entries = _entries(actor, org_id, data["entries"])
    requests = _requests(org_id, data["requests"])
    if not entries and not requests:
        raise _error("entries", _("Cite at least one catalog entry or share request the scenario uses"))
    now = _utcnow()
    row = Scenario(org_id=org_id, name=data["name"], serves=data["serves"], state=ACTIVE,
                   created=now, created_by=actor.id, modified=now, modified_by=actor.id)
    _cite(row, entries, requests)
    model.Session.add(row)
    model.Session.flush()
    idempotency.bind(actor.id, "scenario_create", key, row.id)
    _audit("create", actor, row, {"name": row.name, "entries": [p.id for p in entries],
                                  "requests": [r.id for r in requests]})
    commit_unless_deferred(context)
    return _dict(row)


def scenario_update(context, data_dict) -> dict:
    """Change a scenario's name, what it serves, or what it cites (the rules of
    ``scenario_create``; a field left out keeps its value).

    :param id: :param name: :param serves: :param entries: :param requests:
    """
    tk.check_access("scenario_update", context, data_dict)
    data = _validate(data_dict, schema.update(), context)
    actor = acting_user(context)
    row = _load(data["id"], lock=True)
    _check_sizes(data)
    given = set(data_dict or {})
    entries = (_entries(actor, row.org_id, data["entries"]) if "entries" in given else
               model.Session.query(model.Package).filter(
                   model.Package.id.in_([e.package_id for e in row.entries] or [""])).all())
    requests = (_requests(row.org_id, data["requests"]) if "requests" in given else
                model.Session.query(ShareRequest).filter(
                    ShareRequest.id.in_([r.share_request_id for r in row.requests] or [""])).all())
    if not entries and not requests:
        raise _error("entries", _("Cite at least one catalog entry or share request the scenario uses"))
    before = {"name": row.name, "serves": row.serves, "entries": sorted(e.package_id for e in row.entries),
              "requests": sorted(r.share_request_id for r in row.requests)}
    for field in ("name", "serves"):
        if field in given:
            setattr(row, field, data[field])
    _cite(row, entries, requests)
    row.modified, row.modified_by = _utcnow(), actor.id
    after = {"name": row.name, "serves": row.serves, "entries": sorted(p.id for p in entries),
             "requests": sorted(r.id for r in requests)}
    _audit("update", actor, row, {k: {"from": before[k], "to": after[k]} for k in before if before[k] != after[k]})
    commit_unless_deferred(context)
    return _dict(row)


def scenario_delete(context, data_dict) -> dict:
    """Withdraw a scenario: it stays on record (state ``deleted``) and no longer counts.

    :param id:
    """
    tk.check_access("scenario_delete", context, data_dict)
    data = _validate(data_dict, schema.show(), context)
    actor = acting_user(context)
    row = _load(data["id"], lock=True)
    row.state, row.modified, row.modified_by = DELETED, _utcnow(), actor.id
    _audit("delete", actor, row, {"name": row.name})
    commit_unless_deferred(context)
    return {"id": row.id, "state": row.state}


@tk.side_effect_free
def scenario_show(context, data_dict) -> dict:
    """One scenario, with the entries and requests it relies on and their providers.

    :param id:
    """
    data = _validate(data_dict, schema.show(), context)
    row = _load(data["id"])
    tk.check_access("scenario_show", dict(context, scenario=row), data_dict)
    return _dict(row)


def _visible(query, user: model.User):
    """The scenarios a user may see: the Authority and the Operator all; others those of their
    departments, those citing their departments' data, and a county authority its county's."""
    if authz.is_sysadmin(user) or authz.is_authority(user) or authz.is_operator(user):
        return query
    orgs = sorted(set(authz.memberships(user)) | authz.county_jurisdiction(user))
    if not orgs:
        return query.filter(sa.false())
    cites = (model.Session.query(ScenarioEntry.scenario_id)
             .join(model.Package, model.Package.id == ScenarioEntry.package_id)
             .filter(model.Package.owner_org.in_(orgs)))
    asks = (model.Session.query(ScenarioRequest.scenario_id)
            .join(ShareRequest, ShareRequest.id == ScenarioRequest.share_request_id)
            .filter(ShareRequest.provider_org_id.in_(orgs)))
    return query.filter(sa.or_(Scenario.org_id.in_(orgs), Scenario.id.in_(cites), Scenario.id.in_(asks)))


@tk.side_effect_free
def scenario_list(context, data_dict) -> dict:
    """The scenarios the user may see, newest first.

    :param org: only this department's scenarios (name or id)
    :param provider: only scenarios citing this department's entries or requests to it
    :param limit: (default 50, at most 1000) :param offset:
    :returns: ``{"count": n, "results": [...]}``
    """
    tk.check_access("scenario_list", context, data_dict)
    data = _validate(data_dict, schema.list_(), context)
    user = acting_user(context)
    query = _visible(model.Session.query(Scenario).filter(Scenario.state == ACTIVE), user)
    if data.get("org"):
        query = query.filter(Scenario.org_id == (authz.org_id(data["org"]) or data["org"]))
    if data.get("provider"):
        oid = authz.org_id(data["provider"]) or data["provider"]
        query = query.filter(sa.or_(
            Scenario.id.in_(model.Session.query(ScenarioEntry.scenario_id)
                            .join(model.Package, model.Package.id == ScenarioEntry.package_id)
                            .filter(model.Package.owner_org == oid)),
            Scenario.id.in_(model.Session.query(ScenarioRequest.scenario_id)
                            .join(ShareRequest, ShareRequest.id == ScenarioRequest.share_request_id)
                            .filter(ShareRequest.provider_org_id == oid))))
    count = query.count()
    rows = query.order_by(Scenario.created.desc(), Scenario.id).limit(data["limit"]).offset(data["offset"]).all()
    return {"count": count, "results": [_dict(r) for r in rows]}


def get_actions() -> dict[str, Any]:
    return {"scenario_create": scenario_create, "scenario_update": scenario_update,
            "scenario_delete": scenario_delete, "scenario_show": scenario_show,
            "scenario_list": scenario_list}
