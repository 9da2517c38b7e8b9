"""Who a user is and what role their department holds (Art 4–8), from CKAN organization
membership: the one place every capability asks (import it as ``from .. import authz``).

- a member: of a department in any capacity; its admins and editors keep its entries;
- consumer: a member of the request's consumer department;
- provider: the department that owns the catalog entry; its admins apply (Art 20, 21), its
  editors and admins keep its entries and systems up to date (Art 14, 16);
- Operator / Authority: a member of the organization named by
  ``ckanext.liuzhou.operator_org`` / ``ckanext.liuzhou.authority_org``; the Operator reviews
  (Art 20) and handles accounts (Art 12); the Authority's members issue upkeep notices and
  track violations, its admins decide resource offlining (Art 21);
- county authority: admin of a department whose ``roles`` include ``county_authority``; its
  jurisdiction is its county, i.e. the subtree of its parent department (the county
  government, as in the demo tree) — or its own subtree when it has no parent
  ("本级大数据主管部门").

Lookups are memoized for the current transaction (one query per user for all of its
memberships, one per department reference): an access check, a search filter and an action
ask the same questions many times per request. The memo goes when the transaction ends, and
as soon as a membership, department or user is changed in the session.
"""
from __future__ import annotations

import json
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from . import config as lz_config
from . import tree
from .txmemo import TransactionMemo


def _changes_roles(obj: Any, session: Any) -> bool:
    """Whether a pending change can alter what the memo holds. Not an entry's place in its
    department (the ``Member`` row of a package, which every new entry gets), nor a department
    or user whose own columns are unchanged (only a collection of it changed: that change is a
    row of its own, judged by itself)."""
    if isinstance(obj, model.Member):
        return obj.table_name != "package"
    return obj not in session.dirty or session.is_modified(obj, include_collections=False)


_MEMO = TransactionMemo("liuzhou_roles_memo", (model.Member, model.Group, model.GroupExtra, model.User),
                        relevant=_changes_roles)


def memoized(kind: str, key: Any, load):
    """``load()``, remembered under (kind, key) until the transaction ends or a membership,
    department or user changes in the session."""
    return _MEMO.get((kind, key), load)


def user_obj(user) -> Optional[model.User]:
    """A model.User from a name or id, a User (or CKAN's current_user proxy); None for anonymous."""
    if isinstance(user, str):
        return memoized("user", user, lambda: model.User.get(user)) if user else None
    if isinstance(user, model.User):
        return user
    return None  # None, or CKAN's AnonymousUser


def context_user(context) -> Optional[model.User]:
    """The user an action or auth function runs for (None when anonymous)."""
    return user_obj(context.get("auth_user_obj")) or user_obj(context.get("user"))


def member_rows(user_id: str) -> dict[str, tuple[str, bool, str]]:
    """group id → (capacity, an active organization?, group name) for every active membership
    (one query)."""
    def load():
        rows = (model.Session.query(model.Member.group_id, model.Member.capacity,
                                    model.Group.is_organization, model.Group.state, model.Group.name)
                .join(model.Group, model.Group.id == model.Member.group_id)
                .filter(model.Member.table_name == "user", model.Member.table_id == user_id,
                        model.Member.state == "active"))
        out: dict[str, tuple[str, bool, str]] = {}
        for gid, cap, is_org, state, name in rows:
            out.setdefault(gid, (cap, bool(is_org) and state == "active", name))
        return out
    return memoized("members", user_id, load)


def memberships(user: str | model.User | None) -> dict[str, str]:
    """org id → capacity for every active organization the user belongs to."""
    u = user_obj(user)
    if u is None:
        return {}
    return {gid: cap for gid, (cap, active_org, _name) in member_rows(u.id).items() if active_org}


def membership_names(user: str | model.User | None) -> list[str]:
    """Names of the active organizations the user belongs to (in any capacity)."""
    u = user_obj(user)
    if u is None:
        return []
    return [name for _cap, active_org, name in member_rows(u.id).values() if active_org]


def member_of_any(user: str | model.User | None, refs: tuple[Optional[str], ...]) -> tuple[bool, ...]:
    """For each department reference (a name or an id) in ``refs``: is the user a member of it
    (an active organization)? From the user's memberships, with no query of its own."""
    u = user_obj(user)
    if u is None:
        return tuple(False for _ in refs)
    mine = {k for gid, (_cap, active_org, name) in member_rows(u.id).items() if active_org
            for k in (gid, name)}
    return tuple(bool(ref) and ref in mine for ref in refs)


def _read_groups(refs: list[str]) -> dict[str, Optional[tuple[str, str, bool, str]]]:
    """ref → (id, name, is_organization, title) of the group or organization each reference
    (an id or a name, any state) names, None when none does; one query for all of them (what
    model.Group.get asks in two per reference). An id wins over a name."""
    rows = (model.Session.query(model.Group.id, model.Group.name, model.Group.is_organization, model.Group.title)
            .filter(sa.or_(model.Group.id.in_(refs), model.Group.name.in_(refs))).all())
    out: dict[str, Optional[tuple[str, str, bool, str]]] = {}
    for ref in refs:
        hits = sorted((r for r in rows if ref in (r[0], r[1])), key=lambda r: r[0] != ref)
        out[ref] = (hits[0][0], hits[0][1], bool(hits[0][2]), hits[0][3] or "") if hits else None
    return out


def _group(name_or_id: str) -> Optional[tuple[str, str, bool, str]]:
    """(id, name, is_organization, title) of a group or organization by id or name, any state."""
    return memoized("group", name_or_id, lambda: _read_groups([name_or_id])[name_or_id])


def preload_groups(refs) -> None:
    """Read the groups behind several references (names or ids) in one query into the memo
    that :func:`org_title`, :func:`org_name` and :func:`org_id` use."""
    memo = _MEMO.store()
    if memo is None:
        return
    wanted = [r for r in dict.fromkeys(refs) if r and ("group", r) not in memo]
    if wanted:
        memo.update({("group", ref): group for ref, group in _read_groups(wanted).items()})


def org_id(name_or_id: Optional[str]) -> Optional[str]:
    if not name_or_id:
        return None
    group = _group(name_or_id)
    return group[0] if group is not None and group[2] else None


def org_name(org: Optional[str]) -> Optional[str]:
    group = _group(org) if org else None
    return group[1] if group is not None else None


def org_title(name_or_id: Optional[str]) -> Optional[str]:
    """A group's or department's title (None when there is none or it is unknown)."""
    group = _group(name_or_id) if name_or_id else None
    return (group[3] or None) if group is not None else None


def role_in(org: Optional[str], user: str | model.User | None) -> Optional[str]:
    """The user's capacity in the group or organization (as ``authz.users_role_for_group_or_org``)."""
    u = user_obj(user)
    if u is None or not org:
        return None
    rows = member_rows(u.id)
    row = rows.get(org)  # an id (the memberships hold each group's id and name: no query of its own)
    if row is None:
        row = next((r for r in rows.values() if r[2] == org), None)
    return row[0] if row else None


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


# ---------------------------------------------------------------- the workflows' questions

def orgs_with(user, *capacities: str) -> set[str]:
    return {gid for gid, cap in memberships(user).items() if not capacities or cap in capacities}


def is_sysadmin(user) -> bool:
    u = user_obj(user)
    return bool(u is not None and u.sysadmin)


def oversees(user) -> bool:
    """The Authority and the Operator see every lifecycle record."""
    return is_authority(user) or is_operator(user)


def authority_admin(user) -> bool:
    return is_admin(lz_config.authority_org(), user)


def decides_resource_offline(user, provider_org_id: str) -> bool:
    """Art 21: the Authority of the provider's level approves."""
    return authority_admin(user) or provider_org_id in county_jurisdiction(user)


def tracks_violations(user, provider_org_id: Optional[str] = None) -> bool:
    if is_authority(user):
        return True
    county = county_jurisdiction(user)
    return bool(county) and (provider_org_id is None or provider_org_id in county)


def provider_admin(user, org_id: Optional[str]) -> bool:
    return bool(org_id) and is_admin(org_id, user)


def provider_editor(user, org_id: Optional[str]) -> bool:
    return bool(org_id) and role_in(org_id, user) in ("admin", "editor")


def actor_org(user, preferred: Optional[str] = None) -> Optional[str]:
    """The organization a user acts for: ``preferred`` if a member, else the Authority or the
    Operator, else the user's only department."""
    member_of = memberships(user)
    if preferred and preferred in member_of:
        return preferred
    for name in (lz_config.authority_org(), lz_config.operator_org()):
        oid = org_id(name)
        if oid in member_of:
            return oid
    return next(iter(member_of), None)


def site_user() -> model.User:
    """The site user (CKAN's ``get_site_user``), for steps the platform takes itself."""
    name = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    return model.User.get(name)
