"""``ckan liuzhou reindex``: bring the search index level with the database after Solr was
down (docs/resilience.md), without a full rebuild.

Compares every dataset the database holds (not deleted) with the index by id and
``metadata_modified``: missing or older documents are indexed again, documents of datasets
that are gone are removed. ``full=True`` rebuilds everything (CKAN's ``search-index rebuild``).
"""
from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode
from dataclasses import dataclass, field
from typing import Callable, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import search
from ckan.lib.search.common import make_connection


@dataclass
class Plan:
    stale: list[str] = field(default_factory=list)     # missing from the index or older there
    orphans: list[str] = field(default_factory=list)   # in the index, not in the database
    in_db: int = 0
    in_index: int = 0


def _ms(value: Optional[dt.datetime]) -> Optional[int]:
    """A naive UTC datetime as epoch milliseconds (Solr keeps dates to the millisecond)."""
    if value is None:
        return None
    return int(value.replace(tzinfo=dt.timezone.utc).timestamp()) * 1000 + value.microsecond // 1000


def _iso_ms(value: Optional[str]) -> Optional[int]:
    if not value:
        return None
    when = dt.datetime.strptime(value.rstrip("Z")[:23].ljust(23, "0") if "." in value
                                else value.rstrip("Z") + ".000", "%Y-%m-%dT%H:%M:%S.%f")
    return _ms(when)


def _indexed() -> dict[str, Optional[int]]:
    """id → metadata_modified (epoch ms) of this site's documents, read with a cursor (raw
    JSON: pysolr's own date conversion drops the milliseconds)."""
    conn = make_connection()
    out: dict[str, Optional[int]] = {}
    cursor = "*"
    while True:
        params = {"q": "*:*", "fq": f'+site_id:"{tk.config["ckan.site_id"]}"', "fl": "id,metadata_modified",
                  "sort": "index_id asc", "rows": 1000, "cursorMark": cursor, "wt": "json"}
        res = json.loads(conn._send_request("get", "select/?" + urlencode(params)))
        docs = res["response"]["docs"]
        for doc in docs:
            out[doc["id"]] = _iso_ms(doc.get("metadata_modified"))
        if res.get("nextCursorMark", cursor) == cursor or not docs:
            return out
        cursor = res["nextCursorMark"]


def plan() -> Plan:
    rows = (model.Session.query(model.Package.id, model.Package.metadata_modified)
            .filter(model.Package.state != "deleted").all())
    indexed = _indexed()
    p = Plan(in_db=len(rows), in_index=len(indexed))
    db_ids = set()
    for pid, modified in rows:
        db_ids.add(pid)
        got = indexed.get(pid, -1)
        if got is None or got < (_ms(modified) or 0):
            p.stale.append(pid)
    p.orphans = sorted(set(indexed) - db_ids)
    return p


def run(full: bool = False, echo: Callable[[str], None] = print) -> Plan:
    if full:
        search.rebuild(force=False, defer_commit=True, quiet=True)
        search.commit()
        p = Plan(in_db=model.Session.query(model.Package).filter(model.Package.state != "deleted").count())
        echo(f"rebuilt the whole index: {p.in_db} datasets")
        return p
    p = plan()
    if p.stale:
        search.rebuild(package_ids=p.stale, defer_commit=True, quiet=True)
    index = search.index_for(model.Package)
    for pid in p.orphans:
        index.delete_package({"id": pid})
    search.commit()
    echo(f"database: {p.in_db} datasets, index before: {p.in_index}; indexed again: {len(p.stale)}, "
         f"removed: {len(p.orphans)}")
    return p
