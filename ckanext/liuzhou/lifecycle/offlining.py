"""What catalog offlining (Art 20) does beyond its own row: who requests or uses the entry,
taking it offline, closing the requests on it with notice, and the filing number (备案)."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa

import ckan.model as model

from .. import config as lz_config
from ..audit.model import AuditLog
from ..calendar import store as cal
from .. import authz
from ..sharing import states as share_states
from ..sharing import workflow as share_workflow
from ..sharing.model import Coordination, QualityIssue, ShareRequest
from .model import CatalogOffline, OfflineEntry

FILING_SEQUENCE = "liuzhou_catalog_offline_filing_seq"
# requests that show a department requesting or using the entry
USING = share_states.OPEN - {share_states.REJECTED}


def users_of(pkg: model.Package, now: Optional[dt.datetime] = None) -> dict:
    """Departments requesting or using the entry: open or active share requests, and reads
    recorded in the audit log in the last ``recent_read_days`` days (the provider, the
    Authority and the Operator left out)."""
    now = now or cal.utcnow()
    reqs = (model.Session.query(ShareRequest.id, ShareRequest.consumer_org_id, ShareRequest.state)
            .filter(ShareRequest.package_id == pkg.id, ShareRequest.state.in_(list(USING)))
            .order_by(ShareRequest.created).all())
    since = now - dt.timedelta(days=lz_config.recent_read_days())
    reads = (model.Session.query(AuditLog.actor_org, sa.func.count(AuditLog.id), sa.func.max(AuditLog.created))
             .filter(AuditLog.action == "data.read", AuditLog.package_id == pkg.id, AuditLog.created >= since)
             .group_by(AuditLog.actor_org).all())
    skip = {authz.org_name(pkg.owner_org), lz_config.authority_org(), lz_config.operator_org(), None, ""}
    by_org: dict[str, dict] = {}
    for orgs, count, last in reads:
        for name in (orgs or "").split(","):
            if name in skip:
                continue
            row = by_org.setdefault(name, {"org": name, "count": 0, "last": None})
            row["count"] += count
            row["last"] = max(filter(None, [row["last"], last]))
    titles = dict(model.Session.query(model.Group.name, model.Group.title).filter(
        model.Group.name.in_({authz.org_name(o) for _i, o, _s in reqs} | set(by_org) or {""})))
    requests = [{"id": rid, "consumer_org": authz.org_name(org), "state": state,
                 "consumer_org_title": titles.get(authz.org_name(org))} for rid, org, state in reqs]
    read_rows = [{**r, "org_title": titles.get(r["org"]), "last": r["last"].isoformat() if r["last"] else None}
                 for r in sorted(by_org.values(), key=lambda r: r["org"])]
    orgs = sorted({r["consumer_org"] for r in requests} | set(by_org))
    return {"requests": requests, "reads": read_rows, "departments": orgs,
            "read_days": lz_config.recent_read_days(), "checked_at": now.isoformat()}


def take_offline(app: CatalogOffline, actor: model.User, now: dt.datetime) -> list[str]:
    """The entry leaves the catalog; open requests on it are closed with notice. Returns the
    ids of the requests closed."""
    model.Session.add(OfflineEntry(package_id=app.package_id, application_id=app.id,
                                   offline_since=now, offline_by=actor.id))
    return close_requests(app.package_id, actor, now, app.id)


def close_requests(package_id: str, actor: model.User, now: dt.datetime, application_id: str) -> list[str]:
    """Every open share request on the entry ends (terminated), with an ``entry_offline``
    event on its timeline notifying both departments; open coordinations and quality issues
    close with it."""
    operator_org_id = authz.org_id(lz_config.operator_org())
    closed = []
    reqs = (model.Session.query(ShareRequest)
            .filter(ShareRequest.package_id == package_id, ShareRequest.state.in_(list(share_states.OPEN)))
            .order_by(ShareRequest.created).with_for_update().all())
    for req in reqs:
        for coord in model.Session.query(Coordination).filter_by(share_request_id=req.id, state="open"):
            coord.state, coord.closed_by, coord.closed_at, coord.outcome = "closed", actor.id, now, "entry_offline"
        for issue in model.Session.query(QualityIssue).filter_by(share_request_id=req.id, state="open"):
            issue.state, issue.resolved_at, issue.resolution = "closed", now, "entry_offline"
        from_state = req.state
        req.state, req.deadline = share_states.TERMINATED, None
        req.state_changed_at, req.state_changed_by, req.modified = now, actor.id, now
        share_workflow.record_event(
            req, "entry_offline", actor, "operator", actor_org_id=operator_org_id, from_state=from_state,
            to_state=share_states.TERMINATED, now=now,
            detail={"catalog_offline_id": application_id,
                    "reason": "The catalog entry went offline (Art 20)"},
            notify=[authz.org_name(req.consumer_org_id), authz.org_name(req.provider_org_id)])
        closed.append(req.id)
    return closed


def file(app: CatalogOffline, actor: model.User, now: dt.datetime) -> str:
    """备案 (Art 20.4): a filing number ``<year>-<sequence>`` for a finished application."""
    seq = model.Session.execute(sa.text(f"SELECT nextval('{FILING_SEQUENCE}')")).scalar()
    app.filing_number = f"{cal.local_date(now).year}-{seq:05d}"
    app.filed_at, app.filed_by = now, actor.id
    return app.filing_number
