"""The grants that share requests give (Art 25–26): a conditional entry's data is read by the
users in the 知悉范围 of a delivered request of the entry, while the request gives access
(delivered, quality issue, fixed, or coordinating from one of those) and today
(Asia/Shanghai) is within its validity period — so access ends by itself. The whole rule,
with the other sharing types, is :mod:`ckanext.liuzhou.access.policy`.
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
    """(may read, id of the request that grants it, if any); the rule is in access.policy."""
    from ..access import policy   # the access layer builds on this module

    decision = policy.build(user).decide_package(package) if package is not None else None
    if decision is None:
        return False, None
    return decision.readable, decision.share_request_id
