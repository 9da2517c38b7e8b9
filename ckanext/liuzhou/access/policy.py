"""Who may read a catalog entry's data, decided once per user and web request.

The rule (Art 25–26, 28, 32; design "Access and trace"):

- the provider's own users (members of the owning department) and sysadmins read everything
  of the entry, and are the only ones who see a resource's real location;
- unconditional (无条件共享): any signed-in member of a department;
- conditional (有条件共享): the users named in the 知悉范围 of a delivered request of the entry,
  while that request gives access and today (Asia/Shanghai) is inside its validity period;
- not shared (不予共享): the Authority (a county authority within its county), and users granted
  by a delivered negotiation request.

What a grant opens is exactly what its request delivered (Art 25, 26.4): the resources its
deliveries named, and of a DataStore table only the columns of the approved information items
(:meth:`Reader.decide_resource`, :mod:`.columns`). An offline entry (Art 20) and a resource
whose offlining was completed (Art 21, ``online_status`` offline) are read by nobody but the
provider, the Authority, the Operator and sysadmins (Art 33.1 tracks a provider who stops a
service otherwise); during the Art 21 public notice the resource is still online and readable.

The catalog itself (an entry's metadata) is published to every signed-in department user:
Art 13 and 19 make it one catalog for all, and a consumer must find an entry to ask for it
(Art 26). What this rule guards is the data: resource locations, downloads, the DataStore.

A :class:`Reader` holds everything the rule needs about one user (memberships and roles in
one query, grants in a second when first needed) so that a page of search results is decided
without a query per entry.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import ckan.model as model

from .. import config as lz_config
from ..sharing import access as grants_of
from .. import authz

UNCONDITIONAL, CONDITIONAL, NOT_SHARED = "unconditional", "conditional", "not_shared"


@dataclass(frozen=True)
class Decision:
    readable: bool
    via: str                        # owner, sysadmin, unconditional, authority, grant, request, signin,
                                    # and for one resource: offline_entry, offline, not_delivered
    share_request_id: Optional[str] = None
    # for one resource read through a grant: the approved information items (None = all)
    items: Optional[frozenset[str]] = field(default=None, compare=False)
    # for one resource read through a grant: the personal items read unmasked (see masking)
    unmasked: frozenset[str] = field(default=frozenset(), compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {"readable": self.readable, "via": self.via,
                "share_request_id": self.share_request_id}


@dataclass
class Reader:
    user: Optional[model.User]
    sysadmin: bool = False
    orgs: frozenset[str] = frozenset()          # ids of the user's departments
    authority: bool = False
    operator: bool = False                      # a member of the Operator (sees offline entries)
    county: frozenset[str] = frozenset()        # ids of the departments of a county authority
    # package id → granting request id; None until a decision or the Solr clause needs them
    # (one query, which a user's own or an unconditional entry never costs)
    grants: Optional[dict[str, str]] = None
    # package id → what the grants delivered (resources, information items), same query
    delivered: Optional[dict[str, Any]] = None
    load_grants: Optional[Callable[[], dict[str, Any]]] = field(default=None, repr=False, compare=False)
    _clause: Optional[str] = field(default=None, init=False, repr=False, compare=False)

    def granted(self) -> dict[str, str]:
        if self.grants is None:
            self.delivered = self.load_grants() if self.load_grants is not None else {}
            self.grants = {pid: g.share_request_id for pid, g in self.delivered.items()}
        return self.grants

    def exempt_from_offline(self, owner_org: Optional[str]) -> bool:
        """The provider, the Authority, the Operator and sysadmins still read offline data
        (Art 20, 21)."""
        return self.sysadmin or self.authority or self.operator or self.owns(owner_org)

    def decide_resource(self, resource_id: str, package_id: str, owner_org: Optional[str],
                        sharing_type: Optional[str], *, entry_offline: bool = False,
                        resource_offline: bool = False) -> Decision:
        """The rule for one resource's data: offline first (Art 20, 21), then the entry's rule;
        a grant opens only the resources its request delivered (Art 25, 26.4)."""
        if self.user is not None and not self.exempt_from_offline(owner_org):
            if entry_offline:
                return Decision(False, "offline_entry")
            if resource_offline:
                return Decision(False, "offline")
        decision = self.decide(package_id, owner_org, sharing_type)
        if decision.via != "grant":
            return decision
        self.granted()
        entry = (self.delivered or {}).get(package_id)
        grant = entry.resources.get(resource_id) if entry is not None else None
        if grant is None:
            return Decision(False, "not_delivered")
        return Decision(True, "grant", grant.share_request_id, frozenset(grant.items),
                        frozenset(grant.unmasked))

    @property
    def signed_in(self) -> bool:
        return self.user is not None

    def owns(self, owner_org: Optional[str]) -> bool:
        return self.sysadmin or (owner_org is not None and owner_org in self.orgs)

    def decide(self, package_id: str, owner_org: Optional[str],
               sharing_type: Optional[str]) -> Decision:
        if self.user is None:
            return Decision(False, "signin")
        if self.sysadmin:
            return Decision(True, "sysadmin")
        if owner_org in self.orgs:
            return Decision(True, "owner")
        sharing_type = sharing_type or UNCONDITIONAL
        if sharing_type == UNCONDITIONAL:
            return Decision(bool(self.orgs), "unconditional" if self.orgs else "request")
        if sharing_type == NOT_SHARED and (self.authority or owner_org in self.county):
            return Decision(True, "authority")
        grant = self.granted().get(package_id)
        if grant:
            return Decision(True, "grant", grant)
        return Decision(False, "request")

    def decide_dict(self, pkg_dict: dict) -> Decision:
        return self.decide(pkg_dict.get("id"), pkg_dict.get("owner_org"),
                           pkg_dict.get("sharing_type"))

    def decide_package(self, pkg: model.Package) -> Decision:
        return self.decide(pkg.id, pkg.owner_org, pkg.extras.get("sharing_type"))

    def solr_readable_clause(self) -> str:
        """A Solr filter selecting exactly the entries this user may read (built from grants,
        once per Reader, i.e. once per user and web request)."""
        if self._clause is None:
            self._clause = self._readable_clause()
        return self._clause

    def _readable_clause(self) -> str:
        if self.sysadmin:
            return "*:*"
        if self.user is None:
            return "-*:*"
        parts = []
        if self.orgs:
            parts.append("sharing_type:unconditional")
            parts.append("owner_org:(%s)" % " OR ".join(_quote(o) for o in sorted(self.orgs)))
        if self.authority:
            parts.append("sharing_type:not_shared")
        elif self.county:
            parts.append("(sharing_type:not_shared AND owner_org:(%s))"
                         % " OR ".join(_quote(o) for o in sorted(self.county)))
        if self.granted():
            parts.append("id:(%s)" % " OR ".join(_quote(p) for p in sorted(self.granted())))
        return "(%s)" % " OR ".join(parts) if parts else "-*:*"


def _quote(value: str) -> str:
    return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')


def build(user: Any) -> Reader:
    u = authz.user_obj(user)
    if u is None or u.state != "active":
        return Reader(None)
    if u.sysadmin:  # what authz.is_sysadmin reads, without looking the user up again
        return Reader(u, sysadmin=True)
    orgs = frozenset(authz.memberships(u))
    authority, operator = authz.member_of_any(u, (lz_config.authority_org(), lz_config.operator_org()))
    return Reader(u, orgs=orgs, authority=authority, operator=operator,
                  county=frozenset(authz.county_jurisdiction(u)),
                  load_grants=lambda: grants_of.delivered(u))


def reader_for(user: Any) -> Reader:
    """The user's Reader, computed once per web request (fresh outside of one)."""
    u = authz.user_obj(user)
    try:
        from flask import g, has_request_context
    except ImportError:  # pragma: no cover
        return build(u)
    if not has_request_context():
        return build(u)
    cache = g.setdefault("_liuzhou_readers", {})
    key = u.id if u is not None else None
    if key not in cache:
        cache[key] = build(u)
    return cache[key]


def context_reader(context: dict) -> Reader:
    return reader_for(authz.context_user(context))


def can_read(user, package: model.Package) -> tuple[bool, Optional[str]]:
    """(may read, id of the request that grants it, if any), by the rule of :class:`Reader`."""
    decision = build(user).decide_package(package) if package is not None else None
    if decision is None:
        return False, None
    return decision.readable, decision.share_request_id
