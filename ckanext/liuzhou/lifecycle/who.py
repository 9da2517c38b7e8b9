"""Who may do what in the lifecycle workflows (Art 4–8), from organization membership.

- provider: the department that owns the entry; its admins apply (Art 20, 21), its editors
  and admins keep its entries and systems up to date (Art 14, 16);
- Operator: any member of ``ckanext.liuzhou.operator_org`` (reviews Art 20, handles Art 12);
- Authority: members of ``ckanext.liuzhou.authority_org`` issue upkeep notices and track
  violations; its admins decide resource offlining (Art 21), as does a county authority for
  the departments of its county ("本级大数据主管部门").
"""
from __future__ import annotations

from typing import Optional

import ckan.model as model

from .. import config as lz_config
from ..sharing import roles


def memberships(user) -> dict[str, str]:
    return roles.memberships(user)


def orgs_with(user, *capacities: str) -> set[str]:
    return {gid for gid, cap in roles.memberships(user).items() if not capacities or cap in capacities}


def is_sysadmin(user) -> bool:
    u = roles.user_obj(user)
    return bool(u is not None and u.sysadmin)


def oversees(user) -> bool:
    """The Authority and the Operator see every lifecycle record."""
    return roles.is_authority(user) or roles.is_operator(user)


def authority_admin(user) -> bool:
    return roles.is_admin(lz_config.authority_org(), user)


def decides_resource_offline(user, provider_org_id: str) -> bool:
    """Art 21: the Authority of the provider's level approves."""
    return authority_admin(user) or provider_org_id in roles.county_jurisdiction(user)


def tracks_violations(user, provider_org_id: Optional[str] = None) -> bool:
    if roles.is_authority(user):
        return True
    county = roles.county_jurisdiction(user)
    return bool(county) and (provider_org_id is None or provider_org_id in county)


def provider_admin(user, org_id: Optional[str]) -> bool:
    return bool(org_id) and roles.is_admin(org_id, user)


def provider_editor(user, org_id: Optional[str]) -> bool:
    return bool(org_id) and roles.role_in(org_id, user) in ("admin", "editor")


def actor_org(user, preferred: Optional[str] = None) -> Optional[str]:
    """The organization a user acts for: ``preferred`` if a member, else the Authority or the
    Operator, else the user's only department."""
    member_of = roles.memberships(user)
    if preferred and preferred in member_of:
        return preferred
    for name in (lz_config.authority_org(), lz_config.operator_org()):
        oid = roles.org_id(name)
        if oid in member_of:
            return oid
    return next(iter(member_of), None)


def site_user() -> model.User:
    import ckan.plugins.toolkit as tk
    name = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    return model.User.get(name)
