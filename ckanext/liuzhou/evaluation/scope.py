"""Whose figures a user may see (Art 34): the Authority every department, a county authority
the departments of its county, a department its own; nobody else any."""
from __future__ import annotations

from typing import Optional

import ckan.model as model

from .. import authz


def _sysadmin(user) -> bool:
    return bool(user is not None and user.sysadmin)


def ranking_scope(user) -> Optional[set[str]]:
    """Department ids whose rows the user may rank (None: all); an empty set: refused."""
    if user is None:
        return set()
    if _sysadmin(user) or authz.is_authority(user):
        return None
    return authz.county_jurisdiction(user)


def department_ids(ref: str) -> Optional[str]:
    """The id of a department named by id or name (None if no such organization)."""
    return authz.org_id(ref)


def may_see_department(user, org_id: str) -> bool:
    if user is None or not org_id:
        return False
    scope = ranking_scope(user)
    if scope is None or org_id in scope:
        return True
    return org_id in authz.memberships(user)


def own_departments(user) -> list[model.Group]:
    """The departments the user belongs to (for the link to their own page)."""
    ids = list(authz.memberships(user)) if user is not None else []
    if not ids:
        return []
    return model.Session.query(model.Group).filter(model.Group.id.in_(ids)).order_by(model.Group.title).all()
