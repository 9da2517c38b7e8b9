"""A dry run of a regional harvest: what it would add, change and remove."""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk

from .harvester import LiuzhouRegionHarvester, city_own, listed_not_newer
from .mapping import local_name
from .model import CascadeEntry


def plan(source_id_or_name: str) -> dict:
    source = tk.get_action("harvest_source_show")({"ignore_auth": True}, {"id": source_id_or_name})
    h = LiuzhouRegionHarvester()
    h._set_config(source.get("config") or "")
    remote = h._list_datasets(source["url"].rstrip("/"))  # ids, names, modification times
    known = {e.remote_id: e for e in model.Session.query(CascadeEntry)
             .filter(CascadeEntry.source_id == source["id"])}
    out = {"add": [], "change": [], "remove": [], "unchanged": 0}
    seen = set()
    own = city_own({pkg["id"] for pkg in remote})
    for pkg in remote:
        if pkg["id"] in own:
            continue  # the city's own entry, harvested up by the region: never brought back
        seen.add(pkg["id"])
        entry = known.get(pkg["id"])
        if entry is None:
            out["add"].append(local_name(pkg["name"]))
        elif not listed_not_newer(pkg.get("metadata_modified"), entry.remote_modified):
            out["change"].append(local_name(pkg["name"]))
        else:
            out["unchanged"] += 1
    out["remove"] = sorted(local_name(e.remote_name) for rid, e in known.items() if rid not in seen)
    return out
