"""The grants that share requests give (Art 25–26): a conditional entry's data is read by the
users in the 知悉范围 of a delivered request of the entry, while the request gives access
(delivered, quality issue, fixed, or coordinating from one of those) and today
(Asia/Shanghai) is within its validity period — so access ends by itself. The whole rule,
with the other sharing types, is :mod:`ckanext.liuzhou.access.policy`.

A request opens exactly what it delivered (Art 25, 26.4): the resources named by its
deliveries (:class:`~.model.Delivery` ``resource_ids``), and of each the information items the
request asked for and the provider approved (``information_items``), see :func:`delivered`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import ckan.model as model

from ..calendar import store as cal
from .. import authz
from . import queries
from .model import Delivery, ShareRequest, ShareScope


@dataclass
class ResourceGrant:
    """What the user's requests open of one resource: the granting request (the one whose
    validity ends last) and the information items approved (a union over the requests)."""
    share_request_id: str
    items: set[str] = field(default_factory=set)
    # the personal items the provider approved the purpose for (read unmasked), a union too
    unmasked: set[str] = field(default_factory=set)


@dataclass
class EntryGrant:
    """What the user's requests open of one catalog entry (Art 25–26)."""
    share_request_id: str                                  # the request named for the entry
    resources: dict[str, ResourceGrant] = field(default_factory=dict)


def active_grants(user) -> dict[str, str]:
    """package id → id of the request that lets the user read it today (one query)."""
    u = authz.user_obj(user)
    if u is None:
        return {}
    rows = (model.Session.query(ShareRequest.package_id, ShareRequest.id)
            .join(ShareScope, ShareScope.share_request_id == ShareRequest.id)
            .filter(ShareScope.user_id == u.id, queries.giving_access(),
                    queries.valid_on(cal.local_date(cal.utcnow())))
            .order_by(ShareRequest.valid_until))
    return {pid: rid for pid, rid in rows}


def delivered(user) -> dict[str, EntryGrant]:
    """package id → what the user's requests that give access today opened (one query):
    the resources their deliveries named and the approved information items (Art 25, 26.4).
    A request delivered without resources (its entry had none when it was asked for and the
    Operator named none) opens no resource."""
    u = authz.user_obj(user)
    if u is None:
        return {}
    rows = (model.Session.query(ShareRequest.package_id, ShareRequest.id, ShareRequest.information_items,
                                Delivery.resource_ids, ShareRequest.personal_items)
            .join(ShareScope, ShareScope.share_request_id == ShareRequest.id)
            .join(Delivery, Delivery.share_request_id == ShareRequest.id)
            .filter(ShareScope.user_id == u.id, queries.giving_access(),
                    queries.valid_on(cal.local_date(cal.utcnow())))
            .order_by(ShareRequest.valid_until, ShareRequest.id, Delivery.number))
    out: dict[str, EntryGrant] = {}
    for pid, rid, items, resource_ids, personal in rows:
        entry = out.setdefault(pid, EntryGrant(rid))
        entry.share_request_id = rid          # the last valid one, as active_grants names it
        for res_id in resource_ids or []:
            grant = entry.resources.setdefault(res_id, ResourceGrant(rid))
            grant.share_request_id = rid
            grant.items.update(str(i) for i in items or [])
            grant.unmasked.update(str(i) for i in personal or [])
    return out


def grant_for(user, package_id: str) -> Optional[str]:
    return active_grants(user).get(package_id)
