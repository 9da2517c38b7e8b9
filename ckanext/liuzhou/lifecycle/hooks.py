"""What the lifecycle rules add to ``package_create`` and ``package_update`` (called from the
catalog's chained actions, so there is one chain per action):

- Art 17: the information items are compared with other providers' entries; the overlaps are
  recorded and returned as ``duplicate_warnings``;
- Art 14: an update of an entry named by an open upkeep notice, by its department, fulfils it;
- Art 33.1: a resource of a published entry set offline or removed outside the Art 21 path is
  flagged (``resource_update``, ``resource_patch`` and ``resource_delete`` go through
  ``package_update``).

The hooks write after the core action has saved the entry and commit unless ``defer_commit``.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.model as model

from ..calendar import store as cal
from .. import authz
from . import duplicates, events, violations
from .model import UpkeepTarget
from .states import TARGET_DONE, TARGET_OPEN

INTERNAL = "liuzhou_lifecycle_internal"   # context flag of the lifecycle's own updates


def _user(context) -> Optional[model.User]:
    return authz.context_user(context)


def _package(result: Any) -> Optional[model.Package]:
    ref = result.get("id") if isinstance(result, dict) else result
    return model.Package.get(ref) if isinstance(ref, str) else None


def _statuses(pkg: model.Package) -> dict[str, str]:
    return {r.id: (r.extras or {}).get("online_status") or "online"
            for r in pkg.resources if r.state == "active"}


def before_update(context, data_dict: dict) -> Optional[dict]:
    pkg = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
    if pkg is None or pkg.type != "catalog":
        return None
    return {"id": pkg.id, "resources": _statuses(pkg),
            "published": pkg.state == "active" and not pkg.private}


def _finish(context, result: Any, matches: list[dict]) -> Any:
    if not context.get("defer_commit"):
        model.repo.commit()
    if isinstance(result, dict):
        result["duplicate_warnings"] = matches
    return result


def after_create(context, result: Any) -> Any:
    pkg = _package(result)
    if pkg is None or pkg.type != "catalog":
        return result
    matches = duplicates.check_package(pkg, pkg.extras.get("information_items"), _user(context))
    return _finish(context, result, matches)


def after_update(context, before: Optional[dict], result: Any) -> Any:
    if before is None:
        return result
    pkg = _package(result) or model.Package.get(before["id"])
    if pkg is None:
        return result
    actor = _user(context)
    matches = duplicates.check_package(pkg, pkg.extras.get("information_items"), actor)
    violations.check_resources(pkg, before["resources"], _statuses(pkg), actor, before["published"])
    if not context.get(INTERNAL):
        fulfil_upkeep(pkg, actor)
    return _finish(context, result, matches)


def fulfil_upkeep(pkg: model.Package, actor: Optional[model.User]) -> None:
    """Art 14: the entry's department updated it: open upkeep targets naming it are done."""
    if actor is None or actor.sysadmin or not authz.is_member(pkg.owner_org, actor):
        return  # the platform's own updates (site user, sysadmins) do not count
    targets = (model.Session.query(UpkeepTarget)
               .filter(UpkeepTarget.package_id == pkg.id, UpkeepTarget.state == TARGET_OPEN)
               .with_for_update().all())
    now = cal.utcnow()
    for t in targets:
        t.state, t.done_by, t.done_at = TARGET_DONE, actor.id, now
        t.on_time = now <= t.notice.deadline if t.notice else None
        t.response = "entry updated"
        events.record("upkeep_notice", t.notice, "entry_updated", actor, "provider", actor_org_id=pkg.owner_org,
                      from_state=TARGET_OPEN, to_state=TARGET_DONE, now=now, package_id=pkg.id,
                      provider_org_id=pkg.owner_org, detail={"target_id": t.id, "on_time": t.on_time})
