"""Who is who in the sharing workflow (Art 4–8), from CKAN organization membership.

- consumer: a member (any capacity) of the request's consumer department;
- provider admin: admin of the department that owns the catalog entry;
- Operator / Authority: a member of the organization named by
  ``ckanext.liuzhou.operator_org`` / ``ckanext.liuzhou.authority_org``;
- county authority: admin of a department whose ``roles`` include ``county_authority``; its
  jurisdiction is its county, i.e. the subtree of its parent department (the county
  government, as in the demo tree) — or its own subtree when it has no parent.
"""
from __future__ import annotations

import json
from typing import Optional

import ckan.model as model
from ckan import authz

from .. import config as lz_config
from ..catalog import tree


def user_obj(user) -> Optional[model.User]:
    """A model.User from a name or id, a User (or CKAN's current_user proxy); None for anonymous."""
    if isinstance(user, str):
        return model.User.get(user) if user else None
    if isinstance(user, model.User):
        return user
    return None  # None, or CKAN's AnonymousUser


def context_user(context) -> Optional[model.User]:
    """The user an action or auth function runs for (None when anonymous)."""
    return user_obj(context.get("auth_user_obj")) or user_obj(context.get("user"))


def memberships(user: str | model.User | None) -> dict[str, str]:
    """org id → capacity for every active organization the user belongs to (one query)."""
    u = user_obj(user)
    if u is None:
        return {}
    rows = (model.Session.query(model.Member.group_id, model.Member.capacity)
            .join(model.Group, model.Group.id == model.Member.group_id)
            .filter(model.Member.table_name == "user", model.Member.table_id == u.id,
                    model.Member.state == "active", model.Group.is_organization.is_(True),
                    model.Group.state == "active"))
    return {gid: cap for gid, cap in rows}


def org_id(name_or_id: Optional[str]) -> Optional[str]:
    if not name_or_id:
        return None
    group = model.Group.get(name_or_id)
    return group.id if group is not None and group.is_organization else None


def org_name(org: Optional[str]) -> Optional[str]:
    group = model.Group.get(org) if org else None
    return group.name if group is not None else None


def role_in(org: Optional[str], user: str | model.User | None) -> Optional[str]:
    u = user_obj(user)
    if u is None or not org:
        return None
    return authz.users_role_for_group_or_org(org, u.name)


def is_member(org: Optional[str], user) -> bool:
    return role_in(org, user) is not None


def is_admin(org: Optional[str], user) -> bool:
    return role_in(org, user) == "admin"


def is_operator(user) -> bool:
    return is_member(lz_config.operator_org(), user)


def is_authority(user) -> bool:
    return is_member(lz_config.authority_org(), user)


def _roles_of(group: model.Group) -> list[str]:
    raw = group.extras.get("roles") if group is not None else None
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        value = raw.replace(",", " ").split()
    return [value] if isinstance(value, str) else list(value)


def county_jurisdiction(user) -> set[str]:
    """Ids of the departments under the county authorities the user administers (empty if none)."""
    ids: set[str] = set()
    for gid, capacity in memberships(user).items():
        if capacity != "admin":
            continue
        group = model.Group.get(gid)
        if "county_authority" not in _roles_of(group):
            continue
        root = group.extras.get("parent") or group.name
        names = tree.subtree_names(root) or [group.name]
        ids.update(gid for gid, in model.Session.query(model.Group.id).filter(model.Group.name.in_(names)))
    return ids
