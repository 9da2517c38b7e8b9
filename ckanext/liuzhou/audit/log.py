"""Writing audit rows: who, for which department, what, which request, when, from where."""
from __future__ import annotations

from typing import Any, Optional, Union

import ckan.model as model

from .. import authz
from . import chain
from .model import AuditLog


def _user(user: Any) -> Optional[model.User]:
    if isinstance(user, dict):
        user = user.get("id") or user.get("name")
    return authz.user_obj(user)  # memoized for the transaction; None for anonymous


def _package(package: Any) -> Optional[model.Package]:
    if package is None or isinstance(package, model.Package):
        return package
    if isinstance(package, dict):
        package = package.get("id") or package.get("name")
    return model.Package.get(package)


def _org_name(org_id: Optional[str]) -> Optional[str]:
    if not org_id:
        return None
    return authz.org_name(org_id) or org_id


def _user_departments(user: model.User) -> str:
    """Names of the active departments the user belongs to, sorted, comma-separated."""
    return ",".join(sorted(filter(None, (authz.org_name(gid) for gid in authz.memberships(user)))))


def remote_addr() -> Optional[str]:
    """The client address of the current web request, if there is one."""
    try:
        from flask import has_request_context, request
    except ImportError:  # pragma: no cover
        return None
    if not has_request_context():
        return None
    return request.remote_addr


def record(action: str, user: Any = None, *, actor_org: Optional[str] = None,
           package: Any = None, resource_id: Optional[str] = None,
           share_request_id: Optional[str] = None, object_type: Optional[str] = None,
           object_id: Optional[str] = None, purpose: Optional[str] = None,
           detail: Optional[dict] = None, session=None,
           provider_org: Optional[str] = None) -> AuditLog:
    """Append a decision or state change to the chain, in the caller's transaction (not committed).

    ``actor_org`` is the name of the department the user acted for; when omitted, the user's
    departments are recorded.
    """
    user_obj = _user(user)
    pkg = _package(package)
    if provider_org is None and pkg is not None:
        provider_org = _org_name(pkg.owner_org)
    if actor_org is None and user_obj is not None:
        actor_org = _user_departments(user_obj)
    return chain.append(
        session, action=action, detail=detail,
        actor_id=user_obj.id if user_obj else None,
        actor_name=user_obj.name if user_obj else None,
        actor_org=actor_org or None,
        object_type=object_type, object_id=object_id,
        package_id=pkg.id if pkg else None, resource_id=resource_id,
        share_request_id=share_request_id, provider_org=provider_org,
        purpose=purpose, remote_addr=remote_addr())


def record_read(user: Any, package: Any, resource: Union[str, dict, None] = None,
                purpose: Optional[str] = None, *, share_request_id: Optional[str] = None,
                actor_org: Optional[str] = None, commit: bool = True) -> AuditLog:
    """Record one read of shared data (Art 25 traceability) for the access layer.

    Commits by default (a read has no transaction of its own to join); pass ``commit=False``
    inside an action that commits itself.
    """
    resource_id = resource.get("id") if isinstance(resource, dict) else resource
    row = record("data.read", user, actor_org=actor_org, package=package,
                 resource_id=resource_id, share_request_id=share_request_id,
                 object_type="resource" if resource_id else "package",
                 object_id=resource_id or (_package(package).id if _package(package) else None),
                 purpose=purpose)
    if commit:
        model.Session.commit()
    return row
