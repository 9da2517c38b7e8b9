"""What the lifecycle actions share: loading rows, errors, paging, the acting user."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ...calendar import store as cal
from ... import authz
from ...validation import acting_user, commit_unless_deferred

_ = tk._
UPLOAD_FOLDER = "liuzhou_offline"

actor_of = acting_user
commit = commit_unless_deferred


def error(field: str, message: str) -> tk.ValidationError:
    return tk.ValidationError({field: [message]})


def today() -> dt.date:
    return cal.local_date(cal.utcnow())


def load(cls, object_id: str, lock: bool = False):
    """The row of ``cls`` with this id (NotFound if none), optionally locked FOR UPDATE."""
    query = model.Session.query(cls).filter(cls.id == object_id)
    if lock:
        query = query.with_for_update().populate_existing()
    row = query.one_or_none()
    if row is None:
        raise tk.ObjectNotFound(_("Not found"))
    return row


def catalog_entry(ref: Optional[str]) -> model.Package:
    pkg = model.Package.get(ref) if ref else None
    if pkg is None or pkg.state != "active" or pkg.type != "catalog":
        raise tk.ObjectNotFound(_("Catalog entry not found"))
    return pkg


def org_ids_of(refs: list[str], field: str) -> list[str]:
    ids, unknown = [], []
    for ref in refs:
        oid = authz.org_id(ref)
        (ids if oid else unknown).append(oid or ref)
    if unknown:
        raise error(field, _("Unknown department: {names}").format(names=", ".join(unknown)))
    return list(dict.fromkeys(ids))


def filter_org(query, column, ref: Optional[str]):
    if not ref:
        return query
    return query.filter(column == (authz.org_id(ref) or ref))


def page(query, data: dict, *order):
    return query.order_by(*order).limit(data["limit"]).offset(data["offset"]).all()


def acting_org(actor: model.User, name: str) -> Optional[str]:
    return authz.org_id(name) if authz.is_member(name, actor) else authz.actor_org(actor)


def notes_required(data: dict, message: str) -> str:
    if not data.get("notes"):
        raise error("notes", message)
    return data["notes"]


def reindex(package_id: str) -> None:
    from ckan.lib.search import rebuild
    rebuild(package_id)
