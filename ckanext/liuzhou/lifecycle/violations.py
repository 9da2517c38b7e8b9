"""Unauthorised stops (Art 33.1): a provider that stops a data service without the Authority's
permission is flagged for the Authority.

Flagged:
- a resource set offline, or removed, from a published catalog entry other than by completing
  an approved Art 21 application (``resource_offline_complete``), by a user of the provider
  (the platform's own updates — the site user of harvests, maintenance commands and sysadmins
  — are no provider stopping its service: a harvest mirroring a resource the autonomous region
  removed, or an operation run for the platform, is not flagged);
- a consumer suspended or terminated by the provider (Art 31 allows it for a consumer that
  breaks the rules, reported to the Authority, who confirms or dismisses the flag), unless the
  data itself left through the approval path (entry offline under Art 20, or every requested
  resource offline under Art 21).
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

import ckan.model as model

from .. import config as lz_config
from ..calendar import store as cal
from .. import authz
from ..sharing import workflow as share_workflow
from . import events, visibility
from .model import ResourceOffline, Violation
from .states import COMPLETED

ARTICLE = "33.1"


def flag(kind: str, provider_org_id: str, actor: Optional[model.User], *, package_id=None,
         resource_id=None, share_request_id=None, detail: Optional[dict] = None,
         now: Optional[dt.datetime] = None) -> Violation:
    """Record a violation, its timeline event and audit row (not committed)."""
    now = now or cal.utcnow()
    v = Violation(article=ARTICLE, kind=kind, provider_org_id=provider_org_id, package_id=package_id,
                  resource_id=resource_id, share_request_id=share_request_id,
                  actor_id=actor.id if actor else None, created=now, detail=detail or {}, state="open")
    model.Session.add(v)
    model.Session.flush()
    events.record("violation", v, "flag", actor, "system", actor_org_id=provider_org_id,
                  to_state="open", detail={"kind": kind, **(detail or {})}, now=now,
                  notify=[lz_config.authority_org()], package_id=package_id, resource_id=resource_id,
                  share_request_id=share_request_id, provider_org_id=provider_org_id)
    return v


def resource_offline_approved(resource_id: str) -> bool:
    """The resource's Art 21 application has reached its end (completed, in this transaction)."""
    return (model.Session.query(ResourceOffline.id)
            .filter(ResourceOffline.resource_id == resource_id, ResourceOffline.state == COMPLETED)
            .first() is not None)


def check_resources(pkg: model.Package, before: dict[str, str], after: dict[str, str],
                    actor: Optional[model.User], published: bool) -> list[Violation]:
    """Compare {resource id: online status} before and after an update of a published entry."""
    if not published or actor is None or actor.sysadmin:
        return []  # the platform's own updates (site user, sysadmins) are no provider's stop
    flagged = []
    for rid, status in before.items():
        if status == "offline":
            continue
        if rid not in after:
            kind = "resource_deleted_unapproved"
        elif after[rid] == "offline":
            kind = "resource_offline_unapproved"
        else:
            continue
        if resource_offline_approved(rid):
            continue
        flagged.append(flag(kind, pkg.owner_org, actor, package_id=pkg.id, resource_id=rid,
                            detail={"consumers": _consumers(pkg.id, rid)}))
    return flagged


def _consumers(package_id: str, resource_id: Optional[str] = None) -> list[str]:
    from ..sharing.model import ShareRequest
    from ..sharing import states as share_states
    rows = (model.Session.query(ShareRequest.consumer_org_id, ShareRequest.resource_ids)
            .filter(ShareRequest.package_id == package_id,
                    ShareRequest.state.in_(list(share_states.OPEN - {share_states.REJECTED}))))
    return sorted({authz.org_name(org) for org, rids in rows
                   if resource_id is None or not rids or resource_id in rids})


@share_workflow.provider_stopped.connect
def on_provider_stop(req, event: str, actor: Optional[model.User]) -> Optional[Violation]:
    """Art 33.1 hook of ``share_request_suspend`` / ``share_request_terminate`` (subscribed to
    the sharing workflow's ``provider_stopped`` signal)."""
    if visibility.is_offline(req.package_id):
        return None
    wanted = list(req.resource_ids or [])
    if wanted:
        done = {rid for (rid,) in model.Session.query(ResourceOffline.resource_id).filter(
            ResourceOffline.resource_id.in_(wanted), ResourceOffline.state == COMPLETED)}
        if set(wanted) <= done:
            return None
    kind = "consumer_suspended" if event == "suspend" else "consumer_terminated"
    return flag(kind, req.provider_org_id, actor, package_id=req.package_id, share_request_id=req.id,
                detail={"consumer": authz.org_name(req.consumer_org_id)})
