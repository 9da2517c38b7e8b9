"""Who may read a catalog entry's data (Art 25–26, 28, 32) — the rule the access layer enforces.

- unconditional: any signed-in user of a department;
- conditional: the users in the 知悉范围 of a delivered request of this entry, while the
  request gives access (delivered, quality issue, fixed, or coordinating from one of those)
  and today (Asia/Shanghai) is within its validity period — so access ends by itself;
- not shared: the provider and the Authority (and users granted by a delivered negotiation).
The provider's own users always read their data.
"""
from __future__ import annotations

from typing import Optional

import ckan.model as model

from ..calendar import store as cal
from . import queries, roles
from .model import ShareRequest, ShareScope


def active_grants(user) -> dict[str, str]:
    """package id → id of the request that lets the user read it today (one query)."""
    u = roles.user_obj(user)
    if u is None:
        return {}
    rows = (model.Session.query(ShareRequest.package_id, ShareRequest.id)
            .join(ShareScope, ShareScope.share_request_id == ShareRequest.id)
            .filter(ShareScope.user_id == u.id, queries.giving_access(),
                    queries.valid_on(cal.local_date(cal.utcnow())))
            .order_by(ShareRequest.valid_until))
    return {pid: rid for pid, rid in rows}


def grant_for(user, package_id: str) -> Optional[str]:
    return active_grants(user).get(package_id)


def can_read(user, package: model.Package) -> tuple[bool, Optional[str]]:
    """(may read, id of the request that grants it, if any)."""
    u = roles.user_obj(user)
    if u is None or package is None:
        return False, None
    if roles.is_member(package.owner_org, u):
        return True, None
    sharing_type = package.extras.get("sharing_type") or "unconditional"
    if sharing_type == "unconditional":
        return bool(roles.memberships(u)), None
    if sharing_type == "not_shared" and roles.is_authority(u):
        return True, None
    grant = grant_for(u, package.id)
    return grant is not None, grant
