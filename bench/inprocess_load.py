"""Load catalog entries into one bench side in process, not through the web API.

    python -m bench.inprocess_load --side project --corpus real --indexes FILE [--batch 500]

Run by ``python -m bench`` (``--corpus real``) as a child process with the side's environment
(``Side.env()``: its database, Solr core and Redis) and its ini:

- the project: ``ckanext.liuzhou.catalog.bulk.save_many`` in batches of ``--batch`` entries,
  as the site user: every entry validated by the form's schema and rules, as the import does;
  refused entries are counted with their field errors;
- stock CKAN: ``package_create`` per entry (stock CKAN has no bulk path), as the site user, with
  its ``return_id_only`` context option (no ``package_show`` of the created entry for an answer
  nobody reads); the entry is validated, written, its activity recorded and indexed by CKAN's
  own synchronous indexer as through the API.

Prints one JSON object on stdout: entries created, refused (and why, counted by field and
message), wall seconds and this process's CPU seconds (``time.process_time``: validation, ORM
and the Solr client; PostgreSQL's and Solr's own work is not in it).
"""
from __future__ import annotations

import argparse
import collections
import json
import logging
import os
import sys
import time


def _say(msg: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _flat(errors, prefix: str = "") -> list[str]:
    """CKAN's error dict as 'field: message' strings (nested lists of dicts flattened)."""
    out = []
    if isinstance(errors, dict):
        for k, v in errors.items():
            out += _flat(v, f"{prefix}{k}" if not prefix else f"{prefix}.{k}")
    elif isinstance(errors, list):
        for v in errors:
            if isinstance(v, (dict, list)):
                out += _flat(v, prefix)
            elif v:
                out.append(f"{prefix}: {v}")
    elif errors:
        out.append(f"{prefix}: {errors}")
    return out


def catalog_of(name: str, seed: int | None, limit: int | None):
    if name == "real":
        from .real_catalog import SEED, RealCatalog
        return RealCatalog(seed or SEED, limit=limit)
    from .corpus import Catalog
    return Catalog(seed or 2026)


def load(side: str, catalog, indexes: list[int], batch: int, defer_index: bool = False) -> dict:
    import ckan.model as model
    import ckan.plugins as plugins
    import ckan.plugins.toolkit as tk

    if defer_index:
        # stock CKAN's own indexer is its system plugin synchronous_search: unloaded in this
        # process only, so the entries are written without their Solr documents; stock's
        # ``ckan search-index rebuild --only-missing`` indexes them (bench/real_bench.py)
        plugins.unload("synchronous_search")

    from . import corpus

    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    context = {"user": site, "auth_user_obj": model.User.get(site)}
    refused: collections.Counter = collections.Counter()
    first_refused: list[str] = []
    created = unchanged = 0
    t0, c0 = time.monotonic(), time.process_time()
    for start in range(0, len(indexes), batch):
        part = indexes[start:start + batch]
        entries = [catalog.entry(i) for i in part]
        if side == "project":
            from ckanext.liuzhou.catalog import bulk
            outcomes = bulk.save_many(dict(context), [corpus.api_entry(e) for e in entries])
            for o in outcomes:
                if o.action == bulk.REFUSED:
                    msgs = _flat(o.errors) or ["(no message)"]
                    for m in msgs:
                        refused[m[:160]] += 1
                    if len(first_refused) < 10:
                        first_refused.append(f"{entries[o.index]['title']}: {'; '.join(msgs)[:300]}")
                elif o.action == bulk.CREATE:
                    created += 1
                else:
                    unchanged += 1
        else:
            for e in entries:
                try:
                    # return_id_only: stock's own context option, skips the package_show of
                    # the answer (the entry is written and indexed all the same)
                    tk.get_action("package_create")(
                        {"user": site, "ignore_auth": True, "return_id_only": True}, corpus.to_stock(e))
                    created += 1
                except tk.ValidationError as err:
                    msgs = _flat(err.error_dict) or ["(no message)"]
                    for m in msgs:
                        refused[m[:160]] += 1
                    if len(first_refused) < 10:
                        first_refused.append(f"{e['title']}: {'; '.join(msgs)[:300]}")
                    model.Session.rollback()
        done = start + len(part)
        wall = time.monotonic() - t0
        _say(f"{side}: {done}/{len(indexes)} entries, {done / wall:.1f}/s wall, "
             f"{done / max(time.process_time() - c0, 1e-9):.1f}/s per CPU second of this process")
    wall, cpu = time.monotonic() - t0, time.process_time() - c0
    return {
        "how": "in process: bulk.save_many" if side == "project" else "in process: package_create (return_id_only"
               + (", indexing deferred)" if defer_index else ")"),
        "entries": created, "unchanged": unchanged, "refused": len(indexes) - created - unchanged,
        "refused_why": dict(refused.most_common(30)), "first_refused": first_refused,
        "seconds": round(wall, 1), "cpu_seconds": round(cpu, 1),
        "per_second": round(created / wall, 2) if wall else None,
        "per_cpu_second": round(created / cpu, 2) if cpu else None,
        "batch": batch, "index_deferred": defer_index,
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.inprocess_load", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--side", choices=["project", "stock"], required=True)
    p.add_argument("--corpus", choices=["generated", "real"], default="real")
    p.add_argument("--seed", type=int)
    p.add_argument("--indexes", required=True, help="JSON file: the entry indexes to load")
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--defer-index", action="store_true", help="stock: write the entries without indexing "
                   "them (synchronous_search unloaded in this process); index with `ckan search-index rebuild --only-missing`")
    p.add_argument("-c", "--config", default=os.environ.get("CKAN_INI"))
    args = p.parse_args(argv)
    with open(args.indexes, encoding="utf-8") as f:
        indexes = json.load(f)
    catalog = catalog_of(args.corpus, args.seed, max(indexes) + 1 if indexes else 0)

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(args.config))
    for name in ("ckan", "ckanext", "ckan.lib.search", "ckan.model.modification"):
        logging.getLogger(name).setLevel(logging.ERROR)
    with app._wsgi_app.test_request_context():
        result = load(args.side, catalog, indexes, args.batch, args.defer_index)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
