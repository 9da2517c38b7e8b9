"""One data, one source (Art 17): find other providers' entries whose information items
overlap an entry's, record the warning, clear it when the overlap goes.

Each catalog entry's item names are kept normalised in ``liuzhou_item_name`` (see
:mod:`.normalize`); grouped SQL queries find the overlapping entries, so the check costs the
same whatever the size of the catalog. Names that many providers use (``duplicate_common_
providers``: identifiers such as 姓名 or 统一社会信用代码, which join data rather than
duplicate it) are left out. An entry is a match when it belongs to another provider, is
active, public and online, shares at least ``duplicate_min_items`` of the remaining names and
those are at least ``duplicate_threshold`` per cent of the checked entry's remaining names.
"""
from __future__ import annotations

import datetime as dt
import itertools
import logging
import uuid
from collections import Counter
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import audit
from ..calendar import store as cal
from .. import authz
from .. import config as lz_config
from .model import DuplicateWarning, ItemName, OfflineEntry
from .normalize import items_of, normalized_names

log = logging.getLogger(__name__)


def sync_item_names(package_id: str, org_id: Optional[str], items: Any, fresh: bool = False) -> dict[str, str]:
    """Replace the entry's normalised names; return them (normalised → original). ``fresh``:
    the entry's id was generated just now, so it has no names to replace."""
    names = normalized_names(items_of(items))
    if not fresh:
        model.Session.query(ItemName).filter(ItemName.package_id == package_id).delete(synchronize_session=False)
    if org_id:
        model.Session.add_all(ItemName(package_id=package_id, name_norm=k, name=v, org_id=org_id)
                              for k, v in names.items())
    model.Session.flush()
    return names


def _published():
    return sa.and_(model.Package.state == "active", model.Package.type == "catalog",
                   model.Package.private.is_(False), OfflineEntry.package_id.is_(None))


# For each name: do at least :least providers use it in published entries? The providers of a
# name are found one after the other in the order of the (name_norm, org_id) index, each by one
# seek past the last one found (a loose index scan), and the search stops at the :least-th:
# at most ``duplicate_common_providers`` seeks per name whatever the number of entries that
# carry it, where reading the index row by row went through every entry of a provider before
# reaching the next one (at 3,000 entries: 0.3 ms instead of 2–7 ms for ten names).
_COMMON_NAMES = sa.text("""
WITH RECURSIVE provider(name_norm, org_id, rank) AS (
    SELECT n.name_norm, (
        SELECT i.org_id FROM liuzhou_item_name i JOIN package p ON p.id = i.package_id
        WHERE i.name_norm = n.name_norm
          AND p.state = 'active' AND p.type = 'catalog' AND p.private IS FALSE
          AND NOT EXISTS (SELECT 1 FROM liuzhou_offline_entry o WHERE o.package_id = i.package_id)
        ORDER BY i.org_id LIMIT 1), 1
    FROM unnest(CAST(:names AS text[])) AS n(name_norm)
  UNION ALL
    SELECT s.name_norm, (
        SELECT i.org_id FROM liuzhou_item_name i JOIN package p ON p.id = i.package_id
        WHERE i.name_norm = s.name_norm AND i.org_id > s.org_id
          AND p.state = 'active' AND p.type = 'catalog' AND p.private IS FALSE
          AND NOT EXISTS (SELECT 1 FROM liuzhou_offline_entry o WHERE o.package_id = i.package_id)
        ORDER BY i.org_id LIMIT 1), s.rank + 1
    FROM provider s WHERE s.org_id IS NOT NULL AND s.rank < :least
)
SELECT name_norm FROM provider WHERE org_id IS NOT NULL AND rank = :least
""")


def common_names(names: dict[str, str]) -> set[str]:
    """Which of ``names`` are identifiers many providers share (姓名, 公民身份号码, 统一社会信用代码…):
    used by at least ``duplicate_common_providers`` providers' published entries (0: none)."""
    least = lz_config.duplicate_common_providers()
    if not names or least <= 0:
        return set()
    rows = model.Session.execute(_COMMON_NAMES, {"names": sorted(names), "least": least})
    return {n for (n,) in rows}


def find(names: dict[str, str], org_id: Optional[str], exclude_package_id: Optional[str] = None,
         threshold: Optional[int] = None, min_items: Optional[int] = None) -> list[dict]:
    """Other providers' published entries sharing enough of ``names`` (normalised → original),
    common identifiers left out of both sides of the comparison."""
    common = common_names(names)
    names = {k: v for k, v in names.items() if k not in common}
    if not names:
        return []
    threshold = lz_config.duplicate_threshold() if threshold is None else threshold
    min_items = lz_config.duplicate_min_items() if min_items is None else min_items
    total = len(names)
    shared = sa.func.count(ItemName.name_norm)
    query = (model.Session.query(ItemName.package_id, model.Package.name, model.Package.title,
                                 model.Package.owner_org, shared.label("shared"),
                                 sa.func.array_agg(ItemName.name_norm).label("shared_keys"))
             .join(model.Package, model.Package.id == ItemName.package_id)
             .outerjoin(OfflineEntry, OfflineEntry.package_id == ItemName.package_id)
             .filter(ItemName.name_norm.in_(list(names)), _published())
             .group_by(ItemName.package_id, model.Package.name, model.Package.title, model.Package.owner_org)
             .having(sa.and_(shared >= max(min_items, 1), shared * 100 >= threshold * total)))
    if org_id:
        query = query.filter(model.Package.owner_org != org_id)
    if exclude_package_id:
        query = query.filter(ItemName.package_id != exclude_package_id)
    rows = query.order_by(shared.desc(), model.Package.title).limit(50).all()
    orgs = {gid: (name, title) for gid, name, title in model.Session.query(
        model.Group.id, model.Group.name, model.Group.title).filter(
        model.Group.id.in_({r.owner_org for r in rows}))} if rows else {}
    out = []
    for r in rows:
        org_name, org_title = orgs.get(r.owner_org, (r.owner_org, r.owner_org))
        keys = sorted(r.shared_keys)
        out.append({
            "package_id": r.package_id, "name": r.name, "title": r.title,
            "provider_org": org_name, "provider_org_title": org_title, "provider_org_id": r.owner_org,
            "shared": [names[k] for k in keys], "shared_count": r.shared, "item_count": total,
            "ratio": round(100 * r.shared / total),
            "url": entry_url(r.name),
        })
    return out


def entry_url(name: str) -> str:
    """The entry's page, where its data is requested instead of collected again."""
    try:
        return tk.url_for("catalog.read", id=name)
    except RuntimeError:  # no application context (a script)
        return f"/catalog/{name}"


def record(pkg: model.Package, matches: list[dict], actor: Optional[model.User],
           now: Optional[dt.datetime] = None, fresh: bool = False) -> None:
    """Keep one warning per (entry, other entry) and clear those no longer matching; when a
    check finds new or changed overlaps, or clears some, it writes one audit row listing them
    (one append to the audit chain per check, whatever the number of matches). Not committed.
    ``fresh``: the entry's id was generated just now, so it has no warnings yet."""
    now = now or cal.utcnow()
    existing = {} if fresh else {w.other_package_id: w for w in model.Session.query(DuplicateWarning)
                                 .filter(DuplicateWarning.package_id == pkg.id).with_for_update()}
    seen, changed, cleared = set(), [], []
    for m in matches:
        seen.add(m["package_id"])
        w = existing.get(m["package_id"])
        if w is None:
            w = DuplicateWarning(package_id=pkg.id, other_package_id=m["package_id"],
                                 provider_org_id=pkg.owner_org, other_org_id=m["provider_org_id"],
                                 first_detected=now)
            model.Session.add(w)
        elif w.state == "open" and sorted(w.shared or []) == sorted(m["shared"]):
            w.last_detected, w.shared_count, w.item_count, w.ratio = now, m["shared_count"], m["item_count"], m["ratio"]
            w.provider_org_id = pkg.owner_org
            continue
        w.shared, w.shared_count, w.item_count, w.ratio = m["shared"], m["shared_count"], m["item_count"], m["ratio"]
        w.state, w.last_detected, w.cleared_at = "open", now, None
        w.provider_org_id = pkg.owner_org
        w.detected_by = actor.id if actor else None
        changed.append(m)
    for other_id, w in existing.items():
        if other_id not in seen and w.state == "open":
            w.state, w.cleared_at = "cleared", now
            cleared.append(other_id)
    model.Session.flush()
    if changed or cleared:
        _audit_check(pkg, actor, changed, cleared, len(seen))


def _audit_check(pkg: model.Package, actor: Optional[model.User], changed: list[dict], cleared: list[str],
                 open_count: int) -> None:
    """The audit row of a check that found new or changed overlaps, or cleared some."""
    org = authz.org_name(pkg.owner_org)
    audit.record("duplicate.check", actor, package=pkg, object_type="package", object_id=pkg.id,
                 actor_org=org, provider_org=org,
                 detail={"matches": [{"other_package_id": m["package_id"], "other_provider": m["provider_org"],
                                      "shared": m["shared"], "ratio": m["ratio"]} for m in changed],
                         "cleared": cleared, "open": open_count})


def record_new(found: list[tuple[model.Package, list[dict]]], actor: Optional[model.User],
               now: Optional[dt.datetime] = None) -> None:
    """:func:`record` for entries created just now (they have no warnings yet), many at once
    (the bulk path): their warnings written in one statement instead of an ORM object each and
    a flush per entry, then each entry's audit row, in the order given. Not committed."""
    now = now or cal.utcnow()
    by = actor.id if actor else None
    rows = [{"id": str(uuid.uuid4()), "package_id": pkg.id, "other_package_id": m["package_id"],
             "provider_org_id": pkg.owner_org, "other_org_id": m["provider_org_id"], "shared": m["shared"],
             "shared_count": m["shared_count"], "item_count": m["item_count"], "ratio": m["ratio"],
             "state": "open", "first_detected": now, "last_detected": now, "detected_by": by, "cleared_at": None}
            for pkg, matches in found for m in matches]
    if rows:
        model.Session.execute(DuplicateWarning.__table__.insert(), rows)
    for pkg, matches in found:
        if matches:
            _audit_check(pkg, actor, matches, [], len({m["package_id"] for m in matches}))


# The providers of each name, up to :least of them (the same loose index scan as _COMMON_NAMES)
_PROVIDERS = sa.text(_COMMON_NAMES.text.replace(
    "SELECT name_norm FROM provider WHERE org_id IS NOT NULL AND rank = :least",
    "SELECT name_norm, org_id FROM provider WHERE org_id IS NOT NULL"))

_CARRIERS = sa.text("""
SELECT i.package_id, i.name_norm, p.name, p.title, p.owner_org
FROM liuzhou_item_name i JOIN package p ON p.id = i.package_id
WHERE i.name_norm = ANY(CAST(:names AS text[]))
  AND p.state = 'active' AND p.type = 'catalog' AND p.private IS FALSE
  AND NOT EXISTS (SELECT 1 FROM liuzhou_offline_entry o WHERE o.package_id = i.package_id)
""")


def _published_new(pkg: model.Package) -> bool:
    """A new entry as ``_published`` sees it (a new entry has no offline row)."""
    return pkg.state == "active" and pkg.type == "catalog" and not pkg.private


def stored_providers(names: list[str], connection: Any = None) -> dict[str, set]:
    """name → providers of the stored published entries carrying it, as many as
    ``duplicate_common_providers`` at most (none when it is 0), read through ``connection``
    (the session's by default)."""
    least = lz_config.duplicate_common_providers()
    found: dict[str, set] = {}
    if names and least > 0:
        for name_norm, org_id in (connection or model.Session).execute(_PROVIDERS, {"names": names, "least": least}):
            found.setdefault(name_norm, set()).add(org_id)
    return found


class ProvidersAhead:
    """:func:`stored_providers` of the item names of a bulk call's new entries, read by a thread
    on a connection of its own while the call writes their rows (the statement's time then
    runs in a second database process instead of after the rows). Only for a call that changes
    no stored entry before (no update): the other connection sees what is committed, which is
    then what the call's transaction sees of the stored entries' names. :meth:`get` gives
    ``None`` for other names, or if the read failed, and the call reads them itself."""

    def __init__(self, items: list[Any]):
        import threading
        self._items = items
        self._names: Optional[list[str]] = None
        self._found: Optional[dict[str, set]] = None
        self._thread = threading.Thread(target=self._run, name="liuzhou-art17-providers", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._names = sorted({n for items in self._items for n in normalized_names(items_of(items))})
            with model.meta.engine.connect() as connection:
                self._found = stored_providers(self._names, connection)
        except Exception as e:  # noqa: BLE001 - the call reads them itself (get)
            log.warning("Art 17: the stored providers were not read ahead (%s): read in the call", e)
            self._found = None

    def get(self, names: list[str]) -> Optional[dict[str, set]]:
        self._thread.join()
        return self._found if self._names == names else None


def check_new_packages(entries: list[tuple[model.Package, Any]], actor: Optional[model.User],
                       ahead: Optional[ProvidersAhead] = None) -> list[list[dict]]:
    """Art 17 for many new entries of one transaction (the bulk path), each compared as if they
    had been created one after the other in the given order: with the stored entries and with
    the entries before it in the list. Each package's id was generated by its create and no
    item name of the list is stored yet. Two queries for the list (the providers of its names,
    then the published entries carrying its uncommon names) instead of two per entry; the
    names of all entries in one statement; the warnings and their audit rows as
    :func:`record` writes them, in the order of the list. Returns the matches of each entry,
    in the form :func:`find` gives them. ``ahead``: the providers of the names read already
    (:class:`ProvidersAhead`)."""
    least = lz_config.duplicate_common_providers()
    threshold, min_items = lz_config.duplicate_threshold(), lz_config.duplicate_min_items()
    named = [(pkg, normalized_names(items_of(items))) for pkg, items in entries]
    every = sorted({n for _, names in named for n in names})
    found = ahead.get(every) if ahead is not None else None
    providers = found if found is not None else stored_providers(every)
    # which names each entry compares: those fewer than ``least`` providers use, counting the
    # stored published entries, the published entries before it in the list and itself
    batch_providers: dict[str, set] = {}
    compared: list[dict[str, str]] = []
    for pkg, names in named:
        owner = pkg.owner_org
        if owner and _published_new(pkg):
            for n in names:
                batch_providers.setdefault(n, set()).add(owner)
        if least > 0:
            compared.append({k: v for k, v in names.items()
                             if len(providers.get(k, set()) | batch_providers.get(k, set())) < least})
        else:
            compared.append(dict(names))
    wanted_set = {n for names in compared for n in names}
    wanted = sorted(wanted_set)
    # name → provider → the published entries carrying it: the stored ones, then (as the
    # entries of the list are passed) those before the entry compared. An entry's own
    # department is skipped as a whole (its entries often share their names).
    carriers: dict[str, dict[str, list]] = {}
    about: dict[str, tuple] = {}     # package id → (name, title, owner_org)
    if wanted:
        for package_id, name_norm, name, title, owner_org in model.Session.execute(_CARRIERS, {"names": wanted}):
            carriers.setdefault(name_norm, {}).setdefault(owner_org, []).append(package_id)
            about[package_id] = (name, title, owner_org)
    # name → department left out → the entries of the other departments carrying it, in one
    # list: made once and kept while no entry of another department is added to the name
    # (the entries of one workbook are one department's, so most are made once a call)
    others_of: dict[str, dict[Optional[str], list]] = {}

    def others(key: str, owner: Optional[str]) -> list:
        made = others_of.setdefault(key, {})
        ids = made.get(owner)
        if ids is None:
            ids = made[owner] = [i for org, org_ids in carriers.get(key, {}).items()
                                 if not (owner and org == owner) for i in org_ids]
        return ids

    results: list[list[dict]] = []
    for (pkg, names), own in zip(named, compared):
        matches: list[dict] = []
        owner, own_id = pkg.owner_org, pkg.id  # read once: the ORM's attribute access costs
        if own:
            total = len(own)
            lists = {key: others(key, owner) for key in own}
            # count the shared names of every other entry at once (Counter counts in C), then
            # name them only for the entries that pass the thresholds
            counted = Counter(itertools.chain.from_iterable(lists.values()))
            least_shared = max(min_items, 1)
            rows = []
            sets: Optional[dict] = None
            for package_id, count in counted.items():
                if count < least_shared or count * 100 < threshold * total or package_id == own_id:
                    continue
                if sets is None:
                    sets = {key: set(ids) for key, ids in lists.items()}
                keys = [key for key, ids in sets.items() if package_id in ids]
                name, title, owner_org = about[package_id]
                rows.append((package_id, name, title, owner_org, keys))
            # find()'s order: most shared names first, then the title (the database's C collation)
            rows.sort(key=lambda r: (-len(r[4]), r[2] or ""))
            for package_id, name, title, owner_org, keys in rows[:50]:
                org = model.Group.get(owner_org) if owner_org else None
                keys = sorted(keys)
                matches.append({
                    "package_id": package_id, "name": name, "title": title,
                    "provider_org": org.name if org else owner_org,
                    "provider_org_title": org.title if org else owner_org, "provider_org_id": owner_org,
                    "shared": [own[k] for k in keys], "shared_count": len(keys), "item_count": total,
                    "ratio": round(100 * len(keys) / total), "url": entry_url(name)})
        if _published_new(pkg):
            about[own_id] = (pkg.name, pkg.title, owner)
            for key in names:
                if key in wanted_set:
                    carriers.setdefault(key, {}).setdefault(owner, []).append(own_id)
                    made = others_of.get(key)
                    if made:  # the lists that take this department's entries are out of date
                        for left_out in [o for o in made if not (owner and o == owner)]:
                            del made[left_out]
        results.append(matches)
    rows = [{"package_id": package_id, "name_norm": k, "name": v, "org_id": owner}
            for package_id, owner, names in ((pkg.id, pkg.owner_org, names) for pkg, names in named)
            if owner for k, v in names.items()]
    if rows:
        model.Session.execute(ItemName.__table__.insert(), rows)
    record_new([(pkg, matches) for (pkg, _), matches in zip(named, results) if matches], actor)
    return results


def check_package(pkg: model.Package, items: Any, actor: Optional[model.User], fresh: bool = False) -> list[dict]:
    """Art 17 on create or update: sync the entry's names, find and record overlaps. ``fresh``:
    a create whose id was generated just now (no stored names or warnings can name it: two
    statements fewer, the bulk path's)."""
    names = sync_item_names(pkg.id, pkg.owner_org, items, fresh)
    matches = find(names, pkg.owner_org, exclude_package_id=pkg.id)
    record(pkg, matches, actor, fresh=fresh)
    return matches
