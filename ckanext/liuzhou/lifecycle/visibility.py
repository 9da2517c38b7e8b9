"""Offline catalog entries (Art 20) leave default search but stay readable to the Authority,
the Operator and the provider.

The access layer calls:
- :func:`index_fields` from ``before_dataset_index``: ``lifecycle_state`` (``online`` or
  ``offline``; a plain string through the schema's ``*`` dynamic field);
- :func:`search_filter` from the chained ``package_search`` (``access/search.py``), for the
  context's user: a Solr filter hiding offline entries from a user who may not see them
  (None when the user sees everything);
- :func:`hidden_from` for ``package_show`` (and so ``resource_show`` and downloads).
"""
from __future__ import annotations

from typing import Optional

import ckan.model as model

from .. import authz
from ..txmemo import TransactionMemo
from .model import OfflineEntry

FIELD = "lifecycle_state"


_MEMO = TransactionMemo("liuzhou_offline_memo", (OfflineEntry,))


def is_offline(package_id: Optional[str]) -> bool:
    """Is the entry offline (Art 20)? Remembered for the transaction: a package_create asks it
    for each of its two indexings and for its final package_show. An entry taken offline in
    the session is seen once it is flushed (CKAN's session does not autoflush)."""
    if not package_id:
        return False
    return _MEMO.get(package_id, lambda: model.Session.query(OfflineEntry.package_id).filter_by(
        package_id=package_id).first() is not None)


def remember(package_ids) -> None:
    """Answer ``is_offline`` for many entries with one query, remembered like its own answers
    (catalog/bulk.py, before it builds the Solr documents of a batch)."""
    memo = _MEMO.store()
    missing = [i for i in package_ids if i not in memo] if memo is not None else []
    if not missing:
        return
    offline = {pid for (pid,) in model.Session.query(OfflineEntry.package_id)
               .filter(OfflineEntry.package_id.in_(missing))}
    memo.update((i, i in offline) for i in missing)


def offline_record(package_id: Optional[str]) -> Optional[OfflineEntry]:
    return model.Session.get(OfflineEntry, package_id) if package_id else None


def index_fields(pkg_dict: dict) -> dict:
    if pkg_dict.get("type") != "catalog":
        return {}
    return {FIELD: "offline" if is_offline(pkg_dict.get("id")) else "online"}


def sees_all(user_obj) -> bool:
    return authz.is_sysadmin(user_obj) or authz.oversees(user_obj)


def search_filter(reader) -> Optional[str]:
    """A Solr fq clause for the user of ``reader`` (the access layer's per-request
    :class:`~ckanext.liuzhou.access.policy.Reader`, so no query of its own): offline entries
    only for their provider; all for sysadmins, the Authority and the Operator (None)."""
    if reader.sysadmin or reader.authority or reader.operator:
        return None
    hide = f"(*:* -{FIELD}:offline)"
    if not reader.orgs:
        return hide
    orgs = " OR ".join(f'"{oid}"' for oid in sorted(reader.orgs))
    return f"{hide} OR owner_org:({orgs})"


def hidden_from(user_obj, package) -> bool:
    """True when ``package`` is offline and the user is neither its provider, nor the
    Authority, the Operator or a sysadmin."""
    if package is None or getattr(package, "type", None) != "catalog" or not is_offline(package.id):
        return False
    if sees_all(user_obj):
        return False
    return not authz.is_member(package.owner_org, user_obj)


def current_user_obj():
    """The signed-in user of the current web request (None outside one, or anonymous)."""
    try:
        from flask import has_request_context
        from ckan.common import current_user
    except ImportError:  # pragma: no cover
        return None
    if not has_request_context():
        return None
    return authz.user_obj(getattr(current_user, "_get_current_object", lambda: current_user)())
